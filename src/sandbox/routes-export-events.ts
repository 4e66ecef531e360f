/**
 * The two exports no other connector ships (API.md): `incremental/conversions`
 * and `incremental/department_events`. Their envelope is assumed like the
 * chats export's (`{<name>: [], count, end_id, end_time, next_page}`),
 * start_time in epoch seconds, a `start_id` tie-break, `next_page` on every
 * page, the last one too.
 */
import { badRequest, limitParam, ok, type Reply, type RouteContext } from './reply.js'
import { EXPORT_MAX_LIMIT, startTimeParam } from './routes-export.js'

interface Exported {
  readonly id: string
  readonly timestamp: string
}

function exportOf(
  name: string,
  page: (ctx: RouteContext, startTime: number, startId: string | undefined, limit: number) => readonly Exported[],
) {
  return (query: URLSearchParams, ctx: RouteContext): Reply => {
    const startTime = startTimeParam(query, ctx, 'seconds', 1 / 1000)
    if (typeof startTime !== 'number') return startTime
    const limit = limitParam(query, EXPORT_MAX_LIMIT, EXPORT_MAX_LIMIT)
    if (typeof limit !== 'number') return limit
    const rawStartId = query.get('start_id')
    const startId = rawStartId === null || rawStartId === '' ? undefined : rawStartId
    const records = page(ctx, startTime, startId, limit)
    const last = records.at(-1)
    const endTime = last === undefined ? startTime : Math.floor(Date.parse(last.timestamp) / 1000)
    if (!Number.isFinite(endTime)) return badRequest(`${name}: a record without a timestamp`)
    // An empty page keeps the request's position, so following next_page never goes back.
    const nextId = last?.id ?? startId
    const next =
      `${ctx.baseUrl}/incremental/${name}?start_time=${endTime}` +
      (nextId === undefined ? '' : `&start_id=${encodeURIComponent(nextId)}`) +
      `&limit=${limit}&fields=${name}(*)`
    return ok({ [name]: records, count: records.length, end_id: last?.id ?? null, end_time: endTime, next_page: next })
  }
}

export const conversionsExport = exportOf('conversions', (ctx, t, id, limit) => ctx.data.exportConversions(t, id, limit))
export const departmentEventsExport = exportOf('department_events', (ctx, t, id, limit) => ctx.data.exportDepartmentEvents(t, id, limit))
