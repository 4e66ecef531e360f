/**
 * The one place a stream's read specification becomes a strategy. A stream
 * that can be read several ways (chats: export or search) keeps the
 * bookmarks of each, so a run after a switch resumes where the other way got
 * to instead of reading everything again.
 */
import type { Config } from '../../codecs/config.js'
import { readSpecOf, readSpecsOf, type BookmarkKind, type ReadSpec, type StreamDef } from '../../streams/stream.js'
import { LAST_FULL_SYNC } from '../state/bookmarks.js'
import { exportStrategy } from './export.js'
import { searchStrategy } from './search.js'
import { sinceIdStrategy } from './since-id.js'
import { singleRequestStrategy } from './single.js'
import type { ReadStrategy, StateEntry } from './strategy.js'

/** Each kind of read specification's strategy: a new way of reading is one entry here and its file. */
const STRATEGIES: { readonly [K in ReadSpec['kind']]: (def: StreamDef, spec: Extract<ReadSpec, { kind: K }>) => ReadStrategy } = {
  single: singleRequestStrategy,
  sinceId: sinceIdStrategy,
  export: exportStrategy,
  search: searchStrategy,
}

const built = new WeakMap<ReadSpec, ReadStrategy>()

/** The strategy of one read specification of `def` (built once). */
export const strategyFor = (def: StreamDef, spec: ReadSpec): ReadStrategy => {
  let strategy = built.get(spec)
  if (strategy === undefined) {
    strategy = (STRATEGIES[spec.kind] as (def: StreamDef, spec: ReadSpec) => ReadStrategy)(def, spec)
    built.set(spec, strategy)
  }
  return strategy
}

/** The strategy a run reads `def` with under `config`. */
export const strategyOf = (def: StreamDef, config: Config): ReadStrategy => strategyFor(def, readSpecOf(def, config))

/** Every bookmark zchat keeps for a stream, with its kind: each way of reading it, and its last full read. */
export const keptBookmarks = (def: StreamDef): ReadonlyArray<readonly [string, BookmarkKind]> => {
  const kept = new Map<string, BookmarkKind>()
  for (const spec of readSpecsOf(def)) for (const [key, kind] of strategyFor(def, spec).bookmarks) kept.set(key, kind)
  if (def.fullSyncDays !== undefined) kept.set(LAST_FULL_SYNC, 'datetime')
  return [...kept]
}

/**
 * Where reading `def` by `spec` resumes: its own bookmarks, else where
 * another way of reading it got to when both keep times (each record's
 * update_timestamp is at or after its searched time, and a searched time is
 * at or before the update it was found by, so nothing before that point can
 * be missing); undefined: from start_date.
 */
export const resumePoint = (def: StreamDef, entry: StateEntry | undefined, spec: ReadSpec = readSpecsOf(def)[0]!): unknown => {
  if (entry === undefined) return undefined
  const chosen = strategyFor(def, spec)
  const own = chosen.resumeFrom(entry)
  if (own !== undefined) return own
  const times = (strategy: ReadStrategy) => strategy.bookmarks.length > 0 && strategy.bookmarks.every(([, kind]) => kind === 'datetime')
  if (!times(chosen)) return undefined
  for (const other of readSpecsOf(def)) {
    const strategy = strategyFor(def, other)
    if (other === spec || !times(strategy)) continue
    const theirs = strategy.resumeFrom(entry)
    if (theirs !== undefined) return theirs
  }
  return undefined
}
