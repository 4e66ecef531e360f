/**
 * States written by the connectors users switch from, turned into zchat's, so
 * switching resumes where the old connector stopped instead of re-reading
 * years of chats. Each conversion errs on the side of reading a record again.
 *
 * - singer-io tap-zendesk-chat: `bookmarks.<agents|bans>.offset.id` is the
 *   next since_id to ask for (null after a complete run, when the tap starts
 *   over), chats keep `chat.end_timestamp` and `offline_msg.timestamp` (read
 *   by zchat's search strategy as they are, and by the export from the
 *   earlier of the two), `offset.<type>.next_url` resumes inside a search
 *   window (dropped: the window is read again from its start), and
 *   `chats_last_full_sync` sits at the top level.
 * - Airbyte source-zendesk-chat: per-stream states keyed by stream name, as a
 *   plain object or as a list of STREAM / GLOBAL / LEGACY state messages; ids
 *   are the largest emitted, times are ISO or epoch seconds, milliseconds or
 *   microseconds, often as strings.
 */
import { fromMicros, toMicros } from '../../core/time.js'
import type { StreamDef } from '../../streams/stream.js'
import { keptBookmarks } from '../read/choose.js'
import { LAST_FULL_SYNC } from './bookmarks.js'

export interface Migrated {
  /** The state in zchat's shape, still to be checked, or the input as it was. */
  readonly value: unknown
  /** What was converted, for the log. */
  readonly notes: readonly string[]
}

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)

const NAIVE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

/**
 * A time another connector wrote, as RFC 3339; undefined when it is not one.
 * Epoch numbers are told apart by size: seconds have 10 digits until 2286,
 * milliseconds 13, microseconds 16.
 */
export const normaliseTime = (value: unknown, epochs = true): string | undefined => {
  if (!epochs && typeof value !== 'string') return undefined
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value))) {
    const n = Number(value)
    if (!Number.isFinite(n) || n < 0) return undefined
    const micros = n >= 1e14 ? n : n >= 1e11 ? n * 1000 : n * 1_000_000
    return fromMicros(Math.round(micros))
  }
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  if (toMicros(text) !== undefined) return text
  if (NAIVE.test(text)) return `${text}Z`
  if (DATE_ONLY.test(text)) return `${text}T00:00:00Z`
  const spaced = text.replace(' ', 'T')
  return toMicros(spaced) !== undefined ? spaced : undefined
}

/**
 * Bookmark values in zchat's types where another connector wrote them
 * otherwise; anything unreadable stays for the checks to name. `epochs`:
 * numbers may stand for times (Airbyte), not in Singer states.
 */
const normaliseEntry = (stream: StreamDef, entry: Json, epochs: boolean): Json => {
  const out: Json = { ...entry }
  const kept = keptBookmarks(stream).filter(([key]) => key !== LAST_FULL_SYNC)
  const times = kept.filter(([, kind]) => kind === 'datetime').map(([key]) => key)
  for (const key of times) {
    if (out[key] != null) out[key] = normaliseTime(out[key], epochs) ?? out[key]
  }
  if (epochs) {
    for (const [key] of kept.filter(([, kind]) => kind === 'integer')) {
      if (typeof out[key] === 'string' && /^\d+$/.test(out[key])) out[key] = Number(out[key])
    }
  }
  return out
}

/** singer-io's `offset` entries and top-level `chats_last_full_sync` → zchat's bookmarks. */
const fromSingerIo = (input: Json, streams: readonly StreamDef[], notes: string[]): Json => {
  const { chats_last_full_sync: lastFullSync, ...rest } = input
  if (rest.bookmarks !== undefined && !isObject(rest.bookmarks)) return input
  const bookmarks: Json = { ...(rest.bookmarks as Json | undefined) }
  for (const stream of streams) {
    const entry = bookmarks[stream.name]
    if (!isObject(entry)) continue
    if (!isObject(entry.offset)) {
      bookmarks[stream.name] = normaliseEntry(stream, entry, false)
      continue
    }
    const { offset, ...kept } = entry as Json & { offset: Json }
    const replication = stream.replication
    if (replication.method === 'INCREMENTAL' && replication.bookmark === 'integer' && kept[replication.key] === undefined) {
      const next = offset[replication.key]
      // offset.id is the next since_id to ask for; zchat keeps the last id emitted.
      if (typeof next === 'number' && Number.isInteger(next) && next >= 1) {
        kept[replication.key] = next - 1
        notes.push(
          `state: bookmarks.${stream.name}.offset.${replication.key} ${next} (the singer-io tap's next since_id) read as ${replication.key} ${next - 1}`,
        )
      } else
        notes.push(`state: bookmarks.${stream.name}.offset of the singer-io tap holds no position; ${stream.name} is read from the start`)
    } else if (Object.values(offset).some((v) => v != null)) {
      notes.push(
        `state: bookmarks.${stream.name}.offset (the singer-io tap's place inside a search window) dropped; that window is read again`,
      )
    }
    bookmarks[stream.name] = normaliseEntry(stream, kept, false)
  }
  if (lastFullSync !== undefined && lastFullSync !== null) {
    const chats = streams.find((s) => s.fullSyncDays !== undefined)
    const when = normaliseTime(lastFullSync, false)
    if (chats !== undefined && when !== undefined) {
      bookmarks[chats.name] = { ...(isObject(bookmarks[chats.name]) ? (bookmarks[chats.name] as Json) : {}), last_full_sync: when }
      notes.push(`state: chats_last_full_sync ${String(lastFullSync)} kept as bookmarks.${chats.name}.last_full_sync`)
    }
  }
  return { ...rest, bookmarks }
}

/** Airbyte's per-stream states → zchat's bookmarks. */
const fromAirbyte = (perStream: Json, streams: readonly StreamDef[], notes: string[]): Json => {
  const bookmarks: Json = {}
  for (const [name, value] of Object.entries(perStream)) {
    const stream = streams.find((s) => s.name === name)
    bookmarks[name] = stream !== undefined && isObject(value) ? normaliseEntry(stream, value, true) : value
  }
  notes.push(`state: read Airbyte's per-stream state (${Object.keys(perStream).join(', ') || 'no streams'})`)
  return { bookmarks, currently_syncing: null }
}

/** Stream states out of Airbyte's state messages, or undefined when the list is something else. */
const airbyteMessages = (list: readonly unknown[]): Json | undefined => {
  const perStream: Json = {}
  const take = (states: unknown): boolean => {
    if (!Array.isArray(states)) return false
    for (const s of states) {
      const name = isObject(s) && isObject(s.stream_descriptor) ? s.stream_descriptor.name : undefined
      if (typeof name !== 'string') return false
      perStream[name] = isObject(s) ? (s.stream_state ?? {}) : {}
    }
    return true
  }
  for (const message of list) {
    if (!isObject(message)) return undefined
    if (message.type === 'STREAM' && take([message.stream])) continue
    if (message.type === 'GLOBAL' && isObject(message.global) && take(message.global.stream_states)) continue
    if (message.type === 'LEGACY' && isObject(message.data)) {
      Object.assign(perStream, message.data)
      continue
    }
    return undefined
  }
  return list.length === 0 ? undefined : perStream
}

/** The state in zchat's shape if it came from a connector zchat knows; otherwise the input unchanged. */
export const migrateState = (input: unknown, streams: readonly StreamDef[]): Migrated => {
  const notes: string[] = []
  if (Array.isArray(input)) {
    const perStream = airbyteMessages(input)
    return perStream === undefined ? { value: input, notes } : { value: fromAirbyte(perStream, streams, notes), notes }
  }
  if (!isObject(input)) return { value: input, notes }
  if ('bookmarks' in input || 'currently_syncing' in input || 'chats_last_full_sync' in input) {
    return { value: fromSingerIo(input, streams, notes), notes }
  }
  const keys = Object.keys(input)
  const names = new Set(streams.map((s) => s.name))
  if (keys.length > 0 && keys.every((k) => names.has(k))) return { value: fromAirbyte(input, streams, notes), notes }
  return { value: input, notes }
}
