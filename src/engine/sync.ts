/**
 * The sync program: every selected stream, page by page, through the stages
 * fetch → decode → bookmark → emit. After each page one chunk goes to stdout:
 * the page's RECORDs followed by a complete STATE, so whatever a target has
 * read, the last STATE it saw covers exactly the records before it.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as RTE from 'fp-ts/lib/ReaderTaskEither.js'
import { interrupted, type Failure } from '../core/failure.js'
import { LineBuffer } from '../core/line-buffer.js'
import { pagingOf, passBookmark, type StreamDef } from '../streams/stream.js'
import type { MapPlan } from '../maps/plan.js'
import { propertiesOf, type SelectedStream } from './catalog.js'
import { rawRecords } from './read/decode.js'
import type { Env, Program } from './env.js'
import { RecordCounter } from './metrics.js'
import { describeRequest, type PageRequest } from './http/cursor.js'
import { getJson } from './http/request.js'
import { firstRequest, nextRequest, tooRecent } from './read/paging.js'
import { noBoundary, PageFold, type FoldedPage } from './read/fold.js'
import { commit, commitRecords, emit, PIECE_BYTES, project, recordsWanted, sampled, type Row, type Run, type Tally } from './out/output.js'
import { readBySearch } from './read/search.js'
import { skipUnavailable } from './read/unavailable.js'
import { stateLine } from './out/singer.js'
import { activateVersionLines, isMapped, recordWriter, schemaLines, streamMapPlan, written, writtenStreams } from './out/stream-maps.js'
import { selectedCodec } from './read/selected-codec.js'
import {
  bookmarkAt,
  bookmarkOf,
  bookmarksKept,
  LAST_FULL_SYNC,
  VERSION,
  withBookmark,
  withCurrentlySyncing,
  withoutBookmarks,
  type State,
} from './state/state.js'

export interface StreamSummary {
  readonly stream: string
  readonly records: number
  readonly pages: number
  /** The bookmark after the run, for incremental streams. */
  readonly bookmark?: unknown
}

export interface SyncResult {
  readonly streams: readonly StreamSummary[]
  readonly state: State
}

const bookmarkKey = (def: StreamDef): string | undefined => (def.replication.method === 'INCREMENTAL' ? def.replication.key : undefined)

/**
 * Where a stream's records are read as they arrive rather than from a parsed
 * body: the exports' arrays, a thousand large records a page (see ElementStream).
 */
const streamedField = (def: StreamDef): string | undefined => (def.records.kind === 'arrayIn' ? def.records.field : undefined)

/** A small request whose answer (any status) tells the API's clock. */
const CLOCK_PROBE: PageRequest = { path: 'account', query: {} }

/** Statuses with which an API refuses a request it finds malformed (the Chat API's status for a too recent start_time is not documented). */
const isRefusal = (failure: Failure): boolean =>
  failure._tag === 'HttpError' && failure.status >= 400 && failure.status < 500 && ![401, 403, 404, 408, 429].includes(failure.status)

/**
 * Read a stream page by page with its paging strategy, from `start`. `lead`
 * (an ACTIVATE_VERSION announcing the table) goes out with the first page, so
 * a stream skipped at its first request has written nothing.
 */
const readPages =
  (run: Run, sel: SelectedStream, start: unknown, toRecord: (r: Row) => Row, version: number | undefined, lead: string): Program<Tally> =>
  (env) =>
  async () => {
    const { def } = sel
    const field = streamedField(def)
    let pages = 0
    let previous = noBoundary
    const out = new LineBuffer()
    const held = (reason: string): E.Either<Failure, Tally> => {
      env.log.info(`stream ${def.name}: ${reason}; the rest is left to the next run, which resumes from this run's STATE (nothing is lost)`)
      return E.right({ pages, held: true })
    }
    const first = () => firstRequest(def, env.config, { bookmark: start, now: env.api.now() })
    let req: PageRequest | undefined = first()
    if (tooRecent(def, req, env.api.now()) !== undefined && !env.api.dated()) {
      // Held by this machine's clock before the API has said its time: ask it (every answer carries a Date), then judge again.
      await getJson(CLOCK_PROBE)(env)()
      req = first()
    }
    while (req !== undefined) {
      const current: PageRequest = req
      // Judged by the API's clock as the last answer showed it: sending would only be refused.
      const recent = tooRecent(def, current, env.api.now())
      if (recent !== undefined) return held(recent)
      const opening = pages === 0 ? lead : ''
      // Each try of the request folds its records into a fresh page.
      let fold: PageFold | undefined
      const begin = (): PageFold => {
        const line = recordWriter(run.maps, def.name, env.now().toISOString(), version)
        fold = new PageFold({
          run,
          sel,
          start,
          previous,
          toRecord,
          line,
          limit: recordsWanted(run, def.name),
          out,
          mapped: isMapped(run.maps, def.name),
        })
        return fold
      }
      // fetch (a streamed body's records are decoded and kept or dropped as they arrive) → the rest of the page → emit.
      const outcome = await pipe(
        getJson(current, field === undefined ? undefined : { field, start: () => begin().add }),
        RTE.chainEitherK((body) =>
          E.chain((raws: readonly unknown[]) => {
            const page = fold ?? begin()
            raws.forEach(page.add)
            return E.map((folded: FoldedPage) => ({ body, folded }))(page.finish())
          })(rawRecords(def, def.records, body)),
        ),
        // The page's RECORD lines, then the STATE its bookmark moves, in one turn of the output.
        RTE.chainFirst(({ folded }) =>
          commitRecords(run, def.name, withLead(opening, folded.lines.pieces(PIECE_BYTES)), folded.lines.lines, folded.advance),
        ),
      )(env)()
      if (E.isLeft(outcome)) {
        const failure = outcome.left
        if (pages === 0) {
          const skip = await skipUnavailable(def, failure)(env)()
          if (E.isLeft(skip)) return skip
          if (skip.right) return E.right({ pages: 0, skipped: true })
        }
        // The API's clock may be ahead of what the last answer showed (or this is its first answer): its refusal's Date says.
        const recentNow = isRefusal(failure) ? tooRecent(def, current, env.api.now()) : undefined
        if (recentNow !== undefined)
          return held(`the API refused ${describeRequest(current)} (${failure._tag === 'HttpError' ? failure.status : ''}): ${recentNow}`)
        return outcome
      }
      const { body, folded } = outcome.right
      previous = folded.boundary
      pages += 1
      env.progress?.({ stream: def.name, records: run.counter.total(def.name), pages, ...bookmarkNow(run, sel), done: false })
      if (sampled(run, def.name)) break
      const next = nextRequest(def, env.config, current, body, folded)
      if (next.warning !== undefined) env.log.warn(`stream ${def.name}: ${next.warning}`)
      req = next.request
    }
    return E.right({ pages })
  }

function* withLead(lead: string, pieces: Iterable<string>): Generator<string> {
  if (lead !== '') yield lead
  yield* pieces
}

/** The bookmark a stream has reached, for the progress display. */
const bookmarkNow = (run: Run, sel: SelectedStream): { bookmark?: string } => {
  const value = sel.method === 'INCREMENTAL' ? bookmarkOf(run.state, sel.def) : undefined
  return value === undefined ? {} : { bookmark: String(value) }
}

/** Whether this run reads the stream in full again: its last full read is older than the setting allows. */
const fullSyncDue = (state: State, def: StreamDef, env: { config: Env['config']; now: () => Date }): boolean => {
  const days = def.fullSyncDays?.(env.config)
  if (days === undefined) return false
  const last = bookmarkAt(state, def.name, LAST_FULL_SYNC)
  const lastMs = typeof last === 'string' ? Date.parse(last) : Number.NaN
  return Number.isNaN(lastMs) || env.now().getTime() - lastMs >= days * 86_400_000
}

/** The fields a SCHEMA names as bookmarks: what this run's reading moves forward on. */
const bookmarkProperties = (sel: SelectedStream, env: Env): readonly string[] => {
  if (sel.method !== 'INCREMENTAL') return []
  const paging = pagingOf(sel.def, env.config)
  if (paging.kind === 'search') return paging.passes.map((p) => p.field)
  const key = bookmarkKey(sel.def)
  return key === undefined ? [] : [key]
}

const syncStream =
  (run: Run, sel: SelectedStream): Program<StreamSummary> =>
  (env) =>
  async () => {
    const { def } = sel
    const toRecord = project(run, sel, new Set(propertiesOf(def)), env.log.warn)
    const incremental = sel.method === 'INCREMENTAL'
    const full = incremental && fullSyncDue(run.state, def, env)
    if (full) {
      // The old bookmarks go now, so a run stopped halfway resumes the full read rather than skipping it.
      run.state = withoutBookmarks(
        run.state,
        def.name,
        bookmarksKept(def)
          .map(([key]) => key)
          .filter((k) => k !== LAST_FULL_SYNC),
      )
      env.log.info(`stream ${def.name}: reading everything from start_date again (chats_full_sync_days)`)
    }
    const paging = pagingOf(def, env.config)
    const start = incremental ? bookmarkOf(run.state, def) : undefined
    const unused = incremental ? undefined : bookmarkOf(run.state, def)
    if (unused !== undefined) {
      env.log.info(
        `stream ${def.name}: read in full (FULL_TABLE); the state's bookmark ${bookmarkKey(def)} ${String(unused)} is kept but not used (select INCREMENTAL in the catalog to read only records after it)`,
      )
    }
    for (const assumed of def.assumptions ?? []) env.log.info(`stream ${def.name}: assumed: ${assumed}`)
    if (paging.kind !== 'search') {
      env.log.info(
        `stream ${def.name}: ${start === undefined ? 'reading all records' : `resuming from ${bookmarkKey(def)} ${String(start)}`}`,
      )
    }
    // A full-table read is one version of the stream; a target that knows ACTIVATE_VERSION replaces the older ones with it.
    const version = !incremental && env.config.activateVersion && run.sample === undefined ? env.now().getTime() : undefined
    const outputs = writtenStreams(run.maps, sel, bookmarkProperties(sel, env))
    const schema = schemaLines(outputs)
    // The first versioned read announces its version at once, so the target has the table before the records arrive.
    const announce =
      version !== undefined && bookmarkAt(run.state, def.name, VERSION) === undefined ? activateVersionLines(outputs, version) : ''
    // Page by page, the announcement goes with the first page: a stream the account does not have announces nothing.
    const opened = await emit(paging.kind === 'search' ? schema + announce : schema)(env)()
    if (E.isLeft(opened)) return opened

    const read = await (
      paging.kind === 'search'
        ? readBySearch(run, def, paging, toRecord, incremental, version, selectedCodec(sel))
        : readPages(run, sel, start, toRecord, version, announce)
    )(env)()
    if (E.isLeft(read)) return read
    const { pages, skipped, held } = read.right
    const records = run.counter.total(def.name)
    if (full) run.state = withBookmark(run.state, def.name, LAST_FULL_SYNC, env.now().toISOString())
    // Only a read that saw the whole stream may retire the older versions: a skipped or held-back stream keeps them.
    if (version !== undefined && skipped !== true && held !== true) {
      const activated = await commit(run, def.name, activateVersionLines(outputs, version), (state) =>
        withBookmark(state, def.name, VERSION, version),
      )(env)()
      if (E.isLeft(activated)) return activated
    }

    const bookmark = incremental ? bookmarksOf(run.state, def, env) : undefined
    run.counter.report(def.name, true)
    env.progress?.({ stream: def.name, records, pages, ...bookmarkNow(run, sel), done: true })
    env.log.info(
      `stream ${def.name}: ${records} records in ${pages} pages${bookmark === undefined ? '' : `, bookmark ${describeBookmarks(bookmark)}`}`,
    )
    return E.right({ stream: def.name, records, pages, ...(bookmark === undefined ? {} : { bookmark }) })
  }

/** The bookmarks this run's reading moved, by name; undefined when none is set. */
const bookmarksOf = (state: State, def: StreamDef, env: Env): Readonly<Record<string, unknown>> | undefined => {
  const paging = pagingOf(def, env.config)
  const keys = paging.kind === 'search' ? paging.passes.map(passBookmark) : [bookmarkKey(def)!]
  const entries = keys.map((k) => [k, bookmarkAt(state, def.name, k)] as const).filter(([, v]) => v !== undefined)
  return entries.length === 0 ? undefined : Object.fromEntries(entries)
}

const describeBookmarks = (bookmarks: Readonly<Record<string, unknown>>): string =>
  Object.entries(bookmarks)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ')

/** `records`: a connection test, one record per stream and no STATE; `schema`: SCHEMA messages only, no request. */
export type TestMode = 'records' | 'schema'

/**
 * Sync the selected streams, up to max_parallel_streams at a time, all
 * drawing on the one request budget; ends with a STATE that has nothing in
 * progress. When one stream fails, the others stop as if signalled (the page
 * in flight may finish) and the run reports the first failure.
 */
export const sync =
  (selection: readonly SelectedStream[], state: State, test?: TestMode): Program<SyncResult> =>
  (env) =>
  async () => {
    // Stream maps are checked against the selection before any request; a stream they remove is read as if not selected.
    const plan = streamMapPlan(selection, env, (sel) => bookmarkProperties(sel, env))
    if (E.isLeft(plan)) return plan
    const maps = plan.right.size === 0 ? {} : { maps: plan.right }
    const streams = selection.filter((sel) => written(plan.right, sel.def.name))
    if (test === 'schema') return schemasOnly(streams, state, plan.right)(env)()
    const run: Run = {
      state,
      warned: new Set(),
      counter: new RecordCounter(env.clock, env.log),
      ...(test === 'records' ? { sample: 1 } : {}),
      ...maps,
    }
    const halt = new AbortController()
    const stop = AbortSignal.any([env.stop, halt.signal])
    const halted = new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }))
    const streamEnv: Env = { ...env, stop, sleep: (ms) => Promise.race([env.sleep(ms), halted]) }

    const summaries: StreamSummary[] = []
    let failure: Failure | undefined
    let next = 0
    const worker = async (): Promise<void> => {
      while (failure === undefined && !stop.aborted && next < streams.length) {
        const index = next++
        const sel = streams[index]!
        const result = await syncStream(run, sel)({ ...streamEnv, stream: sel.def.name })()
        if (E.isRight(result)) summaries[index] = result.right
        else if (failure === undefined) {
          failure = result.left
          halt.abort('halt')
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(env.config.maxParallelStreams, streams.length) }, worker))
    if (failure === undefined && env.stop.aborted) failure = interrupted(env.stop.reason as 'SIGTERM' | 'SIGINT')
    if (failure !== undefined) {
      // Stopped or failed: the STATE of the last complete page goes out once more, as the run's last word.
      if (failure._tag !== 'OutputClosed' && run.sample === undefined) await emit(stateLine(run.state))(env)()
      return E.left(failure)
    }
    if (run.sample !== undefined) return E.right({ streams: summaries, state: run.state })
    run.state = withCurrentlySyncing(run.state, null)
    const closed = await emit(stateLine(run.state))(env)()
    return E.isLeft(closed) ? closed : E.right({ streams: summaries, state: run.state })
  }

/** The SCHEMA of each selected stream, as a sync would open it; nothing is requested. */
const schemasOnly =
  (streams: readonly SelectedStream[], state: State, plan: MapPlan): Program<SyncResult> =>
  (env) =>
  async () => {
    const lines = streams.map((sel) => schemaLines(writtenStreams(plan, sel, bookmarkProperties(sel, env)))).join('')
    const written = await emit(lines)(env)()
    return E.isLeft(written) ? written : E.right({ streams: streams.map((sel) => ({ stream: sel.def.name, records: 0, pages: 0 })), state })
  }
