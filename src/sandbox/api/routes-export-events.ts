/**
 * The two exports no other connector ships (API.md): `incremental/conversions`
 * and `incremental/department_events`. Their envelope is assumed like the
 * chats export's (`{<name>: [], count, end_id, end_time, next_page}`),
 * start_time in epoch seconds, a `start_id` tie-break, `next_page` on every
 * page, the last one too.
 */
import { badRequest, ok, type Reply, type RouteContext } from './reply.js'
import { exportStart, nextExportPage } from './routes-export.js'

interface Exported {
  readonly id: string
  readonly timestamp: string
}

function exportOf(
  name: string,
  page: (ctx: RouteContext, startTime: number, startId: string | undefined, limit: number) => readonly Exported[],
) {
  return (query: URLSearchParams, ctx: RouteContext): Reply => {
    const start = exportStart(query, ctx)
    if (!('startTime' in start)) return start
    const { startTime, startId, limit } = start
    const records = page(ctx, startTime, startId, limit)
    const last = records.at(-1)
    const endTime = last === undefined ? startTime : Math.floor(Date.parse(last.timestamp) / 1000)
    if (!Number.isFinite(endTime)) return badRequest(`${name}: a record without a timestamp`)
    const next = nextExportPage(ctx, name, endTime, last?.id ?? startId, limit)
    return ok({ [name]: records, count: records.length, end_id: last?.id ?? null, end_time: endTime, next_page: next })
  }
}

export const conversionsExport = exportOf('conversions', (ctx, t, id, limit) => ctx.data.exportConversions(t, id, limit))
export const departmentEventsExport = exportOf('department_events', (ctx, t, id, limit) => ctx.data.exportDepartmentEvents(t, id, limit))
