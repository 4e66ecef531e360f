import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { withSchema } from '../../../src/core/json-schema.js'
import { INVALID, normalisingCodec, quickDecoder } from '../../../src/core/quick-decode.js'
import { STREAMS } from '../../../src/streams/index.js'
import { SAMPLES } from '../../support/samples.js'

/** What io-ts's decode answers, in the quick decoder's terms. */
const ioTs = (codec: t.Mixed, value: unknown): unknown => {
  const result = codec.decode(value)
  return E.isRight(result) ? result.right : INVALID
}

/** Values with their key order, so a difference in where a field lands shows too. */
const shown = (value: unknown): string => (value === INVALID ? 'INVALID' : (JSON.stringify(value) ?? String(value)))

const expectSameAnswer = (codec: t.Mixed, value: unknown, what: string) => {
  const expected = ioTs(codec, value)
  const actual = quickDecoder(codec)(value)
  expect(shown(actual), what).to.equal(shown(expected))
  if (expected !== INVALID) expect(actual, what).to.deep.equal(expected)
}

/** Wrong, odd and quirky values to put in place of a field. */
const REPLACEMENTS: readonly unknown[] = [
  undefined,
  null,
  0,
  1,
  2,
  1.5,
  -7,
  '',
  'x',
  '42',
  '2017-04-24T12:45:32+00:00Z',
  '2021-02-30T00:00:00Z',
  true,
  [],
  ['a', 3],
  {},
  { id: 'nested' },
]

/** Every path to a value inside `value` (object fields and array positions). */
const pathsOf = (value: unknown, prefix: readonly (string | number)[] = []): (readonly (string | number)[])[] => {
  if (typeof value !== 'object' || value === null) return []
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value)
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])])
}

/** A copy of `value` with the value at `path` replaced (or the field removed, for undefined). */
const replaced = (value: unknown, path: readonly (string | number)[], by: unknown): unknown => {
  const copy = structuredClone(value) as Record<string | number, unknown>
  let at = copy
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>
  const last = path.at(-1)!
  if (by === undefined && !Array.isArray(at)) delete at[last]
  else at[last] = by
  return copy
}

describe('quick decoder', () => {
  describe('answers as io-ts does for every stream codec', () => {
    for (const stream of STREAMS) {
      it(`${stream.name}: real samples, and each of their fields replaced by wrong and quirky values`, () => {
        const samples = SAMPLES[stream.name] ?? []
        expect(samples.length).to.be.greaterThan(0)
        let variants = 0
        for (const sample of samples.slice(0, 4)) {
          expectSameAnswer(stream.codec, sample, 'the sample')
          for (const path of pathsOf(sample)) {
            for (const by of REPLACEMENTS) {
              expectSameAnswer(stream.codec, replaced(sample, path, by), `${path.join('.')} = ${shown(by)}`)
              variants += 1
            }
          }
        }
        expect(variants).to.be.greaterThan(0)
      })
    }

    it('whole values that are not records', () => {
      for (const stream of STREAMS) {
        for (const value of [null, undefined, 1, 'record', [], [{}], true])
          expectSameAnswer(stream.codec, value, `${stream.name} ${shown(value)}`)
      }
    })
  })

  describe('follows io-ts rules for every combinator', () => {
    // Fills in a field that is missing: io-ts adds such fields, at the end, in codec order.
    const Defaulted = normalisingCodec(
      'defaulted',
      (u): u is string => typeof u === 'string',
      (u) => (u === undefined ? 'default' : typeof u === 'string' ? u : INVALID),
    )
    const Upper = normalisingCodec(
      'upper',
      (u): u is string => typeof u === 'string' && u === u.toUpperCase(),
      (u) => (typeof u === 'string' ? u.toUpperCase() : INVALID),
    )
    const Positive = t.refinement(t.number, (n) => n > 0, 'Positive')
    const codecs: Record<string, t.Mixed> = {
      interface: t.type({ a: t.string, b: Upper, c: Defaulted, d: t.union([t.undefined, t.number]) }),
      partial: t.partial({ a: t.string, b: Upper, c: Defaulted, d: t.union([Upper, t.null]) }),
      'partial with a field Object.prototype has': t.partial({ toString: t.string, b: Upper }),
      'intersection of three': t.intersection([t.type({ a: Upper }), t.partial({ b: Upper }), t.partial({ c: Defaulted })]),
      'intersection of primitives': t.intersection([t.string, Upper]),
      'union of three': t.union([t.number, Upper, t.array(Upper)]),
      array: t.array(t.union([Upper, t.null])),
      refinement: t.array(Positive),
      'keyof and literal': t.type({ k: t.keyof({ x: null, y: null }), l: t.literal('z') }),
      'unknown records and arrays': t.partial({ e: t.UnknownRecord, tu: t.UnknownArray, r: t.object, a: t.unknown }),
      'codecs it runs through validate': t.type({
        e: t.exact(t.type({ a: Upper })),
        r: t.record(t.string, Upper),
        tu: t.tuple([Upper, t.number]),
      }),
      'a copy made by withSchema': t.type({ a: withSchema(Upper, { type: 'string' }) }),
    }
    const values: unknown[] = [
      {},
      { a: 'x' },
      { a: 'X', b: 'y' },
      { a: 'x', b: 'Y', c: 'z', d: 1 },
      { a: 'x', b: 'Y', d: 'w' },
      { a: 'x', b: 'Y', c: undefined, d: undefined },
      { a: 1 },
      { b: 2 },
      { toString: 'x', b: 'b' },
      { toString: 1 },
      { k: 'x', l: 'z' },
      { k: 'q', l: 'z' },
      { e: { a: 'a', extra: 1 }, r: { p: 'q' }, tu: ['t', 1, 'more'] },
      { e: { a: 1 }, r: { p: 'q' }, tu: ['t', 1] },
      Object.assign(Object.create(null) as object, { a: 'x', b: 'y' }),
      Object.assign(Object.create({ b: 'inherited' }) as object, { a: 'x' }),
      ['a', null, 'B'],
      ['a', 1],
      [1, 2, 3],
      [1, -2],
      'abc',
      'ABC',
      5,
      null,
      undefined,
    ]
    for (const [name, codec] of Object.entries(codecs)) {
      it(name, () => {
        for (const value of values) expectSameAnswer(codec, value, shown(value))
      })
    }
  })

  it('hands back the value itself when nothing in it needs normalising', () => {
    const chat = SAMPLES.chats!.find((c) => quickDecoder(STREAMS.find((s) => s.name === 'chats')!.codec)(c) === c)
    expect(chat, 'a chat sample with nothing to normalise').to.not.equal(undefined)
  })

  it('a normalising codec validates with the same function (io-ts and the quick decoder agree)', () => {
    const Trimmed = normalisingCodec(
      'trimmed',
      (u): u is string => typeof u === 'string' && u.trim() === u,
      (u) => (typeof u === 'string' && u.trim() !== '' ? u.trim() : INVALID),
    )
    expect(Trimmed.decode(' a ')).to.deep.equal(E.right('a'))
    expect(E.isLeft(Trimmed.decode('  '))).to.equal(true)
    expect(quickDecoder(Trimmed)(' a ')).to.equal('a')
    expect(quickDecoder(Trimmed)(3)).to.equal(INVALID)
  })
})
