/**
 * The records of a page that a replication bookmark lets through, for every
 * way of reading that pages by request (single, since_id, export): records
 * before the bookmark a read resumes from are dropped, records at the end of
 * the last page seen again are dropped (whether a cursor is inclusive is not
 * always documented), and the newest value kept becomes the bookmark.
 */
import type { StreamDef } from '../../streams/stream.js'
import type { ApiRecord } from '../out/projection.js'
import type { StateChange } from '../run.js'
import { BOOKMARKS, withBookmark, type BookmarkOps } from '../state/bookmarks.js'

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

/** A record's identity: its key and replication value. */
const identity = (def: StreamDef, record: ApiRecord): string =>
  JSON.stringify([
    ...def.keyProperties.map((k) => record[k]),
    def.replication.method === 'INCREMENTAL' ? record[def.replication.key] : null,
  ])

export interface ResumeRules {
  readonly def: StreamDef
  /** Read incrementally: drop what the bookmark says was read, and move it. Otherwise only repeats are dropped. */
  readonly incremental: boolean
  /** The bookmark the stream's reading started from. */
  readonly start: unknown
  /** The last page's boundary. */
  readonly previous: Boundary
  /** The stream's bookmark as the run's state holds it when the page is done. */
  readonly current: () => unknown
}

export class ResumeFilter {
  private readonly key: string | undefined
  private readonly ops: BookmarkOps | undefined
  private newest: unknown = undefined
  /** The records at the end of the page so far that share the last replication value. */
  private readonly tail: ApiRecord[] = []

  constructor(private readonly rules: ResumeRules) {
    const { replication } = rules.def
    this.key = replication.method === 'INCREMENTAL' ? replication.key : undefined
    this.ops = replication.method === 'INCREMENTAL' ? BOOKMARKS[replication.bookmark] : undefined
  }

  readonly keep = (record: ApiRecord): boolean => {
    const { key, ops, rules } = this
    if (key === undefined || ops === undefined) return true
    const value = record[key]
    // One array for the whole page, emptied when the value changes: most records start a run of their own.
    if (this.tail.length > 0 && this.tail[0]![key] !== value) this.tail.length = 0
    this.tail.push(record)
    if (rules.incremental) {
      if (rules.start !== undefined && value != null && !ops.keep(value, rules.start)) return false
      if (value != null && (this.newest === undefined || ops.compare(value, this.newest) > 0)) this.newest = value
    }
    const previous = rules.previous
    return !(previous.ids.size > 0 && value === previous.value && previous.ids.has(identity(rules.def, record)))
  }

  /** Where the page ends, and the bookmark it earns when that is past the stream's current one. */
  finish(): { readonly boundary: Boundary; readonly change?: StateChange } {
    const { key, ops, newest, rules } = this
    const ids = new Set<string>()
    for (const record of this.tail) ids.add(identity(rules.def, record))
    const boundary = key === undefined || this.tail.length === 0 ? noBoundary : { value: this.tail[0]![key], ids }
    if (!rules.incremental || key === undefined || ops === undefined || newest === undefined) return { boundary }
    // Only this stream moves its own bookmark, so the run's state holds the one its last page left.
    const current = rules.current()
    if (current !== undefined && ops.compare(newest, current) <= 0) return { boundary }
    return { boundary, change: (state) => withBookmark(state, rules.def.name, key, newest) }
  }
}
