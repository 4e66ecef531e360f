/**
 * Writes a reply to the wire: whole, or broken the way a fault says (see
 * faults/plan.ts). Error replies of faults are werkzeug's (Flask) defaults, like
 * the sandbox's other errors.
 */
import type { ServerResponse } from 'node:http'
import type { Fault } from '../faults/decider.js'
import { bodyBytes, DESCRIPTIONS, error, type Reply } from './reply.js'

const SERVER_ERRORS: Readonly<Record<number, readonly [string, string]>> = {
  500: ['Internal Server Error', DESCRIPTIONS.internal],
  502: ['Bad Gateway', 'The proxy server received an invalid response from an upstream server.'],
  503: [
    'Service Unavailable',
    'The server is temporarily unable to service your request due to maintenance downtime or capacity problems. Please try again later.',
  ],
  504: ['Gateway Timeout', 'The connection to an upstream server timed out.'],
}

/** A page such as a proxy or captive portal serves in place of the API, with status 200. */
const PROXY_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1>' +
  '<p>The upstream server is not responding. Please try again later.</p><hr><address>proxy</address></body></html>\n'

/** How long a reset waits after the partial body is flushed, so the client reads the status first. */
const RESET_DELAY_MS = 20

/** The reply a fault answers instead of the route's, for faults that have their own. */
export function faultReply(fault: Fault | undefined): Reply | undefined {
  switch (fault?.kind) {
    case 'rateLimit':
    case 'rateLimitEvery':
      return {
        ...error(429, 'Too Many Requests', 'This user has exceeded an allotted request count. Try again later.'),
        headers: { 'Retry-After': String(fault.retryAfterSeconds) },
      }
    case 'serverError': {
      const [name, description] = SERVER_ERRORS[fault.status]
      return error(fault.status, name, description)
    }
    default:
      return undefined
  }
}

/** The status line the client is sent: 0 when the connection is dropped without one. */
export const sentStatus = (reply: Reply, fault: Fault | undefined): number =>
  fault?.kind === 'vanish' ? 0 : fault?.kind === 'html' ? 200 : reply.status

function headersOf(reply: Reply, length: number): Record<string, string | number> {
  return {
    // Errors say plain `application/json`, data adds the charset: the two forms clients meet.
    'Content-Type': reply.status < 400 ? 'application/json; charset=utf-8' : 'application/json',
    'Content-Length': length,
    ...(reply.status === 405 ? { Allow: 'GET' } : {}),
    ...reply.headers,
  }
}

/** Writes the whole reply. */
export function send(res: ServerResponse, reply: Reply): void {
  const body = bodyBytes(reply)
  res.writeHead(reply.status, headersOf(reply, body.length))
  res.end(body)
}

/** The body's length, and its first half: what a broken answer gets through. */
function halve(reply: Reply): { length: number; part: Buffer } {
  const body = bodyBytes(reply)
  return { length: body.length, part: body.subarray(0, Math.floor(body.length / 2)) }
}

/** Writes the reply as the fault says; with no fault, whole. */
export function deliver(res: ServerResponse, reply: Reply, fault: Fault | undefined): void {
  switch (fault?.kind) {
    case 'vanish':
      res.destroy()
      return
    case 'reset': {
      const { length, part } = halve(reply)
      res.writeHead(reply.status, headersOf(reply, length))
      // RST, not FIN: the client sees ECONNRESET mid-body, as when a connection is cut.
      res.write(part, () =>
        setTimeout(() => {
          if (res.socket?.destroyed === false) res.socket.resetAndDestroy() // unless the client or close() was first
        }, RESET_DELAY_MS),
      )
      return
    }
    case 'truncate': {
      const { length, part } = halve(reply)
      // Connection: close makes Node end the socket after the short body, so the client is not left waiting for the rest.
      res.writeHead(reply.status, { ...headersOf(reply, length), Connection: 'close' })
      res.end(part)
      return
    }
    case 'slow': {
      const timer = setTimeout(() => send(res, reply), fault.delayMs)
      // The client gave up, or the server closed: nothing left to answer.
      res.once('close', () => clearTimeout(timer))
      return
    }
    case 'html':
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(PROXY_PAGE) })
      res.end(PROXY_PAGE)
      return
    default:
      send(res, reply)
  }
}
