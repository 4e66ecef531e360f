/**
 * The one place a result becomes an exit status: a Failure is printed as its
 * line(s) on stderr, never as a stack trace.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as TE from 'fp-ts/lib/TaskEither.js'
import { exitCode, render, type Failure } from '../core/failure.js'

export const settle = async <A>(
  task: TE.TaskEither<Failure, A>,
  onSuccess: (a: A) => void | Promise<void>,
  writeErr: (line: string) => void = (line) => process.stderr.write(line),
): Promise<number> => {
  let result: E.Either<Failure, A>
  try {
    result = await task()
  } catch (error) {
    // A bug, not a user problem: still one line, and a status that says the run failed.
    writeErr(`error: internal error: ${error instanceof Error ? error.message : String(error)}\n`)
    return 70
  }
  if (E.isLeft(result)) {
    for (const line of render(result.left)) writeErr(`${line}\n`)
    return exitCode(result.left)
  }
  await onSuccess(result.right)
  return 0
}
