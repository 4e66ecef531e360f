/**
 * The one request budget all streams share: at most `perMinute` requests start
 * in any rolling minute, so zchat does not cause the API's 429s in the first
 * place; and when the API asks to wait anyway (Retry-After), every stream waits.
 */

export interface RequestBudget {
  /** Resolves when one more request may start (and counts it). */
  readonly take: () => Promise<void>
  /** No request starts before `clock() + ms`. */
  readonly holdFor: (ms: number) => void
}

export interface BudgetClock {
  /** Monotonic milliseconds. */
  readonly clock: () => number
  /** May resolve early; then `stopped` says whether to give up waiting. */
  readonly sleep: (ms: number) => Promise<void>
  /** True once the run is stopping: a waiting taker returns at once (and its caller does not start the request). */
  readonly stopped?: () => boolean
}

/**
 * A minute, and a little more: zchat counts from when it sends a request, the
 * API from when the request arrives (the first one also opens the
 * connection), so the request a full minute later could otherwise arrive
 * inside the API's minute and draw a 429.
 */
export const WINDOW_MS = 60_500

export const requestBudget = (perMinute: number, { clock, sleep, stopped = () => false }: BudgetClock): RequestBudget => {
  // Start times of the last `perMinute` requests, oldest first (a ring once full).
  const starts: number[] = []
  let oldest = 0
  let heldUntil = 0
  // Takers queue up, so concurrent streams are served in order and never overshoot.
  let queue: Promise<void> = Promise.resolve()

  const acquire = async (): Promise<void> => {
    for (;;) {
      if (stopped()) return
      const now = clock()
      const free = Math.max(heldUntil, starts.length < perMinute ? now : starts[oldest]! + WINDOW_MS)
      if (free <= now) break
      await sleep(free - now)
    }
    if (starts.length < perMinute) starts.push(clock())
    else {
      starts[oldest] = clock()
      oldest = (oldest + 1) % perMinute
    }
  }

  return {
    take: () => {
      const turn = queue.then(acquire)
      queue = turn.catch(() => undefined)
      return turn
    },
    holdFor: (ms) => {
      heldUntil = Math.max(heldUntil, clock() + ms)
    },
  }
}
