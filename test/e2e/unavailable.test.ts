/**
 * Resources an account does not have (a plan without skills or goals answers
 * 403 or 404 there) and runs that reach no Zendesk Chat API at all (a wrong
 * subdomain or base_url, a host that does not exist).
 */
import { createServer, type AddressInfo } from 'node:net'
import { expect } from 'chai'
import { parseCatalog, withMetadata } from '../support/catalog.js'
import { describeRun, expectCleanFailure, tap, useTempDir } from '../support/cli.js'
import { ALL_STREAMS, recordsHeld, sandboxConfig, useSandbox } from '../support/sandbox.js'
import { lastState, parseMessages, recordsOf, type Message } from '../support/singer.js'

const activations = (messages: readonly Message[], stream: string) =>
  messages.filter((m) => m.type === 'ACTIVATE_VERSION' && 'stream' in m && m.stream === stream)
const warnings = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('WARN'))

describe('e2e: resources the account does not have', () => {
  const sandbox = useSandbox({ seed: 81, agents: 20, departments: 3, chats: 300, bans: 10, timeline: 300 })
  const tmp = useTempDir()

  it('skills answering 404 and goals 403: one warning each naming it, every other stream complete, exit 0, and their tables left as they were (no ACTIVATE_VERSION)', async () => {
    const config = await tmp().write('config.json', sandboxConfig(sandbox()))
    const run1 = await tap('--config', config)
    expect(run1.code, describeRun(run1)).to.equal(0)
    const state1 = lastState(parseMessages(run1.stdout))
    expect(state1.bookmarks.skills).to.have.property('version')

    sandbox().setUnavailable({ skills: 404, goals: 403 })
    try {
      const r = await tap('--config', config, '--state', await tmp().write('state-1.json', state1))
      expect(r.code, describeRun(r)).to.equal(0)
      const messages = parseMessages(r.stdout)
      // Text log lines carry a time after the level; the words are what is asserted.
      const untimed = warnings(r.stderr).map((l) => l.replace(/^WARN \d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} /, 'WARN '))
      expect([...untimed].sort()).to.deep.equal([
        "WARN stream goals: skipped, the API answered 403 (the account's plan may not include goals, or the token may not read it); its table is left as it was",
        "WARN stream skills: skipped, the API answered 404 (the account's plan may not include skills, or the token may not read it); its table is left as it was",
      ])
      for (const stream of ['skills', 'goals']) {
        expect(recordsOf(messages, stream), stream).to.deep.equal([])
        expect(activations(messages, stream), stream).to.deep.equal([])
      }
      const held = recordsHeld(sandbox())
      // The incremental exports resume from state 1; every stream read in full is whole.
      for (const stream of ALL_STREAMS.filter(
        (s) => !['skills', 'goals', 'chats', 'agent_timeline', 'conversions', 'department_events'].includes(s),
      )) {
        expect(recordsOf(messages, stream), stream).to.have.length(held[stream]!)
        expect(activations(messages, stream), stream).to.have.length(1)
      }
      const state2 = lastState(messages)
      // The skipped streams keep the version of their last whole read, so a later run does not announce a new table.
      expect(state2.bookmarks.skills).to.deep.equal(state1.bookmarks.skills)
      expect(state2.bookmarks.goals).to.deep.equal(state1.bookmarks.goals)
    } finally {
      sandbox().setUnavailable({})
    }
  })

  it('a first run where skills is missing writes no ACTIVATE_VERSION for it at all (an empty one would empty its table)', async () => {
    sandbox().setUnavailable({ skills: 404 })
    try {
      const r = await tap('--config', await tmp().write('config-first.json', sandboxConfig(sandbox())))
      expect(r.code, describeRun(r)).to.equal(0)
      const messages = parseMessages(r.stdout)
      expect(activations(messages, 'skills')).to.deep.equal([])
      expect(activations(messages, 'departments')).to.have.length(2)
      expect(lastState(messages).bookmarks.skills).to.equal(undefined)
    } finally {
      sandbox().setUnavailable({})
    }
  })

  it('chats read by search (chats_strategy: search) with search answering 403: skipped like any stream, no ACTIVATE_VERSION even read in full', async () => {
    sandbox().setUnavailable({ chats: 403 })
    try {
      const config = await tmp().write('config-search.json', sandboxConfig(sandbox(), { chats_strategy: 'search' }))
      const discovered = await tap('--config', config, '--discover')
      const catalog = withMetadata(parseCatalog(discovered.stdout), 'chats', [], { 'replication-method': 'FULL_TABLE' })
      const r = await tap('--config', config, '--catalog', await tmp().write('catalog-search.json', catalog))
      expect(r.code, describeRun(r)).to.equal(0)
      const messages = parseMessages(r.stdout)
      expect(warnings(r.stderr).filter((l) => l.includes('stream chats: skipped, the API answered 403'))).to.have.length(1)
      expect(recordsOf(messages, 'chats')).to.deep.equal([])
      expect(activations(messages, 'chats'), 'a table announced empty would be emptied').to.deep.equal([])
      expect(activations(messages, 'departments')).to.have.length(2)
      expect(lastState(messages).bookmarks.chats).to.equal(undefined)
    } finally {
      sandbox().setUnavailable({})
    }
  })

  it('a base_url whose every path answers 404 (a wrong subdomain) fails within seconds with the advice of zchat check', async () => {
    const started = Date.now()
    const wrong = sandbox().baseUrl.replace('/api/v2/chat', '/nothing/here')
    const r = await tap('--config', await tmp().write('config-wrong.json', sandboxConfig(sandbox(), { base_url: wrong })))
    const errors = expectCleanFailure(r, 1, { logs: true })
    expect(errors).to.have.length(1)
    expect(errors[0]).to.match(
      /answered 404: No Zendesk Chat API at 127\.0\.0\.1:\d+ \(404\)\. Check subdomain \(acme for acme\.zendesk\.com\) or base_url\.$/,
    )
    expect(warnings(r.stderr).filter((l) => l.includes('skipped'))).to.deep.equal([])
    expect(Date.now() - started, 'not minutes of retries').to.be.lessThan(20_000)
  })

  it('a host that does not exist fails within seconds, not retried, with the subdomain hint', async () => {
    const started = Date.now()
    // .invalid never resolves (RFC 2606): nothing leaves the machine but the resolver's answer.
    const config = await tmp().write('config-nohost.json', {
      access_token: 'x',
      base_url: 'https://zchat-no-such-account.invalid/api/v2/chat',
    })
    const r = await tap('--config', config)
    const errors = expectCleanFailure(r, 1, { logs: true })
    expect(errors[0]).to.match(
      /ENOTFOUND.*no such host zchat-no-such-account\.invalid; check subdomain \(acme for acme\.zendesk\.com\) or base_url$/,
    )
    expect(r.stderr).to.not.match(/retry \d+ of/)
    expect(Date.now() - started, 'not minutes of retries').to.be.lessThan(20_000)
  })

  it('a network briefly down (connection refused) is still retried', async () => {
    // A port nobody listens on any more: refused at once, as when a proxy or the network is down.
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as AddressInfo).port
    await new Promise((resolve) => server.close(resolve))
    const closed = sandbox().baseUrl.replace(/:\d+\//, `:${port}/`)
    const r = await tap(
      '--config',
      await tmp().write('config-refused.json', sandboxConfig(sandbox(), { base_url: closed, max_retries: 1 })),
    )
    expectCleanFailure(r, 1, { logs: true })
    expect(r.stderr).to.match(/ECONNREFUSED.*retry 1 of 1/)
  })
})
