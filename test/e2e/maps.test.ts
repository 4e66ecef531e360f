import { expect } from 'chai'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { describeRun, run, tap, TAP, useTempDir, type RunResult } from '../support/cli.js'
import { README_PII_MAPS } from '../support/readme-pii.js'
import { ALL_STREAMS, sandboxConfig, useSandbox } from '../support/sandbox.js'
import {
  compile,
  errorsOf,
  lastState,
  type Message,
  newAjv,
  parseMessages,
  recordsOf,
  schemaOf,
  streamsWithRecords,
} from '../support/singer.js'

const SALT = 'e2e-pepper'
const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex')
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')

/** The README's PII example, read from the README. */
const PII_MAPS = README_PII_MAPS

type Row = Record<string, unknown>
const byId = (rows: readonly Row[]): Map<string, Row> => new Map(rows.map((r) => [String(r.id), r]))

/** Every RECORD validates against the last SCHEMA of its stream, which came before it. */
const expectRecordsMatchSchemas = (messages: readonly Message[]): number => {
  const ajv = newAjv()
  const validators = new Map<string, ReturnType<typeof compile>>()
  let checked = 0
  for (const m of messages) {
    if (m.type === 'SCHEMA') validators.set(m.stream, compile(ajv, m.schema, m.stream))
    if (m.type === 'RECORD') {
      const validate = validators.get(m.stream)
      expect(validate, `a SCHEMA of ${m.stream} before its records`).to.not.equal(undefined)
      expect(validate!(m.record), `${m.stream} ${JSON.stringify(m.record).slice(0, 300)}: ${errorsOf(validate!)}`).to.equal(true)
      checked++
    }
  }
  return checked
}

describe('e2e: stream maps and flattening', () => {
  const sandbox = useSandbox({ seed: 1717, chats: 240, agents: 12, departments: 3 })
  const tmp = useTempDir()
  let plain: Message[]

  const syncWith = async (name: string, extra: Record<string, unknown>): Promise<RunResult> => {
    const config = await tmp().write(name, sandboxConfig(sandbox(), extra))
    return tap('--config', config)
  }
  const syncOk = async (name: string, extra: Record<string, unknown>): Promise<Message[]> => {
    const r = await syncWith(name, extra)
    expect(r.code, describeRun(r)).to.equal(0)
    return parseMessages(r.stdout)
  }

  before(async () => {
    plain = await syncOk('plain.json', {})
  })

  describe('the PII example (hash email and phone with a salt, drop IP and message text)', () => {
    let messages: Message[]
    before(async () => {
      messages = await syncOk('pii.json', { stream_maps: PII_MAPS, stream_map_config: { salt: SALT } })
    })

    it('hashes every visitor email and phone with the salt, and leaves the rest of each chat as it was', () => {
      const original = byId(recordsOf(plain, 'chats'))
      const mapped = recordsOf(messages, 'chats')
      expect(mapped).to.have.length(original.size)
      let hashed = 0
      for (const chat of mapped) {
        const before = original.get(String(chat.id))!
        const visitor = chat.visitor as Row | null
        const was = before.visitor as Row | null
        if (was === null || visitor === null) {
          expect(visitor).to.deep.equal(was)
          continue
        }
        expect(visitor.email).to.equal(was.email ? md5(SALT + String(was.email)) : null)
        expect(visitor.phone).to.equal(was.phone ? sha256(SALT + String(was.phone)) : null)
        expect(visitor.name).to.equal(was.name)
        if (was.email) hashed++
        expect(chat.update_timestamp).to.equal(before.update_timestamp)
      }
      expect(hashed, 'chats with an email to hash').to.be.greaterThan(10)
    })

    it('drops the IP, the message and what was typed in the history, from records and SCHEMA', () => {
      const chats = recordsOf(messages, 'chats')
      expect(recordsOf(plain, 'chats').some((c) => (c.history as Row[] | null)?.some((h) => typeof h.msg === 'string'))).to.equal(true)
      for (const chat of chats) {
        expect(chat).to.not.have.property('message')
        if (chat.session !== null && chat.session !== undefined) expect(chat.session).to.not.have.property('ip')
        // The API sends null items in history now and then; they stay null.
        for (const entry of (chat.history as (Row | null)[] | null) ?? []) if (entry !== null) expect(entry).to.not.have.property('msg')
      }
      const schema = schemaOf(messages, 'chats')!.schema as {
        properties: Record<string, { properties?: object; items?: { properties: object } }>
      }
      expect(schema.properties).to.not.have.property('message')
      expect(schema.properties.session!.properties).to.not.have.property('ip')
      // History items may be null: the entry's schema is the object branch.
      const items = schema.properties.history!.items as { properties?: object; anyOf?: { properties?: object }[] }
      const entry = items.properties === undefined ? items.anyOf!.find((branch) => branch.properties !== undefined)! : items
      expect(entry.properties).to.not.have.property('msg')
    })

    it('every record agrees with its SCHEMA; other streams and the bookmarks are as without maps', () => {
      expect(expectRecordsMatchSchemas(messages)).to.be.greaterThan(240)
      expect(recordsOf(messages, 'agents')).to.deep.equal(recordsOf(plain, 'agents'))
      expect(lastState(messages).bookmarks?.chats).to.deep.equal(lastState(plain).bookmarks?.chats)
      expect(lastState(messages).bookmarks?.agent_timeline).to.deep.equal(lastState(plain).bookmarks?.agent_timeline)
      // agents are read in full: each run keeps its own version (a read time), with nothing else beside it.
      expect(Object.keys(lastState(messages).bookmarks?.agents ?? {})).to.deep.equal(Object.keys(lastState(plain).bookmarks?.agents ?? {}))
      expect(schemaOf(messages, 'chats')!.key_properties).to.deep.equal(['id'])
    })
  })

  it('chats read by search (chats_strategy: search) are mapped the same', async () => {
    const messages = await syncOk('pii-search.json', {
      chats_strategy: 'search',
      stream_maps: { ...PII_MAPS, __else__: null },
      stream_map_config: { salt: SALT },
    })
    const original = byId(recordsOf(plain, 'chats'))
    const chats = recordsOf(messages, 'chats')
    expect(chats.length).to.be.greaterThan(100)
    for (const chat of chats) {
      const was = original.get(String(chat.id))?.visitor as Row | null | undefined
      if (was === undefined || was === null) continue
      expect((chat.visitor as Row).email).to.equal(was.email ? md5(SALT + String(was.email)) : null)
      expect(chat).to.not.have.property('message')
    }
    expect(expectRecordsMatchSchemas(messages)).to.equal(chats.length)
  })

  describe('flattening_enabled with flattening_max_depth 1', () => {
    let messages: Message[]
    before(async () => {
      messages = await syncOk('flat.json', { flattening_enabled: true, flattening_max_depth: 1 })
    })

    it('nested objects become parent__child columns and arrays JSON text, in every stream, records agreeing with SCHEMA', () => {
      expect(expectRecordsMatchSchemas(messages)).to.be.greaterThan(240)
      for (const m of messages) {
        if (m.type !== 'RECORD') continue
        for (const [k, v] of Object.entries(m.record))
          expect(typeof v === 'object' && v !== null, `${m.stream}.${k} is not flat`).to.equal(false)
      }
      const chats = schemaOf(messages, 'chats')!.schema as { properties: Record<string, unknown> }
      expect(chats.properties).to.include.keys('visitor__email', 'session__city', 'count__total')
      expect(chats.properties).to.not.have.property('visitor')
      expect(chats.properties.history).to.deep.equal({ type: ['string', 'null'] })
    })

    it('a flattened record holds the same values as the nested one', () => {
      const original = byId(recordsOf(plain, 'chats'))
      for (const chat of recordsOf(messages, 'chats')) {
        const before = original.get(String(chat.id))!
        const visitor = before.visitor as Row | null
        if (visitor !== null) expect(chat.visitor__email).to.equal(visitor.email)
        expect(chat.history === undefined ? undefined : JSON.parse(String(chat.history))).to.deep.equal(before.history)
      }
    })
  })

  describe('__filter__, __alias__, __source__ and __key_properties__', () => {
    let messages: Message[]
    before(async () => {
      messages = await syncOk('streams.json', {
        stream_maps: {
          chats: { __alias__: 'conversations', __filter__: "type == 'chat' and not deleted" },
          chats_pii: {
            __source__: 'chats',
            visitor: 'visitor',
            email_domain: "visitor['email'].split('@')[-1] if visitor and visitor['email'] else None",
            __else__: null,
          },
          departments: { __key_properties__: ['name_hash'], id: null, name_hash: 'md5(name)' },
          agents: null,
        },
      })
    })

    it('writes the filtered chats as conversations and a second stream with only the named fields, key and bookmark', () => {
      const all = recordsOf(plain, 'chats')
      const kept = all.filter((c) => c.type === 'chat' && c.deleted !== true)
      expect(kept.length).to.be.within(1, all.length - 1)
      expect(recordsOf(messages, 'chats')).to.deep.equal([])
      expect(recordsOf(messages, 'conversations').map((c) => c.id)).to.deep.equal(kept.map((c) => c.id))
      const pii = recordsOf(messages, 'chats_pii')
      expect(pii).to.have.length(all.length)
      for (const r of pii)
        expect(Object.keys(r).sort()).to.deep.equal(['email_domain', 'id', 'update_timestamp', 'visitor'].filter((k) => k in r).sort())
      expect(schemaOf(messages, 'chats_pii')!.key_properties).to.deep.equal(['id'])
      expect(schemaOf(messages, 'chats_pii')!.bookmark_properties).to.deep.equal(['update_timestamp'])
      expect(expectRecordsMatchSchemas(messages)).to.be.greaterThan(0)
    })

    it('sets the new key, and a stream mapped to null is not read at all', () => {
      expect(schemaOf(messages, 'departments')!.key_properties).to.deep.equal(['name_hash'])
      for (const d of recordsOf(messages, 'departments')) expect(d).to.not.have.property('id')
      expect(schemaOf(messages, 'agents')).to.equal(undefined)
      expect(streamsWithRecords(messages)).to.not.include('agents')
    })

    it('the full-table streams it renames or keys anew keep their ACTIVATE_VERSION', () => {
      expect(messages.some((m) => m.type === 'ACTIVATE_VERSION' && m.stream === 'departments')).to.equal(true)
    })
  })

  describe('refusals before any request, each one line naming the problem', () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        'a stream that does not exist',
        { stream_maps: { chat: { x: 'id' } } },
        /^error: config: stream_maps\.chat: there is no zchat stream named chat/,
      ],
      [
        'a field that does not exist',
        { stream_maps: { chats: { 'visitor.emial': null } } },
        /^error: config: stream_maps\.chats\.visitor\.emial: stream chats has no field visitor\.emial to remove/,
      ],
      [
        'a bad expression',
        { stream_maps: { chats: { h: 'md5(visitor[' } } },
        /^error: config: stream_maps\.chats\.h: "md5\(visitor\[": does not parse/,
      ],
      [
        'removing the key',
        { stream_maps: { chats: { id: null } } },
        /^error: config: stream_maps\.chats\.id: removing the key property id of stream chats is refused/,
      ],
      [
        'removing the replication key',
        { stream_maps: { chats: { update_timestamp: null } } },
        /^error: config: stream_maps\.chats\.update_timestamp: removing update_timestamp.*replication key.*refused/,
      ],
      [
        'flattening without a depth',
        { flattening_enabled: true },
        /^error: config: flattening_max_depth: required when flattening_enabled is true/,
      ],
    ]
    for (const [what, extra, expected] of cases) {
      it(what, async () => {
        const before = sandbox().requestLog.length
        const r = await syncWith(`refused-${what.replace(/\W+/g, '-')}.json`, extra)
        expect(r.code, describeRun(r)).to.equal(2)
        expect(r.stdout).to.equal('')
        expect(
          r.stderr
            .trim()
            .split('\n')
            .filter((l) => l.startsWith('error')),
        ).to.have.length(1)
        expect(r.stderr).to.match(new RegExp(expected.source, 'm'))
        expect(r.stderr).to.not.match(/\n\s+at /)
        expect(sandbox().requestLog.length - before, 'no request').to.equal(0)
      })
    }
  })

  it('an expression failing on a record stops the run, naming the stream, the record and the expression', async () => {
    // Anonymous visitors have an empty email: the domain of '' is an IndexError.
    const r = await syncWith('fails.json', { stream_maps: { chats: { email_domain: "visitor['email'].split('@')[1]" } } })
    expect(r.code, describeRun(r)).to.equal(2)
    expect(r.stderr).to.match(
      /^error: config: stream_maps\.chats\.email_domain: stream chats, record "[^"]+": "visitor\['email'\]\.split\('@'\)\[1\]" failed: IndexError: list index out of range$/m,
    )
    const messages = parseMessages(r.stdout)
    // The page holding that record is not written, nor a STATE past it.
    const written = recordsOf(messages, 'chats')
    expect(written.length).to.be.below(recordsOf(plain, 'chats').length)
    expect(written.every((c) => String((c.visitor as Row | null)?.email ?? '').includes('@'))).to.equal(true)
    expect(lastState(messages).bookmarks?.chats ?? {}).to.not.deep.equal(lastState(plain).bookmarks?.chats)
  })

  it('read by search, a failing expression stops the run the same way, without a STATE past its page', async () => {
    const r = await syncWith('fails-search.json', {
      chats_strategy: 'search',
      stream_maps: { chats: { email_domain: "visitor['email'].split('@')[1]" } },
    })
    expect(r.code, describeRun(r)).to.equal(2)
    expect(r.stderr).to.match(
      /^error: config: stream_maps\.chats\.email_domain: stream chats, record "[^"]+": .* failed: IndexError: list index out of range$/m,
    )
    const messages = parseMessages(r.stdout)
    expect(recordsOf(messages, 'chats').every((c) => String((c.visitor as Row | null)?.email ?? '').includes('@'))).to.equal(true)
    expect(r.stderr).to.not.match(/\n\s+at /)
  })

  describe('an expression cannot reach beyond its record', () => {
    const marker = () => tmp().file('escaped')
    const NAMES = ['__import__', 'open()', '__class__', 'attributes of a dict', 'JavaScript globals', 'eval', 'the prototype of a record']
    const attempts = (): [string, string][] => [
      ['__import__', `__import__('os').system('touch ${marker()}')`],
      ['open()', `open('${marker()}', 'w')`],
      ['__class__', "''.__class__.__mro__[1].__subclasses__()"],
      ['attributes of a dict', 'record.constructor'],
      ['JavaScript globals', "globalThis.process.mainModule.require('child_process').execSync('touch x')"],
      ['eval', `eval("__import__('os')")`],
      ['the prototype of a record', "record['__proto__']['constructor']"],
    ]
    for (const what of NAMES) {
      it(`refuses ${what} before any request`, async () => {
        const [, text] = attempts().find(([w]) => w === what)!
        const before = sandbox().requestLog.length
        const r = await syncWith('escape.json', { stream_maps: { chats: { x: text } } })
        expect(r.code, describeRun(r)).to.equal(2)
        expect(r.stderr).to.match(/^error: config: stream_maps\.chats\.x: /m)
        expect(r.stdout).to.equal('')
        expect(existsSync(marker())).to.equal(false)
        expect(sandbox().requestLog.length - before).to.equal(0)
      })
    }
  })

  it('--about lists the stream-maps and schema-flattening capabilities and the settings with their kinds', async () => {
    const r = await tap('--about', '--format=json')
    expect(r.code, describeRun(r)).to.equal(0)
    const about = JSON.parse(r.stdout) as { capabilities: string[]; settings: { properties: Record<string, { type: string }> } }
    expect(about.capabilities).to.include.members(['stream-maps', 'schema-flattening'])
    const s = about.settings.properties
    expect([s.stream_maps!.type, s.stream_map_config!.type, s.flattening_enabled!.type, s.flattening_max_depth!.type]).to.deep.equal([
      'object',
      'object',
      'boolean',
      'integer',
    ])
  })

  it('stream_maps from the environment (Meltano --config ENV passes JSON text) maps the same', async () => {
    const config = sandboxConfig(sandbox()) as Record<string, string>
    const r = await run(TAP, ['--config', 'ENV'], {
      env: {
        TAP_ZENDESK_CHAT_ACCESS_TOKEN: config.access_token,
        TAP_ZENDESK_CHAT_BASE_URL: config.base_url,
        TAP_ZENDESK_CHAT_START_DATE: config.start_date,
        TAP_ZENDESK_CHAT_STREAM_MAPS: JSON.stringify({ ...PII_MAPS, __else__: null }),
        TAP_ZENDESK_CHAT_STREAM_MAP_CONFIG: JSON.stringify({ salt: SALT }),
      },
    })
    expect(r.code, describeRun(r)).to.equal(0)
    const messages = parseMessages(r.stdout)
    const streams = new Set(messages.filter((m) => m.type === 'SCHEMA').map((m) => (m as { stream: string }).stream))
    expect([...streams]).to.deep.equal(['chats'])
    expect(ALL_STREAMS).to.include('chats')
    const hashed = recordsOf(messages, 'chats').map((c) => (c.visitor as Row | null)?.email)
    const original = recordsOf(plain, 'chats').map((c) => (c.visitor as Row | null)?.email)
    expect(hashed).to.deep.equal(original.map((e) => (e === undefined ? undefined : e ? md5(SALT + String(e)) : null)))
  })
})
