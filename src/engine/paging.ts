/**
 * The paging strategies a stream definition can name: which request comes
 * first (resuming from a bookmark where the strategy can), and which follows a page.
 */
import type { Config } from '../codecs/config.js'
import type { StreamDef } from '../streams/stream.js'
import type { PageRequest } from './http.js'

/** Where a stream's reading starts: its bookmark when it has one and it is honoured. */
export interface Start {
  readonly bookmark: number | undefined
}

export const firstRequest = (stream: StreamDef, config: Config, start: Start): PageRequest => {
  const paging = stream.paging
  switch (paging.kind) {
    case 'none':
      return { path: stream.path, query: {} }
    case 'sinceId': {
      // since_id is inclusive: resume one past the last id already emitted.
      const resumesById = stream.replication.method === 'INCREMENTAL' && stream.replication.key === paging.idField
      const since = resumesById && start.bookmark !== undefined ? start.bookmark + 1 : undefined
      return { path: stream.path, query: { ...(since === undefined ? {} : { since_id: since }), limit: paging.limit(config) } }
    }
  }
}

/** The request after `req`, or undefined when `records` was the last page. */
export const nextRequest = (
  stream: StreamDef,
  config: Config,
  req: PageRequest,
  records: readonly Record<string, unknown>[],
): PageRequest | undefined => {
  const paging = stream.paging
  switch (paging.kind) {
    case 'none':
      return undefined
    case 'sinceId': {
      const limit = paging.limit(config)
      if (records.length < limit) return undefined
      const maxId = records.reduce((m, r) => Math.max(m, r[paging.idField] as number), -Infinity)
      const current = Number(req.query.since_id ?? 0)
      // A full page that does not move past since_id would be asked for again forever.
      if (!(maxId + 1 > current)) return undefined
      return { path: req.path, query: { ...req.query, since_id: maxId + 1 } }
    }
  }
}
