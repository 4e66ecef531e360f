import { expect } from 'chai'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { layeredConfig, settingsFromEnv } from '../../../src/cli/config-sources.js'
import { loadConfig } from '../../../src/cli/inputs.js'
import { inputError, render, type Failure } from '../../../src/core/failure.js'
import { leftOf, rightOf } from '../../support/either.js'

const NOW = new Date('2026-11-21T00:00:00Z')

/** A readFile over an in-memory set of files; a missing one fails as the real one does. */
const files =
  (contents: Record<string, unknown>) =>
  (file: string): TE.TaskEither<Failure, unknown> =>
    file in contents ? TE.right(structuredClone(contents[file])) : TE.left(inputError('config', file, 'not found'))

describe('config sources: settingsFromEnv', () => {
  it('reads TAP_ZENDESK_CHAT_<SETTING> as each setting, integers, numbers and booleans converted', () => {
    const settings = rightOf(
      settingsFromEnv({
        TAP_ZENDESK_CHAT_ACCESS_TOKEN: 'tok-123',
        TAP_ZENDESK_CHAT_SUBDOMAIN: 'acme',
        TAP_ZENDESK_CHAT_AGENTS_PAGE_LIMIT: '25',
        TAP_ZENDESK_CHAT_MAX_PARALLEL_STREAMS: ' 2 ',
        TAP_ZENDESK_CHAT_REQUEST_TIMEOUT_SECONDS: '2.5',
        TAP_ZENDESK_CHAT_ACTIVATE_VERSION: 'false',
      }),
    )
    expect(settings).to.deep.equal({
      access_token: 'tok-123',
      subdomain: 'acme',
      agents_page_limit: 25,
      max_parallel_streams: 2,
      request_timeout_seconds: 2.5,
      activate_version: false,
    })
  })

  it('accepts true/false in any case and 1/0 for booleans', () => {
    for (const [text, value] of [
      ['TRUE', true],
      ['True', true],
      ['1', true],
      ['False', false],
      ['0', false],
    ] as const) {
      expect(rightOf(settingsFromEnv({ TAP_ZENDESK_CHAT_ACTIVATE_VERSION: text })), text).to.deep.equal({ activate_version: value })
    }
  })

  it('leaves strings as they are (a token with spaces or digits is not converted)', () => {
    expect(
      rightOf(settingsFromEnv({ TAP_ZENDESK_CHAT_ACCESS_TOKEN: '12345', TAP_ZENDESK_CHAT_USER_AGENT: ' my agent/1.0 ' })),
    ).to.deep.equal({
      access_token: '12345',
      user_agent: ' my agent/1.0 ',
    })
  })

  it('ignores variables with the prefix that are not settings, and variables without it', () => {
    expect(rightOf(settingsFromEnv({ TAP_ZENDESK_CHAT_COLOUR: 'blue', ACCESS_TOKEN: 'x', SUBDOMAIN: 'acme', PATH: '/bin' }))).to.deep.equal(
      {},
    )
  })

  it('names each variable whose value is not of its setting type, with the value', () => {
    const problems = leftOf(
      settingsFromEnv({
        TAP_ZENDESK_CHAT_ACCESS_TOKEN: 'fine',
        TAP_ZENDESK_CHAT_MAX_RETRIES: 'three',
        TAP_ZENDESK_CHAT_MAX_PARALLEL_STREAMS: '1.5',
        TAP_ZENDESK_CHAT_REQUEST_TIMEOUT_SECONDS: '',
        TAP_ZENDESK_CHAT_ACTIVATE_VERSION: 'yes',
      }),
    )
    expect([...problems].sort()).to.deep.equal([
      'TAP_ZENDESK_CHAT_ACTIVATE_VERSION: expected true or false, got "yes"',
      'TAP_ZENDESK_CHAT_MAX_PARALLEL_STREAMS: expected a whole number, got "1.5"',
      'TAP_ZENDESK_CHAT_MAX_RETRIES: expected a whole number, got "three"',
      'TAP_ZENDESK_CHAT_REQUEST_TIMEOUT_SECONDS: expected a number, got ""',
    ])
  })
})

describe('config sources: layeredConfig', () => {
  const a = { access_token: 'token-a', subdomain: 'acme', agents_page_limit: 10 }
  const b = { access_token: 'token-b', max_retries: 2 }

  it('merges files in order, later ones winning key by key', async () => {
    expect(rightOf(await layeredConfig(['a.json', 'b.json'], files({ 'a.json': a, 'b.json': b }), {})())).to.deep.equal({
      access_token: 'token-b',
      subdomain: 'acme',
      agents_page_limit: 10,
      max_retries: 2,
    })
    expect(rightOf(await layeredConfig(['b.json', 'a.json'], files({ 'a.json': a, 'b.json': b }), {})())).to.deep.equal({
      access_token: 'token-a',
      subdomain: 'acme',
      agents_page_limit: 10,
      max_retries: 2,
    })
  })

  it('puts ENV where it stands among the files', async () => {
    const env = { TAP_ZENDESK_CHAT_ACCESS_TOKEN: 'token-env', TAP_ZENDESK_CHAT_AGENTS_PAGE_LIMIT: '50' }
    const read = files({ 'a.json': a, 'b.json': b })
    expect(rightOf(await layeredConfig(['a.json', 'ENV'], read, env)())).to.include({
      access_token: 'token-env',
      agents_page_limit: 50,
      subdomain: 'acme',
    })
    expect(rightOf(await layeredConfig(['ENV', 'b.json'], read, env)())).to.include({ access_token: 'token-b', agents_page_limit: 50 })
    expect(rightOf(await layeredConfig(['ENV'], read, env)())).to.deep.equal({ access_token: 'token-env', agents_page_limit: 50 })
  })

  it('fails on the first source that cannot be read, naming it', async () => {
    const failure = leftOf(await layeredConfig(['a.json', 'missing.json'], files({ 'a.json': a }), {})())
    expect(render(failure).join('\n')).to.include('missing.json')
  })

  it('a bad ENV value fails with one line naming the variable', async () => {
    const failure = leftOf(await layeredConfig(['a.json', 'ENV'], files({ 'a.json': a }), { TAP_ZENDESK_CHAT_AGENTS_PAGE_LIMIT: 'lots' })())
    expect(render(failure)).to.deep.equal(['error: config: TAP_ZENDESK_CHAT_AGENTS_PAGE_LIMIT: expected a whole number, got "lots"'])
  })

  it('a file that is not an object is passed on as it is, for the config check to name', async () => {
    expect(rightOf(await layeredConfig(['a.json', 'list.json'], files({ 'a.json': a, 'list.json': [1, 2] }), {})())).to.deep.equal([1, 2])
  })
})

describe('config sources: loadConfig', () => {
  it('checks the merged settings: a token only in the environment completes a file without one', async () => {
    const parsed = rightOf(
      await loadConfig(['ENV'], NOW, {
        TAP_ZENDESK_CHAT_ACCESS_TOKEN: 'tok-env',
        TAP_ZENDESK_CHAT_SUBDOMAIN: 'acme',
        TAP_ZENDESK_CHAT_MAX_PARALLEL_STREAMS: '3',
      })(),
    )
    expect(parsed.config.accessToken).to.equal('tok-env')
    expect(parsed.config.apiBase).to.equal('https://acme.zendesk.com/api/v2/chat')
    expect(parsed.config.maxParallelStreams).to.equal(3)
  })

  it('reports a setting the merged sources leave out', async () => {
    const failure = leftOf(await loadConfig(['ENV'], NOW, { TAP_ZENDESK_CHAT_SUBDOMAIN: 'acme' })())
    expect(render(failure).join('\n')).to.match(/access_token/)
  })
})
