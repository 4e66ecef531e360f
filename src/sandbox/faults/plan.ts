/**
 * A fault plan: what the sandbox does wrong, and when, so tests can prove a
 * client survives what the real API and the network do to it.
 *
 * "Every Kth" counts the API requests that reach the router since the plan was
 * set (1-based: K = 3 faults requests 3, 6, 9, ...), whatever their token or
 * path; control requests under `/_sandbox/` never count. When several faults
 * match one request, only the first in FAULT_ORDER is applied.
 */

/** Server error statuses a burst may answer. */
export const SERVER_ERROR_STATUSES = [500, 502, 503, 504] as const
export type ServerErrorStatus = (typeof SERVER_ERROR_STATUSES)[number]

export interface FaultPlan {
  /**
   * After this many API requests are answered, stop listening and drop every connection
   * (0: the next request is cut off). A request already in flight is cut off too.
   */
  readonly vanishAfter?: number
  /**
   * The server's own rate limit, like the real API's 200 a minute: at most `requests`
   * admitted in any rolling window of `windowMs` (default 60000). Others answer 429 with
   * Retry-After: the whole seconds until the oldest admitted request leaves the window
   * (at least 1). Refused requests take no slot.
   */
  readonly rateLimit?: { readonly requests: number; readonly windowMs?: number }
  /** Every Kth request answers 429 with `Retry-After: retryAfterSeconds`. */
  readonly rateLimitEvery?: number
  /** Retry-After of rateLimitEvery's 429s, in whole seconds (default 1). */
  readonly retryAfterSeconds?: number
  /** Bursts: after each `every` requests, the next `length` answer `status` (default 503); then again. */
  readonly serverErrors?: { readonly every: number; readonly length: number; readonly status?: ServerErrorStatus }
  /** Every Kth request: the status (of the route: 200 for a good request) and half the body, then a TCP reset. */
  readonly resetEvery?: number
  /** Every Kth request: Content-Length of the whole body, half of it, then the connection ends. */
  readonly truncateEvery?: number
  /** Every Kth request is answered `slowMs` late (default 5000). */
  readonly slowEvery?: number
  readonly slowMs?: number
  /** Every Kth request answers 200 with an HTML page, like a proxy's error page. */
  readonly htmlEvery?: number
}

/** Which fault a request got; the order is the precedence when several match. */
export const FAULT_ORDER = ['vanish', 'rateLimit', 'rateLimitEvery', 'serverError', 'reset', 'truncate', 'slow', 'html'] as const
export type FaultKind = (typeof FAULT_ORDER)[number]

export const FAULT_DEFAULTS = { retryAfterSeconds: 1, windowMs: 60_000, serverErrorStatus: 503, slowMs: 5000 } as const

const WHOLE_NUMBER_SETTINGS = [
  'vanishAfter',
  'rateLimitEvery',
  'retryAfterSeconds',
  'resetEvery',
  'truncateEvery',
  'slowEvery',
  'slowMs',
  'htmlEvery',
] as const
/** Settings that may be 0; every other number must be at least 1. */
const ZERO_ALLOWED = new Set(['vanishAfter', 'retryAfterSeconds', 'slowMs', 'serverErrors.every'])

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The least value a numeric setting takes, by its name (nested ones as `serverErrors.every`). */
export const minimumOf = (name: string): 0 | 1 => (ZERO_ALLOWED.has(name) ? 0 : 1)

function wholeNumber(value: unknown, name: string): number {
  const min = minimumOf(name)
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`faults: ${name} must be a whole number of at least ${min}, got ${JSON.stringify(value)}`)
  }
  return value
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key))
  if (unknown.length > 0) throw new RangeError(`faults: unknown ${where}setting ${unknown.join(', ')} (known: ${allowed.join(', ')})`)
}

function objectSetting(value: unknown, name: string, allowed: readonly string[]): Record<string, unknown> {
  if (!isRecord(value)) throw new RangeError(`faults: ${name} must be an object`)
  onlyKeys(value, allowed, `${name} `)
  return value
}

function checkRateLimit(value: unknown): void {
  const limit = objectSetting(value, 'rateLimit', ['requests', 'windowMs'])
  wholeNumber(limit.requests, 'rateLimit.requests')
  if (limit.windowMs !== undefined) wholeNumber(limit.windowMs, 'rateLimit.windowMs')
}

function checkServerErrors(value: unknown): void {
  const bursts = objectSetting(value, 'serverErrors', ['every', 'length', 'status'])
  wholeNumber(bursts.every, 'serverErrors.every')
  wholeNumber(bursts.length, 'serverErrors.length')
  if (bursts.status !== undefined && !(SERVER_ERROR_STATUSES as readonly unknown[]).includes(bursts.status)) {
    throw new RangeError(
      `faults: serverErrors.status must be one of ${SERVER_ERROR_STATUSES.join(', ')}, got ${JSON.stringify(bursts.status)}`,
    )
  }
}

/** The plan itself when it is valid (e.g. a JSON body), else a RangeError naming the bad setting. */
export function checkFaultPlan(value: unknown): FaultPlan {
  if (!isRecord(value)) throw new RangeError('faults: a fault plan must be a JSON object')
  onlyKeys(value, [...WHOLE_NUMBER_SETTINGS, 'rateLimit', 'serverErrors'], '')
  for (const name of WHOLE_NUMBER_SETTINGS) if (value[name] !== undefined) wholeNumber(value[name], name)
  if (value.rateLimit !== undefined) checkRateLimit(value.rateLimit)
  if (value.serverErrors !== undefined) checkServerErrors(value.serverErrors)
  // Settings of a fault that is not there are most likely a typo: say so instead of ignoring them.
  if (value.retryAfterSeconds !== undefined && value.rateLimitEvery === undefined) {
    throw new RangeError('faults: retryAfterSeconds is only used with rateLimitEvery')
  }
  if (value.slowMs !== undefined && value.slowEvery === undefined) throw new RangeError('faults: slowMs is only used with slowEvery')
  return value as FaultPlan
}
