/** A JSON file named on the command line, read into a value or a Failure that names the file (its own module: discover needs only this). */
import { readFile } from 'node:fs/promises'
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { inputError, type Failure } from '../core/failure.js'

export type What = 'config' | 'catalog' | 'state'

export const readJsonFile = (what: What, file: string): TE.TaskEither<Failure, unknown> =>
  pipe(
    TE.tryCatch(
      () => readFile(file, 'utf8'),
      (error) => {
        const code = (error as { code?: string }).code
        const reason =
          code === 'ENOENT'
            ? 'not found'
            : code === 'EACCES'
              ? 'not readable (permission denied)'
              : code === 'EISDIR'
                ? 'is a directory'
                : String((error as Error).message)
        return inputError(what, file, reason)
      },
    ),
    TE.chainEitherK((text) =>
      E.tryCatch(
        // A byte-order mark (Windows editors write one) is not part of the JSON.
        () => JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text) as unknown,
        (error) => inputError(what, file, `not valid JSON (${(error as Error).message})`),
      ),
    ),
  )
