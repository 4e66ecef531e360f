/**
 * What the simulated account is like besides its records: its clock, which
 * may differ from the machine's (the real API judges the export's five-minute
 * rule by its own clock and says it in every Date header), and the resources
 * it does not have (a plan without skills, goals or routing answers 403 or 404
 * there). Both can change while the sandbox serves.
 */
import { error, notFound, type Reply } from './reply.js'

/** The statuses a resource the account lacks may answer. */
export const UNAVAILABLE_STATUSES = [403, 404] as const
export type UnavailableStatus = (typeof UNAVAILABLE_STATUSES)[number]

/** Resource (a path under the API prefix, or its first segments: `routing_settings`) → what it answers. */
export type Unavailable = Readonly<Record<string, UnavailableStatus>>

const FORBIDDEN =
  "You don't have the permission to access the requested resource. It is either read-protected or not readable by the server."

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The map itself when valid (e.g. a JSON body), else a RangeError naming what is wrong. */
export function checkUnavailable(value: unknown): Unavailable {
  if (!isRecord(value)) throw new RangeError('unavailable: give an object of resource path to 403 or 404, e.g. {"skills": 404}')
  for (const [path, status] of Object.entries(value)) {
    if (!/^[a-z_]+(\/[a-z_]+)*$/.test(path))
      throw new RangeError(`unavailable: ${JSON.stringify(path)} is not a resource path such as skills or routing_settings/account`)
    if (!(UNAVAILABLE_STATUSES as readonly unknown[]).includes(status))
      throw new RangeError(`unavailable: ${path} must answer 403 or 404, got ${JSON.stringify(status)}`)
  }
  return value as Unavailable
}

/** `skills,goals=403` (404 unless a status is given) as a map; a RangeError for anything else. */
export function parseUnavailable(spec: string): Unavailable {
  const map: Record<string, number> = {}
  for (const item of spec.split(',')) {
    const [path = '', status = '404', ...rest] = item.trim().split('=')
    if (rest.length > 0 || !/^\d+$/.test(status)) throw new RangeError(`unavailable: '${item.trim()}' is not PATH or PATH=403|404`)
    map[path] = Number(status)
  }
  return checkUnavailable(map)
}

export function checkClockOffset(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new RangeError(`clock offset: a whole number of milliseconds, got ${JSON.stringify(value)}`)
  return value
}

export class AccountSettings {
  private offsetMs: number
  private missing: Unavailable

  constructor(options: { readonly clockOffsetMs?: number; readonly unavailable?: Unavailable } = {}) {
    this.offsetMs = checkClockOffset(options.clockOffsetMs ?? 0)
    this.missing = checkUnavailable(options.unavailable ?? {})
  }

  /** The account's clock, in epoch milliseconds. */
  readonly nowMillis = (): number => Date.now() + this.offsetMs

  get clockOffsetMs(): number {
    return this.offsetMs
  }

  set clockOffsetMs(ms: number) {
    this.offsetMs = checkClockOffset(ms)
  }

  get unavailable(): Unavailable {
    return this.missing
  }

  set unavailable(map: Unavailable) {
    this.missing = checkUnavailable(map)
  }

  /** What `path` (below the API prefix) answers when the account lacks it; undefined when it has it. */
  refusal(path: string): Reply | undefined {
    for (const [resource, status] of Object.entries(this.missing)) {
      if (path !== resource && !path.startsWith(`${resource}/`)) continue
      return status === 404 ? notFound() : error(403, 'Forbidden', FORBIDDEN)
    }
    return undefined
  }

  /** `reply` with the account clock's Date header. */
  dated(reply: Reply): Reply {
    return { ...reply, headers: { ...reply.headers, Date: new Date(this.nowMillis()).toUTCString() } }
  }
}
