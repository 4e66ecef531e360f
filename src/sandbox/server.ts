/**
 * A local stand-in for the Zendesk Chat REST API (API.md), for trying zchat
 * without an account and for end-to-end tests and benchmarks.
 *
 * It listens on 127.0.0.1 only: the sandbox accepts a fixed, well-known token,
 * so it must never be reachable from another machine. It prints nothing; the
 * CLI command that starts it reports the base URL.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SandboxData } from './data.js'

export interface SandboxOptions {
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number
  readonly seed?: number
  /** The bearer token requests must carry. */
  readonly token?: string
  readonly agents?: number
  readonly departments?: number
}

export interface RequestLogEntry {
  readonly method: string
  /** URL path without the query string, e.g. `/api/v2/chat/agents`. */
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly status: number
}

export interface Sandbox {
  /** e.g. `http://127.0.0.1:PORT/api/v2/chat` (no trailing slash). */
  readonly baseUrl: string
  readonly port: number
  readonly token: string
  readonly data: SandboxData
  /** Every request answered so far, oldest first. */
  readonly requestLog: ReadonlyArray<RequestLogEntry>
  /** Stops listening and drops open keep-alive connections. Safe to call twice. */
  close(): Promise<void>
}

export const SANDBOX_DEFAULTS = {
  port: 0,
  seed: 1,
  token: 'sandbox-token',
  agents: 250,
  departments: 8,
} as const

/** The only address the sandbox binds to. */
export const SANDBOX_HOST = '127.0.0.1'
export const API_PREFIX = '/api/v2/chat/'

/** `since_id` paging: the agents endpoint caps `limit` at 100 (API.md). */
export const AGENTS_MAX_LIMIT = 100

/** What a route answers: a status and a JSON body. */
interface Reply {
  readonly status: number
  readonly body: unknown
}

type Handler = (query: URLSearchParams, data: SandboxData) => Reply

/**
 * The error descriptions are werkzeug's (Flask) defaults: the real API's 401
 * text is werkzeug's, so its other generic errors are assumed to match too.
 */
const DESCRIPTIONS = {
  badRequest: 'The browser (or proxy) sent a request that this server could not understand.',
  unauthorized: 'The server could not verify that you are authorized to access the requested resource',
  notFound:
    'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
  methodNotAllowed: 'The method is not allowed for the requested URL.',
  internal:
    'The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.',
} as const

const ok = (body: unknown): Reply => ({ status: 200, body })
const error = (status: number, name: string, description: string): Reply => ({
  status,
  body: { error: name, description },
})
const badRequest = (description: string = DESCRIPTIONS.badRequest): Reply => error(400, 'Bad Request', description)

const INTEGER = /^-?\d+$/

/** A query parameter as an integer: `fallback` when absent, undefined when malformed. */
function integerParam(query: URLSearchParams, name: string, fallback: number): number | undefined {
  const raw = query.get(name)
  if (raw === null) return fallback
  return INTEGER.test(raw) ? Number(raw) : undefined
}

function agents(query: URLSearchParams, data: SandboxData): Reply {
  const limit = integerParam(query, 'limit', AGENTS_MAX_LIMIT)
  if (limit === undefined || limit < 1 || limit > AGENTS_MAX_LIMIT) {
    return badRequest(`limit must be an integer from 1 to ${AGENTS_MAX_LIMIT}`)
  }
  const sinceId = integerParam(query, 'since_id', 0)
  if (sinceId === undefined) return badRequest('since_id must be an integer')
  return ok(data.agentsSince(sinceId, limit))
}

/** Path under `/api/v2/chat/` → handler. A new resource is one entry here. */
const ROUTES: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['account', (_query, data) => ok(data.account)],
  ['departments', (_query, data) => ok(data.departments())],
  ['agents', agents],
])

const BEARER = /^Bearer\s+(\S+)\s*$/i

function route(req: IncomingMessage, url: URL, token: string, data: SandboxData): Reply {
  const match = BEARER.exec(req.headers.authorization ?? '')
  if (match === null || match[1] !== token) return error(401, 'Unauthorized', DESCRIPTIONS.unauthorized)
  const handler = url.pathname.startsWith(API_PREFIX) ? ROUTES.get(url.pathname.slice(API_PREFIX.length)) : undefined
  if (handler === undefined) return error(404, 'Not Found', DESCRIPTIONS.notFound)
  if (req.method !== 'GET') return error(405, 'Method Not Allowed', DESCRIPTIONS.methodNotAllowed)
  return handler(url.searchParams, data)
}

function send(res: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body)
  const headers: Record<string, string | number> = {
    // Errors say plain `application/json`, data adds the charset: the two forms clients meet.
    'Content-Type': reply.status < 400 ? 'application/json; charset=utf-8' : 'application/json',
    'Content-Length': Buffer.byteLength(text),
  }
  if (reply.status === 405) headers.Allow = 'GET'
  res.writeHead(reply.status, headers)
  res.end(text)
}

function checkToken(token: string): string {
  if (!/^\S+$/.test(token)) throw new RangeError('sandbox: token must be a non-empty string without spaces')
  return token
}

/** Starts a sandbox on 127.0.0.1 and resolves once it accepts connections. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const token = checkToken(options.token ?? SANDBOX_DEFAULTS.token)
  const data = new SandboxData({
    seed: options.seed ?? SANDBOX_DEFAULTS.seed,
    agents: options.agents ?? SANDBOX_DEFAULTS.agents,
    departments: options.departments ?? SANDBOX_DEFAULTS.departments,
  })
  const requestLog: RequestLogEntry[] = []

  const server = createServer((req, res) => {
    req.resume() // bodies are never read; drain them so keep-alive connections stay usable
    let url: URL | undefined
    let reply: Reply
    try {
      url = new URL(req.url ?? '/', `http://${SANDBOX_HOST}`)
      reply = route(req, url, token, data)
    } catch {
      reply = url === undefined ? badRequest() : error(500, 'Internal Server Error', DESCRIPTIONS.internal)
    }
    requestLog.push({
      method: req.method ?? '',
      path: url?.pathname ?? req.url ?? '',
      query: url === undefined ? {} : Object.fromEntries(url.searchParams),
      status: reply.status,
    })
    send(res, reply)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port: options.port ?? SANDBOX_DEFAULTS.port, host: SANDBOX_HOST }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((err) => (err === undefined ? resolve() : reject(err)))
      server.closeAllConnections() // close() alone would wait for idle keep-alive sockets to time out
    })
    return closing
  }

  return { baseUrl: `http://${SANDBOX_HOST}:${port}${API_PREFIX.slice(0, -1)}`, port, token, data, requestLog, close }
}
