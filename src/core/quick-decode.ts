/**
 * io-ts codec → a quick decoder: the same answer as the codec's `decode` for
 * every JSON value, without the error report. io-ts builds a context (an array and
 * an entry) for every field it visits and a list of errors for every union
 * member and absent optional field that does not fit, even when the record is
 * valid; that was most of the CPU a sync spent per record. The quick decoder
 * walks the same codec tree with io-ts's own rules (copy on change, first union
 * member that fits, intersections merged as io-ts merges them) and allocates
 * only where a value is normalised. When it says "invalid", the caller runs the
 * codec's `decode` to learn where and why: the codecs stay the only description
 * of a payload, and io-ts stays the judge of what is wrong.
 *
 * Codecs of our own (quirks) that check and normalise with one function declare
 * it with `normalisingCodec`, so the quick decoder calls that function directly;
 * any other codec it does not know is run through its own `validate`.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'

/** What a quick decoder answers for a value its codec rejects. */
export const INVALID: unique symbol = Symbol('invalid')
export type Invalid = typeof INVALID

export type QuickDecoder<A> = (u: unknown) => A | Invalid

/**
 * Normalising functions of codecs made by `normalisingCodec`, keyed by the
 * codec's `validate`: copies of a codec (`withSchema`, `annotate`) share it.
 */
const normalisers = new WeakMap<t.Validate<unknown, unknown>, QuickDecoder<unknown>>()

/**
 * A codec defined by one function that accepts a value and hands on its
 * normal form, or answers INVALID: io-ts's `validate` and the quick decoder
 * both run it, so they cannot disagree.
 */
export const normalisingCodec = <A>(name: string, is: (u: unknown) => u is A, normalise: QuickDecoder<A>): t.Type<A, A, unknown> => {
  const validate: t.Validate<unknown, A> = (u, c) => {
    const a = normalise(u)
    return a === INVALID ? t.failure(u, c) : t.success(a)
  }
  normalisers.set(validate as t.Validate<unknown, unknown>, normalise)
  return new t.Type<A, A, unknown>(name, is, validate, t.identity)
}

/** Tags of io-ts codecs whose `validate` is exactly `is(u) ? success(u) : failure`. */
const CHECK_ONLY = new Set([
  'StringType',
  'NumberType',
  'BigIntType',
  'BooleanType',
  'NullType',
  'UndefinedType',
  'VoidType',
  'UnknownType',
  'AnyType',
  'LiteralType',
  'KeyofType',
  'AnyDictionaryType',
  'AnyArrayType',
  'ObjectType',
  'FunctionType',
])

type Tagged = t.Mixed & {
  readonly _tag?: string
  readonly props?: t.Props
  readonly types?: readonly t.Mixed[]
  readonly type?: t.Mixed
  readonly predicate?: (a: unknown) => boolean
}

type Row = Record<string, unknown>

const hasOwn = Object.prototype.hasOwnProperty
const NO_CONTEXT: t.Context = []

const isRecord = (u: unknown): u is Row => t.UnknownRecord.is(u)

/** io-ts's merge of an intersection's decoded parts (its `mergeAll`), rule for rule. */
const mergeParts = (base: unknown, parts: readonly unknown[]): unknown => {
  let equal = true
  let primitive = true
  for (const part of parts) {
    if (part !== base) equal = false
    if (isRecord(part)) primitive = false
  }
  if (equal) return base
  if (primitive) return parts[parts.length - 1]
  const baseIsNotADictionary = !isRecord(base)
  const merged: Row = {}
  for (const part of parts) {
    for (const k in part as Row) {
      if (!hasOwn.call(merged, k) || baseIsNotADictionary || (part as Row)[k] !== (base as Row)[k]) merged[k] = (part as Row)[k]
    }
  }
  return merged
}

const checkOnly =
  (codec: t.Mixed): QuickDecoder<unknown> =>
  (u) =>
    codec.is(u) ? u : INVALID

const viaValidate =
  (codec: t.Mixed): QuickDecoder<unknown> =>
  (u) => {
    const result = codec.validate(u, NO_CONTEXT)
    return E.isRight(result) ? result.right : INVALID
  }

const fieldsOf = (props: t.Props): { readonly keys: string[]; readonly decoders: QuickDecoder<unknown>[] } => {
  const keys = Object.keys(props)
  return { keys, decoders: keys.map((k) => quickDecoder(props[k]!)) }
}

const interfaceDecoder = (props: t.Props): QuickDecoder<unknown> => {
  const { keys, decoders } = fieldsOf(props)
  return (u) => {
    if (!isRecord(u)) return INVALID
    let a = u
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!
      const ak = a[k]
      const vak = decoders[i]!(ak)
      if (vak === INVALID) return INVALID
      if (vak !== ak || (vak === undefined && !hasOwn.call(a, k))) {
        if (a === u) a = { ...u }
        a[k] = vak
      }
    }
    return a
  }
}

/**
 * A partial codec's fields read from the object's own keys rather than from
 * the codec's: most optional fields of a record are absent, and looking each
 * of them up costs more than the fields that are there. Objects that are not
 * plain, and codecs with a field name Object.prototype has, go field by field
 * as io-ts does; a plain object's non-enumerable fields (JSON makes none) are
 * not looked at.
 */
const partialDecoder = (props: t.Props): QuickDecoder<unknown> => {
  const { keys, decoders } = fieldsOf(props)
  const byKey = new Map(keys.map((k, i) => [k, decoders[i]!]))
  // Fields io-ts fills in when absent (a decoder that makes something of undefined), in codec order as io-ts adds them.
  const filled = keys.flatMap((k, i) => {
    const value = decoders[i]!(undefined)
    return value === INVALID || value === undefined ? [] : [{ k, decode: decoders[i]! }]
  })
  const plainKeys = keys.every((k) => !(k in Object.prototype))
  const byCodecKeys = (u: Row): unknown => {
    let a = u
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!
      const ak = a[k]
      const vak = decoders[i]!(ak)
      // An absent field that does not fit is no error: it is optional.
      if (vak === INVALID) {
        if (ak !== undefined) return INVALID
      } else if (vak !== ak) {
        if (a === u) a = { ...u }
        a[k] = vak
      }
    }
    return a
  }
  return (u) => {
    if (!isRecord(u)) return INVALID
    if (!plainKeys || Object.getPrototypeOf(u) !== Object.prototype) return byCodecKeys(u)
    let a = u
    for (const k in u) {
      const decode = byKey.get(k)
      const ak = u[k]
      if (decode === undefined || ak === undefined) continue
      const vak = decode(ak)
      if (vak === INVALID) return INVALID
      if (vak !== ak) {
        if (a === u) a = { ...u }
        a[k] = vak
      }
    }
    for (const { k, decode } of filled) {
      if (u[k] !== undefined) continue
      if (a === u) a = { ...u }
      a[k] = decode(undefined)
    }
    return a
  }
}

const arrayDecoder = (item: t.Mixed): QuickDecoder<unknown> => {
  const decodeItem = quickDecoder(item)
  return (u) => {
    if (!Array.isArray(u)) return INVALID
    let as: unknown[] = u
    for (let i = 0; i < u.length; i++) {
      const ui: unknown = u[i]
      const ai = decodeItem(ui)
      if (ai === INVALID) return INVALID
      if (ai !== ui) {
        if (as === u) as = u.slice()
        as[i] = ai
      }
    }
    return as
  }
}

const unionDecoder = (members: readonly t.Mixed[]): QuickDecoder<unknown> => {
  const decoders = members.map(quickDecoder)
  if (decoders.length === 2) {
    // The usual union, `nullable`: two members, without a loop.
    const [first, second] = decoders as [QuickDecoder<unknown>, QuickDecoder<unknown>]
    return (u) => {
      const a = first(u)
      return a === INVALID ? second(u) : a
    }
  }
  return (u) => {
    for (const decode of decoders) {
      const a = decode(u)
      if (a !== INVALID) return a
    }
    return INVALID
  }
}

const intersectionDecoder = (members: readonly t.Mixed[]): QuickDecoder<unknown> => {
  const decoders = members.map(quickDecoder)
  if (decoders.length === 0) return (u) => u
  if (decoders.length === 2) {
    // The usual intersection, `record`: required and optional fields, with no array of parts unless one changed.
    const [first, second] = decoders as [QuickDecoder<unknown>, QuickDecoder<unknown>]
    return (u) => {
      const a = first(u)
      if (a === INVALID) return INVALID
      const b = second(u)
      if (b === INVALID) return INVALID
      return a === u && b === u ? u : mergeParts(u, [a, b])
    }
  }
  return (u) => {
    let unchanged = true
    const parts: unknown[] = new Array(decoders.length)
    for (let i = 0; i < decoders.length; i++) {
      const a = decoders[i]!(u)
      if (a === INVALID) return INVALID
      if (a !== u) unchanged = false
      parts[i] = a
    }
    return unchanged ? u : mergeParts(u, parts)
  }
}

const refinementDecoder = (inner: t.Mixed, predicate: (a: unknown) => boolean): QuickDecoder<unknown> => {
  const decodeInner = quickDecoder(inner)
  return (u) => {
    const a = decodeInner(u)
    return a === INVALID || !predicate(a) ? INVALID : a
  }
}

const build = (codec: t.Mixed): QuickDecoder<unknown> => {
  const normalise = normalisers.get(codec.validate as t.Validate<unknown, unknown>)
  if (normalise !== undefined) return normalise
  const c = codec as Tagged
  switch (c._tag) {
    // The commonest checks, written out: a call through each codec's `is` costs more than the check.
    case 'StringType':
      return (u) => (typeof u === 'string' ? u : INVALID)
    case 'NumberType':
      return (u) => (typeof u === 'number' ? u : INVALID)
    case 'BooleanType':
      return (u) => (typeof u === 'boolean' ? u : INVALID)
    case 'NullType':
      return (u) => (u === null ? u : INVALID)
    case 'InterfaceType':
      return interfaceDecoder(c.props!)
    case 'PartialType':
      return partialDecoder(c.props!)
    case 'ArrayType':
      return arrayDecoder(c.type!)
    case 'UnionType':
      return unionDecoder(c.types!)
    case 'IntersectionType':
      return intersectionDecoder(c.types!)
    case 'RefinementType':
      return refinementDecoder(c.type!, c.predicate!)
    default:
      return c._tag !== undefined && CHECK_ONLY.has(c._tag) ? checkOnly(codec) : viaValidate(codec)
  }
}

const decoders = new WeakMap<t.Mixed, QuickDecoder<unknown>>()

/** The quick decoder of a codec, built once per codec. */
export const quickDecoder = <A>(codec: t.Type<A, unknown, unknown>): QuickDecoder<A> => {
  const known = decoders.get(codec as t.Mixed)
  if (known !== undefined) return known as QuickDecoder<A>
  const decoder = build(codec as t.Mixed)
  decoders.set(codec as t.Mixed, decoder)
  return decoder as QuickDecoder<A>
}
