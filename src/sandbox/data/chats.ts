/**
 * The chats of the account as the API sees them now: generated chats in base
 * order, plus a small overlay (index → changed fields) of chats edited or
 * deleted since, merged in at query time. An edited chat leaves its base
 * position and sorts at its new `update_timestamp`. Nothing here holds all
 * chats: queries walk the index space from a binary-searched start.
 */
import { Rng } from './random.js'
import { CHAT_TAGS } from '../vocabulary/chat.js'
import { checkCount, isoSeconds, type ChangeClock } from './common.js'
import { ratingEntry, tagEntry, type HistoryEntry } from './chat-history.js'
import { ChatLayout, LAG } from './chat-layout.js'
import { chatJson } from './chat-json.js'
import type { JsonBytes } from './json-bytes.js'
import {
  buildChat,
  chatTiming,
  hasConversion,
  type ChatContext,
  type ChatConversion,
  type ChatRecord,
  type ChatTiming,
} from './chat-records.js'
import { Visitors } from './visitors.js'

/** What a chat changed between runs carries over its generated self. */
interface Patch {
  readonly update: number
  readonly tags?: ReadonlyArray<string | null>
  readonly rating?: 'good' | 'bad'
  readonly deleted?: true
  readonly history?: ReadonlyArray<HistoryEntry>
}

/** A copy of `value` with `replacement` at `path`, objects made along the way. */
function withValueAt(value: unknown, path: readonly string[], replacement: unknown): unknown {
  const [name, ...rest] = path
  if (name === undefined) return replacement
  const object = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
  return { ...object, [name]: withValueAt(object[name], rest, replacement) }
}

/** A chat's position in the export order: (update, id), id compared as a string. */
export interface ChatPosition {
  readonly update: number
  readonly id: string
  readonly index: number
}

export type SearchField = 'end_timestamp' | 'timestamp'

/** A search hit: `key` is the searched field's value (seconds). */
export interface SearchHit {
  readonly index: number
  readonly id: string
  readonly key: number
}

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
const byTimeThenId = (a: { at: number; conversion: { id: string } }, b: { at: number; conversion: { id: string } }): number =>
  a.at - b.at || byId(a.conversion, b.conversion)

/** A conversion as the conversions export serves it: the chat's, plus the chat it is attributed to. */
export type ExportedConversion = ChatConversion & { readonly attribution: ChatConversion['attribution'] & { readonly chat_id: string } }
const byPosition = (a: ChatPosition, b: ChatPosition): number => a.update - b.update || byId(a, b)

/** Enough timings for a page and the tie group around it (the bulk-update cluster holds 1100). */
const RECENT_TIMINGS = 4096

/** Seconds between consecutive edits: 0 now and then, so edited chats can tie too. */
const MAX_EDIT_GAP = 90

export class ChatStore {
  private readonly overlay = new Map<number, Patch>()
  /** Shapes nobody has seen, put on chats by `surprise`: index → field path and value. */
  private readonly surprises = new Map<number, { readonly path: readonly string[]; readonly value: unknown }>()
  /**
   * Timings of the chats looked at last: an export page needs each chat's
   * timing twice, to order it and then to build it. A timing never changes
   * (added chats take new indexes), so the cache needs no invalidation.
   */
  private readonly recentTimings = new Map<number, ChatTiming>()
  private overlayOrder: ChatPosition[] | undefined
  private operations = 0

  constructor(
    private readonly ctx: ChatContext,
    private readonly clock: ChangeClock,
  ) {}

  get count(): number {
    return this.ctx.layout.count
  }

  timing(index: number): ChatTiming {
    let timing = this.recentTimings.get(index)
    if (timing === undefined) {
      timing = chatTiming(this.ctx, index)
      if (this.recentTimings.size >= RECENT_TIMINGS) this.recentTimings.clear()
      this.recentTimings.set(index, timing)
    }
    return timing
  }

  /** Chat #index as served now (edits merged in, and a surprise if it has one). */
  record(index: number): ChatRecord {
    const surprise = this.surprises.get(index)
    return surprise === undefined ? this.edited(index) : (withValueAt(this.edited(index), surprise.path, surprise.value) as ChatRecord)
  }

  /** Writes chat #index as served now, as JSON: by chatJson, or by JSON.stringify when it carries a surprise. */
  writeJson(index: number, out: JsonBytes): void {
    out.write(this.surprises.has(index) ? JSON.stringify(this.record(index)) : chatJson(this.edited(index)))
  }

  /**
   * From now on chat `id` carries `value` at `path` (e.g. `["session",
   * "end_date"]`): a shape the real API might send one day and no codec knows.
   * Returns false when there is no such chat.
   */
  surprise(id: string, path: readonly string[], value: unknown): boolean {
    const index = this.indexOf(id)
    if (index === undefined || path.length === 0) return false
    this.surprises.set(index, { path, value })
    return true
  }

  private edited(index: number): ChatRecord {
    const patch = this.overlay.get(index)
    const record = buildChat(this.ctx, this.timing(index), this.ctx.layout.base(index))
    if (patch === undefined) return record
    const merged = {
      ...record,
      update_timestamp: isoSeconds(patch.update),
      tags: patch.tags ?? record.tags,
      deleted: patch.deleted ?? record.deleted,
    }
    if (merged.type === 'offline_msg') return merged
    return { ...merged, rating: patch.rating ?? merged.rating, history: [...merged.history, ...(patch.history ?? [])] }
  }

  isDeleted(index: number): boolean {
    return this.overlay.get(index)?.deleted ?? this.timing(index).deleted
  }

  /**
   * The first `limit` positions after (startTime, startId) in export order:
   * update > startTime, or update == startTime and (no startId, or id > startId).
   */
  positions(startTime: number, startId: string | undefined, limit: number): ChatPosition[] {
    const after = (p: ChatPosition): boolean =>
      p.update > startTime || (p.update === startTime && (startId === undefined || p.id > startId))
    const edited = this.editedInOrder().filter(after)
    const out: ChatPosition[] = []
    let e = 0
    for (const p of this.basePositions(startTime)) {
      if (out.length >= limit) break
      if (!after(p)) continue
      while (e < edited.length && out.length < limit && byPosition(edited[e]!, p) < 0) out.push(edited[e++]!)
      if (out.length < limit) out.push(p)
    }
    while (e < edited.length && out.length < limit) out.push(edited[e++]!)
    return out
  }

  /** Every chat, in export order (for tests: builds them all). */
  all(): ChatRecord[] {
    return this.positions(Number.NEGATIVE_INFINITY, undefined, Number.POSITIVE_INFINITY).map((p) => this.record(p.index))
  }

  /** Index of the chat with this id, if there is one. */
  indexOf(id: string): number | undefined {
    const index = this.ctx.ids.indexOf(id)
    if (index === undefined || index >= this.count || this.timing(index).id !== id) return undefined
    return index
  }

  /**
   * Chats of one type whose `field` lies in [from, to] (seconds, inclusive),
   * deleted ones left out, ordered by (field, id).
   */
  search(type: ChatRecord['type'], field: SearchField, from: number, to: number): SearchHit[] {
    const layout = this.ctx.layout
    // A chat's own times are at most LAG before its natural time, which grows with the index.
    const lo = layout.firstNaturalAtOrAfter(from)
    const hi = layout.firstNaturalAtOrAfter(to + LAG + 1)
    const hits: SearchHit[] = []
    for (let i = lo; i < hi; i++) {
      const t = this.timing(i)
      const key = field === 'end_timestamp' ? t.end : t.timestamp
      if (t.type !== type || key === undefined || key < from || key > to || this.isDeleted(i)) continue
      hits.push({ index: i, id: t.id, key })
    }
    return hits.sort((a, b) => a.key - b.key || byId(a, b))
  }

  /**
   * The conversions export: conversions with timestamp > startTime, or equal
   * and (no startId, or id > startId), ordered by (timestamp, id), at most
   * `limit`, each naming its chat. A conversion happens during its chat, so
   * its time lies within LAG before the chat's natural time: the walk starts
   * at the first chat that can hold one and stops once no later chat can
   * come before the page's last conversion.
   */
  conversionsSince(startTime: number, startId: string | undefined, limit: number): ExportedConversion[] {
    const after = (at: number, id: string): boolean => at > startTime || (at === startTime && (startId === undefined || id > startId))
    const layout = this.ctx.layout
    const found: { at: number; conversion: ExportedConversion }[] = []
    let bound = Number.POSITIVE_INFINITY
    for (let i = layout.firstNaturalAtOrAfter(startTime); i < this.count; i++) {
      if (layout.natural(i) - LAG > bound) break
      const timing = this.timing(i)
      if (!hasConversion(this.ctx, timing)) continue
      const chat = this.record(i)
      if (chat.type !== 'chat') continue
      for (const c of chat.conversions) {
        const at = Date.parse(c.timestamp) / 1000
        if (after(at, c.id) && at <= bound) found.push({ at, conversion: { ...c, attribution: { ...c.attribution, chat_id: chat.id } } })
      }
      if (bound === Number.POSITIVE_INFINITY && found.length >= limit) {
        found.sort(byTimeThenId)
        found.length = limit
        bound = found[limit - 1]!.at
      }
    }
    found.sort(byTimeThenId)
    return found.slice(0, limit).map((f) => f.conversion)
  }

  /** Adds a tag or a rating to `n` chats not deleted; they move past every existing update. */
  edit(n: number): string[] {
    return this.change(n, 'edit', (index, time, rng) => {
      const record = this.record(index)
      const previous = this.overlay.get(index)
      const roll = rng.next()
      const tag = record.type === 'offline_msg' || roll < 0.7
      const rate = record.type === 'chat' && roll >= 0.5
      const patch: { -readonly [K in keyof Patch]: Patch[K] } = { ...previous, update: time }
      if (tag) {
        const fresh = CHAT_TAGS.filter((t) => !record.tags.includes(t))
        const tags = fresh.length === 0 ? [...record.tags] : [...record.tags, rng.pick(fresh)].sort()
        patch.tags = tags
        if (record.type === 'chat') {
          // The last agent of the chat tags it (a null item, a quirk, is nobody).
          const k = record.agent_names.findLastIndex((n) => n !== null)
          const owner = this.ctx.agent(0)
          const name = k < 0 ? owner.display_name : record.agent_names[k]!
          const nick = `agent:${k < 0 ? owner.id : record.agent_ids[k]!}`
          const entry = tagEntry(name, nick, Visitors.channel(record.visitor), time * 1000 + rng.int(0, 999), [...record.tags], tags)
          patch.history = [...(previous?.history ?? []), entry]
        }
      }
      if (rate && record.type === 'chat') {
        patch.rating = record.rating === 'good' ? 'bad' : 'good'
        // The visitor's new rating shows in the history too, a moment after the edit's tag (if any).
        const entry = ratingEntry(
          record.visitor.name,
          `visitor:${record.visitor.id}`,
          Visitors.channel(record.visitor),
          time * 1000 + 999,
          record.rating,
          patch.rating,
        )
        patch.history = [...(patch.history ?? previous?.history ?? []), entry]
      }
      return patch
    })
  }

  /** Marks `n` chats deleted; they move past every existing update. */
  delete(n: number): string[] {
    return this.change(n, 'delete', (index, time) => ({ ...this.overlay.get(index), update: time, deleted: true }))
  }

  /** `n` new chats, started and updated after every existing one. */
  add(n: number): string[] {
    checkCount('addChats(n)', n, 0)
    if (n === 0) return []
    // Start LAG later so that even the new chats' own timestamps follow every earlier time.
    const base = this.clock.now + LAG + 1
    const end = ChatLayout.batchEnd(base, n)
    this.clock.check(end)
    const from = this.ctx.layout.addBatch(n, base)
    this.clock.advanceTo(end)
    return Array.from({ length: n }, (_, k) => this.timing(from + k).id)
  }

  private change(n: number, label: string, patch: (index: number, time: number, rng: Rng) => Patch): string[] {
    checkCount(`${label}Chats(n)`, n, 0)
    const rng = Rng.derive(this.ctx.seed, `chat-${label}`, this.operations)
    const chosen = this.pickLiving(n, rng)
    const times: number[] = []
    let time = this.clock.now
    for (let k = 0; k < n; k++) times.push((time += k === 0 ? rng.int(1, MAX_EDIT_GAP) : rng.int(0, MAX_EDIT_GAP)))
    if (n > 0) this.clock.check(time)
    this.operations++
    const patches = chosen.map((index, k) => patch(index, times[k]!, rng))
    chosen.forEach((index, k) => this.overlay.set(index, patches[k]!))
    this.overlayOrder = undefined
    if (n > 0) this.clock.advanceTo(time)
    return chosen.map((index) => this.timing(index).id)
  }

  /** `n` distinct chats that are not deleted, at random; throws when there are not that many. */
  private pickLiving(n: number, rng: Rng): number[] {
    const chosen = new Set<number>()
    for (let attempts = 0; chosen.size < n && attempts < 20 * n + 100; attempts++) {
      const i = rng.int(0, Math.max(0, this.count - 1))
      if (this.count > 0 && !chosen.has(i) && !this.isDeleted(i)) chosen.add(i)
    }
    for (let i = 0; i < this.count && chosen.size < n; i++) if (!chosen.has(i) && !this.isDeleted(i)) chosen.add(i)
    if (chosen.size < n) throw new RangeError(`sandbox: only ${chosen.size} chats are not deleted, cannot change ${n}`)
    return [...chosen]
  }

  /** Chats in base order from the first one updated at or after `t`, ties sorted by id, edited ones skipped. */
  private *basePositions(t: number): Generator<ChatPosition> {
    const layout = this.ctx.layout
    let i = layout.firstBaseAtOrAfter(t)
    while (i < this.count) {
      const update = layout.base(i)
      let j = i + 1
      while (j < this.count && layout.base(j) === update) j++
      const group: ChatPosition[] = []
      for (let k = i; k < j; k++) if (!this.overlay.has(k)) group.push({ update, id: this.timing(k).id, index: k })
      yield* group.sort(byId)
      i = j
    }
  }

  private editedInOrder(): ChatPosition[] {
    this.overlayOrder ??= [...this.overlay].map(([index, p]) => ({ update: p.update, id: this.timing(index).id, index })).sort(byPosition)
    return this.overlayOrder
  }
}
