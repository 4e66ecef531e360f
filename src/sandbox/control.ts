/**
 * The sandbox's control endpoints, outside the API base path so a client under
 * test never meets them. They need no token and are never counted or faulted:
 *
 * - `GET /_sandbox/faults`: the current fault plan.
 * - `PUT /_sandbox/faults` with a JSON plan body: replaces the plan (400 when invalid).
 * - `GET /_sandbox/stats`: the fault stats.
 * - `GET /_sandbox/requests`: the request log (every API request answered, oldest
 *   first), for a process that runs the sandbox apart, like `npm run bench`.
 * - `GET /_sandbox/clock`: `{offsetMs, now}`; `PUT` `{"offsetMs": N}` moves the
 *   sandbox's clock N ms ahead of the machine's (negative: behind).
 * - `GET /_sandbox/unavailable`: the resources the account lacks; `PUT` a map
 *   such as `{"skills": 404, "goals": 403}` replaces them (`{}`: all present).
 * - `GET /_sandbox/quirks`: `{"quirks": "rare"}`; `PUT` with `{"quirks": "often"}`
 *   changes how often the rare shapes of real payloads come (400 when invalid).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { checkClockOffset, type AccountSettings } from './account-settings.js'
import { send } from './api/deliver.js'
import type { FaultDecider } from './faults/decider.js'
import { checkFaultPlan } from './faults/plan.js'
import type { QuirkLevel, SandboxData } from './data/sandbox-data.js'
import { badRequest, error, notFound, ok, type Reply } from './api/reply.js'
import { readBoundedBody } from '../core/request-body.js'

/** What the control endpoints read and change. */
export interface ControlTarget {
  readonly faults: FaultDecider
  readonly requestLog: ReadonlyArray<unknown>
  readonly account: AccountSettings
  /** What the quirks endpoint reads and changes. */
  readonly data?: Pick<SandboxData, 'quirks' | 'setQuirks'>
}

export const CONTROL_PREFIX = '/_sandbox/'

/** Larger bodies are not plans: refuse them rather than buffer them. */
const MAX_BODY_BYTES = 64 * 1024

export const isControlRequest = (req: IncomingMessage): boolean => (req.url ?? '').startsWith(CONTROL_PREFIX)

const methodNotAllowed = (allow: string): Reply => ({
  ...error(405, 'Method Not Allowed', 'The method is not allowed for the requested URL.'),
  headers: { Allow: allow },
})

const readBody = (req: IncomingMessage): Promise<string> => readBoundedBody(req, MAX_BODY_BYTES, 'a control body')

async function replaceFaults(req: IncomingMessage, faults: FaultDecider): Promise<Reply> {
  try {
    faults.setPlan(checkFaultPlan(JSON.parse(await readBody(req))))
    return ok(faults.plan)
  } catch (cause) {
    return badRequest(cause instanceof Error ? cause.message : String(cause))
  }
}

/** PUT: `change` takes the parsed JSON body (throwing a RangeError when it is wrong); GET and PUT answer `current()`. */
async function setting(req: IncomingMessage, current: () => unknown, change: (body: unknown) => void): Promise<Reply> {
  if (req.method === 'GET') return ok(current())
  if (req.method !== 'PUT') return methodNotAllowed('GET, PUT')
  try {
    change(JSON.parse(await readBody(req)))
    return ok(current())
  } catch (cause) {
    return badRequest(cause instanceof Error ? cause.message : String(cause))
  }
}

const clockOf = (account: AccountSettings) => () => ({ offsetMs: account.clockOffsetMs, now: new Date(account.nowMillis()).toISOString() })

async function controlReply(req: IncomingMessage, { faults, requestLog, account, data }: ControlTarget): Promise<Reply> {
  const path = new URL(req.url ?? '/', 'http://sandbox').pathname
  if (path === `${CONTROL_PREFIX}clock`) {
    return setting(req, clockOf(account), (body) => {
      account.clockOffsetMs = checkClockOffset((body as { offsetMs?: unknown } | null)?.offsetMs)
    })
  }
  if (path === `${CONTROL_PREFIX}unavailable`) {
    return setting(
      req,
      () => account.unavailable,
      (body) => {
        account.unavailable = body as Record<string, 403 | 404>
      },
    )
  }
  if (path === `${CONTROL_PREFIX}quirks` && data !== undefined) {
    return setting(
      req,
      () => ({ quirks: data.quirks }),
      (body) => {
        data.setQuirks((body as { quirks?: unknown } | null)?.quirks as QuirkLevel)
      },
    )
  }
  if (path === `${CONTROL_PREFIX}stats`) return req.method === 'GET' ? ok(faults.stats()) : methodNotAllowed('GET')
  if (path === `${CONTROL_PREFIX}requests`) return req.method === 'GET' ? ok(requestLog) : methodNotAllowed('GET')
  if (path !== `${CONTROL_PREFIX}faults`) return notFound()
  if (req.method === 'GET') return ok(faults.plan)
  if (req.method === 'PUT') return replaceFaults(req, faults)
  return methodNotAllowed('GET, PUT')
}

/** Answers one control request. */
export function handleControl(req: IncomingMessage, res: ServerResponse, target: ControlTarget): void {
  void controlReply(req, target).then((reply) => {
    req.resume() // whatever body was not read: drain it so the connection stays usable
    if (!res.destroyed) send(res, reply)
  })
}
