/**
 * Schema flattening with the Meltano SDK's meaning (singer_sdk/helpers/_flattening.py):
 * an object's fields become top-level `parent__child` columns, level by level
 * up to `flattening_max_depth`; what is left nested at that depth, and every
 * array, becomes one column holding its value as compact JSON text.
 */
import type { JsonSchema } from '../core/json-schema.js'

export const SEPARATOR = '__'

type Props = Record<string, JsonSchema>

const typesOf = (s: JsonSchema): readonly string[] =>
  s.type === undefined ? [] : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string]

/** A column that holds JSON text: a string, nullable when the original was. */
const jsonColumn = (types: readonly string[]): JsonSchema => ({ type: types.includes('null') ? ['string', 'null'] : 'string' })

/**
 * A column of a field without one type (any JSON, or anyOf): its scalars stay as they are and its objects and
 * arrays become JSON text, as the SDK writes them, so the column takes what the field takes and a string.
 */
const untypedColumn = (field: JsonSchema): JsonSchema => (Object.keys(field).length === 0 ? field : { anyOf: [field, { type: 'string' }] })

const flattenProperties = (properties: Props, parents: readonly string[], level: number, maxLevel: number, into: Props): void => {
  for (const [name, field] of Object.entries(properties)) {
    const key = [...parents, name].join(SEPARATOR)
    const types = typesOf(field)
    let column: JsonSchema | undefined
    if (types.includes('object') && field.properties !== undefined && level < maxLevel) {
      flattenProperties(field.properties as Props, [...parents, name], level + 1, maxLevel, into)
      continue
    } else if (types.includes('array') || (types.includes('object') && maxLevel > 0)) column = jsonColumn(types)
    else if (types.length > 0 || field.enum !== undefined) column = field
    else column = untypedColumn(field)
    if (Object.hasOwn(into, key)) throw new Error(`flattening makes the column ${key} twice`)
    into[key] = column
  }
}

/** The schema with nested objects flattened to `maxLevel`; throws when two fields would make the same column. */
export const flattenSchema = (schema: JsonSchema, maxLevel: number): JsonSchema => {
  const properties: Props = {}
  flattenProperties((schema.properties ?? {}) as Props, [], 0, maxLevel, properties)
  const required = (schema.required as string[] | undefined)?.filter((r) => Object.hasOwn(properties, r))
  const { properties: _old, required: _required, ...rest } = schema
  return { ...rest, properties, ...(required === undefined || required.length === 0 ? {} : { required }) }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * A nested value as its column's text: compact JSON, as the SDK's serialize_json
 * writes it, except that characters beyond ASCII are written as themselves
 * rather than as \u escapes (the same JSON; escaping them doubled the cost).
 */
export const jsonText = (v: unknown): string => JSON.stringify(v)

/**
 * The record flattener for a flattened schema: objects are opened into their
 * columns while the schema has no column of their own name and the depth
 * allows; objects and arrays that stay become JSON text. A null object whose
 * fields became columns has no column of its own and is left out (its
 * columns are absent, which a target reads as null).
 */
export const recordFlattener = (flat: JsonSchema, maxLevel: number): ((record: Record<string, unknown>) => Record<string, unknown>) => {
  const columns = (flat.properties ?? {}) as Props
  const walk = (node: Record<string, unknown>, prefix: string, level: number, out: Record<string, unknown>): void => {
    for (const name in node) {
      const v = node[name]
      if (v === undefined) continue
      const key = prefix === '' ? name : prefix + SEPARATOR + name
      const column = Object.hasOwn(columns, key)
      if (isObject(v) && !column && level < maxLevel) walk(v, key, level + 1, out)
      else if (v === null && !column) continue
      else out[key] = typeof v === 'object' && v !== null ? jsonText(v) : v
    }
  }
  // Every column, undefined (what JSON leaves out): filling in a copy keeps one object shape for all records (see project()).
  const blank: Record<string, unknown> = {}
  for (const key in columns) blank[key] = undefined
  return (record) => {
    const out: Record<string, unknown> = { ...blank }
    walk(record, '', 0, out)
    return out
  }
}
