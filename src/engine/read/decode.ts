/**
 * A response body → the stream's records, each validated by its codec. The
 * first record that does not fit stops the page with a line that names the
 * stream, the record, the field, and what was expected and found.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import type { DecodeError, Failure } from '../../core/failure.js'
import { INVALID, quickDecoder } from '../../core/quick-decode.js'
import type { RecordsAt, StreamDef } from '../../streams/stream.js'

/** The JSON type of a value, as a user would name it. */
export const jsonTypeOf = (value: unknown): string => {
  if (value === null) return 'null'
  if (value === undefined) return 'nothing (field missing)'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isInteger(value) ? `integer ${value}` : `number ${value}`
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`
  return typeof value
}

/** Codecs that only combine others: their context keys are member positions, not field names. */
const COMBINATORS = new Set(['UnionType', 'IntersectionType', 'RefinementType', 'ExactType'])

/**
 * Where an io-ts error happened, as `plan.max_agents` or `departments[2]`, and
 * the name of the outermost codec at that place (a union reads as the union).
 */
const locate = (error: t.ValidationError): { path: string; expected: string } => {
  let path = ''
  let expected = error.context[0]?.type.name ?? 'value'
  for (let i = 1; i < error.context.length; i++) {
    const parent = error.context[i - 1]!.type as { _tag?: string }
    const entry = error.context[i]!
    if (COMBINATORS.has(parent._tag ?? '')) continue
    path += parent._tag === 'ArrayType' ? `[${entry.key}]` : path === '' ? entry.key : `.${entry.key}`
    expected = entry.type.name
  }
  return { path: path === '' ? '(record)' : path, expected }
}

const recordId = (stream: StreamDef, raw: unknown, index: number): string => {
  if (typeof raw === 'object' && raw !== null) {
    const values = stream.keyProperties.map((k) => (raw as Record<string, unknown>)[k])
    if (values.length > 0 && values.every((v) => typeof v === 'string' || typeof v === 'number')) {
      return values.map((v) => JSON.stringify(v)).join('/')
    }
  }
  return `#${index + 1} of the page`
}

/**
 * The catalog field to deselect for a failure at `path` (`session.end_date`,
 * `history[3].msg_id` → `history`: catalogs select fields of objects, not of
 * array items); none for the record itself or a field the stream needs.
 */
const deselectable = (stream: StreamDef, path: string): readonly string[] => {
  if (path === '(record)') return []
  const bracket = path.indexOf('[')
  const fields = (bracket < 0 ? path : path.slice(0, bracket)).split('.')
  const automatic = [...stream.keyProperties, ...(stream.replication.method === 'INCREMENTAL' ? [stream.replication.key] : [])]
  return fields[0] === '' || automatic.includes(fields[0]!) ? [] : fields
}

const decodeFailure = (stream: StreamDef, raw: unknown, index: number, errors: t.Errors): DecodeError => {
  // Of a union's alternatives, the one that got deepest says most about what is wrong.
  const deepest = [...errors].sort((a, b) => b.context.length - a.context.length)[0]!
  const { path, expected } = locate(deepest)
  return {
    _tag: 'DecodeError',
    stream: stream.name,
    record: recordId(stream, raw, index),
    path,
    expected,
    actual: jsonTypeOf(deepest.value),
    deselect: deselectable(stream, path),
  }
}

const shapeFailure = (stream: StreamDef, expected: string, body: unknown): DecodeError => ({
  _tag: 'DecodeError',
  stream: stream.name,
  record: '(response)',
  path: '(body)',
  expected,
  actual: jsonTypeOf(body),
})

/** A field of a JSON object body; undefined for anything else. */
export const fieldOf = (body: unknown, field: string): unknown =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>)[field] : undefined

/** The raw records of a response, by the stream's `records` rule. */
export const rawRecords = (stream: StreamDef, at: RecordsAt, body: unknown): E.Either<Failure, readonly unknown[]> => {
  switch (at.kind) {
    case 'body':
      return typeof body === 'object' && body !== null && !Array.isArray(body)
        ? E.right([body])
        : E.left(shapeFailure(stream, 'an object', body))
    case 'array':
      return Array.isArray(body) ? E.right(body) : E.left(shapeFailure(stream, 'an array', body))
    case 'objectIn': {
      const inner = fieldOf(body, at.field)
      return typeof inner === 'object' && inner !== null && !Array.isArray(inner)
        ? E.right([inner])
        : E.left(shapeFailure(stream, `an object with an object "${at.field}"`, body))
    }
    case 'arrayIn': {
      const inner = fieldOf(body, at.field)
      return Array.isArray(inner) ? E.right(inner) : E.left(shapeFailure(stream, `an object with an array "${at.field}"`, body))
    }
    case 'valuesIn': {
      const inner = fieldOf(body, at.field)
      return typeof inner === 'object' && inner !== null && !Array.isArray(inner)
        ? E.right(Object.values(inner))
        : E.left(shapeFailure(stream, `an object with an object "${at.field}"`, body))
    }
    case 'groups': {
      const { fields, tagField } = at
      const records: unknown[] = []
      for (const field of fields) {
        const group = fieldOf(body, field) ?? []
        if (!Array.isArray(group)) return E.left(shapeFailure(stream, `an object with arrays ${fields.join(', ')}`, body))
        for (const r of group) {
          // Absent or null: the array says which kind the record is.
          records.push(
            typeof r === 'object' && r !== null && (r as Record<string, unknown>)[tagField] == null ? { ...r, [tagField]: field } : r,
          )
        }
      }
      return E.right(records)
    }
  }
}

/**
 * A record decoder for `stream`: the record, or a failure that names it by
 * its key or by `index`, its place in the page.
 */
export const recordDecoder = (
  stream: StreamDef,
  codec: t.Mixed = stream.codec,
): ((raw: unknown, index: number) => E.Either<Failure, Record<string, unknown>>) => {
  const quick = quickDecoder(codec)
  return (raw, index) => {
    const record = quick(raw)
    if (record !== INVALID) return E.right(record as Record<string, unknown>)
    // The quick decoder only says no: the codec's own decode says where and why.
    const result = codec.decode(raw)
    return E.isLeft(result) ? E.left(decodeFailure(stream, raw, index, result.left)) : E.right(result.right as Record<string, unknown>)
  }
}

/** Decode a whole response that is not records (a search page): a failure names the field of the response. */
export const decodeResponse =
  <A>(stream: StreamDef, codec: t.Decoder<unknown, A>) =>
  (body: unknown): E.Either<Failure, A> =>
    E.mapLeft((errors: t.Errors): Failure => {
      const { deselect: _none, ...failure } = decodeFailure(stream, body, 0, errors)
      return { ...failure, record: '(response)' }
    })(codec.decode(body))
