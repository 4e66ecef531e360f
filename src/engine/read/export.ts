/**
 * Incremental exports (chats, agent_timeline, conversions, department_events):
 * `?start_time=T&limit=L&fields=...`, then the response's `next_page` until a
 * page holds fewer than `limit` records, never asking for a start_time within
 * five minutes of the API's clock, which the export refuses.
 */
import type { Config } from '../../codecs/config.js'
import { toMicros } from '../../core/time.js'
import type { ExportPaging, StreamDef } from '../../streams/stream.js'
import { describeRequest, requestAt, type PageRequest } from '../http/cursor.js'
import { fieldOf } from './decode.js'
import { readPages, type Next, type PageFacts } from './pages.js'
import { byReplicationKey, type ReadStrategy } from './strategy.js'

/** The export refuses a start_time less than this before its own clock (Zendesk's note on the export). */
const EXPORT_QUIET_MS = 5 * 60_000
/** Kept clear of that limit too: the API's clock is known to the second (Date) and a request takes time to arrive. */
const EXPORT_MARGIN_MS = 10_000

/** The first start_time: the bookmark, else start_date, never after now (the API refuses a start_time in the future). */
const exportStart = (unit: ExportPaging['timeUnit'], config: Config, bookmark: unknown, now: Date): number => {
  const from = typeof bookmark === 'string' ? toMicros(bookmark) : undefined
  const micros = Math.min(from ?? config.startDate.getTime() * 1000, now.getTime() * 1000)
  return unit === 'seconds' ? Math.floor(micros / 1_000_000) : micros
}

/**
 * Why an export request must not be sent now: its start_time lies within five
 * minutes of the API's clock (first requests and next_page alike), so the API
 * would refuse it. Undefined when it may be sent.
 */
const tooRecent = (unit: ExportPaging['timeUnit'], req: PageRequest, apiNow: Date): string | undefined => {
  const startTime = Number(req.query.start_time)
  if (!Number.isFinite(startTime)) return undefined
  const startMs = unit === 'seconds' ? startTime * 1000 : startTime / 1000
  if (startMs <= apiNow.getTime() - EXPORT_QUIET_MS - EXPORT_MARGIN_MS) return undefined
  const when = Number.isFinite(new Date(startMs).getTime()) ? new Date(startMs).toISOString() : String(req.query.start_time)
  return `start_time ${when} is within five minutes of the API's clock (${apiNow.toISOString()}), which the export refuses`
}

/** The request `next_page` names, on our own origin and path: only its cursor is taken from it. */
const followNextPage = (req: PageRequest, body: unknown): PageRequest | undefined => {
  const nextPage = fieldOf(body, 'next_page')
  if (typeof nextPage === 'string' && nextPage !== '') return requestAt(req.path, nextPage)
  // No next_page: build the cursor from end_time (and end_id) as the API would.
  const endTime = fieldOf(body, 'end_time')
  if (typeof endTime !== 'number') return undefined
  const endId = fieldOf(body, 'end_id')
  const { start_id: _previousId, ...query } = req.query
  return { path: req.path, query: { ...query, start_time: endTime, ...(typeof endId === 'string' ? { start_id: endId } : {}) } }
}

/** The request after an export page. */
const nextExportPage = (spec: ExportPaging, req: PageRequest, body: unknown, page: PageFacts): Next => {
  const count = fieldOf(body, 'count')
  // next_page is present even on the last page: a short page is the end.
  if ((typeof count === 'number' ? count : page.fetched) < spec.limit) return { request: undefined }
  const next = followNextPage(req, body)
  if (next === undefined) return { request: undefined, warning: 'a full page came without next_page or end_time; stopping' }
  if (describeRequest(next) !== describeRequest(req)) return { request: next }
  // A full page of one instant with an inclusive boundary and no tie-break would repeat forever.
  const startTime = Number(req.query.start_time)
  return {
    request: { path: req.path, query: { ...next.query, start_time: startTime + 1 } },
    warning: `a full page all at start_time ${startTime} would repeat; moving on one ${spec.timeUnit === 'seconds' ? 'second' : 'microsecond'}`,
  }
}

export const exportStrategy = (def: StreamDef, spec: ExportPaging): ReadStrategy => ({
  ...byReplicationKey(def),
  read: (ctx) =>
    readPages(ctx, {
      records: spec.records,
      first: (start, config, apiNow) => ({
        path: def.path,
        query: { start_time: exportStart(spec.timeUnit, config, start, apiNow), limit: spec.limit, fields: spec.fields },
      }),
      next: (req, body, page) => nextExportPage(spec, req, body, page),
      hold: (req, apiNow) => tooRecent(spec.timeUnit, req, apiNow),
    }),
})
