/**
 * One stream map, compiled once per stream: the SCHEMA it writes and the
 * function that turns each source record into its record (or drops it), as
 * the Meltano SDK's CustomStreamMap does (singer_sdk/mapper.py), with nested
 * fields (`visitor.email`) as well as top-level ones.
 */
import { schemaProperties, type JsonSchema } from '../core/json-schema.js'
import { toJson } from './expression/builtins.js'
import { CheckProblem, compileExpression, schemaAt, type CompileContext, type Compiled } from './expression/compile.js'
import { infer, nullable } from './expression/infer.js'
import { truthy, type Dict } from './expression/values.js'
import { flattenSchema, recordFlattener } from './flatten.js'

/** A stream as the tap reads it, before any map. */
export interface SourceStream {
  readonly name: string
  /** The record schema as the catalog selects it. */
  readonly schema: JsonSchema
  /** Every field the stream has, selected or not. */
  readonly fullSchema: JsonSchema
  readonly keyProperties: readonly string[]
  /** The fields the stream's bookmark moves on (its replication key). */
  readonly bookmarkProperties: readonly string[]
}

/** A stream as the tap writes it, after its map. */
export interface MappedStream {
  readonly name: string
  readonly schema: JsonSchema
  readonly keyProperties: readonly string[]
  readonly bookmarkProperties: readonly string[]
  /** The record this stream writes for a source record; undefined when its filter drops it. Absent: the record as it is. */
  readonly transform?: (record: Dict) => Dict | undefined
}

/** An expression that failed on one record: the line that names the map, stream, record and expression. */
export class RecordMapFailure extends Error {}

export const NULL_STRING = '__NULL__'
export const OPTIONS = ['__alias__', '__source__', '__filter__', '__else__', '__key_properties__'] as const
const isNull = (v: unknown): boolean => v === null || v === NULL_STRING

export interface Flattening {
  readonly maxDepth: number
}

const STRING: JsonSchema = { type: 'string' }

/** The properties an object schema declares; none for any other. */
const propertiesOf = (schema: JsonSchema): Record<string, JsonSchema> => schemaProperties(schema) ?? {}
const typesOf = (s: JsonSchema | undefined): readonly string[] =>
  s === undefined || s.type === undefined ? [] : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string]

/** A record's name in a failure line: its key values, as decode errors write them. */
const recordName = (record: Dict, keys: readonly string[]): string => {
  const values = keys.map((k) => record[k])
  return values.length > 0 && values.every((v) => typeof v === 'string' || typeof v === 'number')
    ? values.map((v) => JSON.stringify(v)).join('/')
    : '(no key)'
}

/**
 * A property named with dots is a nested field (`visitor.email`) unless the
 * stream has a top-level field of that very name. `steps` are the names;
 * `schemaPath` has `[]` where the path goes into an array's items (each
 * element's field is mapped).
 */
interface FieldRef {
  readonly property: string
  readonly steps: readonly string[]
  readonly schemaPath: readonly string[]
}

const fieldRef = (property: string, fullSchema: JsonSchema): FieldRef => {
  if (!property.includes('.') || Object.hasOwn(propertiesOf(fullSchema), property))
    return { property, steps: [property], schemaPath: [property] }
  const steps = property.split('.')
  if (steps.some((s) => s === '')) throw new CheckProblem(`${JSON.stringify(property)} is not a field path (a.b.c)`)
  if (steps.some((s) => /^__.*__$/.test(s))) throw new CheckProblem(`${JSON.stringify(property)}: names like __x__ are not fields`)
  const schemaPath: string[] = []
  let node: JsonSchema | undefined = fullSchema
  steps.forEach((step, i) => {
    schemaPath.push(step)
    const properties: Record<string, JsonSchema> = node === undefined ? {} : propertiesOf(node)
    const last = i === steps.length - 1
    if (!Object.hasOwn(properties, step)) {
      if (last) {
        node = undefined
        return
      }
      throw new CheckProblem(`has no field ${steps.slice(0, i + 1).join('.')}`)
    }
    node = properties[step]
    if (!last && typesOf(node).includes('array')) {
      schemaPath.push('[]')
      node = node!.items as JsonSchema | undefined
    }
    if (!last && !typesOf(node).includes('object'))
      throw new CheckProblem(`field ${steps.slice(0, i + 1).join('.')} is not an object: it has no fields to map`)
  })
  return { property, steps, schemaPath }
}

/** The schema with the node at `path` replaced by what `change` makes of it (undefined: removed); copied along the path. */
const schemaChanged = (
  schema: JsonSchema,
  path: readonly string[],
  change: (old: JsonSchema | undefined) => JsonSchema | undefined,
): JsonSchema => {
  const [step, ...rest] = path
  if (step === undefined) return schema
  if (step === '[]') return { ...schema, items: schemaChanged((schema.items ?? {}) as JsonSchema, rest, change) }
  const properties = { ...propertiesOf(schema) }
  if (rest.length > 0) {
    if (properties[step] === undefined) return schema
    properties[step] = schemaChanged(properties[step], rest, change)
    return { ...schema, properties }
  }
  const next = change(properties[step])
  if (next === undefined) {
    delete properties[step]
    const required = (schema.required as string[] | undefined)?.filter((r) => r !== step)
    const { required: _r, ...others } = schema
    return { ...others, properties, ...(required === undefined || required.length === 0 ? {} : { required }) }
  }
  properties[step] = next
  return { ...schema, properties }
}

const isObject = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v)

/** The value with the field at `steps` changed in every object (and every element of an array) along the way; copied, never changed in place. */
const valueChanged = (value: unknown, steps: readonly string[], leaf: (parent: Dict, key: string) => void): unknown => {
  if (Array.isArray(value)) return value.map((v) => valueChanged(v, steps, leaf))
  if (!isObject(value)) return value
  const [step, ...rest] = steps
  const copy = { ...value }
  if (rest.length === 0) leaf(copy, step!)
  else if (copy[step!] !== undefined) copy[step!] = valueChanged(copy[step!], rest, leaf)
  return copy
}

interface Operation {
  readonly ref: FieldRef
  /** Undefined: the field is removed. */
  readonly run?: Compiled
}

/**
 * Compile `definition` (the stream's entry in stream_maps, or undefined for
 * the record as it is) for the stream `source`, written as `alias`. Throws
 * CheckProblem naming what is refused; `where` is prefixed by the caller.
 */
export const compileStreamMap = (
  where: string,
  definition: Readonly<Dict> | undefined,
  source: SourceStream,
  alias: string,
  config: Dict,
  flattening: Flattening | undefined,
): MappedStream => {
  const problem = (text: string): CheckProblem => new CheckProblem(`${where}: ${text}`)
  const entries = Object.entries(definition ?? {})
  let filterText: string | undefined
  let keyProperties: readonly string[] = source.keyProperties
  let includeByDefault = true
  const properties: [string, unknown][] = []
  for (const [key, value] of entries) {
    switch (key) {
      case '__alias__':
      case '__source__':
        break
      case '__filter__':
        if (typeof value !== 'string') throw problem(`__filter__ must be an expression (a string), got ${JSON.stringify(value)}`)
        filterText = value
        break
      case '__key_properties__':
        if (isNull(value)) keyProperties = []
        else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) keyProperties = value as string[]
        else throw problem(`__key_properties__ must be a list of field names or null, got ${JSON.stringify(value)}`)
        break
      case '__else__':
        if (!isNull(value)) throw problem(`__else__ can only be null (keep only the properties named), got ${JSON.stringify(value)}`)
        includeByDefault = false
        break
      default:
        if (/^__.*__$/.test(key)) throw problem(`${key} is not an option of a stream map (options: ${OPTIONS.join(', ')})`)
        properties.push([key, value])
    }
  }

  const baseContext: CompileContext = {
    schema: source.schema,
    fullSchema: source.fullSchema,
    streamName: alias,
    originalStreamName: source.name,
    config,
  }
  // Fields the stream writes whatever `__else__` says: its key and the fields its bookmark moves on.
  const kept = [...new Set([...keyProperties, ...source.bookmarkProperties])].filter((p) => Object.hasOwn(propertiesOf(source.schema), p))
  let schema: JsonSchema = includeByDefault
    ? source.schema
    : {
        ...source.schema,
        properties: Object.fromEntries(kept.map((p) => [p, propertiesOf(source.schema)[p]!])),
        required: ((source.schema.required as string[] | undefined) ?? []).filter((r) => kept.includes(r)),
      }
  if (!includeByDefault && (schema.required as string[]).length === 0) {
    const { required: _r, ...rest } = schema
    schema = rest
  }

  const top: Operation[] = []
  const nested: Operation[] = []
  for (const [property, value] of properties) {
    const at = `${where}.${property}`
    let ref: FieldRef
    try {
      ref = fieldRef(property, source.fullSchema)
    } catch (error) {
      throw new CheckProblem(`${at}: stream ${source.name} ${(error as Error).message}`)
    }
    const isTop = ref.steps.length === 1
    const exists = schemaAt(source.fullSchema, ref.schemaPath)
    if (isNull(value)) {
      if (exists === 'missing' || exists === undefined)
        throw new CheckProblem(`${at}: stream ${source.name} has no field ${property} to remove`)
      if (isTop && keyProperties.includes(property)) {
        throw new CheckProblem(
          `${at}: removing the key property ${property} of stream ${alias} is refused; use __key_properties__ to name a new key (or null for none)`,
        )
      }
      if (isTop && source.bookmarkProperties.includes(property)) {
        throw new CheckProblem(
          `${at}: removing ${property}, the field stream ${source.name}'s bookmark moves on (its replication key), is refused`,
        )
      }
      schema = schemaChanged(schema, ref.schemaPath, () => undefined)
      ;(isTop ? top : nested).push({ ref })
      continue
    }
    if (typeof value !== 'string') throw new CheckProblem(`${at}: expected an expression (a string) or null, got ${JSON.stringify(value)}`)
    const context: CompileContext = { ...baseContext, selfPath: ref.schemaPath }
    let compiled: ReturnType<typeof compileExpression>
    try {
      compiled = compileExpression(value, context)
    } catch (error) {
      throw new CheckProblem(`${at}: ${JSON.stringify(value)}: ${(error as Error).message}`)
    }
    // The SDK's fallback when the expression does not say: the property's type as it was, or the type of the field the expression names, or string.
    const existing = schemaAt(schema, ref.schemaPath)
    const named = isTop ? propertiesOf(source.schema)[value] : undefined
    const whole = compiled.tree.kind === 'name' && (compiled.tree.id === 'record' || compiled.tree.id === '_') ? source.schema : undefined
    const type = whole ?? infer(compiled.tree, context) ?? (typeof existing === 'object' ? existing : undefined) ?? named ?? STRING
    schema = schemaChanged(schema, ref.schemaPath, () => nullable(type))
    const run = compiled.run
    const guarded: Compiled = (scope) => {
      try {
        return toJson(run(scope))
      } catch (error) {
        throw new RecordMapFailure(
          `${at}: stream ${source.name}, record ${recordName(scope.record, source.keyProperties)}: ${JSON.stringify(value)} failed: ${(error as Error).message}`,
        )
      }
    }
    ;(isTop ? top : nested).push({ ref, run: guarded })
  }

  for (const key of keyProperties) {
    if (!Object.hasOwn(propertiesOf(schema), key))
      throw problem(
        `key property ${key} of stream ${alias} is not among its fields (__key_properties__: ${keyProperties.join(', ') || 'none'})`,
      )
  }
  for (const key of source.bookmarkProperties) {
    if (!Object.hasOwn(propertiesOf(schema), key))
      throw problem(`${key}, the field stream ${source.name}'s bookmark moves on, is not among its fields`)
  }

  let filter: Compiled | undefined
  if (filterText !== undefined) {
    try {
      const run = compileExpression(filterText, baseContext).run
      const text = filterText
      filter = (scope) => {
        try {
          return run(scope)
        } catch (error) {
          throw new RecordMapFailure(
            `${where}.__filter__: stream ${source.name}, record ${recordName(scope.record, source.keyProperties)}: ${JSON.stringify(text)} failed: ${(error as Error).message}`,
          )
        }
      }
    } catch (error) {
      if (error instanceof RecordMapFailure) throw error
      throw problem(`__filter__ ${JSON.stringify(filterText)}: ${(error as Error).message}`)
    }
  }

  let flatten: ((record: Dict) => Dict) | undefined
  if (flattening !== undefined && flattening.maxDepth > 0) {
    try {
      schema = flattenSchema(schema, flattening.maxDepth)
    } catch (error) {
      throw problem(`flattening_max_depth ${flattening.maxDepth}: ${(error as Error).message}`)
    }
    for (const key of keyProperties) {
      if (!Object.hasOwn(propertiesOf(schema), key)) throw problem(`key property ${key} does not survive flattening (it is an object)`)
    }
    flatten = recordFlattener(schema, flattening.maxDepth)
  }

  if (definition === undefined && flatten === undefined)
    return { name: alias, schema, keyProperties, bookmarkProperties: source.bookmarkProperties }
  const transform = (record: Dict): Dict | undefined => {
    if (filter !== undefined && !truthy(filter({ record, self: undefined }))) return undefined
    let out: Dict
    if (includeByDefault) out = { ...record }
    else {
      out = {}
      for (const p of kept) out[p] = record[p]
    }
    for (const { ref, run } of top) {
      const name = ref.property
      out[name] = run === undefined ? undefined : run({ record, self: record[name] })
    }
    for (const { ref, run } of nested) {
      const [head, ...rest] = ref.steps
      if (out[head!] === undefined) continue
      out[head!] = valueChanged(out[head!], rest, (parent, key) => {
        // undefined is what JSON leaves out; deleting would make the copy a slow dictionary object.
        parent[key] = run === undefined ? undefined : run({ record, self: parent[key] })
      })
    }
    return flatten === undefined ? out : flatten(out)
  }
  return { name: alias, schema, keyProperties, bookmarkProperties: source.bookmarkProperties, transform }
}
