/**
 * The one request budget all streams share: at most `perMinute` requests start
 * in any rolling minute, so zchat does not cause the API's 429s in the first
 * place; and when the API asks to wait anyway (Retry-After), every stream waits.
 * 429s that come although zchat kept to its budget mean the account's limit is
 * shared: from then on requests are spaced at a pace below what the API
 * allowed (pace.ts).
 */
import { gapMs, isNews, slowedDown, spedUp, UNPACED, type Pace, type RateLimited } from './pace.js'

/** Why a request cannot start yet. */
export type WaitReason =
  /** max_requests_per_minute: that many started within the last window. */
  | 'budget'
  /** The pace kept since the API answered 429 although zchat kept to its budget. */
  | 'pace'
  /** The API's Retry-After. */
  | 'retry-after'

export interface BudgetWait {
  readonly reason: WaitReason
  /** When the request may start (clock ms), as far as the budget knows now. */
  readonly untilMs: number
}

export interface RequestBudget {
  /**
   * Resolves when one more request may start (and counts it). `onWait` hears
   * when the caller has to wait, and for how long (again when that changes).
   */
  readonly take: (onWait?: (wait: BudgetWait) => void) => Promise<void>
  /** No request starts before `clock() + ms`. */
  readonly holdFor: (ms: number) => void
  /**
   * The API answered 429 to a request that started at `startedMs` (clock ms):
   * every request waits `waitMs`, and the pace slows down.
   */
  readonly rateLimited: (startedMs: number, waitMs: number) => void
  /** A request that started at `startedMs` succeeded: the pace, if any, grows a little. */
  readonly succeeded: (startedMs: number) => void
  /** Requests a minute zchat keeps to now: its pace, or the budget until a 429 came. */
  readonly perMinute: () => number
}

export interface BudgetClock {
  /** Monotonic milliseconds. */
  readonly clock: () => number
  /** May resolve early; then `stopped` says whether to give up waiting. */
  readonly sleep: (ms: number) => Promise<void>
  /** True once the run is stopping: a waiting taker returns at once (and its caller does not start the request). */
  readonly stopped?: () => boolean
  /** Told what a person should know: a long wait starting, and the pace once it first drops below the budget. */
  readonly notice?: (message: string) => void
}

/**
 * A minute, and a little more: zchat counts from when it sends a request, the
 * API from when the request arrives (the first one also opens the
 * connection), so the request a full minute later could otherwise arrive
 * inside the API's minute and draw a 429.
 */
export const WINDOW_MS = 60_500

/** Waits at least this long are said in the log as they start (shorter ones are the budget's everyday spacing). */
export const NOTICE_WAIT_MS = 5000

const seconds = (ms: number): string => `${Math.max(1, Math.round(ms / 1000))} s`

/** The log line for a long wait starting. */
export const describeWait = (reason: Exclude<WaitReason, 'pace'>, ms: number, perMinute: number): string =>
  reason === 'retry-after'
    ? `every stream waits ${seconds(ms)}: the API answered 429 and asked to wait (Retry-After)`
    : `waiting ${seconds(ms)} for the request budget: ${perMinute} ${perMinute === 1 ? 'request' : 'requests'} started within the last minute (max_requests_per_minute)`

/** The log line when the pace first drops below the budget. */
export const describeSlowdown = (budget: number, pace: number): string =>
  `the API answered 429 although zchat kept within max_requests_per_minute (${budget}): another app may be using the account's rate limit. ` +
  `zchat lowers its own rate to ${pace} requests a minute for the rest of the run, and raises it slowly while requests succeed`

export const requestBudget = (
  perMinute: number,
  { clock, sleep, stopped = () => false, notice = () => undefined }: BudgetClock,
): RequestBudget => {
  // Start times of the last `perMinute` requests, oldest first (a ring once full).
  const starts: number[] = []
  let oldest = 0
  let latest = Number.NEGATIVE_INFINITY
  let heldUntil = 0
  let pace: Pace = UNPACED
  let told = false
  // Start times of requests that succeeded, within the last window: what the API allowed (pace.ts).
  let succeeded: number[] = []
  // The end of the latest wait said in the log, so a wait shared by every stream is said once.
  let noticedUntil = Number.NEGATIVE_INFINITY
  // Takers queue up, so concurrent streams are served in order and never overshoot.
  let queue: Promise<void> = Promise.resolve()
  let waiting = 0

  // A 429 that is news, its cut not yet made: the pace is set once the Retry-After has passed, when the
  // requests that were on their way with it have been answered and what the API allowed can be counted.
  let cut: Omit<RateLimited, 'succeeded'> | undefined

  const settle = (now: number): void => {
    if (cut === undefined || now < heldUntil) return
    const event = cut
    cut = undefined
    succeeded = succeeded.filter((at) => at > event.nowMs - WINDOW_MS)
    pace = slowedDown(pace, { ...event, succeeded: succeeded.filter((at) => at < event.nowMs) })
    if (!told) {
      told = true
      notice(describeSlowdown(perMinute, Math.round(pace.perMinute!)))
    }
  }

  /** When the next request may start, and what it waits for. */
  const nextFree = (now: number): BudgetWait => {
    settle(now)
    const window = starts.length < perMinute ? now : starts[oldest]! + WINDOW_MS
    const paced = latest + gapMs(pace)
    if (heldUntil >= window && heldUntil >= paced) return { reason: 'retry-after', untilMs: heldUntil }
    return window >= paced ? { reason: 'budget', untilMs: window } : { reason: 'pace', untilMs: paced }
  }

  const tell = (wait: BudgetWait, now: number): void => {
    // The pace was said when it was set; its every gap is not news.
    if (wait.reason === 'pace') return
    // A wait that only lengthens the one said already (the jitter of a Retry-After, the next taker) is not said again.
    const fresh = wait.untilMs - Math.max(now, noticedUntil)
    noticedUntil = Math.max(noticedUntil, wait.untilMs)
    if (fresh >= NOTICE_WAIT_MS) notice(describeWait(wait.reason, wait.untilMs - now, perMinute))
  }

  const currentPerMinute = (): number => pace.perMinute ?? perMinute

  const acquire = async (onWait: ((wait: BudgetWait) => void) | undefined): Promise<void> => {
    for (;;) {
      if (stopped()) return
      const now = clock()
      const free = nextFree(now)
      if (free.untilMs <= now) break
      onWait?.(free)
      tell(free, now)
      await sleep(free.untilMs - now)
    }
    const now = clock()
    latest = now
    if (starts.length < perMinute) starts.push(now)
    else {
      starts[oldest] = now
      oldest = (oldest + 1) % perMinute
    }
  }

  return {
    take: (onWait) => {
      // Behind other takers, this one waits at least as long as the next start is away.
      const now = clock()
      if (waiting > 0 && onWait !== undefined) {
        const free = nextFree(now)
        if (free.untilMs > now) onWait(free)
      }
      waiting += 1
      const turn = queue.then(() => acquire(onWait)).finally(() => (waiting -= 1))
      queue = turn.catch(() => undefined)
      return turn
    },
    holdFor: (ms) => {
      const now = clock()
      if (now + ms <= heldUntil) return
      heldUntil = now + ms
      tell({ reason: 'retry-after', untilMs: heldUntil }, now)
    },
    rateLimited: (startedMs, waitMs) => {
      if (cut !== undefined || !isNews(pace, startedMs)) return
      const now = clock()
      cut = { startedMs, nowMs: now, waitMs, budgetPerMinute: perMinute }
      // From now on, a 429 to a request that was already on its way tells nothing new.
      pace = { ...pace, cutAt: now }
    },
    succeeded: (startedMs) => {
      succeeded.push(startedMs)
      if (succeeded.length > 2 * perMinute) succeeded = succeeded.filter((at) => at > clock() - WINDOW_MS)
      pace = spedUp(pace, startedMs, perMinute)
    },
    perMinute: currentPerMinute,
  }
}
