/**
 * The one page loop: request → records folded as they arrive → the page's
 * RECORDs and STATE in one commit → the next request, until the paginator
 * says the stream is done. Every strategy that reads page by page (single,
 * since_id, export) is a paginator over it; search reads its bulk fetches
 * with `readPage`.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as RTE from 'fp-ts/lib/ReaderTaskEither.js'
import type { Config } from '../../codecs/config.js'
import type { Failure } from '../../core/failure.js'
import { LineBuffer } from '../../core/line-buffer.js'
import type { RecordsAt } from '../../streams/stream.js'
import type { Env, Program } from '../env.js'
import { describeRequest, type PageRequest } from '../http/cursor.js'
import { getJson } from '../http/request.js'
import { PIECE_BYTES } from '../out/output.js'
import type { ApiRecord } from '../out/projection.js'
import { isMapped, recordWriter } from '../out/stream-maps.js'
import { recordsWanted, sampled, type StateChange } from '../run.js'
import { bookmarkAt } from '../state/bookmarks.js'
import { rawRecords, recordDecoder } from './decode.js'
import { PageFold, type FoldedPage } from './fold.js'
import { noBoundary, ResumeFilter } from './resume-filter.js'
import { selectedCodec } from './selected-codec.js'
import type { ReadOutcome, StreamRead } from './strategy.js'

/** What paging needs to know of a page's records. */
export interface PageFacts {
  /** How many records the API sent. */
  readonly fetched: number
  /** The highest value of the paginator's `highestOf` field among them, -Infinity for none. */
  readonly highest: number
}

export interface Next {
  /** The next request, or undefined after the last page. */
  readonly request: PageRequest | undefined
  /** Something odd the API did that paging worked around. */
  readonly warning?: string
}

/** How a page-by-page strategy asks for its pages. */
export interface Paginator {
  /** Where the records are in a response. */
  readonly records: RecordsAt
  /** The first request, resuming from `start` (the stream's resume point) where the paging can. */
  readonly first: (start: unknown, config: Config, apiNow: Date) => PageRequest
  /** The request after `req`, given the page the API answered with. */
  readonly next: (req: PageRequest, body: unknown, page: PageFacts) => Next
  /** A numeric field whose highest value on a page `next` needs (since_id). */
  readonly highestOf?: string
  /** Why `req` must not be sent now by the API's clock (the export's five-minute rule); undefined: it may. */
  readonly hold?: (req: PageRequest, apiNow: Date) => string | undefined
}

/** A small request whose answer (any status) tells the API's clock. */
const CLOCK_PROBE: PageRequest = { path: 'account', query: {} }

/** Statuses with which an API refuses a request it finds malformed (the Chat API's status for a too recent start_time is not documented). */
const isRefusal = (failure: Failure): boolean =>
  failure._tag === 'HttpError' && failure.status >= 400 && failure.status < 500 && ![401, 403, 404, 408, 429].includes(failure.status)

/** The fold of one try of a request: the stream's decoder, selection and RECORD lines, with `keep` deciding. */
export const pageFold = (ctx: StreamRead, env: Env, out: LineBuffer, keep: (record: ApiRecord) => boolean): PageFold => {
  const { run, sel } = ctx
  return new PageFold({
    decode: recordDecoder(sel.def, selectedCodec(sel)),
    keep,
    select: ctx.select,
    line: recordWriter(run.maps, sel.def.name, env.now().toISOString(), ctx.version),
    out,
    limit: recordsWanted(run, sel.def.name),
    mapped: isMapped(run.maps, sel.def.name),
  })
}

/**
 * One request: its records folded (as they arrive, for an array under a
 * field), then the page committed with the STATE `change` makes of it.
 * `begin` starts each try's fold: a retried request starts afresh.
 */
export const readPage = <P>(
  ctx: StreamRead,
  req: PageRequest,
  records: RecordsAt,
  begin: () => { readonly fold: PageFold; readonly done: (page: FoldedPage) => P },
  change: (page: P) => StateChange | undefined,
): Program<{ readonly body: unknown; readonly page: P }> => {
  const { def } = ctx.sel
  let current: ReturnType<typeof begin> | undefined
  const start = () => {
    current = begin()
    return current
  }
  const streamed = records.kind === 'arrayIn' ? { field: records.field, start: () => start().fold.add } : undefined
  return pipe(
    getJson(req, streamed),
    RTE.chainEitherK((body) =>
      E.chain((raws: readonly unknown[]) => {
        const attempt = current ?? start()
        raws.forEach(attempt.fold.add)
        return E.map((folded: FoldedPage) => ({ body, folded, page: attempt.done(folded) }))(attempt.fold.finish())
      })(rawRecords(def, records, body)),
    ),
    RTE.chainFirst(({ folded, page }) => ctx.commit(folded.lines.pieces(PIECE_BYTES), folded.lines.lines, change(page))),
    RTE.map(({ body, page }) => ({ body, page })),
  )
}

/** Read a stream page by page with `paging`, from the stream's resume point. */
export const readPages =
  (ctx: StreamRead, paging: Paginator): Program<ReadOutcome> =>
  (env) =>
  async () => {
    const { def } = ctx.sel
    const key = def.replication.method === 'INCREMENTAL' ? def.replication.key : undefined
    env.log.info(`stream ${def.name}: ${ctx.start === undefined ? 'reading all records' : `resuming from ${key} ${String(ctx.start)}`}`)
    let pages = 0
    let previous = noBoundary
    const out = new LineBuffer()
    const held = (reason: string): E.Either<Failure, ReadOutcome> => {
      env.log.info(`stream ${def.name}: ${reason}; the rest is left to the next run, which resumes from this run's STATE (nothing is lost)`)
      return E.right({ pages, held: true })
    }
    const first = () => paging.first(ctx.start, env.config, env.api.now())
    let req: PageRequest | undefined = first()
    if (paging.hold?.(req, env.api.now()) !== undefined && !env.api.dated()) {
      // Held by this machine's clock before the API has said its time: ask it (every answer carries a Date), then judge again.
      await getJson(CLOCK_PROBE)(env)()
      req = first()
    }
    const highestOf = paging.highestOf
    // The stream's bookmark as the run's state holds it: only this stream moves it.
    const current = () => (key === undefined ? undefined : (bookmarkAt(ctx.run.state, def.name, key) ?? ctx.start))
    while (req !== undefined) {
      const request: PageRequest = req
      // Judged by the API's clock as the last answer showed it: sending would only be refused.
      const recent = paging.hold?.(request, env.api.now())
      if (recent !== undefined) return held(recent)
      const begin = () => {
        const filter = new ResumeFilter({ def, incremental: ctx.incremental, start: ctx.start, previous, current })
        let highest = -Infinity
        const keep =
          highestOf === undefined
            ? filter.keep
            : (record: ApiRecord) => {
                highest = Math.max(highest, record[highestOf] as number)
                return filter.keep(record)
              }
        return {
          fold: pageFold(ctx, env, out, keep),
          done: (folded: FoldedPage) => ({ ...filter.finish(), facts: { fetched: folded.fetched, highest } }),
        }
      }
      const outcome = await readPage(ctx, request, paging.records, begin, (page) => page.change)(env)()
      if (E.isLeft(outcome)) {
        const failure = outcome.left
        // The API's clock may be ahead of what the last answer showed (or this is its first answer): its refusal's Date says.
        const recentNow = isRefusal(failure) ? paging.hold?.(request, env.api.now()) : undefined
        if (recentNow !== undefined)
          return held(`the API refused ${describeRequest(request)} (${failure._tag === 'HttpError' ? failure.status : ''}): ${recentNow}`)
        return outcome
      }
      const { body, page } = outcome.right
      previous = page.boundary
      pages += 1
      if (sampled(ctx.run, def.name)) break
      const next = paging.next(request, body, page.facts)
      if (next.warning !== undefined) env.log.warn(`stream ${def.name}: ${next.warning}`)
      req = next.request
    }
    return E.right({ pages })
  }
