/** The test helpers that stand in for Meltano and the SDK checks: they must follow the rules they emulate. */
import { expect } from 'chai'
import { attributesOf, breaches, instantNanos, isRfc3339DateTime } from '../../support/attributes.js'
import type { Catalog } from '../../support/catalog.js'
import {
  applyMetadataRules,
  catalogRules,
  fnmatch,
  parseSelectPattern,
  selectedProperties,
  selectMetadataRules,
} from '../../support/meltano-catalog.js'
import { echoedStateLines, MeltanoStateBackend } from '../../support/meltano.js'

/** A catalog as zchat discovers it: metadata for the stream and each top-level property, keys automatic. */
const catalog = (): Catalog => ({
  streams: [
    {
      tap_stream_id: 'users',
      stream: 'users',
      schema: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          name: { type: ['string', 'null'] },
          email: { type: ['string', 'null'] },
          address: { type: ['object', 'null'], properties: { city: { type: ['string', 'null'] }, zip: { type: ['string', 'null'] } } },
        },
      },
      key_properties: ['id'],
      replication_method: 'FULL_TABLE',
      metadata: [
        { breadcrumb: [], metadata: { inclusion: 'available', 'selected-by-default': true } },
        { breadcrumb: ['properties', 'id'], metadata: { inclusion: 'automatic', 'selected-by-default': true } },
        { breadcrumb: ['properties', 'name'], metadata: { inclusion: 'available', 'selected-by-default': true } },
        { breadcrumb: ['properties', 'email'], metadata: { inclusion: 'available', 'selected-by-default': true } },
        { breadcrumb: ['properties', 'address'], metadata: { inclusion: 'available', 'selected-by-default': true } },
      ],
    },
    {
      tap_stream_id: 'orders',
      stream: 'orders',
      schema: { type: 'object', properties: { id: { type: 'integer' }, total: { type: ['number', 'null'] } } },
      key_properties: ['id'],
      replication_method: 'INCREMENTAL',
      metadata: [
        { breadcrumb: [], metadata: { inclusion: 'available', 'selected-by-default': true } },
        { breadcrumb: ['properties', 'id'], metadata: { inclusion: 'automatic' } },
        { breadcrumb: ['properties', 'total'], metadata: { inclusion: 'unsupported' } },
      ],
    },
  ],
})

const selectWith = (select: string[], metadata: Record<string, unknown> = {}) =>
  Object.fromEntries(
    [...selectedProperties(applyMetadataRules(catalog(), catalogRules({ select, metadata })))].map(([s, p]) => [s, [...p].sort()]),
  )

describe("Meltano's catalog rules, emulated", () => {
  it('fnmatch: * crosses dots, ? is one character, [seq] and [!seq] are sets, the rest is literal', () => {
    expect(fnmatch('properties.address.properties.city', 'properties.*')).to.equal(true)
    expect(fnmatch('users', 'user?')).to.equal(true)
    expect(fnmatch('users', 'user')).to.equal(false)
    expect(fnmatch('b', '[abc]')).to.equal(true)
    expect(fnmatch('b', '[!abc]')).to.equal(false)
    expect(fnmatch('a.b', 'a?b')).to.equal(true)
    expect(fnmatch('axb', 'a.b')).to.equal(false)
    expect(fnmatch('[x', '[x')).to.equal(true)
    expect(fnmatch('Users', 'users')).to.equal(false)
  })

  it('parses [!]stream[.property]: the first unescaped dot splits, \\. escapes a dot in a stream name', () => {
    expect(parseSelectPattern('!a.b.c')).to.deep.equal({ stream: 'a', property: 'b.c', negated: true })
    expect(parseSelectPattern('users')).to.deep.equal({ stream: 'users', property: undefined, negated: false })
    expect(parseSelectPattern('public\\.users.id')).to.deep.equal({ stream: 'public.users', property: 'id', negated: false })
  })

  it('puts inclusions before exclusions; selecting a nested property selects its parents', () => {
    const rules = selectMetadataRules(['!users.email', 'users.address.city'])
    expect(rules.map((r) => `${r.stream} ${r.breadcrumb.join('.')} ${String(r.value)}`)).to.deep.equal([
      'users  true',
      'users properties.address.properties.city true',
      'users properties.address true',
      'users properties.email false',
    ])
  })

  it('deselects everything first: only the patterns selected remain, automatic fields always', () => {
    expect(selectWith(['users.name'])).to.deep.equal({ users: ['id', 'name'] })
    expect(selectWith(['orders.*'])).to.deep.equal({ orders: ['id'] })
  })

  it('`*.*` (the default) selects every stream and property, nested ones too, never an unsupported one', () => {
    expect(selectWith(['*.*'])).to.deep.equal({
      users: ['address', 'address.city', 'address.zip', 'email', 'id', 'name'],
      orders: ['id'],
    })
  })

  it('an exclusion wins over an inclusion written after it; a stream-only pattern means stream.*', () => {
    expect(selectWith(['!users.e*', 'users'])).to.deep.equal({
      users: ['address', 'address.city', 'address.zip', 'id', 'name'],
    })
  })

  it('applies metadata rules after select, on the stream entry and its legacy top-level key (dashes to underscores)', () => {
    const applied = applyMetadataRules(
      catalog(),
      catalogRules({
        select: ['orders.*'],
        metadata: { orders: { 'replication-method': 'FULL_TABLE' }, users: { name: { selected: true } } },
      }),
    )
    const orders = applied.streams[1]! as unknown as Record<string, unknown> & Catalog['streams'][number]
    expect(orders.replication_method).to.equal('FULL_TABLE')
    expect(orders.selected).to.equal(true)
    expect(orders.metadata[0]!.metadata['replication-method']).to.equal('FULL_TABLE')
    const name = applied.streams[0]!.metadata.find((m) => m.breadcrumb.join('.') === 'properties.name')!
    expect(name.metadata.selected, 'a metadata rule on a field sets it').to.equal(true)
    expect(selectedProperties(applied).has('users'), 'but does not select its stream').to.equal(false)
  })

  it('adds metadata for schema properties without any: automatic at the top level, available nested', () => {
    const applied = applyMetadataRules(catalog(), [])
    const users = applied.streams[0]!.metadata
    expect(users.find((m) => m.breadcrumb.join('.') === 'properties.address.properties.zip')?.metadata).to.deep.equal({
      inclusion: 'available',
    })
  })
})

describe("Meltano's state, emulated", () => {
  it('stores what the target echoes as {"singer_state": ...}, the last line winning; lines that are not JSON are ignored', () => {
    const backend = new MeltanoStateBackend()
    expect(backend.singerState()).to.equal(undefined)
    const lines = echoedStateLines([
      { type: 'STATE', value: { bookmarks: { a: { id: 1 } }, currently_syncing: 'a' } },
      { type: 'RECORD', stream: 'a', record: { id: 2 } },
      { type: 'STATE', value: { bookmarks: { a: { id: 2 } }, currently_syncing: null } },
    ])
    for (const line of [...lines, 'not json']) backend.bookmark(line)
    expect(backend.stored).to.deep.equal({
      completed: { singer_state: { bookmarks: { a: { id: 2 } }, currently_syncing: null } },
      partial: {},
    })
    expect(backend.singerState()).to.deep.equal({ bookmarks: { a: { id: 2 } }, currently_syncing: null })
  })
})

describe('the SDK attribute checks, strictly', () => {
  it('RFC 3339: needs a real date, a time and an offset', () => {
    for (const ok of ['2024-05-31T20:58:16.590490Z', '2024-02-29T00:00:00+05:30', '2016-12-31T23:59:60Z'])
      expect(isRfc3339DateTime(ok), ok).to.equal(true)
    for (const bad of [
      '2024-05-31',
      '2024-05-31T20:58:16',
      '2023-02-29T00:00:00Z',
      '2024-05-31 20:58:16Z',
      '2024-13-01T00:00:00Z',
      1717189096,
    ]) {
      expect(isRfc3339DateTime(bad), String(bad)).to.equal(false)
    }
  })

  it('compares instants to the last digit, across offsets', () => {
    expect(instantNanos('2024-05-31T20:58:16.590490Z') > instantNanos('2024-05-31T20:58:16.590489Z')).to.equal(true)
    expect(instantNanos('2024-05-31T22:58:16Z')).to.equal(instantNanos('2024-06-01T00:58:16+02:00'))
  })

  it('finds the attributes of each kind and every value that breaks it', () => {
    const schema = {
      properties: {
        id: { type: 'integer' },
        kind: { enum: ['a', 'b'] },
        on: { type: ['boolean', 'null'] },
        at: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] },
      },
    }
    expect(attributesOf(schema, 'not-null')).to.deep.equal(['id', 'kind'])
    expect(attributesOf(schema, 'date-time')).to.deep.equal(['at'])
    const records = [
      { id: 1, kind: 'a', on: 'true', at: '2024-05-31' },
      { id: 1.5, on: null, at: null },
    ]
    expect(breaches(records, schema, 'boolean', ['on'])).to.deep.equal(['#0 on: not a boolean ("true")'])
    expect(breaches(records, schema, 'integer', ['id'])).to.deep.equal(['#1 id: not a (safe) integer (1.5)'])
    expect(breaches(records, schema, 'date-time', ['at'])).to.deep.equal(['#0 at: not an RFC 3339 date-time ("2024-05-31")'])
    expect(breaches(records, schema, 'not-null', ['id', 'kind'])).to.deep.equal(['#1 kind: missing'])
  })
})
