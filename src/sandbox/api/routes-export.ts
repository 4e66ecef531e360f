/**
 * The incremental exports (API.md, "Incremental export"): `incremental/chats`
 * (start_time in epoch seconds, start_id tie-break, exclusive) and
 * `incremental/agent_timeline` (start_time in epoch microseconds, inclusive).
 * `next_page` is present on every page, the last one too.
 */
import { JsonBytes } from '../data/json-bytes.js'
import { badRequest, EncodedJson, error, limitParam, ok, type Reply, type RouteContext } from './reply.js'

/** Both exports cap `limit` at 1000, which is also the default. */
export const EXPORT_MAX_LIMIT = 1000

/** Room for one chat in a page's buffer: chats average about 4.6 kB of JSON. */
const CHAT_BYTES = 6144

const NON_NEGATIVE_INTEGER = /^\d+$/

/** The export refuses a start_time less than this before the account's clock (API.md: the five-minute rule). */
export const EXPORT_QUIET_MS = 5 * 60_000

/**
 * Zendesk Support's answer to a too recent start_time, with the sandbox's 400
 * (the Chat API's status and body are not documented; API.md).
 */
export const TOO_RECENT = 'Too recent start_time. Use a start_time older than 5 minutes'

/**
 * start_time: required, a non-negative integer, more than five minutes before
 * the account's clock (`unitsPerMilli` converts it). Every request is judged,
 * the first and each next_page alike.
 */
export function startTimeParam(query: URLSearchParams, ctx: RouteContext, unit: string, unitsPerMilli: number): number | Reply {
  const raw = query.get('start_time')
  if (raw === null || !NON_NEGATIVE_INTEGER.test(raw) || !Number.isSafeInteger(Number(raw))) {
    return badRequest(`start_time is required: a whole number of ${unit} since the epoch`)
  }
  const startTime = Number(raw)
  if (startTime > Math.floor((ctx.nowMillis() - EXPORT_QUIET_MS) * unitsPerMilli)) return error(400, 'InvalidValue', TOO_RECENT)
  return startTime
}

/** Where a page of a seconds-paged export (chats, conversions, department_events) starts: start_time, the start_id tie-break, limit. */
export interface ExportStart {
  readonly startTime: number
  readonly startId: string | undefined
  readonly limit: number
}

/** The request's ExportStart, or the 400 that refuses it. */
export function exportStart(query: URLSearchParams, ctx: RouteContext): ExportStart | Reply {
  const startTime = startTimeParam(query, ctx, 'seconds', 1 / 1000)
  if (typeof startTime !== 'number') return startTime
  const limit = limitParam(query, EXPORT_MAX_LIMIT, EXPORT_MAX_LIMIT)
  if (typeof limit !== 'number') return limit
  const rawStartId = query.get('start_id')
  return { startTime, startId: rawStartId === null || rawStartId === '' ? undefined : rawStartId, limit }
}

/** `next_page` of a seconds-paged export, on every page; an empty page keeps the request's position, so following it never goes back. */
export const nextExportPage = (ctx: RouteContext, name: string, endTime: number, nextId: string | undefined, limit: number): string =>
  `${ctx.baseUrl}/incremental/${name}?start_time=${endTime}` +
  (nextId === undefined ? '' : `&start_id=${encodeURIComponent(nextId)}`) +
  `&limit=${limit}&fields=${name}(*)`

export function chatsExport(query: URLSearchParams, ctx: RouteContext): Reply {
  const start = exportStart(query, ctx)
  if (!('startTime' in start)) return start
  const { startTime, startId, limit } = start

  // The bytes of JSON.stringify({ chats, count, end_id, end_time, next_page }), each chat written as soon as it is built.
  const out = JsonBytes.pooled(limit * CHAT_BYTES)
  out.write('{"chats":[')
  const page = ctx.data.writeExportedChats(out, startTime, startId, limit)
  out.write('],')
  const endTime = page.endTime ?? startTime
  const next = nextExportPage(ctx, 'chats', endTime, page.endId ?? startId, limit)
  out.write(JSON.stringify({ count: page.count, end_id: page.endId ?? null, end_time: endTime, next_page: next }).slice(1))
  return ok(new EncodedJson(out.bytes(), () => out.release()))
}

export function agentTimelineExport(query: URLSearchParams, ctx: RouteContext): Reply {
  const startTime = startTimeParam(query, ctx, 'microseconds', 1000)
  if (typeof startTime !== 'number') return startTime
  const limit = limitParam(query, EXPORT_MAX_LIMIT, EXPORT_MAX_LIMIT)
  if (typeof limit !== 'number') return limit

  const page = ctx.data.timelineSince(startTime, limit)
  const endTime = page.endMicros ?? startTime
  return ok({
    agent_timeline: page.entries,
    count: page.entries.length,
    end_time: endTime,
    next_page: `${ctx.baseUrl}/incremental/agent_timeline?start_time=${endTime}&limit=${limit}&fields=agent_timeline(*)`,
  })
}
