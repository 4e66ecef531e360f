/**
 * What every reading strategy shares while a stream is synced: the run's
 * state, projection of records to the selected fields, and writing a page's
 * RECORDs with the STATE that covers them as one chunk.
 */
import * as E from 'fp-ts/lib/Either.js'
import { outputClosed } from '../core/failure.js'
import type { SelectedStream } from './catalog.js'
import type { Program } from './env.js'
import { recordLine, stateLine } from './singer.js'
import type { State } from './state.js'

/** What one run carries from page to page and stream to stream. */
export interface Run {
  state: State
  /** Unknown fields already reported, as `stream.field`: one warning per run each. */
  readonly warned: Set<string>
}

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

/** The page's RECORDs, then the run's current (complete) STATE, in one write. */
export const emitRecords = (run: Run, stream: string, rows: readonly Row[], toRecord: (r: Row) => Row, extractedAt: string): Program<void> => {
  let chunk = ''
  for (const row of rows) chunk += recordLine(stream, toRecord(row), extractedAt)
  return emit(chunk + stateLine(run.state))
}

/** What reading a stream came to. */
export interface Tally {
  readonly records: number
  readonly pages: number
}
