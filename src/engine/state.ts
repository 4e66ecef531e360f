/**
 * Singer state in and out: `{"bookmarks": {stream: {key: value}}, "currently_syncing": name|null}`.
 * Bookmarks of streams zchat does not know are kept as they are, so a shared
 * state file loses nothing; bookmarks of zchat's streams are checked by kind.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { toMicros } from '../core/time.js'
import type { BookmarkKind, StreamDef } from '../streams/stream.js'

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

const StateFile = t.partial({
  bookmarks: t.UnknownRecord,
  currently_syncing: t.union([t.string, t.null]),
})

const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : JSON.stringify(value)

/** Read a parsed state file. Meltano's `{"singer_state": ...}` wrapping is accepted too. Left: one line per problem. */
export const parseState = (input: unknown, streams: readonly StreamDef[]): E.Either<readonly string[], State> => {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return E.left([`the state must be a JSON object, got ${typeOf(input)}`])
  }
  const unwrapped = 'singer_state' in input ? (input as { singer_state: unknown }).singer_state : input
  if (unwrapped !== input) return parseState(unwrapped, streams)
  const unknownKeys = Object.keys(input).filter((k) => k !== 'bookmarks' && k !== 'currently_syncing')
  if (unknownKeys.length > 0) {
    return E.left([`unknown key ${JSON.stringify(unknownKeys[0])}: a state holds "bookmarks" and "currently_syncing"`])
  }
  const decoded = StateFile.decode(input)
  if (E.isLeft(decoded)) {
    return E.left(['"bookmarks" must be an object and "currently_syncing" a stream name or null'])
  }
  const bookmarks = decoded.right.bookmarks ?? {}
  const problems: string[] = []
  for (const stream of streams) {
    const entry = bookmarks[stream.name]
    if (entry === undefined || stream.replication.method !== 'INCREMENTAL') continue
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`bookmarks.${stream.name} must be an object, got ${typeOf(entry)}`)
      continue
    }
    const { key, bookmark } = stream.replication
    const value = (entry as Record<string, unknown>)[key]
    const ops = BOOKMARKS[bookmark]
    if (value !== undefined && E.isLeft(ops.codec.decode(value))) {
      problems.push(`bookmarks.${stream.name}.${key} must be ${ops.describe}, got ${typeOf(value)}`)
    }
  }
  if (problems.length > 0) return E.left(problems)
  return E.right({
    bookmarks: bookmarks as State['bookmarks'],
    currently_syncing: decoded.right.currently_syncing ?? null,
  })
}

/** The bookmark a stream resumes from, if the state has one (checked by parseState). */
export const bookmarkOf = (state: State, stream: StreamDef): unknown => {
  if (stream.replication.method !== 'INCREMENTAL') return undefined
  return state.bookmarks[stream.name]?.[stream.replication.key] ?? undefined
}

export const withBookmark = (state: State, stream: string, key: string, value: unknown): State => ({
  ...state,
  bookmarks: { ...state.bookmarks, [stream]: { ...state.bookmarks[stream], [key]: value } },
})

export const withCurrentlySyncing = (state: State, stream: string | null): State => ({ ...state, currently_syncing: stream })
