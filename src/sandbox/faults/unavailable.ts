/**
 * Resources the simulated account does not have (a plan without skills, goals
 * or routing): which paths answer 403 or 404, as an option, a JSON body of the
 * control endpoint or a `--unavailable` spec, and what such a path answers.
 */
import { error, notFound, type Reply } from '../api/reply.js'

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

/** What `path` (below the API prefix) answers when `missing` names it or a resource above it; undefined otherwise. */
export function refusal(missing: Unavailable, path: string): Reply | undefined {
  for (const [resource, status] of Object.entries(missing)) {
    if (path !== resource && !path.startsWith(`${resource}/`)) continue
    return status === 404 ? notFound() : error(403, 'Forbidden', FORBIDDEN)
  }
  return undefined
}
