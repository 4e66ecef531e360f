/**
 * How a client behaved under the sandbox's rate limit, read from its request
 * log: how many requests were answered and how many were refused, and which
 * requests the client sent after it had been told to wait.
 */
import { EARLY_TOLERANCE_MS } from './faults/decider.js'
import type { RequestLogEntry } from './server.js'

export interface RateLimitConduct {
  /** Requests answered with a status below 400. */
  readonly succeeded: number
  /** Requests answered 429. */
  readonly refused: number
  /**
   * Requests that arrived after a 429 had been sent and before its Retry-After
   * had passed, and that were not on their way before it (see `onItsWay`).
   */
  readonly early: readonly RequestLogEntry[]
  /** Requests that arrived inside some 429's wait but were already on their way when it was answered. */
  readonly inFlight: number
}

/** Whether `request` arrived after the 429 `refusal` was sent and before its Retry-After had passed. */
const insideWait = (request: RequestLogEntry, refusal: RequestLogEntry): boolean =>
  refusal.answeredAt !== undefined &&
  refusal.retryAfterSeconds !== undefined &&
  request.at >= refusal.answeredAt &&
  request.at < refusal.at + refusal.retryAfterSeconds * 1000 - EARLY_TOLERANCE_MS

/**
 * How long after a 429 a request its client sent before it had read the 429
 * may still arrive: the client's own work between a page and the next request,
 * and the loopback. A request arriving later was sent after the 429 was in.
 */
export const IN_FLIGHT_MS = 300

/**
 * Whether `request`, inside the wait of `refusal`, was on its way before the
 * 429 reached its client. A client reads a path (a stream) one request at a
 * time, sending the next once the answer before it is in: so only when that
 * answer was sent before the 429, and the request arrived soon after the 429.
 * Its own retry, or a path's first request, was sent after the 429.
 */
const onItsWay = (request: RequestLogEntry, before: RequestLogEntry | undefined, refusal: RequestLogEntry): boolean =>
  before !== undefined &&
  before !== refusal &&
  before.answeredAt !== undefined &&
  before.answeredAt <= refusal.answeredAt! &&
  request.at <= refusal.answeredAt! + IN_FLIGHT_MS

export function rateLimitConduct(log: readonly RequestLogEntry[]): RateLimitConduct {
  const refusals = log.filter((entry) => entry.status === 429)
  const previous = new Map<RequestLogEntry, RequestLogEntry | undefined>()
  const lastOnPath = new Map<string, RequestLogEntry>()
  for (const entry of log) {
    previous.set(entry, lastOnPath.get(entry.path))
    lastOnPath.set(entry.path, entry)
  }
  const early: RequestLogEntry[] = []
  let inFlight = 0
  for (const request of log) {
    const told = refusals.filter((refusal) => refusal !== request && insideWait(request, refusal))
    if (told.length === 0) continue
    const before = previous.get(request)
    if (told.every((refusal) => onItsWay(request, before, refusal))) inFlight += 1
    else early.push(request)
  }
  return { succeeded: log.filter((entry) => entry.status > 0 && entry.status < 400).length, refused: refusals.length, early, inFlight }
}
