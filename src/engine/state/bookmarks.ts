/**
 * A state and the bookmarks in it: the kinds of bookmark, how each is
 * compared and resumed from, and the pure edits every strategy makes.
 */
import * as t from 'io-ts'
import { toMicros } from '../../core/time.js'
import type { BookmarkKind } from '../../streams/stream.js'

export interface State {
  readonly bookmarks: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  readonly currently_syncing: string | null
}

export const emptyState: State = { bookmarks: {}, currently_syncing: null }

/** How each kind of bookmark is checked, compared and resumed from. Values are as stored in state JSON. */
export interface BookmarkOps {
  readonly codec: t.Mixed
  readonly describe: string
  /** Negative, zero or positive as `a` is before, at or after `b`. */
  readonly compare: (a: unknown, b: unknown) => number
  /** Whether a record whose replication value is `value` is emitted when resuming from `start`. */
  readonly keep: (value: unknown, start: unknown) => boolean
}

const NonNegativeInt = t.refinement(t.Int, (n) => n >= 0, 'a non-negative integer')
const DateTimeText = t.refinement(t.string, (s) => toMicros(s) !== undefined, 'an RFC 3339 date-time')
const micros = (value: unknown): number => toMicros(value as string) ?? Number.NaN

export const BOOKMARKS: { readonly [K in BookmarkKind]: BookmarkOps } = {
  // Ids: since_id is inclusive, so the bookmarked record itself was emitted already.
  integer: {
    codec: NonNegativeInt,
    describe: 'a non-negative integer',
    compare: (a, b) => (a as number) - (b as number),
    keep: (value, start) => (value as number) > (start as number),
  },
  // Timestamps: records sharing the bookmark's instant may not all have been emitted; take them again.
  datetime: {
    codec: DateTimeText,
    describe: 'an RFC 3339 date-time',
    compare: (a, b) => micros(a) - micros(b),
    keep: (value, start) => micros(value) >= micros(start),
  },
}

/** Where a full-table stream keeps the version of its last complete read (ACTIVATE_VERSION). */
export const VERSION = 'version'

/** Where the time of a stream's last complete read from start_date is kept. */
export const LAST_FULL_SYNC = 'last_full_sync'

/** One bookmark of a stream's state entry, if set. */
export const bookmarkAt = (state: State, stream: string, key: string): unknown => state.bookmarks[stream]?.[key] ?? undefined

/** The state without some bookmarks of a stream (a full read starts over). */
export const withoutBookmarks = (state: State, stream: string, keys: readonly string[]): State => {
  const entry = { ...state.bookmarks[stream] }
  for (const key of keys) delete entry[key]
  return { ...state, bookmarks: { ...state.bookmarks, [stream]: entry } }
}

export const withBookmark = (state: State, stream: string, key: string, value: unknown): State => ({
  ...state,
  bookmarks: { ...state.bookmarks, [stream]: { ...state.bookmarks[stream], [key]: value } },
})

export const withCurrentlySyncing = (state: State, stream: string | null): State => ({ ...state, currently_syncing: stream })
