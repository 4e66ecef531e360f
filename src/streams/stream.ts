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

/** How the next request follows from the last page. */
export type Paging =
  /** One request returns everything. */
  | { readonly kind: 'none' }
  /**
   * `?since_id=N&limit=L`, since_id inclusive: the next page starts at
   * max(id) + 1, and a page shorter than the limit is the last one.
   */
  | {
      readonly kind: 'sinceId'
      readonly idField: string
      readonly limit: (config: Config) => number
    }

/** What kind of value a bookmark is, so the engine knows how to read, compare and resume from it. */
export type BookmarkKind = 'integer'

export type Replication =
  | { readonly method: 'FULL_TABLE' }
  | { readonly method: 'INCREMENTAL'; readonly key: string; readonly bookmark: BookmarkKind }

export interface StreamDef {
  /** tap_stream_id and stream name. */
  readonly name: string
  /** Under the API root, e.g. `agents`. */
  readonly path: string
  /** Validates one record; the catalog schema is derived from it. */
  readonly codec: t.Mixed
  readonly keyProperties: readonly string[]
  readonly replication: Replication
  readonly paging: Paging
  readonly records: RecordsAt
  /** One line for `about` and the README. */
  readonly description: string
}

export const fullTable: Replication = { method: 'FULL_TABLE' }
export const incremental = (key: string, bookmark: BookmarkKind): Replication => ({
  method: 'INCREMENTAL',
  key,
  bookmark,
})
export const noPaging: Paging = { kind: 'none' }
export const sinceId = (idField: string, limit: (config: Config) => number): Paging => ({ kind: 'sinceId', idField, limit })
export const wholeBody: RecordsAt = { kind: 'body' }
export const eachElement: RecordsAt = { kind: 'array' }
