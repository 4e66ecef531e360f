/**
 * The run's one output: every write of a run goes through it, one at a time,
 * so a page written in pieces is never split by another stream's lines and
 * the STATE after it still follows exactly its own records.
 */
import * as E from 'fp-ts/lib/Either.js'
import { outputClosed, type Failure } from '../../core/failure.js'

/**
 * A page goes out in pieces of about this size (characters, or bytes of a
 * LineBuffer: near enough). One string for a whole page (megabytes) lands in
 * V8's large-object space, which only a full collection frees, and costs fresh
 * memory for it and its bytes on every page; pieces of this size are ordinary
 * young objects, cheap to make and to drop.
 */
export const PIECE_BYTES = 32 * 1024

export interface Output {
  /**
   * In the output's turn: `lines` (in pieces), then what `closing` says once
   * the turn has come (the STATE those lines earn, made only then, so it
   * carries no bookmark whose records are still waiting to be written).
   */
  readonly write: (lines: string | Iterable<string>, closing?: () => string) => Promise<E.Either<Failure, void>>
}

/** An output over a `write` capability (resolves false once the reader has gone). */
export const outputTo = (write: (chunk: string) => Promise<boolean>): Output => {
  let pending: Promise<unknown> = Promise.resolve()
  const inTurn = <A>(task: () => Promise<A>): Promise<A> => {
    const turn = pending.then(task)
    pending = turn.catch(() => undefined)
    return turn
  }
  return {
    write: (lines, closing) =>
      inTurn(async () => {
        let piece = ''
        for (const line of typeof lines === 'string' ? [lines] : lines) {
          piece += line
          if (piece.length >= PIECE_BYTES) {
            if (!(await write(piece))) return E.left(outputClosed)
            piece = ''
          }
        }
        if (closing !== undefined) piece += closing()
        if (piece === '') return E.right(undefined)
        return (await write(piece)) ? E.right(undefined) : E.left(outputClosed)
      }),
  }
}
