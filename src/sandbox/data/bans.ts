/**
 * Bans: IP-address bans and visitor bans in one id space, ids interleaved
 * between the two kinds, each ban a pure function of (seed, index) apart from
 * the creation time of bans added between runs.
 */
import { Rng } from './random.js'
import { BAN_REASONS } from '../vocabulary/chat.js'
import { checkCount, pageFrom, isoSeconds, REFERENCE_NOW, type ChangeClock } from './common.js'
import type { Visitors } from './visitors.js'

export interface IpBan {
  readonly id: number
  readonly type: 'ip_address'
  readonly ip_address: string
  readonly reason: string
  readonly created_at: string | null
}

export interface VisitorBan {
  readonly id: number
  readonly type: 'visitor'
  readonly visitor_id: string
  readonly visitor_name: string
  readonly reason: string
  readonly created_at: string | null
}

export type Ban = IpBan | VisitorBan

/** The `bans` response: both arrays sorted by id. */
export interface BansPage {
  readonly ip_address: IpBan[]
  readonly visitor: VisitorBan[]
}

/** Ids look like the real ones (8-9 digits, 70519881, 124503543) with irregular gaps >= 2. */
const BAN_ID_BASE = 70_000_000
const BAN_ID_SLOT = 400_000
/** Added bans are this many seconds apart (at most). */
const ADDED_SLOT = 60
/** Bans older than this share of the history may lack `created_at`. */
const OLD_SHARE = 0.2

export function randomIp(rng: Rng): string {
  return `${rng.int(11, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`
}

export class Bans {
  private readonly idBase: number
  private total: number
  /** Bans added between runs, by batch: first index and first creation time. */
  private readonly batches: Array<{ readonly from: number; readonly base: number }> = []

  constructor(
    private readonly seed: number,
    private readonly initial: number,
    private readonly visitors: Visitors,
    private readonly visitorPool: number,
    private readonly createdFrom: number,
  ) {
    this.idBase = BAN_ID_BASE + Rng.derive(seed, 'ban-base').int(0, 400_000)
    this.total = initial
  }

  get count(): number {
    return this.total
  }

  /** Id of ban #index: strictly increasing in the index. */
  id(index: number): number {
    return this.idBase + index * BAN_ID_SLOT + Rng.derive(this.seed, 'ban-id', index).int(0, BAN_ID_SLOT - 2)
  }

  maxId(): number | undefined {
    return this.total === 0 ? undefined : this.id(this.total - 1)
  }

  ban(index: number): Ban {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.total) throw new RangeError(`sandbox: no ban #${index}`)
    const rng = Rng.derive(this.seed, 'ban', index)
    // Generated bans mix the kinds at random; added ones alternate, starting with an IP ban.
    const ip = index < this.initial ? rng.chance(0.5) : (index - this.initial) % 2 === 0
    const common = { id: this.id(index), reason: rng.pick(BAN_REASONS), created_at: this.createdAt(index, rng) }
    if (ip) return { id: common.id, type: 'ip_address', ip_address: randomIp(rng), reason: common.reason, created_at: common.created_at }
    const visitor = this.visitors.visitor(rng.int(0, this.visitorPool - 1))
    return {
      id: common.id,
      type: 'visitor',
      visitor_id: visitor.id,
      visitor_name: visitor.name,
      reason: common.reason,
      created_at: common.created_at,
    }
  }

  /** Bans with id >= sinceId (inclusive), ascending, at most `limit`, both kinds together. */
  since(sinceId: number, limit: number): Ban[] {
    return pageFrom(
      this.total,
      (i) => this.id(i) >= sinceId,
      limit,
      (i) => this.ban(i),
    )
  }

  all(): Ban[] {
    return this.since(Number.NEGATIVE_INFINITY, this.total)
  }

  /** `n` more bans above the max id, alternating kinds, created after every earlier change. */
  add(n: number, clock: ChangeClock): Ban[] {
    checkCount('addBans(n)', n, 0)
    if (n === 0) return []
    const base = clock.now + 1
    const last = base + n * ADDED_SLOT
    clock.check(last)
    const from = this.total
    this.batches.push({ from, base })
    this.total += n
    clock.advanceTo(last)
    return Array.from({ length: n }, (_, k) => this.ban(from + k))
  }

  private createdAt(index: number, rng: Rng): string | null {
    if (index >= this.initial) {
      const batch = this.batches.findLast((b) => b.from <= index)!
      return isoSeconds(batch.base + (index - batch.from) * ADDED_SLOT + rng.int(0, ADDED_SLOT - 1))
    }
    // Old bans predate the field: some of them say null.
    if (index < this.initial * OLD_SHARE && rng.chance(0.5)) return null
    const span = REFERENCE_NOW - this.createdFrom
    const start = this.createdFrom + Math.floor((index * span) / this.initial)
    const end = this.createdFrom + Math.floor(((index + 1) * span) / this.initial)
    return isoSeconds(start + rng.int(0, Math.max(0, end - start - 1)))
  }
}
