import { expect } from 'chai'
import { describeRun, lines, tap, useTempDir, zchat, type RunResult } from '../support/cli.js'
import { metadataAt, parseCatalog, streamEntry, type Catalog } from '../support/catalog.js'
import { sandboxConfig, useSandbox } from '../support/sandbox.js'
import { compile, newAjv } from '../support/singer.js'

// The table of keys and replication in the issue that defines the streams.
const full = (key: string[]) => ({ key, method: 'FULL_TABLE', replicationKey: undefined })
const EXPECTED = {
  account: full(['account_key']),
  // Read in full by default; INCREMENTAL on id is offered (valid-replication-keys), not forced.
  agents: { key: ['id'], method: 'FULL_TABLE', replicationKey: undefined, offers: 'id' },
  agent_timeline: { key: ['agent_id', 'start_time', 'status'], method: 'INCREMENTAL', replicationKey: 'start_time' },
  bans: { key: ['id'], method: 'FULL_TABLE', replicationKey: undefined, offers: 'id' },
  chats: { key: ['id'], method: 'INCREMENTAL', replicationKey: 'update_timestamp' },
  conversions: { key: ['id'], method: 'INCREMENTAL', replicationKey: 'timestamp' },
  department_events: { key: ['id'], method: 'INCREMENTAL', replicationKey: 'timestamp' },
  departments: full(['id']),
  goals: full(['id']),
  roles: full(['id']),
  routing_settings: full([]),
  shortcuts: full(['id']),
  skills: full(['id']),
  triggers: full(['id']),
} as const

const catalogOf = (r: RunResult): Catalog => {
  expect(r.code, describeRun(r)).to.equal(0)
  expect(
    lines(r.stderr).filter((l) => /error/i.test(l)),
    'errors on stderr',
  ).to.deep.equal([])
  return parseCatalog(r.stdout)
}

describe('e2e: discover', () => {
  const sandbox = useSandbox({ agents: 5, departments: 2 })
  const tmp = useTempDir()
  let config: string
  let viaTap: RunResult
  let catalog: Catalog

  before(async () => {
    config = await tmp().write('config.json', sandboxConfig(sandbox()))
    viaTap = await tap('--config', config, '--discover')
    catalog = catalogOf(viaTap)
  })

  it('tap-zendesk-chat --config C --discover prints one JSON catalog and nothing else on stdout, exit 0', () => {
    expect(viaTap.code).to.equal(0)
    expect(viaTap.stdout.trim().startsWith('{'), 'stdout starts with the catalog').to.equal(true)
    expect(viaTap.stdout.trim().endsWith('}'), 'stdout ends with the catalog').to.equal(true)
    expect(catalog.streams.map((s) => s.tap_stream_id).sort()).to.deep.equal(Object.keys(EXPECTED).sort())
  })

  it('makes no network call, even with a reachable base_url', () => {
    expect(sandbox().requestLog).to.deep.equal([])
  })

  it('describes each stream: ids, schema, keys, replication method and key', () => {
    for (const [name, want] of Object.entries(EXPECTED)) {
      const s = streamEntry(catalog, name)
      expect(s.stream, name).to.equal(name)
      expect(s.schema, name).to.be.an('object')
      expect(s.schema.type, `${name} schema type`).to.satisfy((t: unknown) => t === 'object' || (Array.isArray(t) && t.includes('object')))
      expect(Object.keys(s.schema.properties), name).to.have.length.greaterThan(1)
      expect(s.key_properties, name).to.deep.equal(want.key)
      expect(s.replication_method, name).to.equal(want.method)
      expect(s.replication_key, name).to.equal(want.replicationKey)
      for (const k of want.key) expect(s.schema.properties, `${name} schema has its key ${k}`).to.have.property(k)
    }
  })

  it('gives each stream breadcrumb [] metadata: available, selected by default, keys, forced method, valid replication keys', () => {
    for (const [name, want] of Object.entries(EXPECTED)) {
      const s = streamEntry(catalog, name)
      const top = s.metadata.filter((m) => m.breadcrumb.length === 0)
      expect(top, `${name}: one stream-level metadata entry`).to.have.length(1)
      const md = top[0]!.metadata
      expect(md.inclusion, name).to.equal('available')
      expect(md['selected-by-default'], name).to.equal(true)
      expect(md['table-key-properties'], name).to.deep.equal(want.key)
      const offers = 'offers' in want ? want.offers : undefined
      expect(md['forced-replication-method'], name).to.equal(offers === undefined ? want.method : undefined)
      const valid = offers ?? want.replicationKey
      expect(md['valid-replication-keys'], name).to.deep.equal(valid === undefined ? [] : [valid])
    }
  })

  it('has one metadata entry per top-level property: automatic for keys and replication keys, available otherwise', () => {
    for (const [name, want] of Object.entries(EXPECTED)) {
      const s = streamEntry(catalog, name)
      const properties = Object.keys(s.schema.properties)
      const fieldEntries = s.metadata.filter((m) => m.breadcrumb.length > 0)
      for (const m of fieldEntries) {
        expect(m.breadcrumb, `${name} breadcrumb`).to.have.length(2)
        expect(m.breadcrumb[0], `${name} breadcrumb`).to.equal('properties')
      }
      expect(fieldEntries.map((m) => m.breadcrumb[1]).sort(), `${name}: field metadata`).to.deep.equal([...properties].sort())
      const automatic = new Set<string>([...want.key, ...(want.replicationKey === undefined ? [] : [want.replicationKey])])
      for (const p of properties) {
        const md = metadataAt(s, ['properties', p])!.metadata
        expect(md.inclusion, `${name}.${p}`).to.equal(automatic.has(p) ? 'automatic' : 'available')
      }
      expect(properties.length, `${name} has fields besides the automatic ones`).to.be.greaterThan(automatic.size)
    }
  })

  it('gives schemas that compile as JSON Schema', () => {
    const ajv = newAjv()
    for (const s of catalog.streams) compile(ajv, s.schema, `schema of ${s.tap_stream_id}`)
  })

  it('prints the same catalog for zchat discover (no config), zchat --config C --discover and --config=C', async () => {
    const runs = await Promise.all([
      zchat('discover'),
      zchat('--config', config, '--discover'),
      tap(`--config=${config}`, '--discover'),
      zchat('discover', '--config', config),
    ])
    for (const r of runs) expect(catalogOf(r)).to.deep.equal(catalog)
    expect(sandbox().requestLog).to.deep.equal([])
  })

  it('accepts and ignores --state and --catalog given with --discover', async () => {
    const state = await tmp().write('state.json', { bookmarks: { agents: { id: 5 } }, currently_syncing: null })
    const narrow = await tmp().write('catalog.json', { streams: [streamEntry(catalog, 'agents')] })
    const runs = await Promise.all([
      tap('--config', config, '--discover', '--state', state, '--catalog', narrow),
      tap('--discover', `--config=${config}`, `--state=${state}`, `--catalog=${narrow}`),
      tap('--config', config, '--discover', '--properties', narrow),
    ])
    for (const r of runs) expect(catalogOf(r), describeRun(r)).to.deep.equal(catalog)
  })
})
