/**
 * A chat record's JSON text, written field by field in the order the records
 * are built (chat-records.ts, chat-history.ts): the same bytes as
 * JSON.stringify, in about half its time on the export's 1000-chat pages,
 * where serialising was a third of each page. Fields whose shape a quirk can
 * change (a webpath entry as a list, null items, ids as strings) are written
 * by their value's type; a record carrying a surprise (chats.ts) is not
 * written here but by JSON.stringify.
 */
import type { ChatConversion, Engagement, HistoryEntry, ResponseTime, Session, Visitor, WebpathEntry } from './chat-records.js'
import type { ChatRecord } from './chat-records.js'

/** What JSON.stringify would escape in a string: quotes, backslashes, control characters and (possibly lone) surrogates. */
// eslint-disable-next-line no-control-regex -- control characters are what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/

const str = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"')

const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null')

/** Any value, by its type at run time. */
function value(v: unknown): string {
  if (typeof v === 'string') return str(v)
  if (typeof v === 'number') return num(v)
  if (v === null) return 'null'
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  return JSON.stringify(v) ?? 'null'
}

/**
 * A string the sandbox formats itself (a timestamp, an id, an IP address):
 * never anything JSON escapes, so it skips the test.
 */
const formatted = (s: string): string => '"' + s + '"'

const strOrNull = (s: string | null): string => (s === null ? 'null' : str(s))
const numOrNull = (n: number | null): string => (n === null ? 'null' : num(n))

function list(items: ReadonlyArray<unknown>): string {
  let out = '['
  for (let i = 0; i < items.length; i++) out += (i === 0 ? '' : ',') + value(items[i])
  return out + ']'
}

const visitor = (v: Visitor): string =>
  `{"id":${formatted(v.id)},"name":${str(v.name)},"email":${str(v.email)},"phone":${str(v.phone)},"notes":${str(v.notes)}}`

const session = (s: Session): string =>
  `{"id":${formatted(s.id)},"browser":${str(s.browser)},"city":${str(s.city)},"country_code":${str(s.country_code)},` +
  `"country_name":${str(s.country_name)},"region":${str(s.region)},"platform":${str(s.platform)},"ip":${formatted(s.ip)},` +
  `"user_agent":${str(s.user_agent)},"start_date":${formatted(s.start_date)},"end_date":${formatted(s.end_date)}}`

function webpath(entries: ChatRecord['webpath']): string {
  let out = '['
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!
    out += i === 0 ? '' : ','
    if (e === null || Array.isArray(e)) out += JSON.stringify(e)
    else {
      const w = e as WebpathEntry
      out += `{"timestamp":${formatted(w.timestamp)},"title":${str(w.title)},"from":${str(w.from)},"to":${str(w.to)}}`
    }
  }
  return out + ']'
}

const counts = (c: { readonly total: number; readonly agent: number; readonly visitor: number }): string =>
  `{"total":${num(c.total)},"agent":${num(c.agent)},"visitor":${num(c.visitor)}}`

const responseTime = (r: ResponseTime): string => `{"first":${numOrNull(r.first)},"avg":${numOrNull(r.avg)},"max":${numOrNull(r.max)}}`

const conversion = (c: ChatConversion): string => {
  const a = c.attribution
  return (
    `{"id":${formatted(c.id)},"goal_id":${num(c.goal_id)},"goal_name":${str(c.goal_name)},"timestamp":${formatted(c.timestamp)},` +
    `"attribution":{"agent_id":${numOrNull(a.agent_id)},"agent_name":${strOrNull(a.agent_name)},` +
    `"department_id":${numOrNull(a.department_id)},"department_name":${strOrNull(a.department_name)},` +
    `"chat_timestamp":${formatted(a.chat_timestamp)}}}`
  )
}

/**
 * `"name":…,"nick":…` and `"channel":…` of the entries written last: a chat's
 * dozen entries have two or three authors and one channel, the same strings
 * each time, so each is escaped once rather than per entry.
 */
const whoCache: Array<{ readonly name: string; readonly nick: string; readonly text: string }> = []
const WHO_CACHE_SIZE = 4
let lastChannel = ''
let lastChannelText = '"channel":""'

function whoOf(h: HistoryEntry): string {
  for (const w of whoCache) if (w.name === h.name && w.nick === h.nick) return w.text
  const text = `"name":${str(h.name)},"nick":${str(h.nick)}`
  if (whoCache.length >= WHO_CACHE_SIZE) whoCache.shift()
  whoCache.push({ name: h.name, nick: h.nick, text })
  return text
}

function channelOf(channel: string): string {
  if (channel !== lastChannel) {
    lastChannel = channel
    lastChannelText = `"channel":${str(channel)}`
  }
  return lastChannelText
}

/** One history entry: each kind in the order its builder (chat-history.ts, chat-records.ts) gives its fields. */
function entry(h: HistoryEntry | null): string {
  if (h === null) return 'null'
  const who = whoOf(h)
  const channel = channelOf(h.channel)
  switch (h.type) {
    case 'chat.msg':
      return (
        `{${who},"timestamp":${formatted(h.timestamp)},` +
        (h.msg_id === undefined ? '' : `"msg_id":${value(h.msg_id)},`) +
        `"msg":${str(h.msg)},"type":"chat.msg","options":${str(h.options)},${channel}}`
      )
    case 'chat.memberjoin':
      if (h.skills_name === undefined) {
        return (
          `{${who},"timestamp":${formatted(h.timestamp)},"department_name":${value(h.department_name)},"type":"chat.memberjoin",` +
          `${channel},"department_id":${value(h.department_id)}}`
        )
      }
      return (
        `{"timestamp":${formatted(h.timestamp)},"type":"chat.memberjoin",${who},${channel},"skills_name":${list(h.skills_name)}` +
        (h.prev_department_id === undefined ? '}' : `,"prev_department_id":${value(h.prev_department_id)}}`)
      )
    case 'chat.memberleave':
      return `{"timestamp":${formatted(h.timestamp)},"type":"chat.memberleave",${who},${channel}}`
    case 'chat.tag':
      return `{${who},"tags":${list(h.tags)},"timestamp":${formatted(h.timestamp)},"new_tags":${list(h.new_tags)},"type":"chat.tag",${channel}}`
    case 'chat.comment':
      return (
        `{"comment":${value(h.comment)},${who},"timestamp":${formatted(h.timestamp)},"new_comment":${str(h.new_comment)},` +
        `"type":"chat.comment",${channel}}`
      )
    case 'chat.rating':
      return (
        `{${who},"rating":${value(h.rating)},"timestamp":${formatted(h.timestamp)},"new_rating":${str(h.new_rating)},` +
        `"type":"chat.rating",${channel}}`
      )
    case 'chat.conversion':
      return `{${who},"timestamp":${formatted(h.timestamp)},"type":"chat.conversion",${channel},"conversion":${conversion(h.conversion)}}`
  }
}

const engagement = (e: Engagement): string =>
  `{"id":${formatted(e.id)},"agent_id":${formatted(e.agent_id)},"agent_name":${str(e.agent_name)},"agent_full_name":${str(e.agent_full_name)},` +
  `"department_id":${numOrNull(e.department_id)},"timestamp":${formatted(e.timestamp)},"duration":${num(e.duration)},` +
  `"accepted":${e.accepted},"assigned":${e.assigned},"started_by":${str(e.started_by)},"rating":${strOrNull(e.rating)},` +
  `"comment":${strOrNull(e.comment)},"count":${counts(e.count)},"response_time":${responseTime(e.response_time)},` +
  `"skills_requested":${list(e.skills_requested)},"skills_fulfilled":${e.skills_fulfilled}}`

function each<T>(items: ReadonlyArray<T>, write: (item: T) => string): string {
  let out = '['
  for (let i = 0; i < items.length; i++) out += (i === 0 ? '' : ',') + write(items[i]!)
  return out + ']'
}

/** JSON.stringify(record) of a chat or offline message as the store builds it (without a surprise). */
export function chatJson(r: ChatRecord): string {
  const common =
    `{"id":${formatted(r.id)},"type":"${r.type}","timestamp":${formatted(r.timestamp)},"update_timestamp":${formatted(r.update_timestamp)},` +
    `"visitor":${visitor(r.visitor)},"session":${session(r.session)},"department_id":${numOrNull(r.department_id)},` +
    `"department_name":${strOrNull(r.department_name)},"deleted":${r.deleted},"webpath":${webpath(r.webpath)},`
  if (r.type === 'offline_msg') {
    return (
      common +
      `"message":${str(r.message)},"unread":${value(r.unread)},"tags":${list(r.tags)},"zendesk_ticket_id":${numOrNull(r.zendesk_ticket_id)}}`
    )
  }
  return (
    common +
    `"end_timestamp":${formatted(r.end_timestamp)},"duration":${num(r.duration)},"unread":${value(r.unread)},"missed":${r.missed},` +
    `"triggered":${r.triggered},"triggered_response":${value(r.triggered_response)},"started_by":${str(r.started_by)},` +
    `"tags":${list(r.tags)},"agent_ids":${list(r.agent_ids)},"agent_names":${list(r.agent_names)},"count":${counts(r.count)},` +
    `"response_time":${responseTime(r.response_time)},"rating":${strOrNull(r.rating)},"comment":${strOrNull(r.comment)},` +
    `"zendesk_ticket_id":${numOrNull(r.zendesk_ticket_id)},"referrer_search_engine":${str(r.referrer_search_engine)},` +
    `"referrer_search_terms":${str(r.referrer_search_terms)},"history":${each(r.history, entry)},` +
    `"conversions":${each(r.conversions, conversion)},"engagements":${each(r.engagements, engagement)}}`
  )
}
