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
import type * as t from 'io-ts'
import { httpError, type Failure } from '../../core/failure.js'
import { toMicros } from '../../core/time.js'
import { passBookmark, type SearchPass, type SearchPaging, type StreamDef } from '../../streams/stream.js'
import { decodePage, decodeResponse } from './decode.js'
import type { Env, Program } from '../env.js'
import { requestAt, type PageRequest } from '../http/cursor.js'
import { getJson } from '../http/request.js'
import { commit, emitRecords, sampled, type Row, type Run, type Tally } from '../out/output.js'
import { bookmarkAt, withBookmark, type State } from '../state/state.js'

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

interface Reader {
  readonly run: Run
  readonly def: StreamDef
  readonly paging: SearchPaging
  readonly toRecord: (r: Row) => Row
  /** Incremental: start from the bookmarks and move them. Otherwise (FULL_TABLE forced) read all, bookmark nothing. */
  readonly incremental: boolean
  /** The full-table pass's version for ACTIVATE_VERSION, when the stream is read in full and versions are on. */
  readonly version: number | undefined
  /**
   * Ids emitted by a window that then proved too deep, so its halves do not
   * emit them again; emptied once the split window is read.
   */
  readonly emitted: Set<string>
  /** What a record is validated with: the stream's codec without the fields the catalog deselects. */
  readonly codec: t.Mixed
}

/** Fetch the hits of one search page in bulk and emit them with the current STATE. */
const fetchAndEmit = (reader: Reader, ids: readonly string[]): Program<void> => {
  const fresh = ids.filter((id) => !reader.emitted.has(id))
  if (fresh.length === 0) return RTE.right(undefined)
  return pipe(
    getJson({ path: reader.paging.fetchPath, query: { ids: fresh.join(',') } }),
    RTE.chainEitherK(decodePage(reader.def, reader.paging.fetched, reader.codec)),
    RTE.chainFirst((rows) => (env: Env) => {
      const context = { extractedAt: env.now().toISOString(), ...(reader.version === undefined ? {} : { version: reader.version }) }
      return emitRecords(reader.run, reader.def.name, rows, reader.toRecord, context)(env)
    }),
    RTE.map((rows) => {
      for (const row of rows) reader.emitted.add(String(row[reader.def.keyProperties[0]!]))
    }),
  )
}

/** Read every search page of one window, or report that the window is deeper than the API pages. */
const readWindow =
  (reader: Reader, pass: SearchPass, w: Window): Program<WindowOutcome> =>
  (env) =>
  async () => {
    let req: PageRequest | undefined = { path: reader.paging.searchPath, query: { q: query(pass, w) } }
    let pages = 0
    let hits = 0
    while (req !== undefined) {
      const page: E.Either<Failure, SearchPage> = await pipe(getJson(req), RTE.chainEitherK(decodeResponse(reader.def, SearchPage)))(env)()
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
        reader,
        results.map((r) => r.id),
      )(env)()
      if (E.isLeft(emitted)) return emitted
      pages += 1
      if (sampled(reader.run, reader.def.name)) break
      // A next_url past the depth the API serves would only lead to a refusal (or a loop): split instead.
      if (pages >= SEARCH_MAX_PAGES && nextUrl) return E.right({ read: false, why: `more than ${SEARCH_MAX_PAGES} pages` })
      req = results.length === 0 ? undefined : requestAt(reader.paging.searchPath, nextUrl)
    }
    return E.right({ read: true, hits, pages })
  }

/** Where a pass starts: its bookmark, else the stream's own replication bookmark, else start_date. */
const passStart = (reader: Reader, pass: SearchPass, env: Env): number => {
  const entry = (key: string) => {
    const value = bookmarkAt(reader.run.state, reader.def.name, key)
    return typeof value === 'string' ? toMicros(value) : undefined
  }
  if (!reader.incremental) return Math.floor(env.config.startDate.getTime() / 1000)
  const own = entry(passBookmark(pass))
  // update_timestamp is never before a record's end_timestamp or timestamp: records searched before it were read.
  const replicated =
    reader.def.replication.method === 'INCREMENTAL' && reader.def.replication.bookmark === 'datetime'
      ? entry(reader.def.replication.key)
      : undefined
  const micros = own ?? replicated ?? env.config.startDate.getTime() * 1000
  return Math.floor(micros / 1_000_000)
}

const readPass =
  (reader: Reader, pass: SearchPass): Program<Tally> =>
  (env) =>
  async () => {
    const key = passBookmark(pass)
    const base = reader.paging.windowDays(env.config) * DAY
    const end = Math.floor(env.now().getTime() / 1000) - SEARCH_SETTLE_SECONDS
    let from = passStart(reader, pass, env)
    let span = base
    // The end of the last window that proved too deep: until it is read, emitted ids are remembered.
    let splitUntil = from
    let pages = 0
    env.log.info(`stream ${reader.def.name}: searching ${pass.type} by ${pass.field} from ${iso(from)}`)
    while (from < end) {
      const w: Window = { from, to: Math.min(from + span, end) }
      const outcome = await readWindow(reader, pass, w)(env)()
      if (E.isLeft(outcome)) return outcome
      const result = outcome.right
      if (!result.read) {
        if (w.to - w.from <= 1) {
          const endpoint = `${reader.paging.searchPath}?q=${query(pass, w)}`
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
        env.log.debug(`stream ${reader.def.name}: ${pass.type} window from ${iso(w.from)} too deep (${result.why}); halving it`)
        continue
      }
      pages += result.pages
      // The window's STATE: its bookmark now says everything before w.to was read.
      const moved = (state: State) => (reader.incremental ? withBookmark(state, reader.def.name, key, iso(w.to)) : state)
      const saved = await commit(reader.run, reader.def.name, '', moved)(env)()
      if (E.isLeft(saved)) return saved
      if (w.to >= splitUntil) reader.emitted.clear()
      if (sampled(reader.run, reader.def.name)) break
      from = w.to
      // A window a quarter as deep as the API allows can safely double.
      span = result.hits * 4 < SEARCH_MAX_PAGES * SEARCH_PAGE_SIZE ? span * 2 : span
    }
    return E.right({ pages })
  }

/** Read a stream by search, pass after pass. */
export const readBySearch =
  (
    run: Run,
    def: StreamDef,
    paging: SearchPaging,
    toRecord: (r: Row) => Row,
    incremental: boolean,
    version?: number,
    codec: t.Mixed = def.codec,
  ): Program<Tally> =>
  (env) =>
  async () => {
    const reader: Reader = { run, def, paging, toRecord, incremental, version, emitted: new Set(), codec }
    let pages = 0
    for (const pass of paging.passes) {
      if (sampled(run, def.name)) break
      const tally = await readPass(reader, pass)(env)()
      if (E.isLeft(tally)) return tally
      pages += tally.right.pages
    }
    return E.right({ pages })
  }
