/**
 * The catalog zchat discovers (built from the stream definitions, schemas
 * derived from their codecs) and the selection a user's catalog makes of it.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { CatalogFile, CatalogStream, MetadataEntry } from '../codecs/catalog.js'
import { toJsonSchema, type JsonSchema } from '../core/json-schema.js'
import { defaultMethodOf, type StreamDef } from '../streams/stream.js'
import { fieldPath, schemaHas, schemaWithout, type FieldPath } from './out/nested-selection.js'

export interface CatalogEntry {
  readonly tap_stream_id: string
  readonly stream: string
  readonly schema: JsonSchema
  readonly key_properties: readonly string[]
  readonly replication_method: 'FULL_TABLE' | 'INCREMENTAL'
  readonly replication_key?: string
  readonly metadata: readonly MetadataEntry[]
}

const schemas = new WeakMap<StreamDef, JsonSchema>()

/** A stream's record schema, derived once from its codec. */
export const streamSchema = (stream: StreamDef): JsonSchema => {
  let schema = schemas.get(stream)
  if (schema === undefined) {
    schema = toJsonSchema(stream.codec)
    schemas.set(stream, schema)
  }
  return schema
}

export const fieldNamesOf = (stream: StreamDef): readonly string[] => Object.keys(streamSchema(stream).properties as object)

/** Fields a target needs whatever the user selects: keys and the replication key. */
const automaticFields = (stream: StreamDef): ReadonlySet<string> =>
  new Set([...stream.keyProperties, ...(stream.replication.method === 'INCREMENTAL' ? [stream.replication.key] : [])])

export const catalogEntry = (stream: StreamDef): CatalogEntry => {
  const validKey = stream.replication.method === 'INCREMENTAL' ? stream.replication.key : undefined
  const method = defaultMethodOf(stream)
  // A stream read in full by default that offers INCREMENTAL lets the catalog choose: no forced method, no key until chosen.
  const choice = method !== stream.replication.method
  const replicationKey = method === 'INCREMENTAL' ? validKey : undefined
  const automatic = automaticFields(stream)
  return {
    tap_stream_id: stream.name,
    stream: stream.name,
    schema: streamSchema(stream),
    key_properties: stream.keyProperties,
    replication_method: method,
    ...(replicationKey === undefined ? {} : { replication_key: replicationKey }),
    metadata: [
      {
        breadcrumb: [],
        metadata: {
          inclusion: 'available',
          'selected-by-default': true,
          'table-key-properties': stream.keyProperties,
          ...(choice ? {} : { 'forced-replication-method': method }),
          'valid-replication-keys': validKey === undefined ? [] : [validKey],
          ...(replicationKey === undefined ? {} : { 'replication-key': replicationKey }),
        },
      },
      ...fieldNamesOf(stream).map((name) => ({
        breadcrumb: ['properties', name],
        metadata: { inclusion: automatic.has(name) ? 'automatic' : 'available', 'selected-by-default': true },
      })),
    ],
  }
}

export const discover = (streams: readonly StreamDef[]): { readonly streams: readonly CatalogEntry[] } => ({
  streams: streams.map(catalogEntry),
})

/** One stream as a run will sync it. */
export interface SelectedStream {
  readonly def: StreamDef
  /** The fields to emit, in schema order. */
  readonly properties: readonly string[]
  /** The record schema restricted to those fields. */
  readonly schema: JsonSchema
  /** INCREMENTAL resumes from and writes a bookmark; FULL_TABLE reads everything. */
  readonly method: 'FULL_TABLE' | 'INCREMENTAL'
  /** Fields inside selected objects that the catalog deselects, left out of records (and of the schema). */
  readonly pruned?: readonly FieldPath[]
}

const restrictSchema = (schema: JsonSchema, properties: readonly string[]): JsonSchema => {
  const { required: allRequired, properties: all, ...rest } = schema as { required?: string[]; properties: Record<string, unknown> }
  const required = (allRequired ?? []).filter((p) => properties.includes(p))
  return {
    ...rest,
    properties: Object.fromEntries(properties.map((p) => [p, all[p]])),
    ...(required.length > 0 ? { required } : {}),
  }
}

const selectAll = (def: StreamDef): SelectedStream => ({
  def,
  properties: fieldNamesOf(def),
  schema: streamSchema(def),
  method: defaultMethodOf(def),
})

/** Every stream selected by default, with all fields: a run without a catalog. */
export const defaultSelection = (streams: readonly StreamDef[]): readonly SelectedStream[] => streams.map(selectAll)

const metadataAt = (entry: CatalogStream, breadcrumb: readonly string[]): Record<string, unknown> => {
  const found = entry.metadata?.find((m) => m.breadcrumb.length === breadcrumb.length && m.breadcrumb.every((b, i) => b === breadcrumb[i]))
  return found?.metadata ?? {}
}

const asBoolean = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined)

/** Singer's rule, as the Meltano SDK applies it: explicit `selected` wins, then `selected-by-default`. */
const isSelected = (metadata: Record<string, unknown>, legacy: unknown, fallback: boolean): boolean => {
  if (metadata.inclusion === 'automatic') return true
  if (metadata.inclusion === 'unsupported') return false
  return asBoolean(metadata.selected) ?? asBoolean(legacy) ?? asBoolean(metadata['selected-by-default']) ?? fallback
}

const selectFromEntry = (def: StreamDef, entry: CatalogStream): E.Either<readonly string[], SelectedStream | undefined> => {
  const streamMd = metadataAt(entry, [])
  const legacySchema = (entry.schema ?? {}) as { selected?: unknown; properties?: Record<string, { selected?: unknown }> }
  if (!isSelected(streamMd, entry.selected ?? legacySchema.selected, true)) return E.right(undefined)

  const problems: string[] = []
  const known = fieldNamesOf(def)
  const automatic = automaticFields(def)
  for (const m of entry.metadata ?? []) {
    const [kind, field] = m.breadcrumb
    if (kind === 'properties' && field !== undefined && !known.includes(field) && m.metadata.selected === true) {
      problems.push(`stream ${def.name}: selected field ${JSON.stringify(field)} does not exist (fields: ${known.join(', ')})`)
    }
  }
  const properties = known.filter(
    (p) => automatic.has(p) || isSelected(metadataAt(entry, ['properties', p]), legacySchema.properties?.[p]?.selected, true),
  )

  const requestedMethod = streamMd['replication-method'] ?? entry.replication_method
  let method = defaultMethodOf(def)
  if (requestedMethod !== undefined) {
    if (requestedMethod === 'FULL_TABLE') method = 'FULL_TABLE'
    else if (requestedMethod === 'INCREMENTAL' && def.replication.method === 'INCREMENTAL') method = 'INCREMENTAL'
    else
      problems.push(
        `stream ${def.name}: replication method ${JSON.stringify(requestedMethod)} is not supported (use ${def.replication.method === 'INCREMENTAL' ? 'INCREMENTAL or FULL_TABLE' : 'FULL_TABLE'})`,
      )
  }
  const requestedKey = streamMd['replication-key'] ?? entry.replication_key
  const validKey = def.replication.method === 'INCREMENTAL' ? def.replication.key : undefined
  if (requestedKey !== undefined && requestedKey !== null && requestedKey !== '' && requestedKey !== validKey) {
    problems.push(`stream ${def.name}: replication key ${JSON.stringify(requestedKey)} is not supported (valid: ${validKey ?? 'none'})`)
  }
  if (problems.length > 0) return E.left(problems)
  const restricted = restrictSchema(streamSchema(def), properties)
  const pruned = (entry.metadata ?? []).flatMap((m) => {
    const path = fieldPath(m.breadcrumb)
    const deselected = m.metadata.selected === false && m.metadata.inclusion !== 'automatic'
    return path !== undefined && deselected && schemaHas(restricted, path) ? [path] : []
  })
  const schema = pruned.reduce(schemaWithout, restricted)
  return E.right({ def, properties, schema, method, ...(pruned.length > 0 ? { pruned } : {}) })
}

/** The streams and fields a user's catalog selects, in zchat's sync order. Left: one line per problem. */
export const selectStreams = (
  catalog: CatalogFile,
  streams: readonly StreamDef[],
): E.Either<readonly string[], readonly SelectedStream[]> => {
  const problems: string[] = []
  const entries = new Map<string, CatalogStream>()
  for (const entry of catalog.streams) {
    const id = entry.tap_stream_id ?? entry.stream ?? ''
    if (!streams.some((s) => s.name === id)) {
      problems.push(`stream ${JSON.stringify(id)} is not a zchat stream (streams: ${streams.map((s) => s.name).join(', ')})`)
    } else entries.set(id, entry)
  }
  const selected: SelectedStream[] = []
  for (const def of streams) {
    const entry = entries.get(def.name)
    if (entry === undefined) continue
    const result = selectFromEntry(def, entry)
    if (E.isLeft(result)) problems.push(...result.left)
    else if (result.right !== undefined) selected.push(result.right)
  }
  return problems.length > 0 ? E.left(problems) : E.right(selected)
}
