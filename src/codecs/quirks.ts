/**
 * Codecs for the irregularities real Zendesk Chat payloads show (see API.md,
 * "Data quirks"). Each accepts every form seen in the wild and hands on one
 * form, losing no information.
 */
import * as t from 'io-ts'
import { withSchema } from '../core/json-schema.js'

/** A value or null: the API sends null for most absent values. */
export const nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null])

/**
 * A record codec: `required` fields must be present, every `optional` field may
 * be missing or null. Unknown fields pass through (the engine reports them).
 */
export const record = <R extends t.Props, O extends t.Props>(required: R, optional: O) =>
  t.intersection([
    t.type(required),
    t.partial(Object.fromEntries(Object.entries(optional).map(([k, v]) => [k, nullable(v)])) as unknown as {
      [K in keyof O]: t.UnionC<[O[K], t.NullC]>
    }),
  ])

/** Like `record`, for nested objects where nothing is guaranteed. */
export const optionalFields = <O extends t.Props>(optional: O) => record({}, optional)

/** `true`/`false`, also sent as 1/0 (documented as an integer). Decodes to a boolean. */
export const BoolOrInt = withSchema(
  new t.Type<boolean, boolean, unknown>(
    'boolean (or 0/1)',
    (u): u is boolean => typeof u === 'boolean',
    (u, c) => (typeof u === 'boolean' ? t.success(u) : u === 0 || u === 1 ? t.success(u === 1) : t.failure(u, c)),
    t.identity,
  ),
  { type: 'boolean' },
)

/** RFC 3339 as the API writes it: `Z`, numeric offsets, fractions of a second, `+00:00Z`. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}|[+-]\d{2}:\d{2}Z)$/

/**
 * A date-time string, handed on in valid RFC 3339 with its precision kept.
 * The old `+00:00Z` form (offset and Z both) loses its redundant `Z`.
 */
export const Timestamp = withSchema(
  new t.Type<string, string, unknown>(
    'date-time',
    (u): u is string => typeof u === 'string' && TIMESTAMP.test(u),
    (u, c) => {
      if (typeof u !== 'string' || !TIMESTAMP.test(u) || Number.isNaN(Date.parse(u.replace(/([+-]\d{2}:\d{2})Z$/, '$1')))) {
        return t.failure(u, c)
      }
      return t.success(u.replace(/([+-]\d{2}:\d{2})Z$/, '$1'))
    },
    t.identity,
  ),
  { type: 'string', format: 'date-time' },
)

/** A plan limit: a count, or the string "unlimited". */
export const Limit = t.union([t.number, t.literal('unlimited')])

/** A JSON object whose inner structure the API does not fix (settings blobs). */
export const JsonObject = t.UnknownRecord

/** An id sent as an integer or a string; handed on as a string (no information lost). */
export const IdString = withSchema(
  new t.Type<string, string, unknown>(
    'string (or integer)',
    (u): u is string => typeof u === 'string',
    (u, c) => (typeof u === 'string' ? t.success(u) : Number.isInteger(u) ? t.success(String(u)) : t.failure(u, c)),
    t.identity,
  ),
  { type: 'string' },
)

/** An integer id that is sometimes sent as a numeric string; handed on as an integer. */
export const IntOrNumericString = withSchema(
  new t.Type<number, number, unknown>(
    'integer (or numeric string)',
    (u): u is number => Number.isInteger(u),
    (u, c) =>
      Number.isInteger(u)
        ? t.success(u as number)
        : typeof u === 'string' && /^-?\d+$/.test(u) && Number.isSafeInteger(Number(u))
          ? t.success(Number(u))
          : t.failure(u, c),
    t.identity,
  ),
  { type: 'integer' },
)

/** JSON kept as JSON (nested lists of trigger definitions): any array. */
export const JsonArray = t.array(t.unknown)
