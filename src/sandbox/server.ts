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
import { AccountSettings } from './account-settings.js'
import type { Unavailable } from './faults/unavailable.js'
import { handleControl, isControlRequest } from './control.js'
import { DATA_DEFAULTS, SandboxData, type QuirkLevel } from './data/sandbox-data.js'
import { deliver, faultReply, sentStatus } from './api/deliver.js'
import { FaultDecider, type FaultStats } from './faults/decider.js'
import type { FaultKind, FaultPlan } from './faults/plan.js'
import { badRequest, DESCRIPTIONS, EncodedJson, error, notFound, type Reply, type RouteContext } from './api/reply.js'
import { isOAuthPath, SandboxOAuth, type OAuthClient } from './api/oauth.js'
import { findRoute } from './api/routes.js'

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
  /** Faults to inject from the first request (faults/plan.ts); none by default. */
  readonly faults?: FaultPlan
  /**
   * How far the sandbox's clock runs ahead of the machine's (negative: behind), in ms: its Date header, the
   * export's five-minute rule and the latest time a data change may carry follow it. Default 0.
   */
  readonly clockOffsetMs?: number
  /** Resources the account does not have, answering 403 or 404 (account-settings.ts), e.g. `{ skills: 404 }`. */
  readonly unavailable?: Unavailable
  /** OAuth clients registered besides SANDBOX_CLIENT (api/oauth.ts). */
  readonly oauthClients?: readonly OAuthClient[]
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
  /** When the request reached the router (epoch ms). */
  readonly at: number
  /** When its answer was handed to the network whole (epoch ms); absent while it is being sent, or when it never was. */
  readonly answeredAt?: number
  /** A 429's Retry-After, in seconds. */
  readonly retryAfterSeconds?: number
}

export interface Sandbox {
  /** e.g. `http://127.0.0.1:PORT/api/v2/chat` (no trailing slash). */
  readonly baseUrl: string
  readonly port: number
  readonly token: string
  readonly data: SandboxData
  /** The OAuth server: clients, and tokens it issued (which the API accepts besides `token`). */
  readonly oauth: SandboxOAuth
  /** Every request answered so far, oldest first. */
  readonly requestLog: ReadonlyArray<RequestLogEntry>
  /** The sandbox's clock (epoch ms): the machine's plus clockOffsetMs. */
  nowMillis(): number
  /** Moves the sandbox's clock to run `ms` ahead of the machine's (negative: behind). */
  setClockOffset(ms: number): void
  /** Replaces the resources the account does not have (throws a RangeError when invalid). */
  setUnavailable(unavailable: Unavailable): void
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

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

const BEARER = /^Bearer\s+(\S+)\s*$/i

function route(req: IncomingMessage, url: URL, accepts: (token: string) => boolean, ctx: RouteContext, account: AccountSettings): Reply {
  const match = BEARER.exec(req.headers.authorization ?? '')
  if (match === null || !accepts(match[1]!)) return error(401, 'Unauthorized', DESCRIPTIONS.unauthorized)
  const path = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) : undefined
  const handler = path === undefined ? undefined : findRoute(path)
  if (handler === undefined) return notFound()
  const refused = account.refusal(path!)
  if (refused !== undefined) return refused
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
  const account = new AccountSettings(options)
  const data = new SandboxData({
    now: account.nowMillis,
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
  const oauth = new SandboxOAuth(options.oauthClients)
  const accepts = (given: string) => given === token || oauth.accepts(given)
  // Routes need the base URL, known once listening; nothing is served before that.
  let ctx: RouteContext = { data, baseUrl: '', nowMillis: account.nowMillis }

  const server = createServer((req, res) => {
    if (isControlRequest(req)) return handleControl(req, res, { faults, requestLog, account, data })
    const oauthUrl = URL.canParse(req.url ?? '/', `http://${SANDBOX_HOST}`) ? new URL(req.url ?? '/', `http://${SANDBOX_HOST}`) : undefined
    if (oauthUrl !== undefined && isOAuthPath(oauthUrl.pathname)) {
      // Never faulted: the faults are the API's.
      const arrived = Date.now()
      void oauth.handle(req, res, oauthUrl).then(
        (entry) => requestLog.push({ ...entry, at: arrived, answeredAt: Date.now() }),
        () => res.destroy(),
      )
      return
    }
    req.resume() // bodies are never read; drain them so keep-alive connections stay usable
    const at = Date.now()
    const { fault, vanishWhenAnswered } = faults.decide(at)
    let url: URL | undefined
    let reply: Reply
    try {
      url = new URL(req.url ?? '/', `http://${SANDBOX_HOST}`)
      reply = faultReply(fault) ?? route(req, url, accepts, ctx, account)
    } catch {
      reply = url === undefined ? badRequest() : error(500, 'Internal Server Error', DESCRIPTIONS.internal)
    }
    // Every answer says the time by the account's clock, as the real API's do.
    reply = account.dated(reply)
    const entry: Mutable<RequestLogEntry> = {
      method: req.method ?? '',
      path: url?.pathname ?? req.url ?? '',
      query: url === undefined ? {} : Object.fromEntries(url.searchParams),
      status: sentStatus(reply, fault),
      ...(fault === undefined ? {} : { fault: fault.kind }),
      at,
      ...(fault !== undefined && 'retryAfterSeconds' in fault ? { retryAfterSeconds: fault.retryAfterSeconds } : {}),
    }
    requestLog.push(entry)
    // 'finish': the whole answer is with the network (a reset or vanished answer never finishes).
    res.once('finish', () => (entry.answeredAt = Date.now()))
    // 'close': the answer is sent, or never will be; a body written into a pooled buffer can give it back.
    const body = reply.body
    if (body instanceof EncodedJson) res.once('close', body.done)
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
  ctx = { data, baseUrl, nowMillis: account.nowMillis }

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
  return {
    baseUrl,
    port,
    token,
    data,
    oauth,
    requestLog,
    nowMillis: account.nowMillis,
    setClockOffset: (ms) => {
      account.clockOffsetMs = ms
    },
    setUnavailable: (unavailable) => {
      account.unavailable = unavailable
    },
    setFaults,
    faultStats: () => faults.stats(),
    closed,
    close,
  }
}
