/**
 * Chat ids look like the real `2104.10414779.SVhDCJ9flq79a`: month of the
 * chat, visitor number, 13 random-looking characters. The first 6 of those
 * encode the chat's index through a seeded bijection, so `chats?ids=` finds a
 * chat without a table of all ids, while ids of chats that share an update
 * second still sort in an order unrelated to the index.
 */
import { Rng } from './random.js'
import { ALPHANUMERIC } from './common.js'

const DIGITS = 6
const MODULUS = BigInt(ALPHANUMERIC.length) ** BigInt(DIGITS)
/** Odd and not a multiple of 31, so coprime with 62^6 = 2^6 * 31^6. */
const MULTIPLIER = 35_104_347_077n

function inverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m]
  let [oldS, s] = [1n, 0n]
  while (r !== 0n) {
    const q = oldR / r
    ;[oldR, r] = [r, oldR - q * r]
    ;[oldS, s] = [s, oldS - q * s]
  }
  return ((oldS % m) + m) % m
}

const MULTIPLIER_INVERSE = inverse(MULTIPLIER, MODULUS)
export const MAX_ENCODED_INDEX = Number(MODULUS) - 1

export class ChatIds {
  private readonly offset: bigint

  constructor(seed: number) {
    this.offset = BigInt(Rng.derive(seed, 'chat-id-offset').int(0, MAX_ENCODED_INDEX))
  }

  /** The 13-character tail of chat #index's id; `rng` supplies the 7 free characters. */
  suffix(index: number, rng: Rng): string {
    let value = (BigInt(index) * MULTIPLIER + this.offset) % MODULUS
    let head = ''
    for (let k = 0; k < DIGITS; k++) {
      head = ALPHANUMERIC.charAt(Number(value % 62n)) + head
      value /= 62n
    }
    return head + rng.string(7, ALPHANUMERIC)
  }

  /** The index an id claims to be, or undefined when it cannot be one of ours. */
  indexOf(id: string): number | undefined {
    const match = /^\d{4}\.\d+\.([A-Za-z0-9]{13})$/.exec(id)
    if (match === null) return undefined
    let value = 0n
    for (const ch of match[1]!.slice(0, DIGITS)) value = value * 62n + BigInt(ALPHANUMERIC.indexOf(ch))
    return Number((((((value - this.offset) % MODULUS) + MODULUS) % MODULUS) * MULTIPLIER_INVERSE) % MODULUS)
  }
}
