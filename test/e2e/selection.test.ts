import { expect } from 'chai'
import { describeRun, tap, useTempDir } from '../support/cli.js'
import { parseCatalog, streamEntry, withMetadata, type Catalog } from '../support/catalog.js'
import { ALL_STREAMS, sandboxConfig, useSandbox } from '../support/sandbox.js'
import { compile, errorsOf, type Message, newAjv, parseMessages, recordsOf, schemaOf, streamsWithRecords } from '../support/singer.js'

describe('e2e: sync with a catalog', () => {
  const sandbox = useSandbox({ seed: 31, agents: 30, departments: 4 })
  const tmp = useTempDir()
  let config: string
  let discovered: Catalog

  /** Sync with `catalog` written to a file and passed as `flag`; exit 0 expected. */
  const syncWith = async (name: string, catalog: unknown, flag = '--catalog'): Promise<Message[]> => {
    const file = await tmp().write(name, catalog)
    const r = await tap('--config', config, flag, file)
    expect(r.code, describeRun(r)).to.equal(0)
    return parseMessages(r.stdout)
  }

  before(async () => {
    config = await tmp().write('config.json', sandboxConfig(sandbox()))
    const r = await tap('--config', config, '--discover')
    expect(r.code, describeRun(r)).to.equal(0)
    discovered = parseCatalog(r.stdout)
  })

  it('the discovered catalog, unchanged, syncs every stream with every field', async () => {
    const messages = await syncWith('as-is.json', discovered)
    expect(streamsWithRecords(messages)).to.deep.equal(ALL_STREAMS)
    expect(recordsOf(messages, 'agents')).to.have.length(30)
    expect(recordsOf(messages, 'agents').some((r) => 'email' in r)).to.equal(true)
  })

  describe('deselecting the departments stream and the email field of agents', () => {
    let messages: Message[]
    let catalog: Catalog

    before(async () => {
      catalog = withMetadata(discovered, 'departments', [], { selected: false })
      catalog = withMetadata(catalog, 'agents', ['properties', 'email'], { selected: false })
      messages = await syncWith('deselected.json', catalog)
    })

    it('emits nothing of departments', () => {
      expect(recordsOf(messages, 'departments')).to.deep.equal([])
      expect(schemaOf(messages, 'departments'), 'no SCHEMA for departments').to.equal(undefined)
      expect(streamsWithRecords(messages)).to.deep.equal(ALL_STREAMS.filter((s) => s !== 'departments'))
    })

    it('emits agents without email but with id, and a SCHEMA without email that the records satisfy', () => {
      const agents = recordsOf(messages, 'agents')
      expect(agents).to.have.length(30)
      for (const r of agents) {
        expect(r, 'agent record').to.not.have.property('email')
        expect(r.id).to.be.a('number')
        expect(r).to.have.property('display_name')
      }
      const schema = schemaOf(messages, 'agents')!
      expect(schema.schema.properties).to.not.have.property('email')
      expect(schema.schema.properties).to.have.property('id')
      const validate = compile(newAjv(), schema.schema, 'agents SCHEMA')
      for (const r of agents) expect(validate(r), errorsOf(validate)).to.equal(true)
    })

    it('--properties FILE selects the same way as --catalog FILE', async () => {
      const viaProperties = await syncWith('deselected-properties.json', catalog, '--properties')
      // Per stream, in order; streams interleave differently from run to run, and versions are times.
      const byStream = (ms: Message[]) => {
        const out: Record<string, unknown[]> = {}
        for (const m of ms) {
          if (m.type === 'STATE') continue
          const { time_extracted: _t, version: _v, ...rest } = m as Message & { time_extracted?: string; version?: number }
          ;(out[m.stream] ??= []).push(rest)
        }
        return out
      }
      expect(byStream(viaProperties)).to.deep.equal(byStream(messages))
    })
  })

  it('ignores deselecting the automatic id field of agents', async () => {
    const messages = await syncWith('no-id.json', withMetadata(discovered, 'agents', ['properties', 'id'], { selected: false }))
    const agents = recordsOf(messages, 'agents')
    expect(agents).to.have.length(30)
    for (const r of agents) expect(r.id).to.be.a('number')
    expect(schemaOf(messages, 'agents')!.schema.properties).to.have.property('id')
  })

  it('honours Meltano top-level "selected": false on a stream entry', async () => {
    const catalog = structuredClone(discovered)
    streamEntry(catalog, 'departments').selected = false
    const messages = await syncWith('meltano.json', catalog)
    expect(streamsWithRecords(messages)).to.deep.equal(ALL_STREAMS.filter((s) => s !== 'departments'))
  })

  it('syncs only the streams a catalog lists', async () => {
    const messages = await syncWith('only-account.json', { streams: [streamEntry(discovered, 'account')] })
    expect(streamsWithRecords(messages)).to.deep.equal(['account'])
    expect(sandbox().requestLog.at(-1)?.path).to.match(/\/account$/)
  })
})
