import { expect } from 'chai'
import { describeRun, PACKAGE_VERSION, tap, zchat, type RunResult } from '../support/cli.js'
import { ALL_STREAMS } from '../support/sandbox.js'
import { compile, newAjv, type JsonObject } from '../support/singer.js'

const SETTINGS = ['access_token', 'subdomain', 'base_url', 'start_date', 'user_agent', 'request_timeout_seconds', 'agents_page_limit']
const STREAMS = ALL_STREAMS

interface AboutJson {
  name: unknown
  description: unknown
  version: unknown
  capabilities: unknown
  settings: JsonObject & { properties?: Record<string, JsonObject>; required?: string[] }
  streams: unknown
}

const aboutJson = (r: RunResult): AboutJson => {
  expect(r.code, describeRun(r)).to.equal(0)
  let parsed: unknown
  try {
    parsed = JSON.parse(r.stdout)
  } catch (error) {
    expect.fail(`about --format json printed something that is not JSON: ${(error as Error).message}\n${r.stdout.slice(0, 300)}`)
  }
  expect(parsed).to.be.an('object')
  return parsed as AboutJson
}

describe('e2e: about', () => {
  let viaZchat: AboutJson
  let viaTap: AboutJson

  before(async () => {
    const [a, b] = await Promise.all([zchat('about', '--format', 'json'), tap('--about', '--format=json')])
    viaZchat = aboutJson(a)
    viaTap = aboutJson(b)
  })

  it('zchat about --format json and tap-zendesk-chat --about --format=json print the same description', () => {
    expect(viaTap).to.deep.equal(viaZchat)
  })

  it('gives name, description and the package version', () => {
    expect(viaZchat.name).to.equal('tap-zendesk-chat')
    expect(viaZchat.description)
      .to.be.a('string')
      .that.matches(/zendesk chat/i)
    expect(viaZchat.version).to.equal(PACKAGE_VERSION)
  })

  it('lists the capabilities catalog, discover, state and about', () => {
    expect(viaZchat.capabilities).to.be.an('array').that.includes.members(['catalog', 'discover', 'state', 'about'])
  })

  it('keeps the keys of Meltano SDK taps in their order, then the streams; sdk_version null (not built on singer-sdk)', () => {
    expect(Object.keys(viaZchat)).to.deep.equal(['name', 'description', 'version', 'sdk_version', 'capabilities', 'settings', 'streams'])
    expect((viaZchat as unknown as { sdk_version: unknown }).sdk_version).to.equal(null)
    expect(viaZchat.capabilities).to.include.members(['activate-version', 'test', 'structured-logging'])
  })

  it('publishes the settings as a JSON Schema with the access token secret and write-only', () => {
    const settings = viaZchat.settings
    expect(settings).to.be.an('object')
    expect(settings.properties)
      .to.be.an('object')
      .that.includes.all.keys(...SETTINGS)
    expect(settings.properties!.access_token).to.include({ secret: true, writeOnly: true })
    for (const name of SETTINGS.filter((s) => s !== 'access_token')) {
      expect(settings.properties![name]!.secret, `${name} is not secret`).to.not.equal(true)
    }
    const validate = compile(newAjv(), settings, 'settings')
    expect(validate({ access_token: 'abc', subdomain: 'acme', agents_page_limit: 50 }), 'a good config').to.equal(true)
    expect(validate({ subdomain: 'acme' }), 'a config without access_token').to.equal(false)
  })

  it('lists the streams', () => {
    expect(viaZchat.streams).to.be.an('array')
    const names = (viaZchat.streams as unknown[]).map((s) => (typeof s === 'string' ? s : (s as { name?: unknown }).name))
    expect(names).to.include.members(STREAMS)
  })

  for (const format of ['markdown', 'text']) {
    it(`--format ${format} names every setting and stream`, async () => {
      const [a, b] = await Promise.all([zchat('about', '--format', format), tap('--about', `--format=${format}`)])
      for (const r of [a, b]) {
        expect(r.code, describeRun(r)).to.equal(0)
        for (const name of [...SETTINGS, ...STREAMS]) expect(r.stdout, name).to.include(name)
        expect(() => JSON.parse(r.stdout), 'not JSON').to.throw()
      }
      expect(b.stdout).to.equal(a.stdout)
    })
  }
})
