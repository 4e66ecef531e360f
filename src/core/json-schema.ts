/**
 * io-ts codec → JSON Schema. The codecs are the only description of a payload;
 * catalog schemas and the settings schema are derived here, never written twice.
 *
 * io-ts types carry a `_tag` that says what they are; custom codecs (quirk
 * decoders, normalising timestamps) have none, so they declare their schema
 * with `withSchema`, and any codec can gain a description with `annotate`.
 */
import * as t from 'io-ts'

export type JsonSchema = { readonly [key: string]: unknown }

interface Annotation {
  /** The codec whose derived schema the annotation extends; absent when `schema` is complete. */
  readonly base?: t.Mixed
  readonly schema: JsonSchema
}

const annotations = new WeakMap<t.Mixed, Annotation>()

const copyCodec = <C extends t.Mixed>(codec: C): C => new t.Type(codec.name, codec.is, codec.validate, codec.encode) as unknown as C

/** A codec whose JSON Schema is exactly `schema` (for codecs io-ts cannot describe). */
export const withSchema = <C extends t.Mixed>(codec: C, schema: JsonSchema): C => {
  const copy = copyCodec(codec)
  annotations.set(copy, { schema })
  return copy
}

/** The same codec, with extra JSON Schema keywords (description, default, secret...) on its schema. */
export const annotate = <C extends t.Mixed>(codec: C, extra: JsonSchema): C => {
  const copy = copyCodec(codec)
  annotations.set(copy, { base: codec, schema: extra })
  return copy
}

/**
 * Declares that `codec` (a new codec, e.g. one that fills in a value after
 * decoding) has the schema of `base` with `extra` keywords on top.
 */
export const schemaLike = <C extends t.Mixed>(codec: C, base: t.Mixed, extra: JsonSchema): C => {
  annotations.set(codec, { base, schema: extra })
  return codec
}

/** Tags of io-ts codecs, read structurally so one function covers them all. */
type Tagged = t.Mixed & { readonly _tag?: string }

const isSimple = (s: JsonSchema): boolean => Object.keys(s).every((k) => k === 'type' || k === 'format' || k === 'enum')

const typesOf = (s: JsonSchema): string[] => {
  if (s.type === undefined) return []
  return Array.isArray(s.type) ? (s.type as string[]) : [s.type as string]
}

/**
 * A union as Singer targets read it best: a list of types where the members are
 * plain (`["string","null"]`), the member's own schema plus "null" where one
 * member is structured and the other is null, and `anyOf` otherwise.
 */
const unionSchema = (members: readonly JsonSchema[]): JsonSchema => {
  const isNull = (s: JsonSchema) => typesOf(s).length === 1 && typesOf(s)[0] === 'null'
  // A member that accepts anything makes the union accept anything.
  if (members.some((m) => Object.keys(m).length === 0)) return {}
  // A union of unions is one union: its members' alternatives side by side.
  if (members.some((m) => m.anyOf !== undefined && Object.keys(m).length === 1)) {
    return unionSchema(members.flatMap((m) => (m.anyOf !== undefined && Object.keys(m).length === 1 ? (m.anyOf as JsonSchema[]) : [m])))
  }
  if (members.every((m) => m.enum !== undefined && m.type === undefined)) {
    return { enum: members.flatMap((m) => m.enum as unknown[]) }
  }
  if (members.every(isSimple)) {
    const types = [...new Set(members.flatMap((m) => (m.enum !== undefined && m.type === undefined ? enumTypes(m) : typesOf(m))))]
    // integer is a subset of number: a union of both is a number.
    const merged = types.includes('number') ? types.filter((x) => x !== 'integer') : types
    const formats = new Set(members.filter((m) => typesOf(m).includes('string')).map((m) => m.format))
    const format = formats.size === 1 ? [...formats][0] : undefined
    return {
      type: merged.length === 1 ? merged[0] : merged,
      ...(format === undefined ? {} : { format }),
    }
  }
  const nonNull = members.filter((m) => !isNull(m))
  if (nonNull.length === 1 && nonNull[0]!.type !== undefined) {
    return { ...nonNull[0], type: [...typesOf(nonNull[0]!), 'null'] }
  }
  return { anyOf: members }
}

const enumTypes = (s: JsonSchema): string[] =>
  [...new Set((s.enum as unknown[]).map((v) => (v === null ? 'null' : typeof v)))].map((x) => (x === 'bigint' ? 'integer' : x))

const objectSchema = (props: t.Props, required: boolean): JsonSchema => ({
  type: 'object',
  properties: Object.fromEntries(Object.entries(props).map(([k, v]) => [k, toJsonSchema(v)])),
  ...(required ? { required: Object.keys(props) } : {}),
})

const mergeObjects = (parts: readonly JsonSchema[]): JsonSchema => {
  const properties: Record<string, unknown> = {}
  const required: string[] = []
  for (const p of parts) {
    if (p.type !== 'object') return { allOf: parts }
    Object.assign(properties, p.properties as object)
    required.push(...((p.required as string[] | undefined) ?? []))
  }
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) }
}

/** The JSON Schema of a codec. Throws on a codec it cannot describe: a programming error, caught by the tests. */
export const toJsonSchema = (codec: t.Mixed): JsonSchema => {
  const annotation = annotations.get(codec)
  if (annotation !== undefined) {
    return annotation.base === undefined ? annotation.schema : { ...toJsonSchema(annotation.base), ...annotation.schema }
  }
  const c = codec as Tagged & Record<string, unknown>
  switch (c._tag) {
    case 'StringType':
      return { type: 'string' }
    case 'NumberType':
      return { type: 'number' }
    case 'BooleanType':
      return { type: 'boolean' }
    case 'NullType':
      return { type: 'null' }
    case 'UnknownType':
    case 'AnyType':
      return {}
    case 'LiteralType':
      return { enum: [c.value] }
    case 'KeyofType':
      return { enum: Object.keys(c.keys as object) }
    case 'RefinementType':
      // io-ts brands are refinements; Int is the one JSON Schema has a word for.
      return c.name === 'Int' ? { type: 'integer' } : toJsonSchema(c.type as t.Mixed)
    case 'ExactType':
      return toJsonSchema(c.type as t.Mixed)
    case 'InterfaceType':
      return objectSchema(c.props as t.Props, true)
    case 'PartialType':
      return objectSchema(c.props as t.Props, false)
    case 'IntersectionType':
      return mergeObjects((c.types as t.Mixed[]).map(toJsonSchema))
    case 'UnionType':
      return unionSchema((c.types as t.Mixed[]).map(toJsonSchema))
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return { type: 'array', items: toJsonSchema(c.type as t.Mixed) }
    // t.UnknownRecord and t.UnknownArray carry these tags.
    case 'AnyDictionaryType':
      return { type: 'object' }
    case 'AnyArrayType':
      return { type: 'array' }
    case 'DictionaryType':
      return { type: 'object', additionalProperties: toJsonSchema(c.codomain as t.Mixed) }
    default:
      throw new Error(`no JSON Schema for codec ${codec.name}: declare one with withSchema()`)
  }
}

/** The properties a schema declares, when it is an object schema that declares any. */
export const schemaProperties = (schema: unknown): Record<string, JsonSchema> | undefined => {
  const properties = (schema as { properties?: unknown } | undefined)?.properties
  return typeof properties === 'object' && properties !== null ? (properties as Record<string, JsonSchema>) : undefined
}
