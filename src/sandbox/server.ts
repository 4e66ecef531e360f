/**
 * A local stand-in for the Zendesk Chat REST API (API.md), for trying zchat
 * without an account and for end-to-end tests and benchmarks.
 *
 * It listens on 127.0.0.1 only: the sandbox accepts a fixed, well-known token,
 * so it must never be reachable from another machine. It prints nothing; the
 * CLI command that starts it reports the base URL.
 */
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { handleControl, isControlRequest } from './control.js'
import { DATA_DEFAULTS, SandboxData, type QuirkLevel } from './data.js'
import { deliver, faultReply, sentStatus } from './deliver.js'
import { FaultDecider, type FaultStats } from './fault-decider.js'
import type { FaultKind, FaultPlan } from './fault-plan.js'
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
  /** Faults to inject from the first request (fault-plan.ts); none by default. */
  readonly faults?: FaultPlan
  /** How often the rare shapes of real payloads come: `rare` (default, as the real API) or `often` (every quirk on many records). */
  readonly quirks?: QuirkLevel
}

export interface RequestLogEntry {
  readonly method: string
  /** URL path without the query string, e.g. `/api/v2/chat/agents`. */
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  /** The status line sent; 0 when the connection was dropped without one (vanish). */
  readonly status: number
  /** The fault injected into this request, if any. */
  readonly fault?: FaultKind
}

export interface Sandbox {
  /** e.g. `http://127.0.0.1:PORT/api/v2/chat` (no trailing slash). */
  readonly baseUrl: string
  readonly port: number
  readonly token: string
  readonly data: SandboxData
  /** Every request answered so far, oldest first. */
  readonly requestLog: ReadonlyArray<RequestLogEntry>
  /** Replaces the fault plan (throws a RangeError when invalid); its request counting starts afresh. */
  setFaults(plan: FaultPlan): void
  faultStats(): FaultStats
  /** Resolves once the server has stopped: after close(), or when it vanished (vanishAfter). */
  readonly closed: Promise<void>
  /** Stops listening and drops open keep-alive connections. Safe to call twice, and after the server vanished. */
  close(): Promise<void>
}

export const SANDBOX_DEFAULTS = {
  port: 0,
  seed: 1,
  token: 'sandbox-token',
  agents: 250,
  departments: 8,
  quirks: 'rare',
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
    quirks: options.quirks ?? SANDBOX_DEFAULTS.quirks,
  })
  const faults = new FaultDecider(options.faults)
  const requestLog: RequestLogEntry[] = []
  // Routes need the base URL, known once listening; nothing is served before that.
  let ctx: RouteContext = { data, baseUrl: '', nowMillis: () => Date.now() }

  const server = createServer((req, res) => {
    if (isControlRequest(req)) return handleControl(req, res, { faults, requestLog, data })
    req.resume() // bodies are never read; drain them so keep-alive connections stay usable
    const { fault, vanishWhenAnswered } = faults.decide(Date.now())
    let url: URL | undefined
    let reply: Reply
    try {
      url = new URL(req.url ?? '/', `http://${SANDBOX_HOST}`)
      reply = faultReply(fault) ?? route(req, url, token, ctx)
    } catch {
      reply = url === undefined ? badRequest() : error(500, 'Internal Server Error', DESCRIPTIONS.internal)
    }
    requestLog.push({
      method: req.method ?? '',
      path: url?.pathname ?? req.url ?? '',
      query: url === undefined ? {} : Object.fromEntries(url.searchParams),
      status: sentStatus(reply, fault),
      ...(fault === undefined ? {} : { fault: fault.kind }),
    })
    deliver(res, reply, fault)
    if (fault?.kind === 'vanish') vanish()
    else if (vanishWhenAnswered) res.once('close', vanish)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port: options.port ?? SANDBOX_DEFAULTS.port, host: SANDBOX_HOST }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const closed = new Promise<void>((resolve) => server.once('close', resolve))
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
  // Vanishing is closing unasked: the port frees at once, and a later close() gets the same promise.
  function vanish(): void {
    faults.markVanished()
    close().catch(() => undefined) // a close() call by the owner reports the failure
  }

  const setFaults = (plan: FaultPlan): void => faults.setPlan(plan)
  return { baseUrl, port, token, data, requestLog, setFaults, faultStats: () => faults.stats(), closed, close }
}
