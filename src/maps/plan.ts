/**
 * The settings `stream_maps`, `stream_map_config`, `flattening_enabled` and
 * `flattening_max_depth`, read with the Meltano SDK's meaning (its
 * PluginMapper): which streams a run writes, under which names, each with its
 * SCHEMA and record transform. Everything is checked here, before any
 * request; a problem comes back as a line naming the setting, the stream and
 * the property.
 */
import * as E from 'fp-ts/lib/Either.js'
import { CheckProblem, compileExpression } from './expression/compile.js'
import { isDict, type Dict } from './expression/values.js'
import { compileStreamMap, NULL_STRING, type Flattening, type MappedStream, type SourceStream } from './stream-map.js'

export interface MapSettings {
  readonly streamMaps?: unknown
  readonly streamMapConfig?: unknown
  readonly flatteningEnabled?: boolean
  readonly flatteningMaxDepth?: number
}

/**
 * What each selected stream becomes: its written streams, in order (the
 * same-named one first, then those made from it with `__source__`); none
 * when the maps remove it. A stream missing from the plan is written as it is.
 */
export type MapPlan = ReadonlyMap<string, readonly MappedStream[]>

const isNull = (v: unknown): boolean => v === null || v === NULL_STRING

/** fnmatch, as the SDK matches stream names against map keys: * ? [seq] [!seq]. */
const globPattern = (glob: string): RegExp => {
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!
    if (c === '*') out += '.*'
    else if (c === '?') out += '.'
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2)
      if (end < 0) out += '\\['
      else {
        const body = glob.slice(i + 1, end)
        out += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`.replace(/\\/g, '\\\\')
        i = end
      }
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  return new RegExp(`^${out}$`)
}
const isGlob = (name: string): boolean => /[*?[]/.test(name)

/** `__alias__`: a name, or an expression over `__stream_name__` (or a quoted text), as the SDK evaluates it. */
const aliasOf = (where: string, text: unknown, stream: string): string => {
  if (typeof text !== 'string' || text.trim() === '')
    throw new CheckProblem(`${where}.__alias__: expected a stream name or an expression, got ${JSON.stringify(text)}`)
  if (!text.includes('__stream_name__') && !/^\s*['"]/.test(text)) return text
  const empty = { type: 'object', properties: {} }
  try {
    const { run } = compileExpression(text, {
      schema: empty,
      fullSchema: empty,
      streamName: stream,
      originalStreamName: stream,
      config: {},
    })
    const name = run({ record: {}, self: undefined })
    if (typeof name !== 'string' || name === '') throw new CheckProblem(`gives ${JSON.stringify(name)}, not a stream name`)
    return name
  } catch (error) {
    throw new CheckProblem(`${where}.__alias__ ${JSON.stringify(text)}: ${(error as Error).message}`)
  }
}

const flatteningOf = (settings: MapSettings): Flattening | undefined => {
  if (settings.flatteningEnabled !== true) return undefined
  if (settings.flatteningMaxDepth === undefined) throw new CheckProblem('flattening_max_depth: required when flattening_enabled is true')
  return settings.flatteningMaxDepth > 0 ? { maxDepth: settings.flatteningMaxDepth } : undefined
}

/** stream_maps as a dict; Meltano's `--config ENV` hands object settings over as JSON text. */
const dictSetting = (name: string, value: unknown): Dict | undefined => {
  if (value === undefined || value === null) return undefined
  let v: unknown = value
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v) as unknown
    } catch {
      throw new CheckProblem(`${name}: expected an object (or its JSON text), got text that is not JSON`)
    }
  }
  if (!isDict(v)) throw new CheckProblem(`${name}: expected an object, got ${JSON.stringify(v)}`)
  return v
}

/**
 * The plan for `selected` (the streams the catalog selects) among `known`
 * (every zchat stream); an empty plan when no map or flattening is set, so
 * the run writes records exactly as before. Left: one line per problem.
 */
export const planStreamMaps = (
  settings: MapSettings,
  selected: readonly SourceStream[],
  known: readonly string[],
): E.Either<readonly string[], MapPlan> => {
  try {
    return E.right(plan(settings, selected, known))
  } catch (error) {
    if (error instanceof CheckProblem) return E.left([error.message])
    throw error
  }
}

const plan = (settings: MapSettings, selected: readonly SourceStream[], known: readonly string[]): MapPlan => {
  const maps = { ...(dictSetting('stream_maps', settings.streamMaps) ?? {}) }
  const config = dictSetting('stream_map_config', settings.streamMapConfig) ?? {}
  const flattening = flatteningOf(settings)
  if (Object.keys(maps).length === 0 && flattening === undefined) return new Map()

  let removeUnnamed = false
  if (Object.hasOwn(maps, '__else__')) {
    if (!isNull(maps.__else__))
      throw new CheckProblem(`stream_maps.__else__: can only be null (write only the streams named), got ${JSON.stringify(maps.__else__)}`)
    removeUnnamed = true
    delete maps.__else__
  }
  const matching = (where: string, name: string): string[] => {
    const found = isGlob(name) ? known.filter((k) => globPattern(name).test(k)) : known.filter((k) => k === name)
    if (found.length === 0)
      throw new CheckProblem(
        `${where}: ${isGlob(name) ? `the pattern ${name} matches no` : `there is no`} zchat stream${isGlob(name) ? '' : ` named ${name}`} (streams: ${known.join(', ')})`,
      )
    return found
  }

  type Entry =
    | { readonly where: string; readonly definition: Dict | undefined; readonly alias: string }
    | { readonly where: string; readonly removed: true }
  const primary = new Map<string, Entry>()
  const extra = new Map<string, Entry[]>()
  for (const [key, value] of Object.entries(maps)) {
    const where = `stream_maps.${key}`
    if (key.startsWith('__')) throw new CheckProblem(`${where}: is not an option (stream_maps takes stream names, patterns and __else__)`)
    if (isNull(value)) {
      for (const stream of matching(where, key)) primary.set(stream, { where, removed: true })
      continue
    }
    if (!isDict(value)) throw new CheckProblem(`${where}: expected a stream map (an object) or null, got ${JSON.stringify(value)}`)
    if (Object.hasOwn(value, '__source__')) {
      const source = value.__source__
      if (typeof source !== 'string') throw new CheckProblem(`${where}.__source__: expected a stream name, got ${JSON.stringify(source)}`)
      if (Object.hasOwn(value, '__alias__'))
        throw new CheckProblem(`${where}: __source__ names the new stream by its key (${key}); __alias__ is not for it`)
      const sources = matching(`${where}.__source__`, source)
      if (sources.length > 1 && !(isGlob(key) && key === source))
        throw new CheckProblem(`${where}: __source__ ${source} matches ${sources.length} streams, which would all be written as ${key}`)
      for (const stream of sources)
        extra.set(stream, [...(extra.get(stream) ?? []), { where, definition: value, alias: key === source ? stream : key }])
      continue
    }
    for (const stream of matching(where, key)) {
      const alias = Object.hasOwn(value, '__alias__') ? aliasOf(where, value.__alias__, stream) : stream
      primary.set(stream, { where, definition: value, alias })
    }
  }

  const result = new Map<string, MappedStream[]>()
  const names = new Map<string, string>()
  for (const source of selected) {
    const entries: Entry[] = []
    const first =
      primary.get(source.name) ??
      (removeUnnamed
        ? { where: 'stream_maps.__else__', removed: true as const }
        : { where: `stream ${source.name}`, definition: undefined, alias: source.name })
    entries.push(first, ...(extra.get(source.name) ?? []))
    const outputs: MappedStream[] = []
    for (const entry of entries) {
      if ('removed' in entry) continue
      const mapped = compileStreamMap(entry.where, entry.definition, source, entry.alias, config, flattening)
      const clash = names.get(mapped.name)
      if (clash !== undefined) throw new CheckProblem(`${entry.where}: stream ${mapped.name} would be written twice (also by ${clash})`)
      names.set(mapped.name, entry.where)
      outputs.push(mapped)
    }
    result.set(source.name, outputs)
  }
  return result
}
