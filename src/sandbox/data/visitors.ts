/**
 * Website visitors: a pool that chats, offline messages and visitor bans draw
 * from, so a returning visitor carries the same id and name every time.
 */
import { Rng } from './random.js'
import { FIRST_NAMES, LAST_NAMES } from '../vocabulary/account.js'
import { VISITOR_NOTES } from '../vocabulary/chat.js'
import { ALPHANUMERIC, slug } from './common.js'

export interface Visitor {
  readonly id: string
  readonly name: string
  readonly email: string
  readonly phone: string
  readonly notes: string
}

/** Visitor numbers grow with the visitor's index (so they are unique) and look like the real 7-8 digit ones. */
const VISITOR_NUMBER_SLOT = 53

/** How many distinct visitors a history of `chats` chats has: some come back. */
export function visitorPoolSize(chats: number): number {
  return Math.max(1, Math.ceil(chats * 0.7))
}

export class Visitors {
  private readonly numberBase: number

  constructor(private readonly seed: number) {
    this.numberBase = 2_000_000 + Rng.derive(seed, 'visitor-base').int(0, 8_000_000)
  }

  /** The number in visitor, chat and session ids (`1704.2314815.QHg...`). */
  number(index: number): number {
    return this.numberBase + index * VISITOR_NUMBER_SLOT + Rng.derive(this.seed, 'visitor-number', index).int(0, VISITOR_NUMBER_SLOT - 1)
  }

  visitor(index: number): Visitor {
    const rng = Rng.derive(this.seed, 'visitor', index)
    const id = `${this.number(index)}.${rng.string(14, ALPHANUMERIC)}`
    if (rng.chance(0.55)) {
      // Anonymous: the widget names them after a random number and knows nothing else.
      return { id, name: `Visitor ${rng.int(10_000_000, 99_999_999)}`, email: '', phone: '', notes: '' }
    }
    const first = rng.pick(FIRST_NAMES)
    const last = rng.chance(0.4) ? '' : rng.pick(LAST_NAMES)
    return {
      id,
      name: `${first} ${last}`.trim(),
      email: rng.chance(0.85) ? `${slug(first)}${last === '' ? '' : `.${slug(last)}`}${rng.int(1, 99)}@mail.example` : '',
      phone: rng.chance(0.3) ? `+${rng.int(1, 99)}${rng.int(100_000_000, 999_999_999)}` : '',
      notes: rng.chance(0.15) ? rng.pick(VISITOR_NOTES) : '',
    }
  }

  /** The channel name history entries carry: `#supportchat:2314815-gCgOWZRtqVKquB`. */
  static channel(visitor: Visitor): string {
    return `#supportchat:${visitor.id.replace('.', '-')}`
  }
}
