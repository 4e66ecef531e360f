import { expect } from 'chai'
import { streamSchema } from '../../../src/engine/catalog.js'
import { flattenSchema, recordFlattener } from '../../../src/maps/flatten.js'
import { planStreamMaps, type MapPlan, type MapSettings } from '../../../src/maps/plan.js'
import { RecordMapFailure, type SourceStream } from '../../../src/maps/stream-map.js'
import { STREAMS } from '../../../src/streams/index.js'
import { README_PII_MAPS } from '../../support/readme-pii.js'
import { leftOf, rightOf } from '../../support/either.js'

const source = (name: string): SourceStream => {
  const def = STREAMS.find((s) => s.name === name)!
  const schema = streamSchema(def)
  return {
    name,
    schema,
    fullSchema: schema,
    keyProperties: def.keyProperties,
    bookmarkProperties: def.replication.method === 'INCREMENTAL' ? [def.replication.key] : [],
  }
}
const KNOWN = STREAMS.map((s) => s.name)

const planOf = (settings: MapSettings, streams = ['chats', 'agents', 'departments']): MapPlan => {
  return rightOf(planStreamMaps(settings, streams.map(source), KNOWN), 'the maps to be accepted')
}
const refusal = (settings: MapSettings, streams = ['chats', 'agents', 'departments']): string => {
  return leftOf(planStreamMaps(settings, streams.map(source), KNOWN)).join('; ')
}

const CHAT = {
  id: 'c1',
  type: 'chat',
  update_timestamp: '2024-01-02T03:04:05Z',
  message: 'my card is 4111',
  visitor: { id: 'v1', name: 'Ann', email: 'ann@example.com', phone: '+15550100', notes: '' },
  session: { id: 's1', ip: '10.1.2.3', city: 'Lagos' },
  history: [
    { type: 'chat.msg', msg: 'hello', name: 'Ann' },
    { type: 'chat.msg', msg: 'my card is 4111', name: 'Ann' },
  ],
  tags: ['vip'],
}

/** The README's PII example. */
const PII: MapSettings = { streamMaps: README_PII_MAPS, streamMapConfig: { salt: 'pepper' } }

const props = (schema: unknown): Record<string, Record<string, unknown>> =>
  (schema as { properties: Record<string, Record<string, unknown>> }).properties

describe('stream maps: plan, SCHEMA and records', () => {
  it('no maps and no flattening: an empty plan (records are written as before)', () => {
    expect(planOf({}).size).to.equal(0)
    expect(planOf({ flatteningEnabled: false, streamMapConfig: { salt: 'x' } }).size).to.equal(0)
  })

  describe('a PII map on chats', () => {
    const [chats] = planOf(PII).get('chats')!
    // As the record is written: JSON leaves out what a map removed.
    const out = JSON.parse(JSON.stringify(chats!.transform!(CHAT))) as Record<string, unknown>

    it('hashes the nested email and phone with the salt, and keeps the rest of the visitor', () => {
      const visitor = out.visitor as Record<string, unknown>
      expect(visitor.email)
        .to.match(/^[0-9a-f]{32}$/)
        .and.not.equal('ann@example.com')
      expect(visitor.phone).to.match(/^[0-9a-f]{64}$/)
      expect(visitor.name).to.equal('Ann')
    })

    it('drops the IP, the message and the text of every history entry, in records and SCHEMA', () => {
      expect(out.message).to.equal(undefined)
      expect(out.session).to.deep.equal({ id: 's1', city: 'Lagos' })
      expect((out.history as Record<string, unknown>[]).map((h) => Object.keys(h))).to.deep.equal([
        ['type', 'name'],
        ['type', 'name'],
      ])
      expect(props(chats!.schema)).to.not.have.property('message')
      expect(props(props(chats!.schema).session).properties ?? {}).to.not.have.property('ip')
      expect(props((props(chats!.schema).history as { items: unknown }).items)).to.not.have.property('msg')
    })

    it('never changes the record it was given (the bookmark reads it)', () => {
      expect(CHAT.visitor.email).to.equal('ann@example.com')
      expect(CHAT.history[0]!.msg).to.equal('hello')
    })

    it('types the hashed fields as nullable strings and keeps key and bookmark', () => {
      expect(props(props(chats!.schema).visitor).email).to.deep.equal({ type: ['string', 'null'] })
      expect(chats!.keyProperties).to.deep.equal(['id'])
      expect(chats!.bookmarkProperties).to.deep.equal(['update_timestamp'])
    })
  })

  it('computed properties get the type of their value; __else__: null keeps only them, the key and the bookmark field', () => {
    const [chats] = planOf({
      streamMaps: { chats: { n_tags: 'len(tags)', vip: "'vip' in tags", domain: "visitor['email'].split('@')[-1]", __else__: null } },
    }).get('chats')!
    expect(Object.keys(props(chats!.schema))).to.deep.equal(['id', 'update_timestamp', 'n_tags', 'vip', 'domain'])
    expect(props(chats!.schema).n_tags).to.deep.equal({ type: ['integer', 'null'] })
    expect(props(chats!.schema).vip).to.deep.equal({ type: ['boolean', 'null'] })
    expect(props(chats!.schema).domain).to.deep.equal({ type: ['string', 'null'] })
    expect(chats!.transform!(CHAT)).to.deep.equal({
      id: 'c1',
      update_timestamp: '2024-01-02T03:04:05Z',
      n_tags: 1,
      vip: true,
      domain: 'example.com',
    })
  })

  it('__filter__ drops records; __alias__ renames; __source__ makes a second stream; __key_properties__ sets its key', () => {
    const plan = planOf({
      streamMaps: {
        chats: { __alias__: 'conversations', __filter__: "type == 'chat'" },
        chats_pii: { __source__: 'chats', visitor: 'visitor', __else__: null },
        departments: { __key_properties__: ['name_hash'], id: null, name_hash: 'md5(name)' },
      },
    })
    const [conversations, pii] = plan.get('chats')!
    expect(conversations!.name).to.equal('conversations')
    expect(conversations!.transform!(CHAT)).to.not.equal(undefined)
    expect(conversations!.transform!({ ...CHAT, type: 'offline_msg' })).to.equal(undefined)
    expect(pii!.name).to.equal('chats_pii')
    expect(Object.keys(pii!.transform!(CHAT)!)).to.deep.equal(['id', 'update_timestamp', 'visitor'])
    const [departments] = plan.get('departments')!
    expect(departments!.keyProperties).to.deep.equal(['name_hash'])
    expect(props(departments!.schema)).to.not.have.property('id')
  })

  it('a stream mapped to null, or left out under a top-level __else__: null, has no written stream', () => {
    expect(planOf({ streamMaps: { agents: null } }).get('agents')).to.deep.equal([])
    const plan = planOf({ streamMaps: { chats: {}, __else__: null } })
    expect(plan.get('agents')).to.deep.equal([])
    expect(plan.get('chats')).to.have.length(1)
  })

  it('a glob applies the map to every stream it matches, and __alias__ may be an expression over __stream_name__', () => {
    const plan = planOf({ streamMaps: { '*': { __alias__: "__stream_name__ + '_v2'" } } })
    expect([...plan.values()].map((s) => s[0]!.name)).to.deep.equal(['chats_v2', 'agents_v2', 'departments_v2'])
  })

  describe('refusals, each naming the setting, stream and field', () => {
    const cases: [string, MapSettings, RegExp][] = [
      ['a stream zchat does not have', { streamMaps: { chat: { x: 'id' } } }, /stream_maps\.chat: there is no zchat stream named chat/],
      ['a pattern that matches no stream', { streamMaps: { 'zz*': {} } }, /the pattern zz\* matches no zchat stream/],
      [
        'removing a field the stream does not have',
        { streamMaps: { chats: { 'visitor.emial': null } } },
        /stream_maps\.chats\.visitor\.emial: stream chats has no field visitor\.emial to remove/,
      ],
      [
        'a nested path through a field that is not an object',
        { streamMaps: { chats: { 'message.x': null } } },
        /field message is not an object/,
      ],
      [
        'removing the key property',
        { streamMaps: { chats: { id: null } } },
        /removing the key property id of stream chats is refused; use __key_properties__/,
      ],
      [
        'removing the replication key',
        { streamMaps: { chats: { update_timestamp: null } } },
        /removing update_timestamp, the field stream chats's bookmark moves on \(its replication key\), is refused/,
      ],
      [
        'a key property that is not a field',
        { streamMaps: { chats: { __key_properties__: ['nope'] } } },
        /key property nope of stream chats is not among its fields/,
      ],
      ['an expression that does not parse', { streamMaps: { chats: { x: 'md5(' } } }, /stream_maps\.chats\.x: "md5\(": does not parse/],
      [
        'an expression naming a missing field',
        { streamMaps: { chats: { x: "record['visitor']['emial']" } } },
        /stream_maps\.chats\.x: .*has no field visitor\.emial/,
      ],
      [
        'a filter naming a missing name',
        { streamMaps: { chats: { __filter__: 'typo == 1' } } },
        /stream_maps\.chats: __filter__ "typo == 1": name typo is not defined/,
      ],
      ['an unknown option', { streamMaps: { chats: { __filtre__: 'True' } } }, /__filtre__ is not an option of a stream map/],
      ['__else__ other than null', { streamMaps: { chats: { __else__: 'x' } } }, /__else__ can only be null/],
      ['a top-level option', { streamMaps: { __alias__: 'x' } }, /stream_maps\.__alias__: is not an option/],
      [
        'a property that is neither an expression nor null',
        { streamMaps: { chats: { x: 5 } } },
        /stream_maps\.chats\.x: expected an expression \(a string\) or null, got 5/,
      ],
      ['two maps writing the same stream', { streamMaps: { chats: { __alias__: 'agents' } } }, /stream agents would be written twice/],
      ['flattening without a depth', { flatteningEnabled: true }, /flattening_max_depth: required when flattening_enabled is true/],
      ['stream_maps that is not an object', { streamMaps: '[1]' }, /stream_maps: expected an object/],
    ]
    for (const [what, settings, expected] of cases) {
      it(what, () => {
        expect(refusal(settings)).to.match(expected)
      })
    }
  })

  it('stream_maps given as JSON text (Meltano --config ENV) is read as the object', () => {
    expect(planOf({ streamMaps: JSON.stringify({ agents: null }) }).get('agents')).to.deep.equal([])
  })

  it('an expression failing on a record names the map, stream, record and expression', () => {
    const [chats] = planOf({ streamMaps: { chats: { 'visitor.email': 'md5(self)' } } }).get('chats')!
    expect(() => chats!.transform!({ ...CHAT, visitor: { email: null } })).to.throw(
      RecordMapFailure,
      /^stream_maps\.chats\.visitor\.email: stream chats, record "c1": "md5\(self\)" failed: AttributeError: 'NoneType' object has no attribute 'encode'/,
    )
  })
})

/** A record as its RECORD line carries it: JSON leaves out what is undefined. */
const asWritten = (record: unknown): unknown => JSON.parse(JSON.stringify(record))

describe('flattening (the SDK rules)', () => {
  const schema = {
    type: 'object',
    properties: {
      id: { type: 'string' },
      visitor: {
        type: ['object', 'null'],
        properties: { email: { type: ['string', 'null'] }, geo: { type: 'object', properties: { city: { type: 'string' } } } },
      },
      tags: { type: ['array', 'null'], items: { type: 'string' } },
      kind: { enum: ['a', 'b'] },
    },
    required: ['id', 'visitor'],
  }

  it('depth 1: one level of columns, deeper objects and arrays as JSON text', () => {
    const flat = flattenSchema(schema, 1)
    expect(flat.properties).to.deep.equal({
      id: { type: 'string' },
      visitor__email: { type: ['string', 'null'] },
      visitor__geo: { type: 'string' },
      tags: { type: ['string', 'null'] },
      kind: { enum: ['a', 'b'] },
    })
    expect(flat.required).to.deep.equal(['id'])
    const record = asWritten(
      recordFlattener(flat, 1)({ id: 'x', visitor: { email: 'é@x', geo: { city: 'Oslo' } }, tags: ['a', 'b'], kind: 'a' }),
    )
    expect(record).to.deep.equal({ id: 'x', visitor__email: 'é@x', visitor__geo: '{"city":"Oslo"}', tags: '["a","b"]', kind: 'a' })
  })

  it('depth 2 opens the next level; a null object leaves its columns absent', () => {
    const flat = flattenSchema(schema, 2)
    expect(Object.keys(flat.properties as object)).to.deep.equal(['id', 'visitor__email', 'visitor__geo__city', 'tags', 'kind'])
    expect(asWritten(recordFlattener(flat, 2)({ id: 'x', visitor: null, tags: null }))).to.deep.equal({ id: 'x', tags: null })
  })

  it("JSON text is compact, characters beyond ASCII as themselves (the same JSON as Python's)", () => {
    const flat = flattenSchema(schema, 1)
    expect(recordFlattener(flat, 1)({ id: 'x', visitor: { geo: { city: 'Zürich' } } }).visitor__geo).to.equal('{"city":"Zürich"}')
  })

  it('refuses a schema where two fields would make one column', () => {
    const clash = { type: 'object', properties: { a__b: { type: 'string' }, a: { type: 'object', properties: { b: { type: 'string' } } } } }
    expect(() => flattenSchema(clash, 1)).to.throw(/flattening makes the column a__b twice/)
  })

  it('maps run first, then flattening, in SCHEMA and records alike', () => {
    const [chats] = planOf({ ...PII, flatteningEnabled: true, flatteningMaxDepth: 1 }).get('chats')!
    const out = chats!.transform!(CHAT)!
    expect(out.visitor__email).to.match(/^[0-9a-f]{32}$/)
    expect(out).to.not.have.property('session__ip')
    expect(out.session__city).to.equal('Lagos')
    expect(JSON.parse(out.history as string)).to.deep.equal([
      { type: 'chat.msg', name: 'Ann' },
      { type: 'chat.msg', name: 'Ann' },
    ])
    expect(props(chats!.schema).visitor__email).to.deep.equal({ type: ['string', 'null'] })
    expect(props(chats!.schema).history).to.deep.equal({ type: ['string', 'null'] })
  })
})
