/**
 * The sync program: every selected stream, page by page, through the stages
 * fetch → decode → bookmark → emit. After each page one chunk goes to stdout:
 * the page's RECORDs followed by a complete STATE, so whatever a target has
 * read, the last STATE it saw covers exactly the records before it.
 */
import * as E from 'fp-ts/lib/Either.js'
import { interrupted, type Failure } from '../core/failure.js'
import { readSpecOf, type StreamDef } from '../streams/stream.js'
import type { MapPlan } from '../maps/plan.js'
import { fieldNamesOf, type SelectedStream } from './catalog.js'
import type { Env, Program } from './env.js'
import { RecordCounter } from './metrics.js'
import { outputTo } from './out/output.js'
import { projection } from './out/projection.js'
import { stateLine } from './out/singer.js'
import { activateVersionLines, schemaLines, streamMapPlan, written, writtenStreams } from './out/stream-maps.js'
import { keptBookmarks, resumePoint, strategyOf } from './read/choose.js'
import type { ReadStrategy, StreamRead } from './read/strategy.js'
import { skipUnavailable } from './read/unavailable.js'
import { commit, send, type Run, type StateChange } from './run.js'
import { bookmarkAt, LAST_FULL_SYNC, VERSION, withBookmark, withCurrentlySyncing, withoutBookmarks, type State } from './state/bookmarks.js'

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

/** The bookmarks `strategy` has reached, by name, for the progress display and the summary; undefined when none is set. */
const bookmarksReached = (state: State, def: StreamDef, strategy: ReadStrategy): Readonly<Record<string, unknown>> | undefined => {
  const entries = strategy.bookmarks.map(([k]) => [k, bookmarkAt(state, def.name, k)] as const).filter(([, v]) => v !== undefined)
  return entries.length === 0 ? undefined : Object.fromEntries(entries)
}

const describeBookmarks = (bookmarks: Readonly<Record<string, unknown>>): string =>
  Object.entries(bookmarks)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ')

/** Whether this run reads the stream in full again: its last full read is older than the setting allows. */
const fullSyncDue = (state: State, def: StreamDef, env: { config: Env['config']; now: () => Date }): boolean => {
  const days = def.fullSyncDays?.(env.config)
  if (days === undefined) return false
  const last = bookmarkAt(state, def.name, LAST_FULL_SYNC)
  const lastMs = typeof last === 'string' ? Date.parse(last) : Number.NaN
  return Number.isNaN(lastMs) || env.now().getTime() - lastMs >= days * 86_400_000
}

/** The fields a SCHEMA names as bookmarks: what this run's reading moves forward on. */
const bookmarkProperties = (sel: SelectedStream, env: Env): readonly string[] =>
  sel.method === 'INCREMENTAL' ? strategyOf(sel.def, env.config).bookmarkProperties : []

const syncStream =
  (run: Run, sel: SelectedStream): Program<StreamSummary> =>
  (env) =>
  async () => {
    const { def } = sel
    const strategy = strategyOf(def, env.config)
    const incremental = sel.method === 'INCREMENTAL'
    const full = incremental && fullSyncDue(run.state, def, env)
    if (full) {
      // The old bookmarks go now, so a run stopped halfway resumes the full read rather than skipping it.
      run.state = withoutBookmarks(
        run.state,
        def.name,
        keptBookmarks(def)
          .map(([key]) => key)
          .filter((k) => k !== LAST_FULL_SYNC),
      )
      env.log.info(`stream ${def.name}: reading everything from start_date again (chats_full_sync_days)`)
    }
    const resume = resumePoint(def, run.state.bookmarks[def.name], readSpecOf(def, env.config))
    const unused = incremental ? undefined : resume
    if (unused !== undefined) {
      const key = def.replication.method === 'INCREMENTAL' ? def.replication.key : ''
      env.log.info(
        `stream ${def.name}: read in full (FULL_TABLE); the state's bookmark ${key} ${String(unused)} is kept but not used (select INCREMENTAL in the catalog to read only records after it)`,
      )
    }
    for (const assumed of def.assumptions ?? []) env.log.info(`stream ${def.name}: assumed: ${assumed}`)
    // A full-table read is one version of the stream; a target that knows ACTIVATE_VERSION replaces the older ones with it.
    const version = !incremental && env.config.activateVersion && run.sample === undefined ? env.now().getTime() : undefined
    const outputs = writtenStreams(run.maps, sel, bookmarkProperties(sel, env))
    const opened = await send(run, schemaLines(outputs))(env)()
    if (E.isLeft(opened)) return opened
    // The first versioned read announces its version at once, so the target has the table before the records arrive;
    // the announcement goes with the first commit: a stream the account does not have announces nothing.
    let opening =
      version !== undefined && bookmarkAt(run.state, def.name, VERSION) === undefined ? activateVersionLines(outputs, version) : ''
    let commits = 0
    const progress = (done: boolean) => {
      const reached = incremental ? bookmarksReached(run.state, def, strategy) : undefined
      const bookmark = reached === undefined ? {} : { bookmark: Object.values(reached).map(String).join(', ') }
      env.progress?.({ stream: def.name, records: run.counter.total(def.name), pages: commits, ...bookmark, done })
    }
    const ctx: StreamRead = {
      run,
      sel,
      incremental,
      start: incremental ? resume : undefined,
      select: projection(sel, new Set(fieldNamesOf(def)), run.warned, env.log.warn),
      version,
      commit: (lines, records, change) => (streamEnv) => async () => {
        const lead = opening
        opening = ''
        const committed = await commit(run, def.name, withLead(lead, lines), records, change)(streamEnv)()
        commits += 1
        progress(false)
        return committed
      },
    }
    const read = await strategy.read(ctx)(env)()
    if (E.isLeft(read)) {
      // A 403 or 404 before anything was written: a resource this account may not have.
      const skip = commits === 0 ? await skipUnavailable(def, read.left)(env)() : E.right(false)
      if (E.isLeft(skip)) return skip
      if (!skip.right) return read
    }
    const skipped = E.isLeft(read)
    const { pages, held } = E.isRight(read) ? read.right : { pages: 0, held: false }
    const records = run.counter.total(def.name)
    if (full && !skipped) run.state = withBookmark(run.state, def.name, LAST_FULL_SYNC, env.now().toISOString())
    // Only a read that saw the whole stream may retire the older versions: a skipped or held-back stream keeps them.
    if (version !== undefined && !skipped && held !== true) {
      const change: StateChange = (state) => withBookmark(state, def.name, VERSION, version)
      // A read that committed nothing (search with no window yet) never sent its announcement: this one line is both.
      const activated = await commit(run, def.name, activateVersionLines(outputs, version), 0, change)(env)()
      if (E.isLeft(activated)) return activated
    }

    const bookmark = incremental ? bookmarksReached(run.state, def, strategy) : undefined
    run.counter.report(def.name, true)
    progress(true)
    env.log.info(
      `stream ${def.name}: ${records} records in ${pages} pages${bookmark === undefined ? '' : `, bookmark ${describeBookmarks(bookmark)}`}`,
    )
    return E.right({ stream: def.name, records, pages, ...(bookmark === undefined ? {} : { bookmark }) })
  }

function* withLead(lead: string, pieces: Iterable<string>): Generator<string> {
  if (lead !== '') yield lead
  yield* pieces
}

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
      output: outputTo(env.write),
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
      if (failure._tag !== 'OutputClosed' && run.sample === undefined) await send(run, stateLine(run.state))(env)()
      return E.left(failure)
    }
    if (run.sample !== undefined) return E.right({ streams: summaries, state: run.state })
    run.state = withCurrentlySyncing(run.state, null)
    const closed = await send(run, stateLine(run.state))(env)()
    return E.isLeft(closed) ? closed : E.right({ streams: summaries, state: run.state })
  }

/** The SCHEMA of each selected stream, as a sync would open it; nothing is requested. */
const schemasOnly =
  (streams: readonly SelectedStream[], state: State, plan: MapPlan): Program<SyncResult> =>
  (env) =>
  async () => {
    const lines = streams.map((sel) => schemaLines(writtenStreams(plan, sel, bookmarkProperties(sel, env)))).join('')
    const written = await outputTo(env.write).write(lines)
    return E.isLeft(written) ? written : E.right({ streams: streams.map((sel) => ({ stream: sel.def.name, records: 0, pages: 0 })), state })
  }
