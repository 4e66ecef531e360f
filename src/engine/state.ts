/**
 * Singer state in and out: `{"bookmarks": {stream: {key: value}}, "currently_syncing": name|null}`.
 * Bookmarks of streams zchat does not know are kept as they are, so a shared
 * state file loses nothing; bookmarks of zchat's streams are checked by kind.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import type { BookmarkKind, StreamDef } from '../streams/stream.js'

export interface State {
  readonly bookmarks: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  readonly currently_syncing: string | null
}

export const emptyState: State = { bookmarks: {}, currently_syncing: null }

/** How each kind of bookmark is read and advanced. */
export interface BookmarkOps<A> {
  readonly codec: t.Type<A, A, unknown>
  readonly describe: string
  /** The later of two bookmarks. */
  readonly max: (a: A, b: A) => A
}

const NonNegativeInt = t.refinement(t.Int, (n) => n >= 0, 'a non-negative integer')

export const BOOKMARKS: { readonly [K in BookmarkKind]: BookmarkOps<number> } = {
  integer: { codec: NonNegativeInt as unknown as t.Type<number, number, unknown>, describe: 'a non-negative integer', max: Math.max },
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

/** The bookmark a stream resumes from, if the state has one. */
export const bookmarkOf = (state: State, stream: StreamDef): number | undefined => {
  if (stream.replication.method !== 'INCREMENTAL') return undefined
  const value = state.bookmarks[stream.name]?.[stream.replication.key]
  return typeof value === 'number' ? value : undefined
}

export const withBookmark = (state: State, stream: string, key: string, value: unknown): State => ({
  ...state,
  bookmarks: { ...state.bookmarks, [stream]: { ...state.bookmarks[stream], [key]: value } },
})

export const withCurrentlySyncing = (state: State, stream: string | null): State => ({ ...state, currently_syncing: stream })
