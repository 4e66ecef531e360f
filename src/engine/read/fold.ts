/**
 * One page of a stream, folded record by record as its records arrive:
 * decode → keep (past the bookmark, not repeated from the last page's
 * boundary) → RECORD line. A page is held as its lines and a few facts about
 * it (how many were fetched, the newest bookmark, its boundary), never as
 * the API's parsed objects, so each record's objects die young (and its
 * lines are bytes outside the JS heap, see LineBuffer); and a record
 * that does not fit stops the page before any of its lines is written.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Failure } from '../../core/failure.js'
import type { LineBuffer } from '../../core/line-buffer.js'
import type { StreamDef } from '../../streams/stream.js'
import type { SelectedStream } from '../catalog.js'
import { recordDecoder } from './decode.js'
import type { PageSeen } from './paging.js'
import { selectedCodec } from './selected-codec.js'
import type { Advance, Row, Run } from '../out/output.js'
import { BOOKMARKS, bookmarkOf, withBookmark, type BookmarkOps } from '../state/state.js'
import { mapFailure } from '../out/stream-maps.js'

/** A record's identity: its key and replication value. */
const identity = (def: StreamDef, record: Row): string =>
  JSON.stringify([
    ...def.keyProperties.map((k) => record[k]),
    def.replication.method === 'INCREMENTAL' ? record[def.replication.key] : null,
  ])

/**
 * The last replication value of a page and the identities of the records at
 * the page's end that carry it: a cursor that resumes at that value
 * (inclusively) sends them again. Replication values are ids or timestamps:
 * primitives, compared with ===.
 */
export interface Boundary {
  readonly value: unknown
  readonly ids: ReadonlySet<string>
}

export const noBoundary: Boundary = { value: undefined, ids: new Set() }

/** What a page came to once all its records are in. */
export interface FoldedPage extends PageSeen {
  /** The RECORD lines to write. */
  readonly lines: LineBuffer
  /** The bookmark the page earns, applied when its lines are written. */
  readonly advance?: Advance
  readonly boundary: Boundary
}

export interface PageContext {
  readonly run: Run
  readonly sel: SelectedStream
  /** The bookmark the stream's reading started from: records before it are dropped. */
  readonly start: unknown
  /** The last page's boundary: records of it seen again are dropped (whether a cursor is inclusive is not always documented). */
  readonly previous: Boundary
  readonly toRecord: (record: Row) => Row
  /** A record's RECORD line. */
  readonly line: (record: Row) => string
  /** Where the page's lines go (emptied first): one buffer serves all the pages of a stream. */
  readonly out: LineBuffer
  /** At most this many lines (a connection test's sample). */
  readonly limit: number
  /** `line` goes through stream maps: it may drop a record ('') or throw on one (RecordMapFailure). */
  readonly mapped?: boolean
}

export class PageFold {
  private readonly decode: ReturnType<typeof recordDecoder>
  private readonly key: string | undefined
  private readonly ops: BookmarkOps | undefined
  private readonly filtersByBookmark: boolean
  private readonly idField: string | undefined
  private fetched = 0
  private highestId = -Infinity
  private newest: unknown = undefined
  /** The records at the end of the page so far that share the last replication value. */
  private readonly tail: Row[] = []
  private failure: Failure | undefined

  constructor(private readonly context: PageContext) {
    const { def, method } = context.sel
    this.decode = recordDecoder(def, selectedCodec(context.sel))
    this.key = def.replication.method === 'INCREMENTAL' ? def.replication.key : undefined
    this.ops = def.replication.method === 'INCREMENTAL' ? BOOKMARKS[def.replication.bookmark] : undefined
    this.filtersByBookmark = method === 'INCREMENTAL' && this.key !== undefined
    this.idField = def.paging.kind === 'sinceId' ? def.paging.idField : undefined
    context.out.clear()
  }

  /** Takes the page's next record as the API sent it. */
  readonly add = (raw: unknown): void => {
    if (this.failure !== undefined) return
    const decoded = this.decode(raw, this.fetched++)
    if (E.isLeft(decoded)) {
      this.failure = decoded.left
      return
    }
    const record = decoded.right
    if (this.idField !== undefined) this.highestId = Math.max(this.highestId, record[this.idField] as number)
    const { key, ops, context } = this
    if (key === undefined || ops === undefined) return this.emit(record)
    const value = record[key]
    // One array for the whole page, emptied when the value changes: most records start a run of their own.
    if (this.tail.length > 0 && this.tail[0]![key] !== value) this.tail.length = 0
    this.tail.push(record)
    if (this.filtersByBookmark) {
      if (context.start !== undefined && value != null && !ops.keep(value, context.start)) return
      if (value != null && (this.newest === undefined || ops.compare(value, this.newest) > 0)) this.newest = value
    }
    const previous = context.previous
    if (previous.ids.size > 0 && value === previous.value && previous.ids.has(identity(context.sel.def, record))) return
    this.emit(record)
  }

  private emit(record: Row): void {
    const { out, limit, line, toRecord, mapped } = this.context
    if (out.lines >= limit) return
    if (mapped !== true) return out.push(line(toRecord(record)))
    try {
      const text = line(toRecord(record))
      if (text !== '') out.push(text)
    } catch (error) {
      const failure = mapFailure(error)
      if (failure === undefined) throw error
      this.failure = failure
    }
  }

  /** The page, or the first record that did not fit. */
  finish(): E.Either<Failure, FoldedPage> {
    if (this.failure !== undefined) return E.left(this.failure)
    const { key, context } = this
    const def = context.sel.def
    const ids = new Set<string>()
    for (const record of this.tail) ids.add(identity(def, record))
    const boundary = key === undefined || this.tail.length === 0 ? noBoundary : { value: this.tail[0]![key], ids }
    const page = { lines: context.out, fetched: this.fetched, highestId: this.highestId, boundary }
    return E.right({ ...page, ...this.advanceOf() })
  }

  /** The bookmark moves to the newest record kept, when that is past the stream's current one. */
  private advanceOf(): { advance?: Advance } {
    const { key, ops, newest } = this
    const { sel, run } = this.context
    if (!this.filtersByBookmark || key === undefined || ops === undefined || newest === undefined) return {}
    // Only this stream moves its own bookmark, so the run's state holds the one its last page left.
    const current = bookmarkOf(run.state, sel.def)
    if (current !== undefined && ops.compare(newest, current) <= 0) return {}
    return { advance: (state) => withBookmark(state, sel.def.name, key, newest) }
  }
}
