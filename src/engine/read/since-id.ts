/**
 * `?since_id=N&limit=L` (agents, bans): since_id is inclusive, so the next
 * page starts one past the highest id seen, and a page shorter than the limit
 * is the last one.
 */
import type { SinceIdPaging, StreamDef } from '../../streams/stream.js'
import { readPages, type Next, type PageFacts } from './pages.js'
import type { PageRequest } from '../http/cursor.js'
import { byReplicationKey, type ReadStrategy } from './strategy.js'

/** The request after a page of `limit` asked for with `req`. */
const nextSinceId = (req: PageRequest, limit: number, page: PageFacts): Next => {
  if (page.fetched < limit) return { request: undefined }
  const current = Number(req.query.since_id ?? 0)
  // A full page that does not move past since_id would be asked for again forever.
  if (!(page.highest + 1 > current)) return { request: undefined, warning: `a full page did not move past since_id ${current}; stopping` }
  return { request: { path: req.path, query: { ...req.query, since_id: page.highest + 1 } } }
}

export const sinceIdStrategy = (def: StreamDef, spec: SinceIdPaging): ReadStrategy => {
  // Resuming by id needs the bookmark to be the id paging counts by.
  const resumesById = def.replication.method === 'INCREMENTAL' && def.replication.key === spec.idField
  return {
    ...byReplicationKey(def),
    read: (ctx) => (env) => {
      const limit = spec.limit(env.config)
      return readPages(ctx, {
        records: spec.records,
        highestOf: spec.idField,
        first: (start) => {
          // since_id is inclusive: resume one past the last id already emitted.
          const since = resumesById && typeof start === 'number' ? start + 1 : undefined
          return { path: def.path, query: { ...(since === undefined ? {} : { since_id: since }), limit } }
        },
        next: (req, _body, page) => nextSinceId(req, limit, page),
      })(env)
    },
  }
}
