/**
 * Where chat #i sits in time, without generating any other chat.
 *
 * Chats are generated in time order: the base `update_timestamp` is
 * non-decreasing in the index, so "first chat updated at or after T" is a
 * binary search. Three times per chat:
 *
 * - raw(i): strictly increasing, one slot of the three-year history per chat
 *   (chats added between runs: one minute per chat after the change clock).
 * - natural(i): raw(i), or for about 3% of chats raw(i-1), so small groups of
 *   chats share an update second. The chat's own times (timestamp,
 *   end_timestamp) are derived from it, at most LAG before it.
 * - base(i): natural(i), except inside the bulk-update cluster: one run of
 *   consecutive chats (1100 for the default 3000) all updated at the same
 *   second, the last natural time of the run, as if an admin had tagged them
 *   all at once. The cluster is larger than an export page on purpose.
 */
import { Rng } from './random.js'
import { DAY, firstIndex, HISTORY_SPAN, HISTORY_START } from './common.js'

/** The longest a chat lasts (seconds), first message to last. */
export const MAX_DURATION = 2 * 3600
/** The longest between a chat's end (offline message: its sending) and its update (rating, reading, ticket). */
export const MAX_UPDATE_DELAY = 3 * DAY
/** natural(i) - LAG <= every time of the chat's own <= natural(i). */
export const LAG = MAX_DURATION + MAX_UPDATE_DELAY
/** Chats added between runs are at most this far apart (seconds). */
export const ADDED_SLOT = 60
/** Size of the bulk-update cluster: larger than the 1000-record export page. */
export const CLUSTER_SIZE = 1100

const TIE_RATE = 0.03

export class ChatLayout {
  private total: number
  private readonly batches: Array<{ readonly from: number; readonly base: number }> = []
  /** Indexes [from, to) share `time` as their base update timestamp. */
  readonly cluster: { readonly from: number; readonly to: number; readonly time: number } | undefined

  constructor(
    private readonly seed: number,
    readonly initial: number,
  ) {
    if (initial > HISTORY_SPAN) throw new RangeError(`sandbox: at most ${HISTORY_SPAN} chats`)
    this.total = initial
    const size = Math.min(CLUSTER_SIZE, Math.floor(initial * 0.4))
    if (size >= 2) {
      const from = Math.floor((initial - size) * 0.45)
      const to = from + size
      this.cluster = { from, to, time: this.raw(to - 1) }
    }
  }

  get count(): number {
    return this.total
  }

  /** Strictly increasing in the index. */
  raw(index: number): number {
    const rng = Rng.derive(this.seed, 'chat-slot', index)
    if (index < this.initial) {
      const start = HISTORY_START + Math.floor((index * HISTORY_SPAN) / this.initial)
      const end = HISTORY_START + Math.floor(((index + 1) * HISTORY_SPAN) / this.initial)
      return start + rng.int(0, end - start - 1)
    }
    const batch = this.batchOf(index)
    return batch.base + (index - batch.from) * ADDED_SLOT + rng.int(0, ADDED_SLOT - 1)
  }

  /** The time the chat's own timestamps derive from: non-decreasing in the index. */
  natural(index: number): number {
    const segmentStart = index < this.initial ? 0 : this.batchOf(index).from
    const tied = index > segmentStart && Rng.derive(this.seed, 'chat-tie', index).chance(TIE_RATE)
    return tied ? this.raw(index - 1) : this.raw(index)
  }

  /** The chat's `update_timestamp` before any edit: non-decreasing in the index. */
  base(index: number): number {
    const c = this.cluster
    return c !== undefined && index >= c.from && index < c.to ? c.time : this.natural(index)
  }

  /** First index whose base update is >= t (or count). */
  firstBaseAtOrAfter(t: number): number {
    return firstIndex(0, this.total, (i) => this.base(i) >= t)
  }

  /** First index whose natural time is >= t (or count). */
  firstNaturalAtOrAfter(t: number): number {
    return firstIndex(0, this.total, (i) => this.natural(i) >= t)
  }

  /** Latest time a batch of `n` chats starting at `base` uses. */
  static batchEnd(base: number, n: number): number {
    return base + n * ADDED_SLOT
  }

  /** Appends `n` chats whose times start at `base`; returns the first new index. */
  addBatch(n: number, base: number): number {
    const from = this.total
    this.batches.push({ from, base })
    this.total += n
    return from
  }

  private batchOf(index: number): { readonly from: number; readonly base: number } {
    const batch = this.batches.findLast((b) => b.from <= index)
    if (batch === undefined || index >= this.total) throw new RangeError(`sandbox: no chat #${index}`)
    return batch
  }
}
