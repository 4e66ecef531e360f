/**
 * The agent timeline: status changes of agents, in time order, each entry a
 * function of (seed, index). Start times are kept in epoch microseconds.
 *
 * Like the real API it holds entries that repeat an (agent_id, start_time)
 * pair, and distinct agents starting a status at the same microsecond.
 */
import { Rng } from './random.js'
import { checkCount, pageFrom, HISTORY_SPAN, HISTORY_START, isoMicros, type ChangeClock } from './common.js'

export interface TimelineEntry {
  readonly agent_id: number
  readonly start_time: string
  readonly status: 'online' | 'away' | 'invisible' | 'offline'
  readonly duration: number
  readonly engagement_count: number
}

const MICROS = 1_000_000
/** Entries added between runs are at most this far apart (µs). */
const ADDED_SLOT = 30 * MICROS
const DUPLICATE_RATE = 0.02
const SHARED_TIME_RATE = 0.03

type Tie = 'none' | 'duplicate' | 'shared'

const STATUSES: readonly TimelineEntry['status'][] = ['online', 'away', 'invisible', 'offline']
const statusOf = (roll: number): TimelineEntry['status'] =>
  roll < 0.4 ? 'online' : roll < 0.6 ? 'away' : roll < 0.75 ? 'invisible' : 'offline'

export class Timeline {
  private total: number
  private readonly batches: Array<{ readonly from: number; readonly base: number }> = []

  /** `agentIds(i)` is the id of agent #i; entries use agents #0 to #agentPool-1. */
  constructor(
    private readonly seed: number,
    private readonly initial: number,
    private readonly agentPool: number,
    private readonly agentId: (index: number) => number,
  ) {
    this.total = initial
  }

  get count(): number {
    return this.total
  }

  /** Start time (µs) of entry #index: non-decreasing in the index. */
  startMicros(index: number): number {
    return this.tie(index) === 'none' ? this.raw(index) : this.raw(index - 1)
  }

  entry(index: number): TimelineEntry {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.total) throw new RangeError(`sandbox: no timeline entry #${index}`)
    const rng = Rng.derive(this.seed, 'timeline', index)
    const tie = this.tie(index)
    let agent = this.baseAgent(index)
    if (tie === 'duplicate') agent = this.baseAgent(index - 1)
    if (tie === 'shared') {
      const previous = this.baseAgent(index - 1)
      agent = agent !== previous ? agent : (agent + 1) % this.agentPool
    }
    let status = statusOf(rng.next())
    // A repeated (agent_id, start_time) is another status of that agent at that instant, never the same one twice.
    if (tie === 'duplicate') {
      const previous = statusOf(Rng.derive(this.seed, 'timeline', index - 1).next())
      if (status === previous) status = STATUSES[(STATUSES.indexOf(status) + 1) % STATUSES.length]!
    }
    return {
      agent_id: this.agentId(agent),
      start_time: isoMicros(this.startMicros(index)),
      status,
      // Six decimals like the real 459.213926; some durations are long idle stretches.
      duration: rng.int(1_000_000, rng.chance(0.9) ? 3_600_000_000 : 36_000_000_000) / MICROS,
      engagement_count: status === 'online' ? rng.int(0, 6) : 0,
    }
  }

  /** Entries with start time >= `startMicros` (inclusive), in time order, at most `limit`. */
  since(startMicros: number, limit: number): Array<{ readonly micros: number; readonly entry: TimelineEntry }> {
    return pageFrom(
      this.total,
      (i) => this.startMicros(i) >= startMicros,
      limit,
      (i) => ({
        micros: this.startMicros(i),
        entry: this.entry(i),
      }),
    )
  }

  all(): TimelineEntry[] {
    return this.since(Number.NEGATIVE_INFINITY, this.total).map((e) => e.entry)
  }

  /** `n` entries after the last one, after every earlier change. */
  add(n: number, clock: ChangeClock): TimelineEntry[] {
    checkCount('addTimelineEntries(n)', n, 0)
    if (n === 0) return []
    const base = (clock.now + 1) * MICROS
    const last = Math.ceil((base + n * ADDED_SLOT) / MICROS)
    clock.check(last)
    const from = this.total
    this.batches.push({ from, base })
    this.total += n
    clock.advanceTo(last)
    return Array.from({ length: n }, (_, k) => this.entry(from + k))
  }

  /** Strictly increasing in the index: one slot per entry, a random point inside it. */
  private raw(index: number): number {
    const jitter = Rng.derive(this.seed, 'timeline-slot', index)
    if (index < this.initial) {
      const span = HISTORY_SPAN * MICROS
      const start = HISTORY_START * MICROS + Math.floor((index * span) / this.initial)
      const end = HISTORY_START * MICROS + Math.floor(((index + 1) * span) / this.initial)
      return start + jitter.int(0, end - start - 1)
    }
    const batch = this.batches.findLast((b) => b.from <= index)!
    return batch.base + (index - batch.from) * ADDED_SLOT + jitter.int(0, ADDED_SLOT - 1)
  }

  /** Which entries share their predecessor's start time: never two in a row, never across a batch start. */
  private tie(index: number): Tie {
    if (index === 0 || index === this.initial || this.batches.some((b) => b.from === index)) return 'none'
    if (this.rawTie(index - 1) !== 'none') return 'none'
    return this.rawTie(index)
  }

  private rawTie(index: number): Tie {
    const roll = Rng.derive(this.seed, 'timeline-tie', index).next()
    if (roll < DUPLICATE_RATE) return 'duplicate'
    return roll < DUPLICATE_RATE + SHARED_TIME_RATE && this.agentPool > 1 ? 'shared' : 'none'
  }

  private baseAgent(index: number): number {
    return Rng.derive(this.seed, 'timeline-agent', index).int(0, this.agentPool - 1)
  }
}
