/**
 * What every reading strategy shares while a stream is synced: the run's
 * state, projection of records to the selected fields, and writing a page's
 * RECORDs with the STATE that covers them in one turn of the output.
 */
import * as E from 'fp-ts/lib/Either.js'
import { outputClosed } from '../core/failure.js'
import type { SelectedStream } from './catalog.js'
import type { Env, Program } from './env.js'
import { recordLines, stateLine } from './singer.js'
import type { State } from './state.js'

/** What one run carries from page to page and stream to stream. */
export interface Run {
  state: State
  /** Unknown fields already reported, as `stream.field`: one warning per run each. */
  readonly warned: Set<string>
}

export type Row = Record<string, unknown>

/**
 * The write each output (each `write` capability) has under way: a write
 * waits its turn, so a page written in pieces is never split by another
 * stream's lines and its STATE still follows exactly its own records.
 */
const pending = new WeakMap<Env['write'], Promise<unknown>>()

const inTurn = <A>(write: Env['write'], task: () => Promise<A>): Promise<A> => {
  const turn = (pending.get(write) ?? Promise.resolve()).then(task)
  pending.set(write, turn.catch(() => undefined))
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
    return out
  }
}

/**
 * A page goes out in pieces of about this many characters. One string for a
 * whole page (megabytes) lands in V8's large-object space, which only a full
 * collection frees, and costs fresh memory for it and its bytes on every page;
 * pieces of this size are ordinary young objects, cheap to make and to drop.
 */
const PIECE_CHARS = 32 * 1024

/** The page's RECORDs, then the run's current (complete) STATE, as one write in turn (in pieces). */
export const emitRecords = (run: Run, stream: string, rows: readonly Row[], toRecord: (r: Row) => Row, extractedAt: string): Program<void> => {
  // The STATE as it is now: it covers these records, whatever happens before they are written.
  const state = stateLine(run.state)
  const line = recordLines(stream, extractedAt)
  return (env) => () =>
    inTurn(env.write, async () => {
      let piece = ''
      for (const row of rows) {
        piece += line(toRecord(row))
        if (piece.length >= PIECE_CHARS) {
          if (!(await env.write(piece))) return E.left(outputClosed)
          piece = ''
        }
      }
      return (await env.write(piece + state)) ? E.right(undefined) : E.left(outputClosed)
    })
}

/** What reading a stream came to. */
export interface Tally {
  readonly records: number
  readonly pages: number
}
