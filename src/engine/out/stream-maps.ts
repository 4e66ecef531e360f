/**
 * Where stream maps and flattening (src/maps) meet a run: the plan is made
 * from the selected streams before any request, and each stream's SCHEMA,
 * RECORD and ACTIVATE_VERSION lines are written for the streams its map
 * makes of it. A stream no map touches is written by exactly the code it was
 * written by before (recordLines), so a run without maps costs nothing more.
 */
import * as E from 'fp-ts/lib/Either.js'
import { invalidInput, type Failure } from '../../core/failure.js'
import type { JsonSchema } from '../../core/json-schema.js'
import { planStreamMaps, type MapPlan } from '../../maps/plan.js'
import { RecordMapFailure } from '../../maps/stream-map.js'
import { STREAMS } from '../../streams/index.js'
import { streamSchema, type SelectedStream } from '../catalog.js'
import type { Env } from '../env.js'
import { activateVersionLine, recordLines, schemaLine } from './singer.js'

/** A stream as it is written: the tap's own, or one its map makes. */
export interface WrittenStream {
  readonly name: string
  readonly schema: JsonSchema
  readonly keyProperties: readonly string[]
  readonly bookmarkProperties: readonly string[]
  readonly transform?: (record: Record<string, unknown>) => Record<string, unknown> | undefined
}

/** The run's plan, or the config problem that refuses it (before any request). */
export const streamMapPlan = (
  streams: readonly SelectedStream[],
  env: Env,
  bookmarkProperties: (sel: SelectedStream) => readonly string[],
): E.Either<Failure, MapPlan> => {
  const settings = env.config.maps
  if (settings === undefined || (settings.streamMaps === undefined && settings.flatteningEnabled !== true)) return E.right(new Map())
  const sources = streams.map((sel) => ({
    name: sel.def.name,
    schema: sel.schema,
    fullSchema: streamSchema(sel.def),
    keyProperties: sel.def.keyProperties,
    bookmarkProperties: bookmarkProperties(sel),
  }))
  const known = [...new Set([...STREAMS.map((s) => s.name), ...streams.map((s) => s.def.name)])]
  const plan = planStreamMaps(settings, sources, known)
  return E.isLeft(plan) ? E.left(invalidInput('config', plan.left)) : E.right(plan.right)
}

/** Whether the plan writes anything of the stream (a map of null removes it, as if it were not selected). */
export const written = (plan: MapPlan | undefined, stream: string): boolean => (plan?.get(stream)?.length ?? 1) > 0

/** The streams `sel` is written as. */
export const writtenStreams = (
  plan: MapPlan | undefined,
  sel: SelectedStream,
  bookmarkProperties: readonly string[],
): readonly WrittenStream[] =>
  plan?.get(sel.def.name) ?? [{ name: sel.def.name, schema: sel.schema, keyProperties: sel.def.keyProperties, bookmarkProperties }]

export const schemaLines = (streams: readonly WrittenStream[]): string =>
  streams.map((s) => schemaLine(s.name, s.schema, s.keyProperties, s.bookmarkProperties)).join('')

export const activateVersionLines = (streams: readonly WrittenStream[], version: number): string =>
  streams.map((s) => activateVersionLine(s.name, version)).join('')

/** Whether `stream`'s records go through a map (the per-record path then checks for a failure and for dropped records). */
export const isMapped = (plan: MapPlan | undefined, stream: string): boolean => {
  const streams = plan?.get(stream)
  return streams !== undefined && (streams.length !== 1 || streams[0]!.transform !== undefined || streams[0]!.name !== stream)
}

/**
 * The RECORD lines of one source record: one per written stream that keeps
 * it, '' when none does. Throws RecordMapFailure when an expression fails on
 * the record (the page is then refused before any of its lines is written).
 */
export const recordWriter = (
  plan: MapPlan | undefined,
  stream: string,
  timeExtracted: string,
  version?: number,
): ((record: Record<string, unknown>) => string) => {
  const streams = plan?.get(stream)
  if (streams === undefined || !isMapped(plan, stream)) return recordLines(stream, timeExtracted, version)
  const writers = streams.map((s) => {
    const line = recordLines(s.name, timeExtracted, version)
    const transform = s.transform
    if (transform === undefined) return line
    return (record: Record<string, unknown>): string => {
      const out = transform(record)
      return out === undefined ? '' : line(out)
    }
  })
  if (writers.length === 1) return writers[0]!
  return (record) => {
    let lines = ''
    for (const write of writers) lines += write(record)
    return lines
  }
}

/** A failure an expression met on a record, as the run reports it (a config problem: the map does not fit the data). */
export const mapFailure = (error: unknown): Failure | undefined =>
  error instanceof RecordMapFailure ? invalidInput('config', [error.message]) : undefined
