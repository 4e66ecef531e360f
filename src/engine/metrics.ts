/**
 * Singer METRIC points as singer-python taps log them: `record_count`
 * counters per stream, reported every minute and when the stream ends (the
 * values add up to the stream's total), so a long stream shows its pace in
 * the logs.
 */
import type { Logger } from './env.js'

const REPORT_EVERY_MS = 60_000

export class RecordCounter {
  #pending = new Map<string, number>()
  #totals = new Map<string, number>()
  #lastReport: number

  constructor(
    private readonly clock: () => number,
    private readonly log: Logger,
  ) {
    this.#lastReport = clock()
  }

  add(stream: string, n: number): void {
    this.#pending.set(stream, (this.#pending.get(stream) ?? 0) + n)
    this.#totals.set(stream, (this.#totals.get(stream) ?? 0) + n)
    if (this.clock() - this.#lastReport >= REPORT_EVERY_MS) {
      for (const name of this.#pending.keys()) this.report(name)
      this.#lastReport = this.clock()
    }
  }

  /** Records of `stream` counted so far in this run. */
  total(stream: string): number {
    return this.#totals.get(stream) ?? 0
  }

  /** Log what was counted for `stream` since its last report; at the stream's end even 0, so every stream reports. */
  report(stream: string, end = false): void {
    const value = this.#pending.get(stream) ?? 0
    this.#pending.delete(stream)
    if (value > 0 || end) this.log.metric({ type: 'counter', metric: 'record_count', value, tags: { endpoint: stream, stream } })
  }
}
