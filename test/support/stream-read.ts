/** A stream read by one strategy in a unit test: its context over a test Env, and what it wrote. */
import * as E from 'fp-ts/lib/Either.js'
import { defaultSelection } from '../../src/engine/catalog.js'
import type { Env } from '../../src/engine/env.js'
import { RecordCounter } from '../../src/engine/metrics.js'
import { outputTo } from '../../src/engine/out/output.js'
import { projection } from '../../src/engine/out/projection.js'
import { resumePoint, strategyOf } from '../../src/engine/read/choose.js'
import type { ReadOutcome, StreamRead } from '../../src/engine/read/strategy.js'
import { commit, type Run } from '../../src/engine/run.js'
import { emptyState, type State } from '../../src/engine/state/bookmarks.js'
import { readSpecOf, type StreamDef } from '../../src/streams/stream.js'
import { recordsOf, statesOf } from './singer.js'
import { testEnv, type Responder, type SentRequest, type TestEnv } from './env.js'

export interface StrategyRun {
  readonly outcome: E.Either<unknown, ReadOutcome>
  readonly run: Run
  readonly test: TestEnv
  /** The records written, in order. */
  readonly records: Record<string, unknown>[]
  /** The STATE values written, in order. */
  readonly states: State[]
  /** What the API was asked, in order. */
  readonly requests: readonly SentRequest[]
}

/** Read `def` with the strategy the config chooses, as a sync would, against the in-memory API `answer`. */
export const readWithStrategy = async (
  def: StreamDef,
  answer: Responder,
  options: { settings?: Record<string, unknown>; state?: State; incremental?: boolean; now?: Date } = {},
): Promise<StrategyRun> => {
  const test = testEnv(options.settings, { routes: answer, ...(options.now === undefined ? {} : { now: () => options.now! }) })
  const env: Env = test.env
  const sel = defaultSelection([def])[0]!
  const run: Run = {
    state: options.state ?? emptyState,
    output: outputTo(env.write),
    warned: new Set(),
    counter: new RecordCounter(env.clock, env.log),
  }
  const incremental = options.incremental ?? def.replication.method === 'INCREMENTAL'
  const ctx: StreamRead = {
    run,
    sel,
    incremental,
    start: incremental ? resumePoint(def, run.state.bookmarks[def.name], readSpecOf(def, env.config)) : undefined,
    select: projection(sel, new Set(sel.properties), run.warned, env.log.warn),
    version: undefined,
    commit: (lines, records, change) => commit(run, def.name, lines, records, change),
  }
  const outcome = await strategyOf(def, env.config).read(ctx)(env)()
  const messages = test.messages()
  return {
    outcome,
    run,
    test,
    requests: test.requests,
    records: recordsOf(messages),
    states: statesOf(messages),
  }
}
