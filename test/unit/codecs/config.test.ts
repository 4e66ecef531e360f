import { expect } from 'chai'
import { parseConfig, SETTINGS, type ParsedConfig } from '../../../src/codecs/config.js'
import { schemaOf, type Setting } from '../../../src/codecs/setting.js'
import type { JsonSchema } from '../../../src/core/json-schema.js'
import { about } from '../../../src/engine/about.js'
import { STREAMS } from '../../../src/streams/index.js'
import { leftOf, rightOf } from '../../support/either.js'

const NOW = new Date('2026-11-21T12:00:00Z')

const ok = (input: unknown): ParsedConfig => rightOf(parseConfig(input, NOW))
const problems = (input: unknown) => leftOf(parseConfig(input, NOW))

const MINIMAL = { access_token: 'tok', subdomain: 'acme' }
const declared = Object.entries(SETTINGS as Readonly<Record<string, Setting>>)
const withDefault = declared.filter(([, s]) => s.default !== undefined)

/** A valid value other than the default, from the setting's published schema, to show the setting reaches the config. */
const otherThanDefault = (schema: JsonSchema): unknown => {
  const d = schema.default
  if (Array.isArray(schema.enum)) return schema.enum.find((v) => v !== d)
  if (typeof d === 'boolean') return !d
  if (typeof d === 'number') return d === schema.maximum ? d - 1 : d + 1
  throw new Error(`no other value for a default of ${JSON.stringify(d)}`)
}

describe('config', () => {
  it('accepts every way of writing the subdomain', () => {
    for (const subdomain of ['acme', 'acme.zendesk.com', 'https://acme.zendesk.com/', 'ACME']) {
      expect(ok({ access_token: 'tok', subdomain }).config.apiBase, subdomain).to.equal('https://acme.zendesk.com/api/v2/chat')
    }
  })

  it('defaults: start_date two years back, 60 s timeout, 100 agents a page', () => {
    const { config } = ok({ access_token: 'tok', subdomain: 'acme' })
    expect(config.startDate.toISOString()).to.equal('2024-11-21T12:00:00.000Z')
    expect(config.requestTimeoutMs).to.equal(60_000)
    expect(config.agentsPageLimit).to.equal(100)
    expect(config.userAgent).to.equal(undefined)
  })

  it('start_date as a date or RFC 3339 with any offset', () => {
    expect(ok({ access_token: 't', subdomain: 'a', start_date: '2024-01-02' }).config.startDate.toISOString()).to.equal(
      '2024-01-02T00:00:00.000Z',
    )
    expect(ok({ access_token: 't', subdomain: 'a', start_date: '2024-01-02T03:00:00+02:00' }).config.startDate.toISOString()).to.equal(
      '2024-01-02T01:00:00.000Z',
    )
  })

  it('base_url replaces the subdomain; plain http only to loopback', () => {
    expect(ok({ access_token: 't', base_url: 'http://127.0.0.1:9000/api/v2/chat/' }).config.apiBase).to.equal(
      'http://127.0.0.1:9000/api/v2/chat',
    )
    expect(ok({ access_token: 't', base_url: 'http://localhost:1/x' }).config.apiBase).to.equal('http://localhost:1/x')
    expect(problems({ access_token: 't', base_url: 'http://example.com/api' })[0]).to.match(/^base_url: plain http/)
    expect(problems({ access_token: 't', base_url: 'ftp://example.com/' })[0]).to.match(/^base_url/)
  })

  it('reports each problem on one line naming its key', () => {
    expect(problems({ subdomain: 'acme' })).to.deep.equal(['access_token: it is required, got nothing'])
    expect(problems({ access_token: 't' })).to.deep.equal(['subdomain: required (or set base_url)'])
    expect(problems({ access_token: 't', subdomain: '' })).to.deep.equal(['subdomain: required (or set base_url)'])
    expect(problems({ access_token: 't', subdomain: 'a', start_date: 'yesterday' })[0]).to.match(/^start_date: "yesterday" is not a date/)
    expect(problems({ access_token: 't', subdomain: 'a', start_date: '2027-01-01' })[0]).to.match(/^start_date: .* in the future/)
    for (const limit of [0, -1, 101, 2.5, '50']) {
      expect(problems({ access_token: 't', subdomain: 'a', agents_page_limit: limit })[0], String(limit)).to.match(
        /^agents_page_limit: expected an integer from 1 to 100/,
      )
    }
    expect(problems({ access_token: 't', subdomain: 'a', request_timeout_seconds: 0 })[0]).to.match(/^request_timeout_seconds/)
    expect(problems([])).to.deep.equal(['the config must be a JSON object'])
    const many = problems({ access_token: 't', subdomain: 'a', agents_page_limit: 0, request_timeout_seconds: -1 })
    expect(many).to.have.length(2)
  })

  it('never repeats the access token in a problem', () => {
    const lines = problems({ access_token: 12345678, subdomain: 'a' })
    expect(lines.join('\n')).to.not.contain('12345678')
    expect(lines[0]).to.match(/^access_token: expected a non-empty string, got a number/)
  })

  it('unknown keys are warnings, and null settings count as unset', () => {
    const parsed = ok({ access_token: 't', subdomain: 'a', meltano_extra: 1, start_date: null })
    expect(parsed.warnings).to.deep.equal(['config: unknown key "meltano_extra" ignored'])
  })

  describe('every declared default', () => {
    it('covers the settings that have one', () => {
      expect(withDefault.map(([name]) => name)).to.include.members(['request_timeout_seconds', 'agents_page_limit', 'chats_strategy'])
    })

    for (const [name, setting] of withDefault) {
      it(`${name}: unset reads as its default ${JSON.stringify(setting.default)}, and another value changes the config`, () => {
        const unset = ok(MINIMAL).config
        expect(unset, `${name} unset`).to.deep.equal(ok({ ...MINIMAL, [name]: setting.default }).config)
        expect(unset, `${name} set to null`).to.deep.equal(ok({ ...MINIMAL, [name]: null }).config)
        expect(ok({ ...MINIMAL, [name]: otherThanDefault(schemaOf(setting)) }).config, `${name} set otherwise`).to.not.deep.equal(unset)
        if ('field' in setting) expect((unset as unknown as Record<string, unknown>)[setting.field]).to.equal(setting.read(setting.default))
      })
    }

    it('is the default about, meltano.yml and the README publish, and only declared defaults are published', () => {
      const published = about('', STREAMS).settings.properties as Record<string, JsonSchema>
      expect(Object.keys(published)).to.deep.equal(declared.map(([name]) => name))
      for (const [name, setting] of declared) expect(published[name]!.default, name).to.deep.equal(setting.default)
    })
  })

  it('a stream setting names a stream zchat reads', () => {
    const owners = declared.flatMap(([name, s]) => (s.stream === undefined ? [] : [[name, s.stream] as const]))
    expect(owners.map(([name]) => name)).to.include.members(['agents_page_limit', 'chats_strategy'])
    for (const [name, stream] of owners)
      expect(
        STREAMS.map((s) => s.name),
        name,
      ).to.include(stream)
  })
})
