/**
 * What every reading strategy shares while a stream is synced: the run's
 * state, projection of records to the selected fields, and writing a page's
 * RECORDs with the STATE that covers them in one turn of the output.
 */
import * as E from 'fp-ts/lib/Either.js'
import { outputClosed } from '../../core/failure.js'
import type { MapPlan } from '../../maps/plan.js'
import type { SelectedStream } from '../catalog.js'
import type { Env, Program } from '../env.js'
import type { RecordCounter } from '../metrics.js'
import { valueWithout } from './nested-selection.js'
import { recordLines, stateLine } from './singer.js'
import { isMapped, mapFailure, recordWriter } from './stream-maps.js'
import { withCurrentlySyncing, type State } from '../state/state.js'

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
  /** The streams stream_maps and flattening make of each stream (src/engine/stream-maps.ts); none: records as they are. */
  readonly maps?: MapPlan
}

/** How many more records of `stream` the run wants: a connection test's remaining sample, or all. */
export const recordsWanted = (run: Run, stream: string): number =>
  run.sample === undefined ? Infinity : Math.max(0, run.sample - run.counter.total(stream))

/** Whether a connection test has all the records it wants from `stream`. */
export const sampled = (run: Run, stream: string): boolean => recordsWanted(run, stream) === 0

export type Row = Record<string, unknown>

/**
 * The write each output (each `write` capability) has under way: a write
 * waits its turn, so a page written in pieces is never split by another
 * stream's lines and its STATE still follows exactly its own records.
 */
const pending = new WeakMap<Env['write'], Promise<unknown>>()

const inTurn = <A>(write: Env['write'], task: () => Promise<A>): Promise<A> => {
  const turn = (pending.get(write) ?? Promise.resolve()).then(task)
  pending.set(
    write,
    turn.catch(() => undefined),
  )
  return turn
}

export const emit =
  (chunk: string): Program<void> =>
  (env) =>
  () =>
    inTurn(env.write, async () => ((await env.write(chunk)) ? E.right(undefined) : E.left(outputClosed)))

/**
 * The record with only the selected fields, in the catalog's order (a field
 * the record lacks is there as undefined, which JSON leaves out); fields the
 * codec does not know are reported once and left out.
 */
export const project = (run: Run, sel: SelectedStream, known: ReadonlySet<string>, warn: (m: string) => void): ((record: Row) => Row) => {
  const properties = sel.properties
  const pruned = sel.pruned
  // Every selected field, undefined. Filling in a copy of it is several times cheaper than
  // adding the fields one by one to {}, which V8 makes a slow dictionary past a dozen fields.
  const empty: Row = {}
  for (const p of properties) empty[p] = undefined
  const blank: Row = { ...empty }
  return (record) => {
    for (const field in record) {
      if (!known.has(field) && !run.warned.has(`${sel.def.name}.${field}`)) {
        run.warned.add(`${sel.def.name}.${field}`)
        warn(`stream ${sel.def.name}: field ${JSON.stringify(field)} is new to zchat and is not extracted`)
      }
    }
    const out = { ...blank }
    for (const p of properties) out[p] = record[p]
    if (pruned === undefined) return out
    for (const path of pruned) out[path[0]!] = valueWithout(out[path[0]!], path.slice(1))
    return out
  }
}

/**
 * A page goes out in pieces of about this size (characters, or bytes of a
 * LineBuffer: near enough). One string for a whole page (megabytes) lands in
 * V8's large-object space, which only a full collection frees, and costs fresh
 * memory for it and its bytes on every page; pieces of this size are ordinary
 * young objects, cheap to make and to drop.
 */
export const PIECE_BYTES = 32 * 1024

/** How a chunk moves the run's state: the bookmarks its records earn. */
export type Advance = (state: State) => State

const unchanged: Advance = (state) => state

/**
 * In the output's turn: move the run's state, write `lines` (in pieces), then
 * the new (complete) STATE. The state moves only when the turn comes, and
 * turns run one at a time, so with streams read side by side no STATE ever
 * goes out carrying a bookmark whose records are still waiting to be written.
 * currently_syncing names the stream whose records the STATE follows. A
 * connection test writes no STATE.
 */
export const commit =
  (run: Run, stream: string, lines: string | Iterable<string>, advance: Advance = unchanged): Program<void> =>
  (env) =>
  () =>
    inTurn(env.write, async () => {
      let state = ''
      if (run.sample === undefined) {
        run.state = withCurrentlySyncing(advance(run.state), stream)
        state = stateLine(run.state)
      }
      let piece = ''
      for (const line of typeof lines === 'string' ? [lines] : lines) {
        piece += line
        if (piece.length >= PIECE_BYTES) {
          if (!(await env.write(piece))) return E.left(outputClosed)
          piece = ''
        }
      }
      return (await env.write(piece + state)) ? E.right(undefined) : E.left(outputClosed)
    })

/** `commit`, then the `count` records among `lines` are counted as written. */
export const commitRecords =
  (run: Run, stream: string, lines: Iterable<string>, count: number, advance?: Advance): Program<void> =>
  (env) =>
  async () => {
    const written = await commit(run, stream, lines, advance)(env)()
    if (E.isRight(written)) run.counter.add(stream, count)
    return written
  }

/** What RECORD lines carry besides the record. */
export interface RecordContext {
  readonly extractedAt: string
  /** The full-table pass's version (ACTIVATE_VERSION), when there is one. */
  readonly version?: number
}

/** The page's RECORDs (made as they are written), then the run's STATE moved by `advance`. */
export const emitRecords = (
  run: Run,
  stream: string,
  rows: readonly Row[],
  toRecord: (r: Row) => Row,
  context: RecordContext,
  advance?: Advance,
): Program<void> => {
  const wanted = rows.slice(0, recordsWanted(run, stream))
  if (isMapped(run.maps, stream)) return emitMappedRecords(run, stream, wanted, toRecord, context, advance)
  const line = recordLines(stream, context.extractedAt, context.version)
  function* lines(): Generator<string> {
    for (const row of wanted) yield line(toRecord(row))
  }
  return commitRecords(run, stream, lines(), wanted.length, advance)
}

/** emitRecords through the stream's maps: every line is made before any is written, so a map failing on a record writes nothing of the page. */
const emitMappedRecords =
  (run: Run, stream: string, rows: readonly Row[], toRecord: (r: Row) => Row, context: RecordContext, advance?: Advance): Program<void> =>
  (env) =>
  async () => {
    const write = recordWriter(run.maps, stream, context.extractedAt, context.version)
    const lines: string[] = []
    try {
      for (const row of rows) {
        const line = write(toRecord(row))
        if (line !== '') lines.push(line)
      }
    } catch (error) {
      const failure = mapFailure(error)
      if (failure === undefined) throw error
      return E.left(failure)
    }
    return commitRecords(run, stream, lines, lines.length, advance)(env)()
  }

/** What reading a stream came to. */
export interface Tally {
  /** Records are counted where they are written (Run.counter). */
  readonly pages: number
  /** The API refused the stream in a way its definition allows (e.g. a plan without it): nothing was read. */
  readonly skipped?: boolean
  /** The read stopped before the API's end (the five-minute rule): the next run reads the rest. */
  readonly held?: boolean
}
