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
import { DATA_DEFAULTS, SandboxData } from './data.js'
import { badRequest, DESCRIPTIONS, error, notFound, type Reply, type RouteContext } from './reply.js'
import { findRoute } from './routes.js'

export { AGENTS_MAX_LIMIT, BANS_DEFAULT_LIMIT, BANS_MAX_LIMIT } from './routes.js'
export { EXPORT_MAX_LIMIT } from './routes-export.js'
export { SEARCH_MAX_PAGE, SEARCH_PAGE_SIZE } from './routes-search.js'

export interface SandboxOptions {
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number
  readonly seed?: number
  /** The bearer token requests must carry. */
  readonly token?: string
  readonly agents?: number
  readonly departments?: number
  /** Chats and offline messages over three years (default 3000). */
  readonly chats?: number
  /** Bans, IP and visitor (default 120). */
  readonly bans?: number
  /** agent_timeline entries (default 2000). */
  readonly timeline?: number
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
  ...DATA_DEFAULTS,
} as const

/** The only address the sandbox binds to. */
export const SANDBOX_HOST = '127.0.0.1'
export const API_PREFIX = '/api/v2/chat/'

const BEARER = /^Bearer\s+(\S+)\s*$/i

function route(req: IncomingMessage, url: URL, token: string, ctx: RouteContext): Reply {
  const match = BEARER.exec(req.headers.authorization ?? '')
  if (match === null || match[1] !== token) return error(401, 'Unauthorized', DESCRIPTIONS.unauthorized)
  const handler = url.pathname.startsWith(API_PREFIX) ? findRoute(url.pathname.slice(API_PREFIX.length)) : undefined
  if (handler === undefined) return notFound()
  if (req.method !== 'GET') return error(405, 'Method Not Allowed', DESCRIPTIONS.methodNotAllowed)
  return handler(url.searchParams, ctx)
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
    chats: options.chats ?? SANDBOX_DEFAULTS.chats,
    bans: options.bans ?? SANDBOX_DEFAULTS.bans,
    timeline: options.timeline ?? SANDBOX_DEFAULTS.timeline,
  })
  const requestLog: RequestLogEntry[] = []
  // Routes need the base URL, known once listening; nothing is served before that.
  let ctx: RouteContext = { data, baseUrl: '', nowMillis: () => Date.now() }

  const server = createServer((req, res) => {
    req.resume() // bodies are never read; drain them so keep-alive connections stay usable
    let url: URL | undefined
    let reply: Reply
    try {
      url = new URL(req.url ?? '/', `http://${SANDBOX_HOST}`)
      reply = route(req, url, token, ctx)
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
  const baseUrl = `http://${SANDBOX_HOST}:${port}${API_PREFIX.slice(0, -1)}`
  ctx = { data, baseUrl, nowMillis: () => Date.now() }

  let closing: Promise<void> | undefined
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((err) => (err === undefined ? resolve() : reject(err)))
      server.closeAllConnections() // close() alone would wait for idle keep-alive sockets to time out
    })
    return closing
  }

  return { baseUrl, port, token, data, requestLog, close }
}
