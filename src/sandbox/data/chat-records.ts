/**
 * Chat #i and offline message #i as the incremental export returns them,
 * shaped like samples/zenpy-2017-chat.json, zenpy-2017-offline_message.json
 * and the Airbyte chat: generated from (seed, index) and the chat's place in
 * time (chat-layout.ts). About 15% are offline messages.
 */
import { Rng } from '../random.js'
import { BROWSERS, PAGES, PLACES, OFFLINE_MESSAGES, REFERRERS } from '../vocabulary-chat.js'
import { flag, isoSeconds, ALPHANUMERIC, type Flag } from './common.js'
import { converse, type HistoryEntry, type ResponseTime } from './chat-history.js'
import type { ChatIds } from './chat-ids.js'
import { MAX_DURATION, MAX_UPDATE_DELAY, type ChatLayout } from './chat-layout.js'
import { randomIp } from './bans.js'
import { Visitors, type Visitor } from './visitors.js'

export type { HistoryEntry, ResponseTime, Visitor }

export interface Session {
  readonly id: string
  readonly browser: string
  readonly city: string
  readonly country_code: string
  readonly country_name: string
  readonly region: string
  readonly platform: string
  readonly ip: string
  readonly user_agent: string
  readonly start_date: string
  readonly end_date: string
}

export interface WebpathEntry {
  readonly timestamp: string
  readonly title: string
  readonly from: string
  readonly to: string
}

interface RecordCommon {
  readonly id: string
  readonly timestamp: string
  readonly update_timestamp: string
  readonly visitor: Visitor
  readonly session: Session
  readonly department_id: number | null
  readonly department_name: string | null
  readonly unread: Flag
  readonly deleted: boolean
  readonly tags: ReadonlyArray<string>
  readonly webpath: ReadonlyArray<WebpathEntry>
  readonly zendesk_ticket_id: number | null
}

export interface Chat extends RecordCommon {
  readonly type: 'chat'
  readonly end_timestamp: string
  readonly duration: number
  readonly missed: boolean
  readonly triggered: boolean
  /** Documented as a boolean; the real sample says null when no trigger answered. */
  readonly triggered_response: boolean | null
  readonly started_by: 'visitor' | 'agent' | 'trigger'
  readonly agent_ids: ReadonlyArray<string>
  readonly agent_names: ReadonlyArray<string>
  readonly count: { readonly total: number; readonly agent: number; readonly visitor: number }
  readonly response_time: ResponseTime
  readonly rating: 'good' | 'bad' | null
  readonly comment: string | null
  readonly referrer_search_engine: string
  readonly referrer_search_terms: string
  readonly history: ReadonlyArray<HistoryEntry>
}

export interface OfflineMessage extends RecordCommon {
  readonly type: 'offline_msg'
  readonly message: string
}

export type ChatRecord = Chat | OfflineMessage

/** What generating chat records needs from the rest of the account. */
export interface ChatContext {
  readonly seed: number
  readonly layout: ChatLayout
  readonly ids: ChatIds
  readonly visitors: Visitors
  readonly visitorPool: number
  /** Agents #0..n-1 that had joined the account by `epochSeconds` (at least 1). */
  agentsJoinedBy(epochSeconds: number): number
  agent(index: number): { readonly id: number; readonly display_name: string }
  readonly departments: ReadonlyArray<{ readonly id: number; readonly name: string }>
  /** The account's website, e.g. `https://www.northwind-traders.example/`. */
  readonly site: string
}

/** The cheap part of a chat: what ordering, search and id lookup need. */
export interface ChatTiming {
  readonly index: number
  readonly id: string
  readonly type: 'chat' | 'offline_msg'
  /** Seconds; `end` only for chats. */
  readonly timestamp: number
  readonly end: number | undefined
  readonly deleted: boolean
  readonly visitorIndex: number
}

const OFFLINE_RATE = 0.15
const DELETED_RATE = 0.01
/** Sessions before this were sometimes written `2017-04-24T12:45:32+00:00Z`. */
const OLD_DATE_FORMAT_BEFORE = Date.UTC(2022, 0, 1) / 1000

function yymmdd(epochSeconds: number): string {
  const iso = isoSeconds(epochSeconds)
  return iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10)
}

export function chatTiming(ctx: ChatContext, index: number): ChatTiming {
  const rng = Rng.derive(ctx.seed, 'chat-time', index)
  const natural = ctx.layout.natural(index)
  const type = rng.chance(OFFLINE_RATE) ? 'offline_msg' : 'chat'
  // Most records are updated right after they end; some days later (rating, ticket, reading).
  const delay = rng.chance(0.8) ? rng.int(0, 120) : rng.int(121, MAX_UPDATE_DELAY)
  const duration = rng.chance(0.9) ? rng.int(20, 1800) : rng.int(1801, MAX_DURATION)
  const end = type === 'chat' ? natural - delay : undefined
  const timestamp = end === undefined ? natural - delay : end - duration
  const deleted = rng.chance(DELETED_RATE)
  const visitorIndex = rng.int(0, ctx.visitorPool - 1)
  const id = `${yymmdd(timestamp).slice(0, 4)}.${ctx.visitors.number(visitorIndex)}.${ctx.ids.suffix(index, rng)}`
  return { index, id, type, timestamp, end, deleted, visitorIndex }
}

function session(rng: Rng, visitorNumber: number, start: number, end: number): Session {
  const place = rng.pick(PLACES)
  const browser = rng.pick(BROWSERS)
  const oldFormat = start < OLD_DATE_FORMAT_BEFORE && rng.chance(0.3)
  const date = (t: number): string => (oldFormat ? isoSeconds(t).replace(/Z$/, '+00:00Z') : isoSeconds(t))
  return {
    id: `${yymmdd(start)}.${visitorNumber}.${rng.string(17, ALPHANUMERIC)}`,
    browser: browser.browser,
    city: place.city,
    country_code: place.country_code,
    country_name: place.country_name,
    region: place.region,
    platform: browser.platform,
    ip: randomIp(rng),
    user_agent: browser.user_agent,
    start_date: date(start),
    end_date: date(end),
  }
}

function webpath(rng: Rng, site: string, from: number, to: number): WebpathEntry[] {
  const out: WebpathEntry[] = []
  let previous = rng.pick(REFERRERS)
  const stops = Array.from({ length: rng.int(0, 3) }, () => rng.int(from, to)).sort((a, b) => a - b)
  for (const t of stops) {
    const page = rng.pick(PAGES)
    const url = site + page.path
    out.push({ timestamp: isoSeconds(t), title: page.title, from: previous, to: url })
    previous = url
  }
  return out
}

/** Chat #index as generated (before edits), with `update` as its update_timestamp. */
export function buildChat(ctx: ChatContext, timing: ChatTiming, update: number): ChatRecord {
  const rng = Rng.derive(ctx.seed, 'chat', timing.index)
  const visitor = ctx.visitors.visitor(timing.visitorIndex)
  const visitorNumber = ctx.visitors.number(timing.visitorIndex)
  const department = ctx.departments.length > 0 && rng.chance(0.75) ? rng.pick(ctx.departments) : undefined
  const sessionStart = timing.timestamp - rng.int(5, 900)
  const last = timing.end ?? timing.timestamp
  const common = {
    timestamp: isoSeconds(timing.timestamp),
    update_timestamp: isoSeconds(update),
    visitor,
    session: session(rng, visitorNumber, sessionStart, last + (rng.chance(0.7) ? 0 : rng.int(1, 300))),
    department_id: department?.id ?? null,
    department_name: department?.name ?? null,
    deleted: timing.deleted,
    webpath: webpath(rng, ctx.site, sessionStart, timing.timestamp),
  }
  if (timing.type === 'offline_msg' || timing.end === undefined) {
    return {
      id: timing.id,
      type: 'offline_msg',
      ...common,
      message: rng.pick(OFFLINE_MESSAGES),
      unread: flag(rng, rng.chance(0.4)),
      tags: rng.chance(0.2) ? ['offline'] : [],
      zendesk_ticket_id: rng.chance(0.6) ? rng.int(1000, 999_999) : null,
    }
  }

  const missed = rng.chance(0.08)
  const roll = rng.next()
  const startedBy = missed || roll < 0.85 ? 'visitor' : roll < 0.95 ? 'agent' : 'trigger'
  const joined = ctx.agentsJoinedBy(timing.timestamp)
  // One agent, or two when the chat was transferred; only agents who had joined by then.
  const firstAgent = rng.int(0, joined - 1)
  const transferred = joined > 1 && rng.chance(0.12)
  const agentIndexes = missed ? [] : transferred ? [firstAgent, (firstAgent + rng.int(1, joined - 1)) % joined] : [firstAgent]
  const agents = agentIndexes.map((k) => ctx.agent(k)).map((a) => ({ id: a.id, name: a.display_name }))
  const talk = converse(rng, {
    startMs: timing.timestamp * 1000 + rng.int(0, 999),
    endMs: timing.end * 1000 + rng.int(0, 999),
    visitorName: visitor.name,
    channel: Visitors.channel(visitor),
    department,
    agents,
    startedBy,
  })
  const rated = !missed && rng.chance(0.3)
  const searched = rng.chance(0.1)
  return {
    id: timing.id,
    type: 'chat',
    ...common,
    end_timestamp: isoSeconds(timing.end),
    duration: timing.end - timing.timestamp,
    unread: flag(rng, missed && rng.chance(0.5)),
    missed,
    triggered: startedBy === 'trigger' || rng.chance(0.03),
    triggered_response: talk.triggeredResponse ? true : null,
    started_by: startedBy,
    tags: talk.tags,
    agent_ids: agents.map((a) => String(a.id)),
    agent_names: agents.map((a) => a.name),
    count: talk.count,
    response_time: talk.response_time,
    rating: rated ? (rng.chance(0.75) ? 'good' : 'bad') : null,
    comment: talk.comment,
    zendesk_ticket_id: rng.chance(0.25) ? rng.int(1000, 999_999) : null,
    referrer_search_engine: searched ? 'google' : '',
    referrer_search_terms: searched ? 'chat support' : '',
    history: talk.history,
  }
}

/** The search result's `preview`: the first thing the visitor wrote. */
export function preview(record: ChatRecord): string {
  if (record.type === 'offline_msg') return record.message
  for (const entry of record.history) if (entry.type === 'chat.msg' && entry.msg_id !== undefined) return entry.msg
  return ''
}
