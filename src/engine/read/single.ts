/** One request returns every record of the stream (account, departments, goals...). */
import type { SingleRequest, StreamDef } from '../../streams/stream.js'
import { readPages } from './pages.js'
import { byReplicationKey, type ReadStrategy } from './strategy.js'

export const singleRequestStrategy = (def: StreamDef, spec: SingleRequest): ReadStrategy => ({
  ...byReplicationKey(def),
  read: (ctx) =>
    readPages(ctx, {
      records: spec.records,
      first: () => ({ path: def.path, query: {} }),
      next: () => ({ request: undefined }),
    }),
})
