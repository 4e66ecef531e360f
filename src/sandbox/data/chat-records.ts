/**
 * Chat #i and offline message #i as the incremental export returns them,
 * shaped like samples/zenpy-2017-chat.json, zenpy-2017-offline_message.json
 * and the Airbyte chat: generated from (seed, index) and the chat's place in
 * time (chat-layout.ts). About 15% are offline messages.
 */
import { Rng } from './random.js'
import { BROWSERS, PAGES, PLACES, OFFLINE_MESSAGES, REFERRERS } from '../vocabulary/chat.js'
import { flag, isoMillisAsMicros, isoSeconds, ALPHANUMERIC, type Flag } from './common.js'
import {
  converse,
  ratingEntry,
  type ChatConversion,
  type EngagementFacts,
  type HistoryEntry,
  type Participant,
  responseTime,
  type ResponseTime,
} from './chat-history.js'
import { QUIRK_RATE, quirkDice, withNullItem, type QuirkLevel } from './quirks.js'
import type { ChatIds } from './chat-ids.js'
import { MAX_DURATION, MAX_UPDATE_DELAY, type ChatLayout } from './chat-layout.js'
import { randomIp } from './bans.js'
import { Visitors, type Visitor } from './visitors.js'

export type { ChatConversion, HistoryEntry, ResponseTime, Visitor }

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

/** A webpath entry as a list instead of an object (met in production by the singer-io tap): from, to, title, epoch seconds. */
export type WebpathList = ReadonlyArray<string | number | null>

/** One agent's engagement in a chat (documented; Airbyte added it for its users). */
export interface Engagement {
  readonly id: string
  readonly agent_id: string
  readonly agent_name: string
  readonly agent_full_name: string
  readonly department_id: number | null
  readonly timestamp: string
  readonly duration: number
  readonly accepted: boolean
  readonly assigned: boolean
  readonly started_by: string
  readonly rating: string | null
  readonly comment: string | null
  readonly count: { readonly total: number; readonly agent: number; readonly visitor: number }
  readonly response_time: ResponseTime
  readonly skills_requested: ReadonlyArray<number>
  readonly skills_fulfilled: boolean
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
  readonly tags: ReadonlyArray<string | null>
  readonly webpath: ReadonlyArray<WebpathEntry | WebpathList | null>
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
  readonly agent_ids: ReadonlyArray<string | null>
  readonly agent_names: ReadonlyArray<string | null>
  readonly count: { readonly total: number; readonly agent: number; readonly visitor: number }
  readonly response_time: ResponseTime
  readonly rating: 'good' | 'bad' | null
  readonly comment: string | null
  readonly referrer_search_engine: string
  readonly referrer_search_terms: string
  readonly history: ReadonlyArray<HistoryEntry | null>
  /** Goal conversions attributed to the chat (the export adds `attribution.chat_id`). */
  readonly conversions: ReadonlyArray<ChatConversion>
  readonly engagements: ReadonlyArray<Engagement>
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
  agent(index: number): {
    readonly id: number
    readonly display_name: string
    readonly first_name: string
    readonly last_name: string
    readonly skills: ReadonlyArray<number>
  }
  readonly departments: ReadonlyArray<{ readonly id: number; readonly name: string }>
  /** The account's goals: what a conversion can be of. */
  readonly goals: ReadonlyArray<{ readonly id: number; readonly name: string }>
  /** The account's skills by id (names for history, ids for engagements). */
  readonly skills: ReadonlyArray<{ readonly id: number; readonly name: string }>
  /** How often the rare shapes come (quirks.ts). */
  readonly quirks: QuirkLevel
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
/** Chats that convert a goal while they run. */
const CONVERSION_RATE = 0.12
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
  // Pushed onto literals rather than mapped: a missed chat's empty list then has the same elements kind as
  // everyone else's (an empty map result has another), so V8 does not recompile buildChat each time it meets
  // one more mix of them (the slowest of a fresh sandbox's first 25 pages took 40-60 ms, against 27-30 ms now).
  const agentRecords: Array<ReturnType<ChatContext['agent']>> = []
  if (!missed) {
    agentRecords.push(ctx.agent(firstAgent))
    if (transferred) agentRecords.push(ctx.agent((firstAgent + rng.int(1, joined - 1)) % joined))
  }
  const agents: Participant[] = []
  for (const a of agentRecords) agents.push({ id: a.id, name: a.display_name, skillNames: skillNames(ctx, a) })
  const visitorNick = `visitor:${visitor.id}`
  const channel = Visitors.channel(visitor)
  const talk = converse(rng, {
    startMs: timing.timestamp * 1000 + rng.int(0, 999),
    endMs: timing.end * 1000 + rng.int(0, 999),
    visitorName: visitor.name,
    visitorNick,
    channel,
    department,
    agents,
    startedBy,
  })
  const rated = !missed && rng.chance(0.3)
  const searched = rng.chance(0.1)
  const rating = rated ? (rng.chance(0.75) ? 'good' : 'bad') : null
  // What the sandbox added later draws on dice of its own, so the fields above stay as they were.
  const more = Rng.derive(ctx.seed, 'chat-more', timing.index)
  const conversions = more.chance(CONVERSION_RATE) && ctx.goals.length > 0 ? [conversion(more, ctx, timing, department, agents[0])] : []
  // hasConversion answers the same from the same dice, without building the chat.
  const extra: HistoryEntry[] = []
  if (rating !== null) extra.push(ratingEntry(visitor.name, visitorNick, channel, timing.end * 1000 - more.int(1000, 9000), null, rating))
  for (const c of conversions) {
    extra.push({
      name: visitor.name,
      nick: visitorNick,
      timestamp: isoMillisAsMicros(Date.parse(c.timestamp)),
      type: 'chat.conversion',
      channel,
      conversion: c,
    })
  }
  const requested = ctx.skills.length > 0 && more.chance(0.3) ? [more.pick(ctx.skills).id] : []
  const engagements = talk.engagements.map((facts, k) =>
    engagement(more, facts, agentRecords[k]!, k, {
      chatId: timing.id,
      department,
      startedBy,
      requested,
      last: k === talk.engagements.length - 1,
      rating,
      comment: talk.comment,
    }),
  )
  const transfer = transferFrom(ctx, more, department, agents.length)
  const chat: Chat = {
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
    rating,
    comment: talk.comment,
    zendesk_ticket_id: rng.chance(0.25) ? rng.int(1000, 999_999) : null,
    referrer_search_engine: searched ? 'google' : '',
    referrer_search_terms: searched ? 'chat support' : '',
    history: withEntries(talk.history, extra, transfer),
    conversions,
    engagements,
  }
  return ctx.quirks === undefined ? chat : quirkChat(chat, ctx.seed, timing.index, QUIRK_RATE[ctx.quirks])
}

/** Whether the chat converts a goal (as buildChat decides it): the conversions export looks for these. */
export function hasConversion(ctx: ChatContext, timing: ChatTiming): boolean {
  return timing.type === 'chat' && ctx.goals.length > 0 && Rng.derive(ctx.seed, 'chat-more', timing.index).chance(CONVERSION_RATE)
}

/**
 * The names of an agent's skills, by agent record: every chat of the agent
 * lists them. Agents are cached and frozen, and an edit makes a new record,
 * so an entry never goes stale.
 */
const skillNameCache = new WeakMap<object, ReadonlyArray<string>>()

function skillNames(ctx: ChatContext, agent: ReturnType<ChatContext['agent']>): ReadonlyArray<string> {
  let names = skillNameCache.get(agent)
  if (names === undefined) {
    names = Object.freeze(agent.skills.flatMap((id) => ctx.skills.find((s) => s.id === id)?.name ?? []))
    skillNameCache.set(agent, names)
  }
  return names
}

/** A conversion of one of the account's goals, during the chat, credited to its first agent. */
function conversion(
  rng: Rng,
  ctx: ChatContext,
  timing: ChatTiming,
  department: { readonly id: number; readonly name: string } | undefined,
  agent: Participant | undefined,
): ChatConversion {
  const goal = rng.pick(ctx.goals)
  const at = timing.timestamp + rng.int(0, (timing.end ?? timing.timestamp) - timing.timestamp)
  return {
    id: rng.string(20, ALPHANUMERIC),
    goal_id: goal.id,
    goal_name: goal.name,
    timestamp: isoSeconds(at),
    attribution: {
      agent_id: agent?.id ?? null,
      agent_name: agent?.name ?? null,
      department_id: department?.id ?? null,
      department_name: department?.name ?? null,
      chat_timestamp: isoSeconds(timing.timestamp),
    },
  }
}

interface EngagementContext {
  readonly chatId: string
  readonly department: { readonly id: number } | undefined
  readonly startedBy: string
  readonly requested: ReadonlyArray<number>
  readonly last: boolean
  readonly rating: string | null
  readonly comment: string | null
}

function engagement(
  rng: Rng,
  facts: EngagementFacts,
  agent: ReturnType<ChatContext['agent']>,
  k: number,
  c: EngagementContext,
): Engagement {
  return {
    id: `${c.chatId}-${k + 1}`,
    agent_id: String(agent.id),
    agent_name: agent.display_name,
    agent_full_name: `${agent.first_name} ${agent.last_name}`.trim(),
    department_id: c.department?.id ?? null,
    timestamp: isoSeconds(Math.floor(facts.joinMs / 1000)),
    duration: Math.max(0, Math.round((facts.leaveMs - facts.joinMs) / 1000)),
    accepted: rng.chance(0.95),
    assigned: rng.chance(0.5),
    started_by: k === 0 ? c.startedBy : 'transfer',
    rating: c.last ? c.rating : null,
    comment: c.last ? c.comment : null,
    count: { total: facts.agentMsgs + facts.visitorMsgs, agent: facts.agentMsgs, visitor: facts.visitorMsgs },
    response_time: responseTime(facts.responses),
    skills_requested: c.requested,
    skills_fulfilled: c.requested.every((id) => agent.skills.includes(id)),
  }
}

/** A transferred chat now and then came from another department: the department it left. */
function transferFrom(ctx: ChatContext, rng: Rng, department: { readonly id: number } | undefined, agents: number): number | undefined {
  if (agents < 2 || department === undefined || ctx.departments.length < 2 || !rng.chance(0.5)) return undefined
  const others = ctx.departments.filter((d) => d.id !== department.id)
  return rng.pick(others).id
}

/**
 * The history with `extra` entries before the visitor's leaving (the last
 * entry), and, for a chat transferred from another department, that
 * department on the second agent's join.
 */
function withEntries(history: HistoryEntry[], extra: HistoryEntry[], previousDepartment: number | undefined): HistoryEntry[] {
  let out = history
  if (previousDepartment !== undefined) {
    let at = -1
    for (let i = 0, joins = 0; i < history.length && at < 0; i++) {
      const h = history[i]!
      if (h.type === 'chat.memberjoin' && h.nick.startsWith('agent:') && ++joins === 2) at = i
    }
    if (at >= 0) {
      out = history.slice()
      out[at] = { ...(history[at] as HistoryEntry & { type: 'chat.memberjoin' }), prev_department_id: previousDepartment }
    }
  }
  if (extra.length === 0) return out
  extra.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0))
  return [...out.slice(0, -1), ...extra, ...out.slice(-1)]
}

/**
 * The rare shapes, each on a few chats: a webpath entry as a list, null
 * items in webpath, history, tags, agent_ids and agent_names, and a history
 * `prev_department_id` as a numeric string.
 */
function quirkChat(chat: Chat, seed: number, index: number, rate: number): Chat {
  const rng = quirkDice(seed, 'chat', index)
  const listEntry = chat.webpath.length > 0 && rng.chance(rate)
  const nullWebpath = rng.chance(rate)
  const nullHistory = rng.chance(rate)
  const nullTag = rng.chance(rate)
  const nullAgent = chat.agent_ids.length > 0 && rng.chance(rate)
  const prevAsString = rng.chance(rate * 3)
  if (!(listEntry || nullWebpath || nullHistory || nullTag || nullAgent || prevAsString)) return chat
  let webpath: Chat['webpath'] = chat.webpath
  if (listEntry) {
    const k = rng.int(0, webpath.length - 1)
    const e = webpath[k] as WebpathEntry
    webpath = webpath.map((w, i) =>
      i === k ? [e.from === '' ? null : e.from, e.to, e.title, Math.floor(Date.parse(e.timestamp) / 1000)] : w,
    )
  }
  if (nullWebpath) webpath = withNullItem(rng, webpath)
  let history: Chat['history'] = chat.history
  if (prevAsString) {
    history = history.map((h) =>
      h !== null && h.type === 'chat.memberjoin' && typeof h.prev_department_id === 'number'
        ? { ...h, prev_department_id: String(h.prev_department_id) }
        : h,
    )
  }
  if (nullHistory) history = withNullItem(rng, history)
  return {
    ...chat,
    webpath,
    history,
    tags: nullTag ? withNullItem(rng, chat.tags) : chat.tags,
    // The two lists stay side by side: the null is at the same place in both.
    ...(nullAgent ? { agent_ids: [...chat.agent_ids, null], agent_names: [...chat.agent_names, null] } : {}),
  }
}

/** The search result's `preview`: the first thing the visitor wrote. */
export function preview(record: ChatRecord): string {
  if (record.type === 'offline_msg') return record.message
  for (const entry of record.history) if (entry !== null && entry.type === 'chat.msg' && entry.msg_id !== undefined) return entry.msg
  return ''
}
