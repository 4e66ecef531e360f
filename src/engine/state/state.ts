/**
 * Singer state in and out: `{"bookmarks": {stream: {key: value}}, "currently_syncing": name|null}`.
 * Bookmarks of streams zchat does not know are kept as they are, so a shared
 * state file loses nothing; bookmarks of zchat's streams are checked by kind.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import type { StreamDef } from '../../streams/stream.js'
import { keptBookmarks } from '../read/choose.js'
import { BOOKMARKS, bookmarkAt, LAST_FULL_SYNC, VERSION, withBookmark, type State } from './bookmarks.js'
import { migrateState } from './migrate.js'

const StateFile = t.partial({
  bookmarks: t.UnknownRecord,
  currently_syncing: t.union([t.string, t.null]),
})

const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : JSON.stringify(value)

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
    const kept = new Set([...keptBookmarks(stream).map(([key]) => key), VERSION, LAST_FULL_SYNC])
    const unread = Object.keys(entry).filter((key) => !kept.has(key))
    if (unread.length === 0) continue
    const readsFrom = keptBookmarks(stream).filter(([key]) => key !== LAST_FULL_SYNC && entry[key] !== undefined)
    const instead =
      stream.replication.method !== 'INCREMENTAL'
        ? `${name} is read in full, as every run reads it`
        : readsFrom.length > 0
          ? `${name} resumes from ${readsFrom.map(([key]) => `${key} ${String(entry[key])}`).join(', ')}`
          : `${name} is read in full from start_date (its bookmark is ${keptBookmarks(stream)
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
    for (const [key, kind] of keptBookmarks(stream)) {
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
    const kept = keptBookmarks(stream)
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
