/**
 * When a failed try is tried again, and after how long: a pure policy of the
 * try's fault and the limits of the config, and the loop that applies it.
 * Each try takes a turn of the request budget every stream shares
 * (budget.ts): a Retry-After holds them all, not only the stream refused.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Config } from '../../codecs/config.js'
import { interrupted, type Failure } from '../../core/failure.js'
import type { Env, Program } from '../env.js'
import type { BudgetWait } from './budget.js'

/** What went wrong with one try, as far as trying again is concerned. */
export type Fault =
  /** The API answered an error status; `retryAfterMs`: the wait its Retry-After asked for. */
  | { readonly kind: 'status'; readonly status: number; readonly retryAfterMs?: number }
  /** No answer within request_timeout_seconds. */
  | { readonly kind: 'timeout' }
  /** No answer: the connection was refused or reset, the resolver did not answer in time. */
  | { readonly kind: 'network' }
  /** An answer whose body is not JSON: a proxy's error page, a body cut short. */
  | { readonly kind: 'not-json' }
  /** DNS says the API's host does not exist, and it has not answered this run: a wrong subdomain or base_url. */
  | { readonly kind: 'no-such-host' }
  /** The server answers plain HTTP to https://: asking again will not change what it speaks. */
  | { readonly kind: 'no-tls' }
  /** A redirect not followed: to another host (the token is not sent there), or one too many. */
  | { readonly kind: 'redirect' }
  /** The run is stopping and the request in flight ran out of grace. */
  | { readonly kind: 'interrupted' }

export type Limits = Pick<Config, 'maxRetries' | 'maxRetryWaitMs'>

/** Why the tries end. */
export type GiveUp =
  /** The fault would be the same on every try. */
  | { readonly why: 'lasting' }
  | { readonly why: 'retries-spent'; readonly maxRetries: number }
  /** The API asked to wait longer than max_retry_wait_seconds: the run ends, and its last STATE resumes it later. */
  | { readonly why: 'wait-too-long'; readonly askedMs: number; readonly maxRetryWaitMs: number }

export type Decision =
  /** A refused token: renew it and send the request again at once; that is no retry (it takes none of max_retries). */
  | { readonly action: 'renew' }
  /** Try again in `waitMs`; `retryAfter`: the wait is the API's Retry-After, and every stream waits it out. */
  | { readonly action: 'retry'; readonly waitMs: number; readonly retryAfter: boolean }
  | { readonly action: 'give-up'; readonly reason: GiveUp }

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504])
/** The faults a later try may not meet; the others are the same every time. */
const TRANSIENT = new Set<Fault['kind']>(['timeout', 'network', 'not-json'])
/** Backoff doubles from this, up to the cap, with jitter. */
export const BACKOFF_BASE_MS = 1000
export const BACKOFF_CAP_MS = 60_000
/** Added to a Retry-After, never taken off it: the API's wait is a floor. */
export const RETRY_AFTER_JITTER_MS = 250

/**
 * What to do after try `n` (1-based) failed with `fault`. `random` is the
 * jitter source (0 ≤ random() < 1), so retries of many clients spread out.
 */
export const decide = (n: number, fault: Fault, limits: Limits, random: () => number): Decision => {
  if (fault.kind === 'status' && fault.status === 401) return { action: 'renew' }
  const transient = fault.kind === 'status' ? RETRYABLE_STATUSES.has(fault.status) : TRANSIENT.has(fault.kind)
  if (!transient) return { action: 'give-up', reason: { why: 'lasting' } }
  const asked = fault.kind === 'status' ? fault.retryAfterMs : undefined
  if (asked !== undefined && asked > limits.maxRetryWaitMs) {
    return { action: 'give-up', reason: { why: 'wait-too-long', askedMs: asked, maxRetryWaitMs: limits.maxRetryWaitMs } }
  }
  if (n > limits.maxRetries) return { action: 'give-up', reason: { why: 'retries-spent', maxRetries: limits.maxRetries } }
  return asked === undefined
    ? { action: 'retry', waitMs: backoffMs(n, random), retryAfter: false }
    : { action: 'retry', waitMs: asked + random() * RETRY_AFTER_JITTER_MS, retryAfter: true }
}

/** Exponential backoff for try `n`: half fixed, half random. */
const backoffMs = (n: number, random: () => number): number => {
  const full = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (n - 1))
  return full / 2 + (random() * full) / 2
}

/** Retry-After as seconds or an HTTP date, in ms from `nowMs`; undefined when absent or unreadable. */
export const retryAfterOf = (header: string | null, nowMs: number): number | undefined => {
  if (header === null || header.trim() === '') return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

/** The last try's failure, told why the tries ended. */
export const givenUp = (failure: Failure, reason: GiveUp): Failure => {
  switch (reason.why) {
    case 'lasting':
      return failure
    case 'wait-too-long':
      return withMessage(
        failure,
        `the API asked to wait ${Math.ceil(reason.askedMs / 1000)} s (Retry-After), more than max_retry_wait_seconds (${reason.maxRetryWaitMs / 1000}); the last STATE resumes the run later`,
      )
    case 'retries-spent':
      return withMessage(
        failure,
        `${messageOf(failure)}; gave up after ${reason.maxRetries} ${reason.maxRetries === 1 ? 'retry' : 'retries'}`,
      )
  }
}

const messageOf = (failure: Failure): string => ('message' in failure ? failure.message : failure._tag)
const withMessage = (failure: Failure, message: string): Failure => ('message' in failure ? { ...failure, message } : failure)

/** Told of a 429 as soon as its status line is in, before its body is read: other streams must not start a request meanwhile. */
export type OnRateLimited = (retryAfterMs: number | undefined) => void

/** What one try is given: the token to carry, a signal that abandons it, and whom to tell of a 429 at once. */
export interface Turn {
  readonly token: string
  readonly abandon: AbortSignal
  readonly onRateLimited: OnRateLimited
}

export type Tried = { readonly ok: true; readonly body: unknown } | { readonly ok: false; readonly failure: Failure; readonly fault: Fault }

/**
 * Once the run is asked to stop, the request in flight gets this long to
 * finish its page; then it is abandoned, so the process ends within about two
 * seconds of the signal.
 */
const STOP_GRACE_MS = 1500

/**
 * `tryOnce` until it succeeds or `decide` gives up; `endpoint` names the
 * request in the log. No try starts once the run is stopping.
 */
export const retrying =
  (endpoint: string, tryOnce: (env: Env, turn: Turn) => Promise<Tried>): Program<unknown> =>
  (env) =>
  async () => {
    const waits = waitsOf(env)
    for (let n = 1; ; n++) {
      if (env.stop.aborted) return E.left(interrupted(env.stop.reason as 'SIGTERM' | 'SIGINT'))
      await env.budget.take(waits.budget)
      waits.over()
      if (env.stop.aborted) return E.left(interrupted(env.stop.reason as 'SIGTERM' | 'SIGINT'))
      const token = env.credentials?.accessToken() ?? env.config.accessToken
      const startedMs = env.clock()
      // Every stream holds from the moment a 429 is seen that will be waited out; the jitter is added once the wait is known for sure.
      const onRateLimited: OnRateLimited = (asked) => {
        if (asked === undefined) return
        const waitOut = decide(n, { kind: 'status', status: 429, retryAfterMs: asked }, env.config, () => 0)
        if (waitOut.action === 'retry') env.budget.holdFor(asked)
      }
      const grace = graceAfter(env.stop, STOP_GRACE_MS)
      const tried = await tryOnce(env, { token, abandon: grace.signal, onRateLimited }).finally(grace.release)
      if (tried.ok) {
        env.budget.succeeded(startedMs)
        return E.right(tried.body)
      }
      const { failure, fault } = tried
      const decision = decide(n, fault, env.config, Math.random)
      if (decision.action === 'renew') {
        if ((await env.credentials?.renew(token)) !== true) return E.left(failure)
        n--
        continue
      }
      if (decision.action === 'give-up') return E.left(givenUp(failure, decision.reason))
      const wait = decision.waitMs
      if (decision.retryAfter) env.budget.holdFor(wait)
      if (fault.kind === 'status' && fault.status === 429) env.budget.rateLimited(startedMs, wait)
      env.log.warn(`${endpoint}: ${lastWords(failure)}; retry ${n} of ${env.config.maxRetries} in ${(wait / 1000).toFixed(1)} s`)
      if (decision.retryAfter) waits.budget?.({ reason: 'retry-after', untilMs: env.clock() + wait })
      await env.sleep(wait)
    }
  }

/** A signal aborted `ms` after `stop` is; `release` when the request is over, so no listener is left behind. */
const graceAfter = (stop: AbortSignal, ms: number): { readonly signal: AbortSignal; readonly release: () => void } => {
  const controller = new AbortController()
  const abandon = () => setTimeout(() => controller.abort(stop.reason), ms).unref()
  if (stop.aborted) controller.abort(stop.reason)
  else stop.addEventListener('abort', abandon, { once: true })
  return { signal: controller.signal, release: () => stop.removeEventListener('abort', abandon) }
}

/** The stream's waits, told to whoever shows them (a terminal's progress block): `over` once the request may go. */
const waitsOf = (env: Env): { readonly budget: ((wait: BudgetWait) => void) | undefined; readonly over: () => void } => {
  const { waiting, stream } = env
  if (waiting === undefined || stream === undefined) return { budget: undefined, over: () => undefined }
  let shown = false
  return {
    budget: (wait) => {
      shown = true
      waiting(stream, wait)
    },
    over: () => {
      if (shown) waiting(stream, undefined)
      shown = false
    },
  }
}

const lastWords = (failure: Failure): string =>
  failure._tag === 'HttpError' ? `status ${failure.status}` : failure._tag === 'NetworkError' ? failure.message : failure._tag
