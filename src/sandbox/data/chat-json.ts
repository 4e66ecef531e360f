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

/**
 * The same string, stored flat. A string built by concatenation is a tree of
 * pieces that V8 copies into one run of characters (flattens) when it is
 * written out; a cached piece that is itself a tree is walked again inside
 * every chat that uses it, while a flat one is copied in one go (three to four
 * times faster). Reading a string with a regular expression flattens it in place.
 */
const ANYTHING = /^/
function flat(s: string): string {
  ANYTHING.test(s)
  return s
}

/**
 * `str` of the strings that come back chat after chat (the vocabulary's
 * messages, pages, places and browsers, agents' and departments' names):
 * quoted once and kept flat. Cleared when full, so an account whose agents
 * are renamed again and again never holds more than this many.
 */
const quotedCache = new Map<string, string>()
const QUOTED_CACHE_SIZE = 4096

function quoted(s: string): string {
  let q = quotedCache.get(s)
  if (q === undefined) {
    if (quotedCache.size >= QUOTED_CACHE_SIZE) quotedCache.clear()
    q = flat(str(s))
    quotedCache.set(s, q)
  }
  return q
}

const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null')

/** Any value, by its type at run time. */
function value(v: unknown): string {
  if (typeof v === 'string') return str(v)
  if (typeof v === 'number') return num(v)
  if (v === null) return 'null'
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  return JSON.stringify(v) ?? 'null'
}

const strOrNull = (s: string | null): string => (s === null ? 'null' : str(s))
const numOrNull = (n: number | null): string => (n === null ? 'null' : num(n))

// Strings the sandbox formats itself (timestamps, ids, IP addresses) hold nothing JSON escapes: they go between quotes as they are.

const visitor = (v: Visitor): string =>
  `{"id":"${v.id}","name":${str(v.name)},"email":${str(v.email)},"phone":${str(v.phone)},"notes":${quoted(v.notes)}}`

const session = (s: Session): string =>
  `{"id":"${s.id}","browser":${quoted(s.browser)},"city":${quoted(s.city)},"country_code":${quoted(s.country_code)},` +
  `"country_name":${quoted(s.country_name)},"region":${quoted(s.region)},"platform":${quoted(s.platform)},"ip":"${s.ip}",` +
  `"user_agent":${quoted(s.user_agent)},"start_date":"${s.start_date}","end_date":"${s.end_date}"}`

function webpath(entries: ChatRecord['webpath']): string {
  let out = '['
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!
    out += i === 0 ? '' : ','
    if (e === null || Array.isArray(e)) out += JSON.stringify(e)
    else {
      const w = e as WebpathEntry
      out += `{"timestamp":"${w.timestamp}","title":${quoted(w.title)},"from":${quoted(w.from)},"to":${quoted(w.to)}}`
    }
  }
  return out + ']'
}

const counts = (c: { readonly total: number; readonly agent: number; readonly visitor: number }): string =>
  `{"total":${num(c.total)},"agent":${num(c.agent)},"visitor":${num(c.visitor)}}`

const responseTime = (r: ResponseTime): string => `{"first":${numOrNull(r.first)},"avg":${numOrNull(r.avg)},"max":${numOrNull(r.max)}}`

const quotedOrNull = (s: string | null): string => (s === null ? 'null' : quoted(s))

const conversion = (c: ChatConversion): string => {
  const a = c.attribution
  return (
    `{"id":"${c.id}","goal_id":${num(c.goal_id)},"goal_name":${quoted(c.goal_name)},"timestamp":"${c.timestamp}",` +
    `"attribution":{"agent_id":${numOrNull(a.agent_id)},"agent_name":${quotedOrNull(a.agent_name)},` +
    `"department_id":${numOrNull(a.department_id)},"department_name":${quotedOrNull(a.department_name)},` +
    `"chat_timestamp":"${a.chat_timestamp}"}}`
  )
}

/** `value`, with a string through `quoted`: list items (tags, skill and agent names, agent ids) and the like. */
const quotedValue = (v: unknown): string => (typeof v === 'string' ? quoted(v) : value(v))

function list(items: ReadonlyArray<unknown>): string {
  let out = '['
  for (let i = 0; i < items.length; i++) out += (i === 0 ? '' : ',') + quotedValue(items[i])
  return out + ']'
}

/**
 * `"name":…,"nick":…` and `"channel":…` of the entries written last: a chat's
 * dozen entries have two or three authors and one channel, the same strings
 * each time, so each is escaped once rather than per entry (and kept flat).
 */
const whoCache: Array<{ readonly name: string; readonly nick: string; readonly text: string }> = []
const WHO_CACHE_SIZE = 4
let lastChannel = ''
let lastChannelText = '"channel":""'

function whoOf(h: HistoryEntry): string {
  for (const w of whoCache) if (w.name === h.name && w.nick === h.nick) return w.text
  const text = flat(`"name":${str(h.name)},"nick":${str(h.nick)}`)
  if (whoCache.length >= WHO_CACHE_SIZE) whoCache.shift()
  whoCache.push({ name: h.name, nick: h.nick, text })
  return text
}

function channelOf(channel: string): string {
  if (channel !== lastChannel) {
    lastChannel = channel
    lastChannelText = flat(`"channel":${str(channel)}`)
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
        `{${who},"timestamp":"${h.timestamp}",` +
        (h.msg_id === undefined ? '' : `"msg_id":${value(h.msg_id)},`) +
        `"msg":${quoted(h.msg)},"type":"chat.msg","options":${quoted(h.options)},${channel}}`
      )
    case 'chat.memberjoin':
      if (h.skills_name === undefined) {
        return (
          `{${who},"timestamp":"${h.timestamp}","department_name":${quotedValue(h.department_name)},"type":"chat.memberjoin",` +
          `${channel},"department_id":${value(h.department_id)}}`
        )
      }
      return (
        `{"timestamp":"${h.timestamp}","type":"chat.memberjoin",${who},${channel},"skills_name":${list(h.skills_name)}` +
        (h.prev_department_id === undefined ? '}' : `,"prev_department_id":${value(h.prev_department_id)}}`)
      )
    case 'chat.memberleave':
      return `{"timestamp":"${h.timestamp}","type":"chat.memberleave",${who},${channel}}`
    case 'chat.tag':
      return `{${who},"tags":${list(h.tags)},"timestamp":"${h.timestamp}","new_tags":${list(h.new_tags)},"type":"chat.tag",${channel}}`
    case 'chat.comment':
      return (
        `{"comment":${value(h.comment)},${who},"timestamp":"${h.timestamp}","new_comment":${str(h.new_comment)},` +
        `"type":"chat.comment",${channel}}`
      )
    case 'chat.rating':
      return (
        `{${who},"rating":${value(h.rating)},"timestamp":"${h.timestamp}","new_rating":${str(h.new_rating)},` +
        `"type":"chat.rating",${channel}}`
      )
    case 'chat.conversion':
      return `{${who},"timestamp":"${h.timestamp}","type":"chat.conversion",${channel},"conversion":${conversion(h.conversion)}}`
  }
}

const engagement = (e: Engagement): string =>
  `{"id":"${e.id}","agent_id":"${e.agent_id}","agent_name":${quoted(e.agent_name)},"agent_full_name":${quoted(e.agent_full_name)},` +
  `"department_id":${numOrNull(e.department_id)},"timestamp":"${e.timestamp}","duration":${num(e.duration)},` +
  `"accepted":${e.accepted},"assigned":${e.assigned},"started_by":"${e.started_by}","rating":${strOrNull(e.rating)},` +
  `"comment":${quotedOrNull(e.comment)},"count":${counts(e.count)},"response_time":${responseTime(e.response_time)},` +
  `"skills_requested":${list(e.skills_requested)},"skills_fulfilled":${e.skills_fulfilled}}`

function each<T>(items: ReadonlyArray<T>, write: (item: T) => string): string {
  let out = '['
  for (let i = 0; i < items.length; i++) out += (i === 0 ? '' : ',') + write(items[i]!)
  return out + ']'
}

/** JSON.stringify(record) of a chat or offline message as the store builds it (without a surprise). */
export function chatJson(r: ChatRecord): string {
  const common =
    `{"id":"${r.id}","type":"${r.type}","timestamp":"${r.timestamp}","update_timestamp":"${r.update_timestamp}",` +
    `"visitor":${visitor(r.visitor)},"session":${session(r.session)},"department_id":${numOrNull(r.department_id)},` +
    `"department_name":${quotedOrNull(r.department_name)},"deleted":${r.deleted},"webpath":${webpath(r.webpath)},`
  if (r.type === 'offline_msg') {
    return (
      common +
      `"message":${quoted(r.message)},"unread":${value(r.unread)},"tags":${list(r.tags)},"zendesk_ticket_id":${numOrNull(r.zendesk_ticket_id)}}`
    )
  }
  return (
    common +
    `"end_timestamp":"${r.end_timestamp}","duration":${num(r.duration)},"unread":${value(r.unread)},"missed":${r.missed},` +
    `"triggered":${r.triggered},"triggered_response":${value(r.triggered_response)},"started_by":"${r.started_by}",` +
    `"tags":${list(r.tags)},"agent_ids":${list(r.agent_ids)},"agent_names":${list(r.agent_names)},"count":${counts(r.count)},` +
    `"response_time":${responseTime(r.response_time)},"rating":${strOrNull(r.rating)},"comment":${quotedOrNull(r.comment)},` +
    `"zendesk_ticket_id":${numOrNull(r.zendesk_ticket_id)},"referrer_search_engine":${quoted(r.referrer_search_engine)},` +
    `"referrer_search_terms":${quoted(r.referrer_search_terms)},"history":${each(r.history, entry)},` +
    `"conversions":${each(r.conversions, conversion)},"engagements":${each(r.engagements, engagement)}}`
  )
}
