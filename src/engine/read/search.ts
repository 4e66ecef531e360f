/**
 * Reading a stream by search (the singer-io tap's way to chats): for each
 * pass (a record type and its time field), search consecutive time windows
 * from the pass's bookmark to now, fetch each search page's hits in bulk, and
 * move the bookmark to a window's end once the whole window has been read.
 *
 * Window sizes adapt: a window that finds few records makes the next one
 * twice as long (a quiet account costs a handful of searches, not one per
 * window of history), and a window deeper than the search API will page
 * through is split in half and read again.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as RTE from 'fp-ts/lib/ReaderTaskEither.js'
import { SearchPage } from '../../codecs/chat-search.js'
import { httpError, type Failure } from '../../core/failure.js'
import { LineBuffer } from '../../core/line-buffer.js'
import { toMicros } from '../../core/time.js'
import { passBookmark, type SearchPass, type SearchPaging, type StreamDef } from '../../streams/stream.js'
import type { Env, Program } from '../env.js'
import { requestAt, type PageRequest } from '../http/cursor.js'
import { getJson } from '../http/request.js'
import { sampled } from '../run.js'
import { BOOKMARKS, bookmarkAt, withBookmark, type State } from '../state/bookmarks.js'
import { decodeResponse } from './decode.js'
import { pageFold, readPage } from './pages.js'
import type { ReadOutcome, ReadStrategy, StateEntry, StreamRead } from './strategy.js'

/** The API answers 400 past about this many pages of one search. */
export const SEARCH_MAX_PAGES = 250
/** Hits per search page (observed); with the depth limit, how many hits one window can hold. */
const SEARCH_PAGE_SIZE = 40
/**
 * Records newer than this are left to the next run: the search index lags
 * behind new chats, and a window's end becomes the bookmark.
 */
export const SEARCH_SETTLE_SECONDS = 300
const DAY = 86_400

/** A window [from, to) in epoch seconds; chat times are whole seconds. */
interface Window {
  readonly from: number
  readonly to: number
}

/** Naive ISO, as the search syntax wants: `2021-04-26T13:54:02`. */
const naive = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 19)
const iso = (seconds: number): string => new Date(seconds * 1000).toISOString()

const query = (pass: SearchPass, w: Window): string => `type:${pass.type} AND ${pass.field}:[${naive(w.from)} TO ${naive(w.to - 1)}]`

type WindowOutcome = { readonly read: true; readonly hits: number; readonly pages: number } | { readonly read: false; readonly why: string }

/** One search read of a stream: its context and what it has emitted. */
interface Search {
  readonly ctx: StreamRead
  readonly spec: SearchPaging
  /**
   * Ids emitted by a window that then proved too deep, so its halves do not
   * emit them again; emptied once the split window is read.
   */
  readonly emitted: Set<string>
  /** One buffer for every bulk fetch's lines. */
  readonly out: LineBuffer
}

const defOf = (search: Search): StreamDef => search.ctx.sel.def

/** Fetch the hits of one search page in bulk and commit them with the current STATE. */
const fetchAndEmit =
  (search: Search, ids: readonly string[]): Program<void> =>
  (env) => {
    const fresh = ids.filter((id) => !search.emitted.has(id))
    if (fresh.length === 0) return RTE.right<Env, Failure, void>(undefined)(env)
    const key = defOf(search).keyProperties[0]!
    const begin = () => {
      const seen: string[] = []
      const fold = pageFold(search.ctx, env, search.out, (record) => {
        seen.push(String(record[key]))
        return true
      })
      return { fold, done: () => seen }
    }
    const request: PageRequest = { path: search.spec.fetchPath, query: { ids: fresh.join(',') } }
    return pipe(
      readPage(search.ctx, request, search.spec.records, begin, () => undefined),
      RTE.map(({ page }) => {
        for (const id of page) search.emitted.add(id)
      }),
    )(env)
  }

/** Read every search page of one window, or report that the window is deeper than the API pages. */
const readWindow =
  (search: Search, pass: SearchPass, w: Window): Program<WindowOutcome> =>
  (env) =>
  async () => {
    let req: PageRequest | undefined = { path: search.spec.searchPath, query: { q: query(pass, w) } }
    let pages = 0
    let hits = 0
    while (req !== undefined) {
      const page: E.Either<Failure, SearchPage> = await pipe(
        getJson(req),
        RTE.chainEitherK(decodeResponse(defOf(search), SearchPage)),
      )(env)()
      if (E.isLeft(page)) {
        const failure = page.left
        // Past the first page, a 400 is the depth limit (the query itself was accepted).
        if (pages > 0 && failure._tag === 'HttpError' && failure.status === 400)
          return E.right({ read: false, why: `page ${pages + 1} was refused` })
        return page
      }
      const { results, count, next_url: nextUrl }: SearchPage = page.right
      if (pages === 0) {
        hits = typeof count === 'number' ? count : results.length
        if (results.length > 0 && hits > results.length * SEARCH_MAX_PAGES) return E.right({ read: false, why: `${hits} hits` })
      }
      const emitted = await fetchAndEmit(
        search,
        results.map((r) => r.id),
      )(env)()
      if (E.isLeft(emitted)) return emitted
      pages += 1
      if (sampled(search.ctx.run, defOf(search).name)) break
      // A next_url past the depth the API serves would only lead to a refusal (or a loop): split instead.
      if (pages >= SEARCH_MAX_PAGES && nextUrl) return E.right({ read: false, why: `more than ${SEARCH_MAX_PAGES} pages` })
      req = results.length === 0 ? undefined : requestAt(search.spec.searchPath, nextUrl)
    }
    return E.right({ read: true, hits, pages })
  }

/** Where a pass starts: its bookmark, else where the stream's reading resumes (another way's bookmark), else start_date. */
const passStart = (search: Search, pass: SearchPass, env: Env): number => {
  const { ctx } = search
  const micros = (value: unknown) => (typeof value === 'string' ? toMicros(value) : undefined)
  if (!ctx.incremental) return Math.floor(env.config.startDate.getTime() / 1000)
  const own = micros(bookmarkAt(ctx.run.state, defOf(search).name, passBookmark(pass)))
  // update_timestamp is never before a record's end_timestamp or timestamp: records searched before it were read.
  const from = own ?? micros(ctx.start) ?? env.config.startDate.getTime() * 1000
  return Math.floor(from / 1_000_000)
}

const readPass =
  (search: Search, pass: SearchPass): Program<ReadOutcome> =>
  (env) =>
  async () => {
    const { ctx, spec } = search
    const def = defOf(search)
    const key = passBookmark(pass)
    const base = spec.windowDays(env.config) * DAY
    const end = Math.floor(env.now().getTime() / 1000) - SEARCH_SETTLE_SECONDS
    let from = passStart(search, pass, env)
    let span = base
    // The end of the last window that proved too deep: until it is read, emitted ids are remembered.
    let splitUntil = from
    let pages = 0
    env.log.info(`stream ${def.name}: searching ${pass.type} by ${pass.field} from ${iso(from)}`)
    while (from < end) {
      const w: Window = { from, to: Math.min(from + span, end) }
      const outcome = await readWindow(search, pass, w)(env)()
      if (E.isLeft(outcome)) return outcome
      const result = outcome.right
      if (!result.read) {
        if (w.to - w.from <= 1) {
          const endpoint = `${spec.searchPath}?q=${query(pass, w)}`
          return E.left(
            httpError(
              endpoint,
              400,
              `more ${pass.type} records in one second than search can page through (${result.why}); use chats_strategy export`,
            ),
          )
        }
        splitUntil = Math.max(splitUntil, w.to)
        span = Math.ceil((w.to - w.from) / 2)
        env.log.debug(`stream ${def.name}: ${pass.type} window from ${iso(w.from)} too deep (${result.why}); halving it`)
        continue
      }
      pages += result.pages
      // The window's STATE: its bookmark now says everything before w.to was read.
      const moved = (state: State) => (ctx.incremental ? withBookmark(state, def.name, key, iso(w.to)) : state)
      const saved = await ctx.commit([], 0, moved)(env)()
      if (E.isLeft(saved)) return saved
      if (w.to >= splitUntil) search.emitted.clear()
      if (sampled(ctx.run, def.name)) break
      from = w.to
      // A window a quarter as deep as the API allows can safely double.
      span = result.hits * 4 < SEARCH_MAX_PAGES * SEARCH_PAGE_SIZE ? span * 2 : span
    }
    return E.right({ pages })
  }

/** Reads a stream by search, pass after pass, each pass keeping its own bookmark. */
export const searchStrategy = (_def: StreamDef, spec: SearchPaging): ReadStrategy => {
  const keys = spec.passes.map(passBookmark)
  return {
    bookmarks: keys.map((key) => [key, 'datetime'] as const),
    bookmarkProperties: spec.passes.map((p) => p.field),
    // Every pass must have a bookmark for the stream to have a point before which all was read: the earliest of them.
    resumeFrom: (entry: StateEntry) => {
      const searched = keys.map((key) => entry[key] ?? undefined)
      if (searched.length === 0 || searched.some((b) => b === undefined)) return undefined
      return searched.reduce((a, b) => (BOOKMARKS.datetime.compare(a, b) <= 0 ? a : b))
    },
    read: (ctx) => (env) => async () => {
      const search: Search = { ctx, spec, emitted: new Set(), out: new LineBuffer() }
      let pages = 0
      for (const pass of spec.passes) {
        if (sampled(ctx.run, ctx.sel.def.name)) break
        const tally = await readPass(search, pass)(env)()
        if (E.isLeft(tally)) return tally
        pages += tally.right.pages
      }
      return E.right({ pages })
    },
  }
}
