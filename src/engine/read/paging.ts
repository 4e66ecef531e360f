/**
 * The paging strategies a stream definition can name: which request comes
 * first (resuming from a bookmark where the strategy can), and which follows a page.
 */
import type { Config } from '../../codecs/config.js'
import { toMicros } from '../../core/time.js'
import type { StreamDef } from '../../streams/stream.js'
import { fieldOf } from './decode.js'
import { describeRequest, requestAt, type PageRequest } from '../http/cursor.js'

/** Where a stream's reading starts. */
export interface Start {
  /** The bookmark to resume from, as stored in state, when it is honoured. */
  readonly bookmark: unknown
  readonly now: Date
}

/** What paging needs to know of a page's records. */
export interface PageSeen {
  /** How many records the API sent. */
  readonly fetched: number
  /** The highest id among them (sinceId paging), -Infinity for none. */
  readonly highestId: number
}

export interface Next {
  /** The next request, or undefined after the last page. */
  readonly request: PageRequest | undefined
  /** Something odd the API did that paging worked around. */
  readonly warning?: string
}

const exportStart = (unit: 'seconds' | 'microseconds', config: Config, start: Start): number => {
  const from = typeof start.bookmark === 'string' ? toMicros(start.bookmark) : undefined
  const micros = Math.min(from ?? config.startDate.getTime() * 1000, start.now.getTime() * 1000)
  // The API refuses a start_time in the future, so the start is clamped to now (tooRecent then holds it back).
  return unit === 'seconds' ? Math.floor(micros / 1_000_000) : micros
}

export const firstRequest = (stream: StreamDef, config: Config, start: Start): PageRequest => {
  const paging = stream.paging
  switch (paging.kind) {
    case 'none':
      return { path: stream.path, query: {} }
    case 'sinceId': {
      // since_id is inclusive: resume one past the last id already emitted.
      const resumesById = stream.replication.method === 'INCREMENTAL' && stream.replication.key === paging.idField
      const since = resumesById && typeof start.bookmark === 'number' ? start.bookmark + 1 : undefined
      return { path: stream.path, query: { ...(since === undefined ? {} : { since_id: since }), limit: paging.limit(config) } }
    }
    case 'export':
      return {
        path: stream.path,
        query: { start_time: exportStart(paging.timeUnit, config, start), limit: paging.limit, fields: paging.fields },
      }
  }
}

/** The export refuses a start_time less than this before its own clock (Zendesk's note on the export). */
export const EXPORT_QUIET_MS = 5 * 60_000
/** Kept clear of that limit too: the API's clock is known to the second (Date) and a request takes time to arrive. */
const EXPORT_MARGIN_MS = 10_000

/**
 * Why an export request must not be sent now: its start_time lies within five
 * minutes of the API's clock (first requests and next_page alike), so the API
 * would refuse it. Undefined when it may be sent, and for other paging.
 */
export const tooRecent = (stream: StreamDef, req: PageRequest, apiNow: Date): string | undefined => {
  const paging = stream.paging
  if (paging.kind !== 'export') return undefined
  const startTime = Number(req.query.start_time)
  if (!Number.isFinite(startTime)) return undefined
  const startMs = paging.timeUnit === 'seconds' ? startTime * 1000 : startTime / 1000
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

/** The request after `req`, given the page the API answered with. */
export const nextRequest = (stream: StreamDef, config: Config, req: PageRequest, body: unknown, seen: PageSeen): Next => {
  const paging = stream.paging
  switch (paging.kind) {
    case 'none':
      return { request: undefined }
    case 'sinceId': {
      const limit = paging.limit(config)
      if (seen.fetched < limit) return { request: undefined }
      const maxId = seen.highestId
      const current = Number(req.query.since_id ?? 0)
      // A full page that does not move past since_id would be asked for again forever.
      if (!(maxId + 1 > current)) return { request: undefined, warning: `a full page did not move past since_id ${current}; stopping` }
      return { request: { path: req.path, query: { ...req.query, since_id: maxId + 1 } } }
    }
    case 'export': {
      const count = fieldOf(body, 'count')
      // next_page is present even on the last page: a short page is the end.
      if ((typeof count === 'number' ? count : seen.fetched) < paging.limit) return { request: undefined }
      const next = followNextPage(req, body)
      if (next === undefined) return { request: undefined, warning: 'a full page came without next_page or end_time; stopping' }
      if (describeRequest(next) !== describeRequest(req)) return { request: next }
      // A full page of one instant with an inclusive boundary and no tie-break would repeat forever.
      const startTime = Number(req.query.start_time)
      return {
        request: { path: req.path, query: { ...next.query, start_time: startTime + 1 } },
        warning: `a full page all at start_time ${startTime} would repeat; moving on one ${paging.timeUnit === 'seconds' ? 'second' : 'microsecond'}`,
      }
    }
  }
}
