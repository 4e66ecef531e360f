/**
 * What a stream is, as data: the Meltano SDK's RESTStream vocabulary (path,
 * primary keys, replication key, paginator, where the records are) without the
 * class hierarchy. The engine runs every definition the same way; a stream that
 * needs different behaviour gets a new strategy here, not an `if` in the engine.
 */
import type * as t from 'io-ts'
import type { Config } from '../codecs/config.js'

/** Where the records are in a response body. */
export type RecordsAt =
  /** The body is the one record (account). */
  | { readonly kind: 'body' }
  /** The body is an array of records (agents, departments). */
  | { readonly kind: 'array' }
  /** The one record is under a field of the body (`{"data": {...}}`). */
  | { readonly kind: 'objectIn'; readonly field: string }
  /** The records are an array under a field of the body (exports). */
  | { readonly kind: 'arrayIn'; readonly field: string }
  /**
   * The records are spread over several arrays, one per kind (bans); each
   * record gets `tagField` set to its array's name when it does not say.
   */
  | { readonly kind: 'groups'; readonly fields: readonly string[]; readonly tagField: string }
  /** The records are the values of an object under a field, keyed by id (`{"docs": {"<id>": {...}}}`). */
  | { readonly kind: 'valuesIn'; readonly field: string }

/** One request returns every record (account, departments). */
export interface SingleRequest {
  readonly kind: 'single'
  readonly records: RecordsAt
}

/**
 * `?since_id=N&limit=L`, since_id inclusive: the next page starts at
 * max(id) + 1, and a page shorter than the limit is the last one.
 */
export interface SinceIdPaging {
  readonly kind: 'sinceId'
  readonly idField: string
  readonly limit: (config: Config) => number
  readonly records: RecordsAt
}

/**
 * Incremental export: `?start_time=T&limit=L&fields=...`, then follow the
 * response's `next_page` (which carries `start_time` and, for chats, the
 * `start_id` tie-break) until a page holds fewer than `limit` records.
 */
export interface ExportPaging {
  readonly kind: 'export'
  /** The unit of `start_time`: chats count seconds, agent_timeline microseconds. */
  readonly timeUnit: 'seconds' | 'microseconds'
  readonly fields: string
  readonly limit: number
  /** The records are the array under this field, read as they arrive. */
  readonly records: { readonly kind: 'arrayIn'; readonly field: string }
}

/** One kind of record found by search, and the time field its windows and bookmark use. */
export interface SearchPass {
  /** The `type:` term of the query, e.g. `chat`. */
  readonly type: string
  /** The searched time field; the bookmark is `<type>.<field>` (the singer-io tap's name). */
  readonly field: string
}

/**
 * Find records by searching time windows (`?q=type:T AND field:[A TO B]`,
 * `next_url` paging, a depth limit), then fetch what each search page found in
 * bulk (`?ids=a,b,c`). Each pass keeps its own bookmark, which moves only when
 * a whole window has been read (search order within a window is not a cursor).
 */
export interface SearchPaging {
  readonly kind: 'search'
  readonly searchPath: string
  readonly fetchPath: string
  /** Where the records are in a bulk fetch's body. */
  readonly records: RecordsAt
  readonly passes: readonly SearchPass[]
  /** The first window's length in days. */
  readonly windowDays: (config: Config) => number
}

/** A way of reading a stream: each kind is one strategy (src/engine/read/). */
export type ReadSpec = SingleRequest | SinceIdPaging | ExportPaging | SearchPaging

/**
 * Several ways of reading one stream, chosen by a setting. State written by
 * any of them is accepted (a user may switch), so every way is named here.
 */
export interface ReadChoice {
  readonly kind: 'choice'
  readonly among: readonly [ReadSpec, ...ReadSpec[]]
  readonly chosen: (config: Config) => ReadSpec
}

/** The bookmark a search pass keeps, e.g. `chat.end_timestamp`. */
export const passBookmark = (pass: SearchPass): string => `${pass.type}.${pass.field}`

/** What kind of value a bookmark is, so the engine knows how to read, compare and resume from it. */
export type BookmarkKind =
  /** An id: resume strictly after it. */
  | 'integer'
  /** An RFC 3339 timestamp: resume at it (the boundary record comes again). */
  | 'datetime'

export type Replication =
  { readonly method: 'FULL_TABLE' } | { readonly method: 'INCREMENTAL'; readonly key: string; readonly bookmark: BookmarkKind }

export interface StreamDef {
  /** tap_stream_id and stream name. */
  readonly name: string
  /** Under the API root, e.g. `agents`. */
  readonly path: string
  /** Validates one record; the catalog schema is derived from it. */
  readonly codec: t.Mixed
  readonly keyProperties: readonly string[]
  /** The replication the stream offers: INCREMENTAL names its bookmark. */
  readonly replication: Replication
  /**
   * How a run reads the stream unless the catalog's `replication-method` says
   * otherwise; default: the replication's method. A stream whose replication
   * is INCREMENTAL but reads FULL_TABLE by default offers both.
   */
  readonly defaultMethod?: 'FULL_TABLE'
  /** How the stream is read: one way, or a choice among several. */
  readonly read: ReadSpec | ReadChoice
  /** One line for `about` and the README. */
  readonly description: string
  /**
   * Statuses of a first request that mean "this account has no such resource"
   * rather than a failure, and why: the stream is skipped with a warning giving
   * `reason`. Every stream has the rule (src/engine/unavailable.ts): 403 and
   * 404, and a reason derived from its name, unless it says otherwise here.
   */
  readonly skipOn?: { readonly statuses: readonly number[]; readonly reason: string }
  /**
   * Days after which a run ignores the stream's bookmarks and reads it all
   * again from start_date (undefined: never). The last full read is kept in
   * state as `last_full_sync`.
   */
  readonly fullSyncDays?: (config: Config) => number | undefined
  /** What zchat assumes about this resource where the sources disagree or say nothing: logged once per run. */
  readonly assumptions?: readonly string[]
}

/** How a run reads the stream when the catalog does not choose. */
export const defaultMethodOf = (stream: StreamDef): Replication['method'] => stream.defaultMethod ?? stream.replication.method

/** The way a run reads the stream under this config. */
export const readSpecOf = (stream: StreamDef, config: Config): ReadSpec =>
  stream.read.kind === 'choice' ? stream.read.chosen(config) : stream.read

/** Every way the stream can be read: their bookmarks are all the stream's. */
export const readSpecsOf = (stream: StreamDef): readonly ReadSpec[] => (stream.read.kind === 'choice' ? stream.read.among : [stream.read])

export const fullTable: Replication = { method: 'FULL_TABLE' }
export const incremental = (key: string, bookmark: BookmarkKind): Replication => ({
  method: 'INCREMENTAL',
  key,
  bookmark,
})
export const singleRequest = (records: RecordsAt): SingleRequest => ({ kind: 'single', records })
export const sinceId = (idField: string, limit: (config: Config) => number, records: RecordsAt): SinceIdPaging => ({
  kind: 'sinceId',
  idField,
  limit,
  records,
})
export const wholeBody: RecordsAt = { kind: 'body' }
export const eachElement: RecordsAt = { kind: 'array' }
export const objectIn = (field: string): RecordsAt => ({ kind: 'objectIn', field })
export const valuesIn = (field: string): RecordsAt => ({ kind: 'valuesIn', field })
export const groups = (fields: readonly string[], tagField: string): RecordsAt => ({ kind: 'groups', fields, tagField })
/** An export whose records are the array under `field`, a thousand a page. */
export const exportPaging = (timeUnit: 'seconds' | 'microseconds', field: string, fields = `${field}(*)`): ExportPaging => ({
  kind: 'export',
  timeUnit,
  fields,
  limit: 1000,
  records: { kind: 'arrayIn', field },
})
