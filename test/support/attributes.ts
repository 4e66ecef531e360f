/**
 * The per-attribute checks of the Meltano SDK's standard tap tests
 * (is_boolean, is_datetime, is_integer, is_numeric, is_object, not_null),
 * done strictly: a kind applies to a top-level property whose schema admits
 * that JSON type (in `type` or an `anyOf` branch), and every non-null value
 * must be of it exactly (no "true" strings for booleans, no "12" for integers).
 * `not-null` applies to properties whose schema does not admit null; the
 * property must then be in every record, with a value.
 */
import { isJsonObject, type JsonObject } from './singer.js'

export type AttributeKind = 'boolean' | 'date-time' | 'integer' | 'number' | 'object' | 'not-null'

const branches = (schema: JsonObject): JsonObject[] => (Array.isArray(schema.anyOf) ? (schema.anyOf as JsonObject[]) : [schema])

const admitsType = (schema: JsonObject, type: string): boolean =>
  branches(schema).some((b) => b.type === type || (Array.isArray(b.type) && b.type.includes(type)))

const admitsNull = (schema: JsonObject): boolean =>
  admitsType(schema, 'null') || branches(schema).some((b) => Array.isArray(b.enum) && b.enum.includes(null))

const dateFormat = (schema: JsonObject): string | undefined =>
  branches(schema)
    .map((b) => b.format)
    .find((f): f is string => f === 'date-time' || f === 'date')

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|([+-])(\d{2}):(\d{2}))$/
const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

const validDate = (y: number, m: number, d: number): boolean => m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate()

/** RFC 3339 date-time, strictly: a real calendar date, a time of day, and an offset (as singer-check-tap's strict_rfc3339 wants). */
export const isRfc3339DateTime = (value: unknown): boolean => {
  if (typeof value !== 'string') return false
  const m = RFC3339.exec(value)
  if (m === null) return false
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const offsetOk = m[9] === undefined || (Number(m[10]) < 24 && Number(m[11]) < 60)
  return validDate(y, mo, d) && h < 24 && mi < 60 && s <= 60 && offsetOk
}

export const isFullDate = (value: unknown): boolean => {
  if (typeof value !== 'string') return false
  const m = FULL_DATE.exec(value)
  return m !== null && validDate(Number(m[1]), Number(m[2]), Number(m[3]))
}

/** An instant in nanoseconds since the epoch, exact to the digit (Date keeps milliseconds only). */
export const instantNanos = (value: string): bigint => {
  const m = RFC3339.exec(value)
  if (m === null) throw new Error(`not an RFC 3339 date-time: ${value}`)
  const seconds = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) / 1000
  const offsetMinutes = m[9] === undefined ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]))
  const fraction = BigInt((m[7] ?? '.').slice(1).padEnd(9, '0').slice(0, 9))
  return BigInt(seconds - offsetMinutes * 60) * 1_000_000_000n + fraction
}

interface KindRule {
  readonly applies: (schema: JsonObject) => boolean
  /** Why `value` (non-null) is not of the kind, or undefined when it is. */
  readonly fault: (value: unknown, schema: JsonObject) => string | undefined
}

const unless = (ok: boolean, what: string): string | undefined => (ok ? undefined : what)

export const KINDS: Readonly<Record<AttributeKind, KindRule>> = {
  boolean: { applies: (s) => admitsType(s, 'boolean'), fault: (v) => unless(typeof v === 'boolean', 'not a boolean') },
  'date-time': {
    applies: (s) => dateFormat(s) !== undefined,
    fault: (v, s) =>
      dateFormat(s) === 'date' ? unless(isFullDate(v), 'not a full date') : unless(isRfc3339DateTime(v), 'not an RFC 3339 date-time'),
  },
  integer: { applies: (s) => admitsType(s, 'integer'), fault: (v) => unless(Number.isSafeInteger(v), 'not a (safe) integer') },
  number: {
    applies: (s) => admitsType(s, 'number'),
    fault: (v) => unless(typeof v === 'number' && Number.isFinite(v), 'not a finite number'),
  },
  object: { applies: (s) => admitsType(s, 'object'), fault: (v) => unless(isJsonObject(v), 'not an object') },
  'not-null': { applies: (s) => !admitsNull(s), fault: () => undefined },
}

/** The top-level properties of a record schema a kind applies to, in schema order. */
export const attributesOf = (schema: JsonObject, kind: AttributeKind): string[] =>
  Object.entries((schema.properties ?? {}) as Record<string, JsonObject>)
    .filter(([, s]) => KINDS[kind].applies(s))
    .map(([name]) => name)

/** Every breach of `kind` for `attributes` in `records`, as `#index attribute: why (value)`. */
export const breaches = (
  records: readonly Record<string, unknown>[],
  schema: JsonObject,
  kind: AttributeKind,
  attributes: readonly string[],
): string[] => {
  const properties = schema.properties as Record<string, JsonObject>
  return records.flatMap((record, i) =>
    attributes.flatMap((name) => {
      const value = record[name]
      if (kind === 'not-null')
        return value === undefined || value === null ? [`#${i} ${name}: ${value === undefined ? 'missing' : 'null'}`] : []
      if (value === undefined || value === null) return []
      const why = KINDS[kind].fault(value, properties[name]!)
      return why === undefined ? [] : [`#${i} ${name}: ${why} (${JSON.stringify(value)})`]
    }),
  )
}
