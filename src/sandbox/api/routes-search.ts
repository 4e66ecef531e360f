/**
 * The singer-io tap's way to chats: `chats/search` (a query by type and a
 * time window, 40 results a page, at most 250 pages deep), then `chats?ids=`
 * for the chats themselves. Deleted chats are neither found nor fetched.
 */
import type { SearchField } from '../data/sandbox-data.js'
import { badRequest, integerParam, notFound, ok, type Reply, type RouteContext } from './reply.js'

export const SEARCH_PAGE_SIZE = 40
/** Deeper pages answer 400, like the real API's depth limit. */
export const SEARCH_MAX_PAGE = 250

interface SearchQuery {
  readonly type: 'chat' | 'offline_msg'
  readonly field: SearchField
  readonly from: number
  readonly to: number
}

const NAIVE_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?$/

/** A naive ISO date-time (no zone: read as UTC) to epoch seconds with fraction, or undefined. */
function naiveSeconds(text: string): number | undefined {
  const m = NAIVE_DATETIME.exec(text)
  if (m === null) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const millis = Date.UTC(year, month - 1, day, hour, minute, second)
  const back = new Date(millis)
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined
  return millis / 1000 + Number(m[7] ?? 0)
}

/** `type:chat AND end_timestamp:[2021-04-26T13:54:02 TO 2021-05-10T00:00:00]`, terms in either order. */
function parseQuery(q: string): SearchQuery | undefined {
  let type: SearchQuery['type'] | undefined
  let range: Omit<SearchQuery, 'type'> | undefined
  for (const term of q.trim().split(/\s+AND\s+/)) {
    const typeTerm = /^type:(chat|offline_msg)$/.exec(term)
    const rangeTerm = /^(end_timestamp|timestamp):\[(\S+) TO (\S+)\]$/.exec(term)
    if (typeTerm !== null && type === undefined) type = typeTerm[1] as SearchQuery['type']
    else if (rangeTerm !== null && range === undefined) {
      const from = naiveSeconds(rangeTerm[2]!)
      const to = naiveSeconds(rangeTerm[3]!)
      if (from === undefined || to === undefined) return undefined
      // Chat times are whole seconds: an inclusive window holds the seconds inside it.
      range = { field: rangeTerm[1] as SearchField, from: Math.ceil(from), to: Math.floor(to) }
    } else return undefined
  }
  return type === undefined || range === undefined ? undefined : { type, ...range }
}

export function chatsSearch(query: URLSearchParams, ctx: RouteContext): Reply {
  const q = query.get('q')
  const parsed = q === null ? undefined : parseQuery(q)
  if (q === null || parsed === undefined) {
    return badRequest('q must be "type:chat|offline_msg AND end_timestamp|timestamp:[YYYY-MM-DDTHH:MM:SS TO YYYY-MM-DDTHH:MM:SS]"')
  }
  const page = integerParam(query, 'page', 1)
  if (page === undefined || page < 1) return badRequest('page must be a positive integer')
  if (page > SEARCH_MAX_PAGE) return badRequest(`search results are limited to ${SEARCH_MAX_PAGE} pages; narrow the query`)

  const hits = ctx.data.searchChats(parsed.type, parsed.field, parsed.from, parsed.to)
  const slice = hits.slice((page - 1) * SEARCH_PAGE_SIZE, page * SEARCH_PAGE_SIZE)
  const pageUrl = (n: number): string => `${ctx.baseUrl}/chats/search?q=${encodeURIComponent(q)}&page=${n}`
  return ok({
    results: ctx.data
      .searchResults(slice)
      .map((r) => ({ id: r.id, type: r.type, timestamp: r.timestamp, url: `${ctx.baseUrl}/chats/${r.id}`, preview: r.preview })),
    count: hits.length,
    next_url: page * SEARCH_PAGE_SIZE < hits.length ? pageUrl(page + 1) : null,
    prev_url: page > 1 ? pageUrl(page - 1) : null,
  })
}

/** `chats?ids=a,b,c` → `{"docs": {"a": chat, ...}}`; unknown and deleted ids are absent. */
export function chatsByIds(query: URLSearchParams, ctx: RouteContext): Reply {
  const ids = (query.get('ids') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '')
  if (ids.length === 0) return badRequest('ids is required: chat ids separated by commas')
  return ok({ docs: ctx.data.chatsByIds(ids) })
}

/** `chats/<id>`: the URL each search result points to. */
export function chatById(id: string, ctx: RouteContext): Reply {
  let decoded: string
  try {
    decoded = decodeURIComponent(id)
  } catch {
    return notFound()
  }
  const chat = ctx.data.chatById(decoded)
  return chat === undefined || chat.deleted ? notFound() : ok(chat)
}
