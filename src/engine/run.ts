/**
 * What one sync run carries from page to page and stream to stream, and the
 * one way a page leaves it: its RECORD lines with the complete STATE that
 * covers them, in one turn of the run's output.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { MapPlan } from '../maps/plan.js'
import type { Program } from './env.js'
import type { RecordCounter } from './metrics.js'
import type { Output } from './out/output.js'
import { stateLine } from './out/singer.js'
import { withCurrentlySyncing, type State } from './state/bookmarks.js'

export interface Run {
  state: State
  /** Where every line of the run goes, in turn. */
  readonly output: Output
  /** Unknown fields already reported, as `stream.field`: one warning per run each. */
  readonly warned: Set<string>
  readonly counter: RecordCounter
  /**
   * A connection test (`--test`): at most this many records per stream, and
   * no STATE, so nothing a pipeline stores can skip records.
   */
  readonly sample?: number
  /** The streams stream_maps and flattening make of each stream (src/engine/out/stream-maps.ts); none: records as they are. */
  readonly maps?: MapPlan
}

/** How many more records of `stream` the run wants: a connection test's remaining sample, or all. */
export const recordsWanted = (run: Run, stream: string): number =>
  run.sample === undefined ? Infinity : Math.max(0, run.sample - run.counter.total(stream))

/** Whether a connection test has all the records it wants from `stream`. */
export const sampled = (run: Run, stream: string): boolean => recordsWanted(run, stream) === 0

/** How a page moves the run's state: the bookmarks its records earn. */
export type StateChange = (state: State) => State

const unchanged: StateChange = (state) => state

/** Lines as they are (SCHEMA, the run's last STATE), in the output's turn. */
export const send =
  (run: Run, lines: string): Program<void> =>
  () =>
  () =>
    run.output.write(lines)

/**
 * In the output's turn: move the run's state by `change`, write `lines`, then
 * the new (complete) STATE, and count the `records` among the lines as
 * written. The state moves only when the turn comes, and turns run one at a
 * time, so with streams read side by side no STATE ever goes out carrying a
 * bookmark whose records are still waiting to be written. currently_syncing
 * names the stream whose records the STATE follows. A connection test writes
 * no STATE.
 */
export const commit =
  (run: Run, stream: string, lines: string | Iterable<string>, records = 0, change: StateChange = unchanged): Program<void> =>
  () =>
  async () => {
    const written = await run.output.write(lines, () => {
      if (run.sample !== undefined) return ''
      run.state = withCurrentlySyncing(change(run.state), stream)
      return stateLine(run.state)
    })
    if (E.isRight(written) && records > 0) run.counter.add(stream, records)
    return written
  }
