/**
 * What every reading strategy shares while a stream is synced: the run's
 * state, projection of records to the selected fields, and writing a page's
 * RECORDs with the STATE that covers them as one chunk.
 */
import * as E from 'fp-ts/lib/Either.js'
import { outputClosed } from '../core/failure.js'
import type { SelectedStream } from './catalog.js'
import type { Program } from './env.js'
import type { RecordCounter } from './metrics.js'
import { recordLine, stateLine } from './singer.js'
import { withCurrentlySyncing, type State } from './state.js'

/** What one run carries from page to page and stream to stream. */
export interface Run {
  state: State
  /** Unknown fields already reported, as `stream.field`: one warning per run each. */
  readonly warned: Set<string>
  readonly counter: RecordCounter
  /**
   * A connection test (`--test`): at most this many records per stream, and
   * no STATE, so nothing a pipeline stores can skip records.
   */
  readonly sample?: number
}

/** Whether a connection test has all the records it wants from `stream`. */
export const sampled = (run: Run, stream: string): boolean => run.sample !== undefined && run.counter.total(stream) >= run.sample

export type Row = Record<string, unknown>

export const emit =
  (chunk: string): Program<void> =>
  (env) =>
  async () =>
    (await env.write(chunk)) ? E.right(undefined) : E.left(outputClosed)

/** The record with only the selected fields; fields the codec does not know are reported once and left out. */
export const project =
  (run: Run, sel: SelectedStream, known: ReadonlySet<string>, warn: (m: string) => void) =>
  (record: Row): Row => {
    for (const field in record) {
      if (!known.has(field) && !run.warned.has(`${sel.def.name}.${field}`)) {
        run.warned.add(`${sel.def.name}.${field}`)
        warn(`stream ${sel.def.name}: field ${JSON.stringify(field)} is new to zchat and is not extracted`)
      }
    }
    const out: Row = {}
    for (const p of sel.properties) if (record[p] !== undefined) out[p] = record[p]
    return out
  }

/** How a chunk moves the run's state: the bookmarks its records earn. */
export type Advance = (state: State) => State

const unchanged: Advance = (state) => state

/**
 * Move the run's state and write `lines` followed by the new (complete)
 * STATE, in the same tick: with streams read side by side, a STATE must never
 * go out carrying a bookmark whose records are still waiting to be written.
 * currently_syncing names the stream whose records the STATE follows.
 */
export const commit =
  (run: Run, stream: string, lines: string, advance: Advance = unchanged): Program<void> =>
  (env) =>
  () => {
    if (run.sample !== undefined) return emit(lines)(env)()
    run.state = withCurrentlySyncing(advance(run.state), stream)
    return emit(lines + stateLine(run.state))(env)()
  }

/** What RECORD lines carry besides the record. */
export interface RecordContext {
  readonly extractedAt: string
  /** The full-table pass's version (ACTIVATE_VERSION), when there is one. */
  readonly version?: number
}

/** The page's RECORDs, then the run's STATE moved by `advance`, in one write. */
export const emitRecords = (
  run: Run,
  stream: string,
  rows: readonly Row[],
  toRecord: (r: Row) => Row,
  context: RecordContext,
  advance?: Advance,
): Program<void> => {
  const wanted = run.sample === undefined ? rows : rows.slice(0, Math.max(0, run.sample - run.counter.total(stream)))
  let chunk = ''
  for (const row of wanted) chunk += recordLine(stream, toRecord(row), context.extractedAt, context.version)
  return (env) => async () => {
    const written = await commit(run, stream, chunk, advance)(env)()
    if (E.isRight(written)) run.counter.add(stream, wanted.length)
    return written
  }
}

/** What reading a stream came to. */
export interface Tally {
  readonly records: number
  readonly pages: number
  /** The API refused the stream in a way its definition allows (e.g. a plan without it): nothing was read. */
  readonly skipped?: boolean
}
