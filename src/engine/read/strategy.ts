/**
 * A way of reading a stream (single request, since_id, export, search): what
 * it keeps in state, what a SCHEMA names as bookmark properties, where it
 * resumes, and how it reads. The engine runs every stream through this one
 * interface and never asks which strategy it holds; src/engine/read/choose.ts
 * picks one per stream from its read specification and the config.
 */
import type { BookmarkKind, StreamDef } from '../../streams/stream.js'
import type { SelectedStream } from '../catalog.js'
import type { Program } from '../env.js'
import type { ApiRecord } from '../out/projection.js'
import type { Run, StateChange } from '../run.js'

/** A state entry of one stream: its bookmarks by key. */
export type StateEntry = Readonly<Record<string, unknown>>

/** What reading a stream came to (records are counted where they are written: Run.counter). */
export interface ReadOutcome {
  readonly pages: number
  /** The read stopped before the API's end (the five-minute rule): the next run reads the rest. */
  readonly held?: boolean
}

/** One stream being read in this run, as every strategy sees it. */
export interface StreamRead {
  readonly run: Run
  readonly sel: SelectedStream
  /** INCREMENTAL: start from the bookmarks and move them; FULL_TABLE: read everything, move none. */
  readonly incremental: boolean
  /** Where an incremental read resumes (see resumePoint); undefined: from start_date. */
  readonly start: unknown
  /** A record as the catalog selects it. */
  readonly select: (record: ApiRecord) => ApiRecord
  /** The full-table read's version (ACTIVATE_VERSION), when there is one: RECORD lines carry it. */
  readonly version: number | undefined
  /**
   * A page's RECORD lines and the STATE `change` makes, in one turn of the
   * output, `records` of them counted. The stream's opening lines go with its
   * first commit, so a stream skipped at its first request has written nothing.
   */
  readonly commit: (lines: Iterable<string>, records: number, change?: StateChange) => Program<void>
}

export interface ReadStrategy {
  /** The bookmarks it keeps in the stream's state entry, with their kinds. */
  readonly bookmarks: ReadonlyArray<readonly [key: string, kind: BookmarkKind]>
  /** The record fields its bookmarks follow: SCHEMA's bookmark_properties when read incrementally. */
  readonly bookmarkProperties: readonly string[]
  /** Where its own bookmarks say reading restarts; undefined when they say nothing. */
  readonly resumeFrom: (entry: StateEntry) => unknown
  readonly read: (ctx: StreamRead) => Program<ReadOutcome>
}

/** The bookmark of a stream read by its replication key (single, since_id, export), when it is incremental. */
const replicationBookmarks = (def: StreamDef): ReadStrategy['bookmarks'] =>
  def.replication.method === 'INCREMENTAL' ? [[def.replication.key, def.replication.bookmark]] : []

/** A strategy that resumes from the stream's replication key. */
export const byReplicationKey = (def: StreamDef): Omit<ReadStrategy, 'read'> => {
  const bookmarks = replicationBookmarks(def)
  return {
    bookmarks,
    bookmarkProperties: bookmarks.map(([key]) => key),
    resumeFrom: (entry) => (bookmarks.length === 0 ? undefined : (entry[bookmarks[0]![0]] ?? undefined)),
  }
}
