import { expect } from 'chai'
import type { CatalogFile } from '../../../src/codecs/catalog.js'
import { discover, selectStreams, type SelectedStream } from '../../../src/engine/catalog.js'
import { STREAMS } from '../../../src/streams/index.js'
import { leftOf, rightOf } from '../../support/either.js'
import { CATALOG_ORDER } from '../../support/catalog.js'

const ALL = STREAMS.map((s) => s.name)

/** The discovered catalog, as a user would edit it: a deep, mutable copy. */
const editable = (): CatalogFile => JSON.parse(JSON.stringify(discover(STREAMS))) as CatalogFile

const select = (catalog: CatalogFile): readonly SelectedStream[] => rightOf(selectStreams(catalog, STREAMS))
const refused = (catalog: CatalogFile) => leftOf(selectStreams(catalog, STREAMS))
const setMetadata = (catalog: CatalogFile, stream: string, breadcrumb: string[], values: Record<string, unknown>) => {
  const entry = catalog.streams.find((s) => s.tap_stream_id === stream)!
  const md = entry.metadata!.find((m) => JSON.stringify(m.breadcrumb) === JSON.stringify(breadcrumb))
  if (md === undefined) entry.metadata!.push({ breadcrumb, metadata: values })
  else Object.assign(md.metadata, values)
}

describe('discovered catalog', () => {
  const catalog = discover(STREAMS)

  it('has one entry per stream with key, replication and breadcrumb metadata', () => {
    expect(catalog.streams.map((s) => s.tap_stream_id)).to.deep.equal(CATALOG_ORDER)
    const agents = catalog.streams.find((s) => s.stream === 'agents')!
    expect(agents.key_properties).to.deep.equal(['id'])
    // Read in full by default, INCREMENTAL on id offered: no forced method, the valid key listed, none chosen yet.
    for (const name of ['agents', 'bans']) {
      const entry = catalog.streams.find((s) => s.stream === name)!
      expect(entry.replication_method, name).to.equal('FULL_TABLE')
      expect(entry, name).to.not.have.property('replication_key')
      expect(entry.metadata[0]).to.deep.include({ breadcrumb: [] })
      expect(entry.metadata[0]!.metadata, name).to.deep.equal({
        inclusion: 'available',
        'selected-by-default': true,
        'table-key-properties': ['id'],
        'valid-replication-keys': ['id'],
      })
    }
    const chats = catalog.streams.find((s) => s.stream === 'chats')!
    expect(chats.replication_method).to.equal('INCREMENTAL')
    expect(chats.replication_key).to.equal('update_timestamp')
    expect(chats.metadata[0]!.metadata).to.deep.include({
      'forced-replication-method': 'INCREMENTAL',
      'valid-replication-keys': ['update_timestamp'],
      'replication-key': 'update_timestamp',
    })
    const account = catalog.streams.find((s) => s.stream === 'account')!
    expect(account).to.not.have.property('replication_key')
    expect(account.metadata[0]!.metadata['valid-replication-keys']).to.deep.equal([])
  })

  it('marks key and replication-key fields automatic, the rest available', () => {
    for (const entry of catalog.streams) {
      const properties = Object.keys(entry.schema.properties as object)
      const fieldMd = entry.metadata.filter((m) => m.breadcrumb.length === 2)
      expect(fieldMd.map((m) => m.breadcrumb[1])).to.deep.equal(properties)
      for (const m of fieldMd) {
        const automatic = entry.key_properties.includes(m.breadcrumb[1]!) || entry.replication_key === m.breadcrumb[1]
        expect(m.metadata.inclusion, `${entry.stream}.${m.breadcrumb[1]}`).to.equal(automatic ? 'automatic' : 'available')
      }
    }
  })
})

describe('selection', () => {
  it('the discovered catalog as it is selects everything', () => {
    const selected = select(editable())
    expect(selected.map((s) => s.def.name)).to.deep.equal(ALL)
    expect(selected.find((s) => s.def.name === 'agents')!.method).to.equal('FULL_TABLE')
    expect(selected.find((s) => s.def.name === 'bans')!.method).to.equal('FULL_TABLE')
    expect(selected.find((s) => s.def.name === 'chats')!.method).to.equal('INCREMENTAL')
  })

  it('agents and bans: INCREMENTAL on id is chosen with replication-method (and replication-key id, or none), FULL_TABLE by default', () => {
    const catalog = editable()
    setMetadata(catalog, 'agents', [], { 'replication-method': 'INCREMENTAL', 'replication-key': 'id' })
    setMetadata(catalog, 'bans', [], { 'replication-method': 'INCREMENTAL' })
    const selected = select(catalog)
    expect(selected.find((s) => s.def.name === 'agents')!.method).to.equal('INCREMENTAL')
    expect(selected.find((s) => s.def.name === 'bans')!.method).to.equal('INCREMENTAL')
    const bad = editable()
    setMetadata(bad, 'bans', [], { 'replication-method': 'INCREMENTAL', 'replication-key': 'created_at' })
    expect(refused(bad)[0]).to.match(/bans: replication key "created_at" is not supported \(valid: id\)/)
  })

  it('deselecting a stream or a field in metadata drops it; automatic fields stay', () => {
    const catalog = editable()
    setMetadata(catalog, 'departments', [], { selected: false })
    setMetadata(catalog, 'agents', ['properties', 'email'], { selected: false })
    setMetadata(catalog, 'agents', ['properties', 'id'], { selected: false })
    const selected = select(catalog)
    expect(selected.map((s) => s.def.name)).to.deep.equal(ALL.filter((n) => n !== 'departments'))
    const agents = selected.find((s) => s.def.name === 'agents')!
    expect(agents.properties).to.include('id').and.not.include('email')
    expect(Object.keys(agents.schema.properties as object)).to.deep.equal(agents.properties)
    expect(agents.schema.required).to.deep.equal(['id'])
  })

  it('explicit selected beats selected-by-default; Meltano top-level switches work', () => {
    const catalog = editable()
    setMetadata(catalog, 'account', [], { 'selected-by-default': false })
    setMetadata(catalog, 'agents', [], { 'selected-by-default': false, selected: true })
    catalog.streams.find((s) => s.tap_stream_id === 'departments')!.selected = false
    expect(select(catalog).map((s) => s.def.name)).to.deep.equal(ALL.filter((n) => n !== 'account' && n !== 'departments'))
  })

  it('a stream missing from the catalog is not synced; order follows zchat, not the file', () => {
    const catalog = editable()
    catalog.streams = ['departments', 'account'].map((n) => catalog.streams.find((s) => s.tap_stream_id === n)!)
    expect(select(catalog).map((s) => s.def.name)).to.deep.equal(['account', 'departments'])
  })

  it('FULL_TABLE can be forced on an incremental stream, INCREMENTAL not on a full-table one', () => {
    const catalog = editable()
    catalog.streams.find((s) => s.tap_stream_id === 'chats')!.replication_method = 'FULL_TABLE'
    expect(select(catalog).find((s) => s.def.name === 'chats')!.method).to.equal('FULL_TABLE')
    const bad = editable()
    setMetadata(bad, 'departments', [], { 'replication-method': 'INCREMENTAL' })
    expect(refused(bad)[0]).to.match(/departments: replication method "INCREMENTAL" is not supported/)
  })

  it('refuses unknown streams, unknown selected fields and unknown replication keys, naming them', () => {
    const catalog = editable()
    catalog.streams.push({ tap_stream_id: 'nope', metadata: [] })
    setMetadata(catalog, 'agents', ['properties', 'nickname'], { selected: true })
    setMetadata(catalog, 'agents', [], { 'replication-key': 'last_login' })
    const problems = refused(catalog)
    expect(problems).to.have.length(3)
    expect(problems.join('\n'))
      .to.contain('"nope" is not a zchat stream')
      .and.contain('"nickname" does not exist')
      .and.contain('replication key "last_login"')
  })

  it('legacy schema-level selected flags are honoured', () => {
    const catalog = editable()
    const agents = catalog.streams.find((s) => s.tap_stream_id === 'agents')!
    agents.metadata = []
    agents.schema = { selected: true, properties: { email: { selected: false } } }
    const selected = select(catalog).find((s) => s.def.name === 'agents')!
    expect(selected.properties).to.not.include('email')
    expect(selected.properties).to.include('display_name')
  })
})
