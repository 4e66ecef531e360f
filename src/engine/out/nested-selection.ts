/**
 * Fields inside objects that a catalog deselects: Meltano writes metadata for
 * nested breadcrumbs (`["properties", "roles", "properties", "owner"]`) when a
 * `select` pattern names a nested field, and the Meltano SDK leaves the
 * deselected ones out of records and schema. Paths are field names below the
 * top level, e.g. `["roles", "administrator"]`.
 */
import { schemaProperties, type JsonSchema } from '../../core/json-schema.js'

export type FieldPath = readonly string[]

/** `properties/a/properties/b` → `[a, b]`; undefined for breadcrumbs of any other shape (array items, ...). */
export const fieldPath = (breadcrumb: readonly string[]): FieldPath | undefined => {
  if (breadcrumb.length < 4 || breadcrumb.length % 2 !== 0) return undefined
  const path: string[] = []
  for (let i = 0; i < breadcrumb.length; i += 2) {
    if (breadcrumb[i] !== 'properties') return undefined
    path.push(breadcrumb[i + 1]!)
  }
  return path
}

/** Whether `path` names a field the schema declares, object by object. */
export const schemaHas = (schema: JsonSchema, path: FieldPath): boolean => {
  let node: unknown = schema
  for (const name of path) {
    const properties = schemaProperties(node)
    if (properties === undefined || !Object.hasOwn(properties, name)) return false
    node = properties[name]
  }
  return true
}

/** The schema without the field at `path` (copied along the path; the rest is shared). */
export const schemaWithout = (schema: JsonSchema, path: FieldPath): JsonSchema => {
  const [name, ...rest] = path
  const properties = schemaProperties(schema)
  if (name === undefined || properties === undefined || !Object.hasOwn(properties, name)) return schema
  if (rest.length > 0) return { ...schema, properties: { ...properties, [name]: schemaWithout(properties[name] as JsonSchema, rest) } }
  const { [name]: _dropped, ...kept } = properties
  const required = (schema.required as string[] | undefined)?.filter((r) => r !== name)
  return { ...schema, properties: kept, ...(required === undefined ? {} : { required }) }
}

/** The value without the field at `path` (copied along the path, never changed in place). */
export const valueWithout = (value: unknown, path: FieldPath): unknown => {
  const [name, ...rest] = path
  if (name === undefined || typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, name)) return value
  const record = value as Record<string, unknown>
  if (rest.length > 0) return { ...record, [name]: valueWithout(record[name], rest) }
  const { [name]: _dropped, ...kept } = record
  return kept
}
