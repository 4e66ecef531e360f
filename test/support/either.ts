/** The two sides of an Either under test: the one the test expects, or a failed test saying what the other side held. */
import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { render, type Failure } from '../../src/core/failure.js'

const isFailure = (value: unknown): value is Failure =>
  typeof value === 'object' && value !== null && typeof (value as { _tag?: unknown })._tag === 'string'

/** A Left as a line: a parser's problems joined, a Failure as the command edge renders it, anything else as JSON. */
const asLine = (value: unknown): string =>
  Array.isArray(value) && value.every((v) => typeof v === 'string')
    ? value.join('; ')
    : isFailure(value)
      ? render(value).join('; ')
      : asJson(value)

const asJson = (value: unknown): string => {
  try {
    return String(JSON.stringify(value)).slice(0, 500)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

/** The value of a Right; `what` names what was expected, for the failure message. */
export const rightOf = <L, A>(result: E.Either<L, A>, what = 'a value'): A => {
  if (E.isLeft(result)) return expect.fail(`expected ${what}, got ${asLine(result.left)}`)
  return result.right
}

/** The value of a Left. */
export const leftOf = <L, A>(result: E.Either<L, A>): L => {
  if (E.isRight(result)) return expect.fail(`expected a failure, got ${asLine(result.right)}`)
  return result.left
}
