/**
 * A chat's `history`: who joined, said what, tagged, commented and left, with
 * the real payload's irregularities (microsecond timestamps, `msg_id` as a
 * string or an integer, `department_id` as an integer or a string), and the
 * figures derived from it (`count`, `response_time`, `tags`).
 */
import type { Rng } from './random.js'
import {
  AGENT_GREETINGS,
  AGENT_LINES,
  CHAT_TAGS,
  COMMENTS,
  TRIGGER_MESSAGES,
  TRIGGER_SENDERS,
  VISITOR_LINES,
  VISITOR_OPENERS,
} from '../vocabulary/chat.js'
import { isoMillisAsMicros } from './common.js'

interface EntryBase {
  readonly name: string
  /** Who it was: `visitor:<visitor id>`, `agent:<agent id>`, `agent:trigger`. */
  readonly nick: string
  readonly timestamp: string
  readonly channel: string
}
/** A conversion as a chat (and its history) carries it (the export adds `attribution.chat_id`). */
export interface ChatConversion {
  readonly id: string
  readonly goal_id: number
  readonly goal_name: string
  readonly timestamp: string
  readonly attribution: {
    readonly agent_id: number | null
    readonly agent_name: string | null
    readonly department_id: number | null
    readonly department_name: string | null
    readonly chat_timestamp: string
  }
}
export type HistoryEntry =
  | (EntryBase & {
      readonly type: 'chat.memberjoin'
      readonly department_id?: number | string | null
      readonly department_name?: string | null
      readonly prev_department_id?: number | string
      readonly skills_name?: ReadonlyArray<string>
    })
  | (EntryBase & { readonly type: 'chat.msg'; readonly msg: string; readonly options: string; readonly msg_id?: string | number })
  | (EntryBase & { readonly type: 'chat.memberleave' })
  | (EntryBase & { readonly type: 'chat.tag'; readonly tags: Array<string | null>; readonly new_tags: Array<string | null> })
  | (EntryBase & { readonly type: 'chat.comment'; readonly comment: string | null; readonly new_comment: string })
  | (EntryBase & { readonly type: 'chat.rating'; readonly rating: string | null; readonly new_rating: string })
  | (EntryBase & { readonly type: 'chat.conversion'; readonly conversion: ChatConversion })

export interface ResponseTime {
  readonly first: number | null
  readonly avg: number | null
  readonly max: number | null
}

export interface Participant {
  readonly id: number
  readonly name: string
  /** Names of the agent's skills, as an agent's join entry lists them. */
  readonly skillNames: ReadonlyArray<string>
}

/** What one agent did in a chat: the facts its engagement is made of (times in ms). */
export interface EngagementFacts {
  readonly joinMs: number
  readonly leaveMs: number
  readonly agentMsgs: number
  readonly visitorMsgs: number
  /** Seconds from a visitor's message to this agent's answer. */
  readonly responses: ReadonlyArray<number>
}

export interface ConversationInput {
  readonly startMs: number
  readonly endMs: number
  readonly visitorName: string
  readonly visitorNick: string
  readonly channel: string
  readonly department: { readonly id: number; readonly name: string } | undefined
  readonly agents: ReadonlyArray<Participant>
  readonly startedBy: 'visitor' | 'agent' | 'trigger'
}

export interface Conversation {
  readonly history: HistoryEntry[]
  readonly count: { readonly total: number; readonly agent: number; readonly visitor: number }
  readonly response_time: ResponseTime
  readonly tags: string[]
  readonly comment: string | null
  /** Whether a trigger answered the visitor (the chat's `triggered_response`). */
  readonly triggeredResponse: boolean
  /** One per agent of the chat, in the order of `agents`. */
  readonly engagements: EngagementFacts[]
}

type Step =
  | { kind: 'join' | 'leave'; who: 'visitor' | number }
  | { kind: 'msg'; who: 'visitor' | 'trigger' | number }
  | { kind: 'tag'; who: number }
  | { kind: 'comment' }

/** The order things happen in; times are assigned afterwards. */
function plan(rng: Rng, input: ConversationInput): Step[] {
  const missed = input.agents.length === 0
  const steps: Step[] = []
  let visitorMsgs = rng.int(1, 8)
  let agentMsgs = missed ? 0 : rng.int(1, 10)
  if (input.startedBy === 'agent') {
    steps.push({ kind: 'join', who: 0 }, { kind: 'msg', who: 0 }, { kind: 'join', who: 'visitor' })
    agentMsgs = Math.max(0, agentMsgs - 1)
  } else {
    steps.push({ kind: 'join', who: 'visitor' })
    if (input.startedBy === 'trigger') steps.push({ kind: 'msg', who: 'trigger' })
    steps.push({ kind: 'msg', who: 'visitor' })
    visitorMsgs--
    if (!missed) steps.push({ kind: 'join', who: 0 })
  }
  const transferAt = input.agents.length > 1 && visitorMsgs + agentMsgs > 0 ? rng.int(0, visitorMsgs + agentMsgs - 1) : -1
  let current = 0
  let position = 0
  // After the agent joins, the agent speaks first.
  let agentTurn = !missed && input.startedBy !== 'agent'
  while (visitorMsgs + agentMsgs > 0) {
    if (position++ === transferAt) {
      steps.push({ kind: 'join', who: 1 }, { kind: 'leave', who: current })
      current = 1
    }
    const agentSpeaks = agentMsgs > 0 && (agentTurn || visitorMsgs === 0 || rng.chance(agentMsgs / (agentMsgs + visitorMsgs)))
    agentTurn = false
    if (agentSpeaks) agentMsgs--
    else visitorMsgs--
    steps.push({ kind: 'msg', who: agentSpeaks ? current : 'visitor' })
  }
  if (!missed) {
    for (let k = rng.int(0, 2); k > 0; k--) steps.push({ kind: 'tag', who: current })
    steps.push({ kind: 'leave', who: current })
  }
  if (rng.chance(0.12)) steps.push({ kind: 'comment' })
  steps.push({ kind: 'leave', who: 'visitor' })
  return steps
}

/** Event times in ms: the opener at startMs, the visitor's leaving at endMs, the rest in between. */
function times(rng: Rng, steps: ReadonlyArray<Step>, input: ConversationInput): number[] {
  const opener = steps.findIndex((s) => s.kind === 'msg')
  const middle = Math.max(0, steps.length - opener - 2)
  // A typed array sorts numbers without a comparator call per step.
  const between = new Float64Array(middle)
  for (let k = 0; k < middle; k++) between[k] = rng.int(input.startMs + 1, input.endMs - 1)
  between.sort()
  const at = new Array<number>(opener + middle + 2)
  let ms = input.startMs
  for (let k = 0; k < opener; k++) at[opener - 1 - k] = ms -= rng.int(50, 700)
  at[opener] = input.startMs
  for (let k = 0; k < middle; k++) at[opener + 1 + k] = between[k]!
  at[opener + middle + 1] = input.endMs
  return at
}

/** Response times in seconds as the API sums them up: first and longest rounded, the mean as it is; nulls when nobody answered. */
export function responseTime(responses: readonly number[]): ResponseTime {
  if (responses.length === 0) return { first: null, avg: null, max: null }
  return {
    first: Math.round(responses[0]!),
    avg: responses.reduce((a, b) => a + b, 0) / responses.length,
    max: Math.round(Math.max(...responses)),
  }
}

export function converse(rng: Rng, input: ConversationInput): Conversation {
  const steps = plan(rng, input)
  const at = times(rng, steps, input)
  const msgIdAsInteger = rng.chance(0.2)
  const departmentIdAsString = rng.chance(0.2)
  const dept = input.department
  const channel = input.channel
  const history: HistoryEntry[] = []
  const responses: number[] = []
  let waitingSince: number | undefined
  let visitorCount = 0
  let agentCount = 0
  let tags: string[] = []
  let comment: string | null = null
  let triggeredResponse = false
  const nameOf = (who: 'visitor' | number): string => (who === 'visitor' ? input.visitorName : input.agents[who]!.name)
  const agentNicks = input.agents.map((a) => `agent:${a.id}`)
  const nickOf = (who: 'visitor' | number): string => (who === 'visitor' ? input.visitorNick : agentNicks[who]!)
  const engaged = input.agents.map(() => ({
    joinMs: input.startMs,
    leaveMs: input.endMs,
    agentMsgs: 0,
    visitorMsgs: 0,
    responses: [] as number[],
  }))
  let serving: number | undefined
  // Who has written a message so far, by name (an agent's first one is a greeting).
  const spoken = new Set<string>()

  for (let k = 0; k < steps.length; k++) {
    const step = steps[k]!
    const ms = at[k]!
    const timestamp = isoMillisAsMicros(ms)
    if (step.kind === 'join' && step.who === 'visitor') {
      const departmentId = dept === undefined ? null : departmentIdAsString ? String(dept.id) : dept.id
      history.push({
        name: input.visitorName,
        nick: input.visitorNick,
        timestamp,
        department_name: dept?.name ?? null,
        type: 'chat.memberjoin',
        channel,
        department_id: departmentId,
      })
    } else if (step.kind === 'join') {
      const who = step.who as number
      engaged[who]!.joinMs = ms
      serving = who
      history.push({
        timestamp,
        type: 'chat.memberjoin',
        name: nameOf(who),
        nick: nickOf(who),
        channel,
        skills_name: input.agents[who]!.skillNames,
      })
    } else if (step.kind === 'leave') {
      if (step.who !== 'visitor') engaged[step.who]!.leaveMs = ms
      history.push({ timestamp, type: 'chat.memberleave', name: nameOf(step.who), nick: nickOf(step.who), channel })
    } else if (step.kind === 'msg' && step.who === 'visitor') {
      visitorCount++
      if (serving !== undefined) engaged[serving]!.visitorMsgs++
      waitingSince ??= ms
      const msg = visitorCount === 1 ? rng.pick(VISITOR_OPENERS) : rng.pick(VISITOR_LINES)
      const clientMs = ms - rng.int(100, 900)
      spoken.add(input.visitorName)
      history.push({
        name: input.visitorName,
        nick: input.visitorNick,
        timestamp,
        msg_id: msgIdAsInteger ? clientMs : String(clientMs),
        msg,
        type: 'chat.msg',
        options: '',
        channel,
      })
    } else if (step.kind === 'msg') {
      agentCount++
      const who = step.who as 'trigger' | number
      const opening = who !== 'trigger' && !spoken.has(nameOf(who))
      const msg = who === 'trigger' ? rng.pick(TRIGGER_MESSAGES) : opening ? rng.pick(AGENT_GREETINGS) : rng.pick(AGENT_LINES)
      if (who === 'trigger') triggeredResponse = true
      else {
        engaged[who]!.agentMsgs++
        if (waitingSince !== undefined) {
          responses.push((ms - waitingSince) / 1000)
          engaged[who]!.responses.push((ms - waitingSince) / 1000)
          waitingSince = undefined
        }
      }
      const nick = who === 'trigger' ? 'agent:trigger' : nickOf(who)
      const name = who === 'trigger' ? rng.pick(TRIGGER_SENDERS) : nameOf(who)
      spoken.add(name)
      history.push({
        name,
        nick,
        timestamp,
        msg,
        type: 'chat.msg',
        options: '',
        channel,
      })
    } else if (step.kind === 'tag') {
      const fresh = CHAT_TAGS.filter((t) => !tags.includes(t))
      const next = [...tags, rng.pick(fresh)].sort()
      history.push({ name: nameOf(step.who), nick: nickOf(step.who), tags, timestamp, new_tags: next, type: 'chat.tag', channel })
      tags = next
    } else {
      comment = rng.pick(COMMENTS)
      history.push({
        comment: null,
        name: input.visitorName,
        nick: input.visitorNick,
        timestamp,
        new_comment: comment,
        type: 'chat.comment',
        channel,
      })
    }
  }

  return {
    history,
    count: { total: visitorCount + agentCount, agent: agentCount, visitor: visitorCount },
    response_time: responseTime(responses),
    tags,
    comment,
    triggeredResponse,
    engagements: engaged,
  }
}

/** The `chat.tag` entry an edit appends. */
export function tagEntry(
  name: string,
  nick: string,
  channel: string,
  ms: number,
  before: Array<string | null>,
  after: Array<string | null>,
): HistoryEntry {
  return { name, nick, tags: before, timestamp: isoMillisAsMicros(ms), new_tags: after, type: 'chat.tag', channel }
}

/** The `chat.rating` entry of a visitor rating the chat (or changing the rating). */
export function ratingEntry(name: string, nick: string, channel: string, ms: number, before: string | null, after: string): HistoryEntry {
  return { name, nick, rating: before, timestamp: isoMillisAsMicros(ms), new_rating: after, type: 'chat.rating', channel }
}
