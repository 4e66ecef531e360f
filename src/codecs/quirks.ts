/**
 * Codecs for the irregularities real Zendesk Chat payloads show (see API.md,
 * "Data quirks"). Each accepts every form seen in the wild and hands on one
 * form, losing no information.
 */
import * as t from 'io-ts'
import { withSchema } from '../core/json-schema.js'
import { INVALID, normalisingCodec } from '../core/quick-decode.js'

/** A value or null: the API sends null for most absent values. */
export const nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null])

/**
 * A record codec: `required` fields must be present, every `optional` field may
 * be missing or null. Unknown fields pass through (the engine reports them).
 */
export const record = <R extends t.Props, O extends t.Props>(required: R, optional: O) =>
  t.intersection([
    t.type(required),
    t.partial(
      Object.fromEntries(Object.entries(optional).map(([k, v]) => [k, nullable(v)])) as unknown as {
        [K in keyof O]: t.UnionC<[O[K], t.NullC]>
      },
    ),
  ])

/** Like `record`, for nested objects where nothing is guaranteed. */
export const optionalFields = <O extends t.Props>(optional: O) => record({}, optional)

/** `true`/`false`, also sent as 1/0 (documented as an integer). Decodes to a boolean. */
export const BoolOrInt = withSchema(
  normalisingCodec(
    'boolean (or 0/1)',
    (u): u is boolean => typeof u === 'boolean',
    (u) => (typeof u === 'boolean' ? u : u === 0 || u === 1 ? u === 1 : INVALID),
  ),
  { type: 'boolean' },
)

/** RFC 3339 as the API writes it: `Z`, numeric offsets, fractions of a second, `+00:00Z`. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}|[+-]\d{2}:\d{2}Z)$/

const PLUS = 43
const MINUS = 45
const COLON = 58
const Z = 90

/** The two-digit number at `i` of a string of digits there. */
const twoDigits = (s: string, i: number): number => (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48

const daysInMonth = (year: number, month: number): number =>
  month === 2
    ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
      ? 29
      : 28
    : month === 4 || month === 6 || month === 9 || month === 11
      ? 30
      : 31

/**
 * Whether a string TIMESTAMP matches names a real instant: a day its month
 * has, a time of day, an offset under a day. The fields sit at fixed places,
 * so they are read by position; every record has dozens of timestamps, and
 * this is several times cheaper than `Date.parse` (which also lets 30 February
 * and 24:00 through).
 */
const isRealDateTime = (s: string): boolean => {
  const year = twoDigits(s, 0) * 100 + twoDigits(s, 2)
  const month = twoDigits(s, 5)
  const day = twoDigits(s, 8)
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false
  if (twoDigits(s, 11) > 23 || twoDigits(s, 14) > 59 || twoDigits(s, 17) > 59) return false
  // Z, ±hh:mm or ±hh:mmZ at the end.
  const end = s.charCodeAt(s.length - 1) === Z ? s.length - 1 : s.length
  const sign = s.charCodeAt(end - 6)
  const numericOffset = end - 6 > 18 && (sign === PLUS || sign === MINUS)
  return !numericOffset || (twoDigits(s, end - 5) <= 23 && twoDigits(s, end - 2) <= 59)
}

/** Whether a string TIMESTAMP matches ends in the old `+00:00Z` form: an offset and Z both. */
const hasOffsetAndZ = (s: string): boolean => {
  const sign = s.charCodeAt(s.length - 7)
  return s.charCodeAt(s.length - 1) === Z && (sign === PLUS || sign === MINUS) && s.charCodeAt(s.length - 4) === COLON
}

/**
 * A date-time string, handed on in valid RFC 3339 with its precision kept.
 * The old `+00:00Z` form (offset and Z both) loses its redundant `Z`.
 */
export const Timestamp = withSchema(
  normalisingCodec(
    'date-time',
    (u): u is string => typeof u === 'string' && TIMESTAMP.test(u),
    (u) => {
      if (typeof u !== 'string' || !TIMESTAMP.test(u) || !isRealDateTime(u)) return INVALID
      return hasOffsetAndZ(u) ? u.slice(0, -1) : u
    },
  ),
  { type: 'string', format: 'date-time' },
)

/** A plan limit: a count, or the string "unlimited". */
export const Limit = t.union([t.number, t.literal('unlimited')])

/** A JSON object whose inner structure the API does not fix (settings blobs). */
export const JsonObject = t.UnknownRecord

/** An id sent as an integer or a string; handed on as a string (no information lost). */
export const IdString = withSchema(
  normalisingCodec(
    'string (or integer)',
    (u): u is string => typeof u === 'string',
    (u) => (typeof u === 'string' ? u : Number.isInteger(u) ? String(u) : INVALID),
  ),
  { type: 'string' },
)

/** An integer id that is sometimes sent as a numeric string; handed on as an integer. */
export const IntOrNumericString = withSchema(
  normalisingCodec(
    'integer (or numeric string)',
    (u): u is number => Number.isInteger(u),
    (u) =>
      Number.isInteger(u)
        ? (u as number)
        : typeof u === 'string' && /^-?\d+$/.test(u) && Number.isSafeInteger(Number(u))
          ? Number(u)
          : INVALID,
  ),
  { type: 'integer' },
)

/** JSON kept as JSON (nested lists of trigger definitions): any array. */
export const JsonArray = t.array(t.unknown)

/** Any JSON value at all (a department event's `value`: its type is not documented). */
export const AnyJson = t.unknown

/**
 * An array whose items may be null (schema-level in other connectors: `webpath`,
 * `history`, `tags`, `members`...). The nulls are kept: their places count.
 */
export const arrayOfNullable = <C extends t.Mixed>(item: C) => t.array(nullable(item))

/** One scalar of a list the API sends where an object was expected (a `webpath` entry as a list). */
export const ListScalar = t.union([t.string, t.number, t.null])
