/**
 * The pace zchat keeps when the API's rate limit is lower than its budget: the
 * account's limit is shared with every other app that uses its Chat API, so
 * 429s can come although zchat keeps to max_requests_per_minute. Then zchat
 * spaces its requests evenly at a rate below what the API allowed, and grows
 * that rate slowly while requests succeed (additive increase, multiplicative
 * decrease, as TCP does): the steady state sits close to the share left to
 * zchat, with a 429 now and then. Pure functions; budget.ts applies them.
 */

export interface Pace {
  /** Requests a minute, spaced evenly; undefined until the first 429: only the budget's window counts. */
  readonly perMinute: number | undefined
  /** Clock ms of the last cut: a 429 to a request started before it was already accounted for. */
  readonly cutAt: number
  /** The pace the last measured cut set, and when (clock ms): within a window of it, a 429 goes back to it, not below. */
  readonly level?: { readonly perMinute: number; readonly atMs: number }
}

export const UNPACED: Pace = { perMinute: undefined, cutAt: Number.NEGATIVE_INFINITY }

/**
 * How long a measured cut stands: the API's window (a minute, and the budget's
 * margin). A cut shows in what the API allows only once the requests before it
 * have left the API's window; cutting again sooner would cut for the same
 * excess twice, and 429s that slowing down does not prevent (a limit counted
 * some other way, a hiccup) would drive the pace down at every one of them:
 * so they lower it once a minute at most.
 */
export const LEVEL_STANDS_MS = 60_500

/** Below what the API allowed, so the next 429 is a while away; not far below, so little of the share is left unused. */
export const DECREASE = 0.9
/** Without a measure of what the API allowed, the pace halves. */
const HALVE = 0.5
/** Requests a minute added for each request that succeeds: back from a cut of 10% at 50 a minute in 20 requests. */
export const INCREASE = 0.25
/** The slowest pace: a request a minute still gets a run somewhere. */
export const SLOWEST_PER_MINUTE = 1

/** What a 429 tells about the rate the API allows zchat. */
export interface RateLimited {
  /** When the refused request started (clock ms). */
  readonly startedMs: number
  readonly nowMs: number
  /** How long the API asked to wait (Retry-After), in ms. */
  readonly waitMs: number
  /** Start times (clock ms) of the requests that succeeded within the budget's window before now (the 429 included: those on their way then). */
  readonly succeeded: readonly number[]
  /** The budget: the pace never exceeds it. */
  readonly budgetPerMinute: number
}

/**
 * The rate the API allowed, in requests a minute: the requests it answered
 * over the stretch from the first of them to when it lets zchat in again
 * (now + Retry-After). Undefined when none succeeded.
 */
export const allowedPerMinute = ({ nowMs, waitMs, succeeded }: Pick<RateLimited, 'nowMs' | 'waitMs' | 'succeeded'>): number | undefined => {
  if (succeeded.length === 0) return undefined
  const span = nowMs + waitMs - Math.min(...succeeded)
  return span <= 0 ? undefined : (succeeded.length / span) * 60_000
}

/** Whether a 429 to a request that started at `startedMs` is news: one that started before the last cut was on its way already. */
export const isNews = (pace: Pace, startedMs: number): boolean => startedMs >= pace.cutAt

/**
 * The pace after a 429 (one that is news). The first cut takes the rate the
 * API allowed as it is: measured from a burst up to the Retry-After, it is
 * below the API's limit already (the span takes in the requests' own time
 * and the Retry-After's rounding up). A pace that still meets a 429 was too
 * fast: within LEVEL_STANDS_MS of the last measured cut it goes back to that
 * cut's level; later it goes below both itself and what the API allowed.
 * Without a success to measure by, the rate halves.
 */
export const slowedDown = (pace: Pace, event: RateLimited): Pace => {
  const { level } = pace
  if (pace.perMinute !== undefined && level !== undefined && event.nowMs - level.atMs < LEVEL_STANDS_MS) {
    return { ...pace, perMinute: Math.min(pace.perMinute, level.perMinute), cutAt: event.nowMs }
  }
  const allowed = allowedPerMinute(event)
  const next =
    pace.perMinute === undefined
      ? Math.min(event.budgetPerMinute, allowed ?? event.budgetPerMinute * HALVE)
      : allowed === undefined
        ? pace.perMinute * HALVE
        : Math.min(pace.perMinute, allowed) * DECREASE
  const perMinute = Math.max(SLOWEST_PER_MINUTE, next)
  return { perMinute, cutAt: event.nowMs, level: { perMinute, atMs: event.nowMs } }
}

/** The pace after a request that started at `startedMs` succeeded: a little faster, never above the budget. */
export const spedUp = (pace: Pace, startedMs: number, budgetPerMinute: number): Pace =>
  pace.perMinute === undefined || startedMs < pace.cutAt
    ? pace
    : { ...pace, perMinute: Math.min(budgetPerMinute, pace.perMinute + INCREASE) }

/** Milliseconds between two request starts at this pace (0: unpaced). */
export const gapMs = (pace: Pace): number => (pace.perMinute === undefined ? 0 : 60_000 / pace.perMinute)
