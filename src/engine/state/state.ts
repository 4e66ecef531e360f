/**
 * Singer state in and out: `{"bookmarks": {stream: {key: value}}, "currently_syncing": name|null}`.
 * Bookmarks of streams zchat does not know are kept as they are, so a shared
 * state file loses nothing; bookmarks of zchat's streams are checked by kind.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { toMicros } from '../../core/time.js'
import { migrateState } from './migrate.js'
import { passBookmark, type BookmarkKind, type StreamDef } from '../../streams/stream.js'

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

/** Every bookmark zchat keeps for a stream, with its kind: the replication key, search passes, the last full read. */
export const bookmarksKept = (stream: StreamDef): ReadonlyArray<readonly [string, BookmarkKind]> => [
  ...(stream.replication.method === 'INCREMENTAL' ? [[stream.replication.key, stream.replication.bookmark] as const] : []),
  ...(stream.alternative?.paging.passes.map((pass) => [passBookmark(pass), 'datetime'] as const) ?? []),
  ...(stream.fullSyncDays === undefined ? [] : [[LAST_FULL_SYNC, 'datetime'] as const]),
]

/** Where a full-table stream keeps the version of its last complete read (ACTIVATE_VERSION). */
export const VERSION = 'version'

/** Where the time of a stream's last complete read from start_date is kept. */
export const LAST_FULL_SYNC = 'last_full_sync'

/**
 * Read a parsed state file: zchat's own, Meltano's `{"singer_state": ...}`
 * wrapping, or another connector's (see migrate.ts). A null bookmark means
 * none, as other taps write it. Left: one line per problem.
 */
export const parseState = (input: unknown, streams: readonly StreamDef[]): E.Either<readonly string[], State> =>
  E.map((read: ReadState) => read.state)(readState(input, streams))

export interface ReadState {
  readonly state: State
  /** Conversions from another connector's state, for the log. */
  readonly notes: readonly string[]
  /** Bookmarks zchat cannot read, and what it does instead (warnings). */
  readonly warnings?: readonly string[]
}

/**
 * The state inside what a user may hand over: Meltano's `{"singer_state": ...}`
 * wrapping, or a whole STATE message (`tail -1 out.jsonl > state.json`).
 */
const unwrapState = (input: unknown): unknown => {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input
  if ('singer_state' in input) return (input as { singer_state: unknown }).singer_state
  const message = input as { type?: unknown; value?: unknown }
  return message.type === 'STATE' && 'value' in message ? message.value : input
}

/** parseState, also saying what it converted from another connector's state. */
export const readState = (input: unknown, streams: readonly StreamDef[]): E.Either<readonly string[], ReadState> => {
  const migrated = migrateState(unwrapState(input), streams)
  return E.map((state: State) => ({ state, notes: migrated.notes, warnings: unreadBookmarks(state, streams) }))(
    checkState(migrated.value, streams),
  )
}

/**
 * Bookmarks zchat will not read: a stream it does not have, or a key it does
 * not keep (a foreign connector's, a typo). Kept in the state as they are, but
 * named, with what zchat does instead, rather than silently read in full.
 */
export const unreadBookmarks = (state: State, streams: readonly StreamDef[]): string[] => {
  const warnings: string[] = []
  const names = streams.map((s) => s.name)
  for (const [name, entry] of Object.entries(state.bookmarks)) {
    const stream = streams.find((s) => s.name === name)
    if (stream === undefined) {
      warnings.push(
        `state: bookmarks.${name} ignored: zchat has no stream ${JSON.stringify(name)} (its streams: ${names.join(', ')}); kept in the state as it is`,
      )
      continue
    }
    if (typeof entry !== 'object' || entry === null) continue
    const kept = new Set([...bookmarksKept(stream).map(([key]) => key), VERSION, LAST_FULL_SYNC])
    const unread = Object.keys(entry).filter((key) => !kept.has(key))
    if (unread.length === 0) continue
    const readsFrom = bookmarksKept(stream).filter(([key]) => key !== LAST_FULL_SYNC && entry[key] !== undefined)
    const instead =
      stream.replication.method !== 'INCREMENTAL'
        ? `${name} is read in full, as every run reads it`
        : readsFrom.length > 0
          ? `${name} resumes from ${readsFrom.map(([key]) => `${key} ${String(entry[key])}`).join(', ')}`
          : `${name} is read in full from start_date (its bookmark is ${bookmarksKept(stream)
              .map(([key]) => key)
              .filter((k) => k !== LAST_FULL_SYNC)
              .join(' or ')})`
    warnings.push(
      `state: bookmarks.${name}: ${unread.map((k) => JSON.stringify(k)).join(', ')} ignored (not a bookmark zchat keeps); ${instead}`,
    )
  }
  return warnings
}

/**
 * Date-time bookmarks later than `now` (a clock set wrong, a hand-edited file)
 * would find nothing, run after run: they are brought back to `now`, with a warning.
 */
export const clampFutureBookmarks = (
  state: State,
  streams: readonly StreamDef[],
  now: Date,
): { readonly state: State; readonly warnings: readonly string[] } => {
  let clamped = state
  const warnings: string[] = []
  const nowText = now.toISOString()
  for (const stream of streams) {
    for (const [key, kind] of bookmarksKept(stream)) {
      const value = bookmarkAt(clamped, stream.name, key)
      if (kind !== 'datetime' || value === undefined || key === LAST_FULL_SYNC) continue
      if (BOOKMARKS.datetime.compare(value, nowText) > 0) {
        clamped = withBookmark(clamped, stream.name, key, nowText)
        warnings.push(
          `state: bookmarks.${stream.name}.${key} ${String(value)} is later than now (${nowText}); resuming from ${nowText} instead`,
        )
      }
    }
  }
  return { state: clamped, warnings }
}

const checkState = (input: unknown, streams: readonly StreamDef[]): E.Either<readonly string[], State> => {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return E.left([`the state must be a JSON object, got ${typeOf(input)}`])
  }
  const unknownKeys = Object.keys(input).filter((k) => k !== 'bookmarks' && k !== 'currently_syncing')
  if (unknownKeys.length > 0) {
    return E.left([`unknown key ${JSON.stringify(unknownKeys[0])}: a state holds "bookmarks" and "currently_syncing"`])
  }
  const decoded = StateFile.decode(input)
  if (E.isLeft(decoded)) {
    return E.left(['"bookmarks" must be an object and "currently_syncing" a stream name or null'])
  }
  const bookmarks: Record<string, Readonly<Record<string, unknown>>> = { ...decoded.right.bookmarks } as Record<
    string,
    Readonly<Record<string, unknown>>
  >
  const problems: string[] = []
  for (const stream of streams) {
    const entry = bookmarks[stream.name]
    const kept = bookmarksKept(stream)
    if (entry === undefined || kept.length === 0) continue
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`bookmarks.${stream.name} must be an object, got ${typeOf(entry)}`)
      continue
    }
    const cleaned: Record<string, unknown> = { ...entry }
    for (const [key, kind] of kept) {
      const value = cleaned[key]
      const ops = BOOKMARKS[kind]
      if (value === null) delete cleaned[key]
      else if (value !== undefined && E.isLeft(ops.codec.decode(value))) {
        problems.push(`bookmarks.${stream.name}.${key} must be ${ops.describe}, got ${typeOf(value)}`)
      }
    }
    bookmarks[stream.name] = cleaned
  }
  if (problems.length > 0) return E.left(problems)
  return E.right({ bookmarks, currently_syncing: decoded.right.currently_syncing ?? null })
}

/** One bookmark of a stream's state entry, if set. */
export const bookmarkAt = (state: State, stream: string, key: string): unknown => state.bookmarks[stream]?.[key] ?? undefined

/**
 * The bookmark a stream resumes from (checked by parseState). Without its own,
 * a stream that can also be read by search resumes from the earliest of the
 * search bookmarks when every pass has one: each record's replication value
 * (update_timestamp) is at or after its searched time, so nothing before that
 * point can be missing.
 */
export const bookmarkOf = (state: State, stream: StreamDef): unknown => {
  if (stream.replication.method !== 'INCREMENTAL') return undefined
  const own = bookmarkAt(state, stream.name, stream.replication.key)
  const passes = stream.alternative?.paging.passes ?? []
  if (own !== undefined || passes.length === 0 || stream.replication.bookmark !== 'datetime') return own
  const searched = passes.map((pass) => bookmarkAt(state, stream.name, passBookmark(pass)))
  if (searched.some((b) => b === undefined)) return undefined
  return searched.reduce((a, b) => (BOOKMARKS.datetime.compare(a, b) <= 0 ? a : b))
}

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
