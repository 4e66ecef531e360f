/**
 * Path under `/api/v2/chat/` → handler. A new resource is one entry in ROUTES.
 */
import { badRequest, integerParam, limitParam, ok, type Handler, type Reply, type RouteContext } from './reply.js'
import { agentTimelineExport, chatsExport } from './routes-export.js'
import { chatById, chatsByIds, chatsSearch } from './routes-search.js'
import { conversionsExport, departmentEventsExport } from './routes-export-events.js'

/** `since_id` paging: the agents endpoint caps `limit` at 100 (API.md). */
export const AGENTS_MAX_LIMIT = 100
/** `since_id` paging of bans: `limit` up to 1000, 100 when absent. */
export const BANS_MAX_LIMIT = 1000
export const BANS_DEFAULT_LIMIT = 100

function agents(query: URLSearchParams, { data }: RouteContext): Reply {
  const limit = limitParam(query, AGENTS_MAX_LIMIT, AGENTS_MAX_LIMIT)
  if (typeof limit !== 'number') return limit
  const sinceId = integerParam(query, 'since_id', 0)
  if (sinceId === undefined) return badRequest('since_id must be an integer')
  return ok(data.agentsSince(sinceId, limit))
}

/** The first `limit` bans with id >= since_id over both kinds, split into the two arrays. */
function bans(query: URLSearchParams, { data }: RouteContext): Reply {
  const limit = limitParam(query, BANS_DEFAULT_LIMIT, BANS_MAX_LIMIT)
  if (typeof limit !== 'number') return limit
  const sinceId = integerParam(query, 'since_id', 0)
  if (sinceId === undefined) return badRequest('since_id must be an integer')
  return ok(data.bansSince(sinceId, limit))
}

const ROUTES: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['account', (_query, { data }) => ok(data.account)],
  ['departments', (_query, { data }) => ok(data.departments())],
  ['agents', agents],
  ['goals', (_query, { data }) => ok(data.goals())],
  ['roles', (_query, { data }) => ok(data.roleRecords())],
  ['skills', (_query, { data }) => ok(data.skillRecords())],
  ['shortcuts', (_query, { data }) => ok(data.shortcuts())],
  ['triggers', (_query, { data }) => ok(data.triggers())],
  ['routing_settings/account', (_query, { data }) => ok({ data: data.routingSettings() })],
  ['bans', bans],
  ['incremental/chats', chatsExport],
  ['incremental/agent_timeline', agentTimelineExport],
  ['incremental/conversions', conversionsExport],
  ['incremental/department_events', departmentEventsExport],
  ['chats/search', chatsSearch],
  ['chats', chatsByIds],
])

/** The handler of a path below the API prefix, or undefined (404). */
export function findRoute(path: string): Handler | undefined {
  const exact = ROUTES.get(path)
  if (exact !== undefined) return exact
  const chat = /^chats\/([^/]+)$/.exec(path)
  return chat === null ? undefined : (_query, ctx) => chatById(chat[1]!, ctx)
}
