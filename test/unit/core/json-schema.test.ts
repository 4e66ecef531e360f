import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { Limit, nullable, record, Timestamp } from '../../../src/codecs/quirks.js'
import { annotate, toJsonSchema, withSchema } from '../../../src/core/json-schema.js'
import { streamSchema } from '../../../src/engine/catalog.js'
import { STREAMS } from '../../../src/streams/index.js'
import { newAjv } from '../../support/singer.js'
import { SAMPLES } from '../../support/samples.js'
import { rightOf } from '../../support/either.js'

describe('JSON Schema derived from codecs', () => {
  it('maps io-ts primitives, integers, arrays and nullables', () => {
    expect(toJsonSchema(t.string)).to.deep.equal({ type: 'string' })
    expect(toJsonSchema(t.Int)).to.deep.equal({ type: 'integer' })
    expect(toJsonSchema(t.array(t.Int))).to.deep.equal({ type: 'array', items: { type: 'integer' } })
    expect(toJsonSchema(nullable(t.string))).to.deep.equal({ type: ['string', 'null'] })
    expect(toJsonSchema(nullable(Timestamp))).to.deep.equal({ type: ['string', 'null'], format: 'date-time' })
    expect(toJsonSchema(t.union([t.literal('a'), t.literal('b')]))).to.deep.equal({ enum: ['a', 'b'] })
  })

  it('any object and any array (settings blobs) are an object and an array', () => {
    expect(toJsonSchema(t.UnknownRecord)).to.deep.equal({ type: 'object' })
    expect(toJsonSchema(t.UnknownArray)).to.deep.equal({ type: 'array' })
  })

  it('a union with an accept-anything member accepts anything; a union of unions is one anyOf', () => {
    expect(toJsonSchema(nullable(t.unknown))).to.deep.equal({})
    const entry = t.union([t.type({ a: t.string }), t.array(t.union([t.string, t.number, t.null]))])
    expect(toJsonSchema(nullable(entry))).to.deep.equal({
      anyOf: [
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
        { type: 'array', items: { type: ['string', 'number', 'null'] } },
        { type: 'null' },
      ],
    })
  })

  it('a number-or-"unlimited" limit is a number or a string', () => {
    expect(toJsonSchema(Limit)).to.deep.equal({ type: ['number', 'string'] })
  })

  it('records: required fields are required and non-null, optional ones nullable', () => {
    const schema = toJsonSchema(record({ id: t.Int }, { name: t.string, tags: t.array(t.string) }))
    expect(schema).to.deep.equal({
      type: 'object',
      properties: {
        id: { type: 'integer' },
        name: { type: ['string', 'null'] },
        tags: { type: ['array', 'null'], items: { type: 'string' } },
      },
      required: ['id'],
    })
  })

  it('annotations add keywords; withSchema replaces the schema', () => {
    expect(toJsonSchema(annotate(t.string, { description: 'd', secret: true }))).to.deep.equal({
      type: 'string',
      description: 'd',
      secret: true,
    })
    const custom = withSchema(new t.Type<string>('x', t.string.is, t.string.validate, t.identity), { type: 'string', format: 'email' })
    expect(toJsonSchema(custom)).to.deep.equal({ type: 'string', format: 'email' })
    // The annotated copy still decodes like the original.
    expect(E.isRight(custom.decode('a'))).to.equal(true)
  })

  it('refuses a codec it cannot describe rather than guessing', () => {
    const opaque = new t.Type<string>('opaque', t.string.is, t.string.validate, t.identity)
    expect(() => toJsonSchema(opaque)).to.throw(/withSchema/)
  })

  it('every stream schema is valid JSON Schema and accepts every real sample as decoded', () => {
    const ajv = newAjv()
    for (const stream of STREAMS) {
      const validate = ajv.compile(streamSchema(stream))
      const records = SAMPLES[stream.name] ?? []
      expect(records, stream.name).to.have.length.greaterThan(0)
      for (const r of records) {
        const decoded = rightOf(stream.codec.decode(r), `${stream.name}: a sample that decodes`)
        expect(validate(decoded), `${stream.name}: ${ajv.errorsText(validate.errors)}`).to.equal(true)
      }
      if (stream.keyProperties.length > 0) expect(validate({}), `${stream.name} accepts a record without its key`).to.equal(false)
    }
  })
})
