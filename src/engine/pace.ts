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
}

export const UNPACED: Pace = { perMinute: undefined, cutAt: Number.NEGATIVE_INFINITY }

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
 * and the Retry-After's rounding up). A pace that still met a 429 was too
 * fast: it goes below both itself and what the API allowed. Without a
 * success to measure by, the rate halves.
 */
export const slowedDown = (pace: Pace, event: RateLimited): Pace => {
  const allowed = allowedPerMinute(event)
  const next =
    pace.perMinute === undefined
      ? Math.min(event.budgetPerMinute, allowed ?? event.budgetPerMinute * HALVE)
      : allowed === undefined
        ? pace.perMinute * HALVE
        : Math.min(pace.perMinute, allowed) * DECREASE
  return { perMinute: Math.max(SLOWEST_PER_MINUTE, next), cutAt: event.nowMs }
}

/** The pace after a request that started at `startedMs` succeeded: a little faster, never above the budget. */
export const spedUp = (pace: Pace, startedMs: number, budgetPerMinute: number): Pace =>
  pace.perMinute === undefined || startedMs < pace.cutAt ? pace : { ...pace, perMinute: Math.min(budgetPerMinute, pace.perMinute + INCREASE) }

/** Milliseconds between two request starts at this pace (0: unpaced). */
export const gapMs = (pace: Pace): number => (pace.perMinute === undefined ? 0 : 60_000 / pace.perMinute)
