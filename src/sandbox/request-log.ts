/**
 * How a client behaved under the sandbox's rate limit, read from its request
 * log: how many requests were answered and how many were refused, and which
 * requests the client sent after it had been told to wait.
 */
import { EARLY_TOLERANCE_MS } from './fault-decider.js'
import type { RequestLogEntry } from './server.js'

export interface RateLimitConduct {
  /** Requests answered with a status below 400. */
  readonly succeeded: number
  /** Requests answered 429. */
  readonly refused: number
  /**
   * Requests that arrived after a 429 had been sent and before its Retry-After
   * had passed, and that the client sent knowing it: see `sentAfterTold`.
   */
  readonly early: readonly RequestLogEntry[]
  /** Requests that arrived inside some 429's wait but were already on their way when it was answered. */
  readonly inFlight: number
}

/**
 * Whether `request` arrived inside the wait of the 429 `refusal`, and its client
 * had the 429 before it sent the request. A client reads a path (a stream) one
 * request at a time, sending the next once the answer before it is in: so a
 * request was on its way before the 429 reached the client only when the answer
 * before it on its path had been sent no later than the 429. Its own retry, or
 * a path's first request, arriving inside the wait was sent after the 429.
 */
const insideWait = (request: RequestLogEntry, refusal: RequestLogEntry): boolean =>
  refusal.answeredAt !== undefined &&
  refusal.retryAfterSeconds !== undefined &&
  request.at >= refusal.answeredAt &&
  request.at < refusal.at + refusal.retryAfterSeconds * 1000 - EARLY_TOLERANCE_MS

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
    const onItsWay = (refusal: RequestLogEntry): boolean => before?.answeredAt !== undefined && before.answeredAt <= refusal.answeredAt!
    if (told.every(onItsWay)) inFlight += 1
    else early.push(request)
  }
  return { succeeded: log.filter((entry) => entry.status > 0 && entry.status < 400).length, refused: refusals.length, early, inFlight }
}
