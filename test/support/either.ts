/** Unwrap the Either of a parser under test: the accepted value, or the problems it reported. */
import * as E from 'fp-ts/lib/Either.js'

export const accepted = <A>(result: E.Either<readonly string[], A>): A => {
  if (E.isLeft(result)) throw new Error(`refused: ${result.left.join('; ')}`)
  return result.right
}

export const refusedWith = <A>(result: E.Either<readonly string[], A>): readonly string[] => {
  if (E.isRight(result)) throw new Error('expected it to be refused, but it was accepted')
  return result.left
}
