import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import nock from 'nock'
import { render } from '../../../src/core/failure.js'
import { leftOf, rightOf } from '../../support/either.js'
import { API, API_PATH, TOKEN, runSync, testEnv } from '../../support/env.js'
import { useNock } from '../../support/nock.js'
import { BY_ID, selectWith } from '../../support/selection.js'
import { recordMessagesOf, recordsOf, statesOf } from '../../support/singer.js'

// These tests page agents by id bookmark: INCREMENTAL, as a catalog selects it (FULL_TABLE is the default).
const only = (...names: string[]) => selectWith(names, BY_ID)
const agent = (id: number, extra: Record<string, unknown> = {}) => ({ id, email: `a${id}@x.example`, enabled: true, ...extra })

describe('sync engine', () => {
  useNock()

  it('pages agents by since_id = max(id) + 1 and writes a complete STATE after every page', async () => {
    const api = nock(API, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get(`${API_PATH}/agents`)
      .query({ limit: 2 })
      .reply(200, [agent(1), agent(2)])
      .get(`${API_PATH}/agents`)
      .query({ limit: 2, since_id: 3 })
      .reply(200, [agent(5), agent(6)])
      .get(`${API_PATH}/agents`)
      .query({ limit: 2, since_id: 7 })
      .reply(200, [agent(9)])
    const t = testEnv({ agents_page_limit: 2 })
    const result = await runSync(t, only('agents'))
    expect(api.isDone()).to.equal(true)
    expect(rightOf(result).streams[0]).to.deep.equal({ stream: 'agents', records: 5, pages: 3, bookmark: { id: 9 } })
    const summary = t
      .messages()
      .map((m) => (m.type === 'RECORD' ? `R${String(m.record.id)}` : m.type === 'STATE' ? `S${JSON.stringify(m.value)}` : m.type))
    expect(summary).to.deep.equal([
      'SCHEMA',
      'R1',
      'R2',
      'S{"bookmarks":{"agents":{"id":2}},"currently_syncing":"agents"}',
      'R5',
      'R6',
      'S{"bookmarks":{"agents":{"id":6}},"currently_syncing":"agents"}',
      'R9',
      'S{"bookmarks":{"agents":{"id":9}},"currently_syncing":"agents"}',
      'S{"bookmarks":{"agents":{"id":9}},"currently_syncing":null}',
    ])
    const record = recordMessagesOf(t.messages())[0]!
    expect(record.time_extracted).to.equal('2026-11-21T10:00:00.000Z')
  })

  it('resumes after the bookmark and keeps other bookmarks in every STATE', async () => {
    const t = testEnv({}, { routes: { 'agents?limit=100&since_id=7': { body: [agent(8)] } } })
    await runSync(t, only('agents'), { bookmarks: { agents: { id: 6 }, other: { x: 1 } }, currently_syncing: null })
    expect(statesOf(t.messages()).at(-1)).to.deep.equal({ bookmarks: { agents: { id: 8 }, other: { x: 1 } }, currently_syncing: null })
    expect(recordsOf(t.messages()).map((r) => r.id)).to.deep.equal([8])
  })

  it('never emits a record at or below the bookmark, even if the API sends one', async () => {
    const t = testEnv({}, { routes: { 'agents?limit=100&since_id=7': { body: [agent(6), agent(7), agent(8)] } } })
    await runSync(t, only('agents'), { bookmarks: { agents: { id: 6 } }, currently_syncing: null })
    expect(recordsOf(t.messages()).map((r) => r.id)).to.deep.equal([7, 8])
  })

  it('a record that does not fit its codec stops the run before anything of its page is emitted', async () => {
    nock(API)
      .get(`${API_PATH}/agents`)
      .query({ limit: 2 })
      .reply(200, [agent(1), agent(2)])
      .get(`${API_PATH}/agents`)
      .query({ limit: 2, since_id: 3 })
      .reply(200, [agent(3), agent(4, { login_count: 'many' })])
    const t = testEnv({ agents_page_limit: 2 })
    const result = await runSync(t, only('agents'))
    expect(E.isLeft(result)).to.equal(true)
    const failure = leftOf(result)
    expect(render(failure)).to.deep.equal([
      'error: stream agents, record 4: field login_count expected (Int | null), got string "many"' +
        '; to carry on without it, deselect it in the catalog: `meltano select tap-zendesk-chat --exclude agents login_count`' +
        ' (select pattern "!agents.login_count"), or "selected": false at breadcrumb ["properties","login_count"] of stream agents;' +
        ' the last STATE resumes at this page',
    ])
    const ids = recordsOf(t.messages()).map((r) => r.id)
    expect(ids).to.deep.equal([1, 2])
    expect(t.messages().at(-1)).to.deep.equal({ type: 'STATE', value: { bookmarks: { agents: { id: 2 } }, currently_syncing: 'agents' } })
  })

  it('names nested fields and array positions in decode errors', async () => {
    const t = testEnv({}, { routes: { departments: { body: [{ id: 1, members: [1, 'two'] }] } } })
    const result = await runSync(t, only('departments'))
    expect(render(leftOf(result))[0]).to.equal(
      'error: stream departments, record 1: field members[1] expected (Int | null), got string "two"' +
        '; to carry on without it, deselect it in the catalog: `meltano select tap-zendesk-chat --exclude departments members`' +
        ' (select pattern "!departments.members"), or "selected": false at breadcrumb ["properties","members"] of stream departments;' +
        ' the last STATE resumes at this page',
    )
  })

  it('a body of the wrong shape is a decode error, not a crash', async () => {
    const result = await runSync(testEnv({}, { routes: { account: { body: [] } } }), only('account'))
    expect(render(leftOf(result))[0]).to.equal('error: stream account, record (response): field (body) expected an object, got array')
  })

  it('emits only schema fields and warns once per run about a new field', async () => {
    const t = testEnv(
      { agents_page_limit: 1 },
      {
        routes: {
          'agents?limit=1': { body: [agent(1, { mood: 'happy' })] },
          'agents?limit=1&since_id=2': { body: [agent(2, { mood: 'calm' })] },
          'agents?limit=1&since_id=3': { body: [] },
        },
      },
    )
    await runSync(t, only('agents'))
    const records = recordsOf(t.messages())
    expect(records).to.have.length(2)
    for (const r of records) expect(r).to.not.have.property('mood')
    expect(t.logs.filter((l) => l.includes('"mood"'))).to.deep.equal([
      'WARN stream agents: field "mood" is new to zchat and is not extracted',
    ])
  })

  it('401 fails at once with the likely cause and without the token', async () => {
    nock(API)
      .get(`${API_PATH}/account`)
      .reply(401, { error: 'Unauthorized', description: 'The server could not verify that you are authorized' })
    const t = testEnv()
    const result = await runSync(t, only('account'))
    const lines = render(leftOf(result))
    expect(lines).to.have.length(1)
    expect(lines[0]).to.match(/^error: GET account answered 401: the access token was refused/)
    expect(lines[0]).to.contain('Unauthorized')
    expect(lines.join() + t.logs.join()).to.not.contain(TOKEN)
    expect(t.sleeps).to.deep.equal([])
  })

  it('retries 503 with backoff and 429 after Retry-After, then succeeds', async () => {
    nock(API)
      .get(`${API_PATH}/departments`)
      .reply(503, 'Service Unavailable')
      .get(`${API_PATH}/departments`)
      .reply(429, { error: 'Too Many Requests' }, { 'Retry-After': '3' })
      .get(`${API_PATH}/departments`)
      .reply(200, [{ id: 1 }])
    const t = testEnv()
    const result = await runSync(t, only('departments'))
    expect(E.isRight(result)).to.equal(true)
    expect(t.sleeps).to.have.length(2)
    expect(t.sleeps[0]).to.be.within(500, 1000)
    // Retry-After is a floor: jitter only adds to it.
    expect(t.sleeps[1]).to.be.within(3000, 3250)
  })

  it('a body that is not JSON is retried, then reported naming the endpoint', async () => {
    nock(API).get(`${API_PATH}/departments`).times(4).reply(200, '<html>maintenance</html>', { 'Content-Type': 'text/html' })
    const result = await runSync(testEnv({ max_retries: 3 }), only('departments'))
    expect(render(leftOf(result))[0]).to.match(
      /^error: GET departments failed: the body is not JSON \(24 bytes of text\/html, status 200\); gave up after 3 retries$/,
    )
  })

  it('stops fetching as soon as stdout is closed', async () => {
    const api = nock(API)
      .get(`${API_PATH}/agents`)
      .query({ limit: 1 })
      .reply(200, [agent(1)])
      .get(`${API_PATH}/agents`)
      .query({ limit: 1, since_id: 2 })
      .reply(200, [agent(2)])
    const t = testEnv({ agents_page_limit: 1 }, { acceptWrites: 1 })
    const result = await runSync(t, only('agents'))
    expect(E.isLeft(result) && result.left._tag).to.equal('OutputClosed')
    expect(api.pendingMocks()).to.have.length(1)
  })

  it('sends a User-Agent and logs requests at debug level without credentials', async () => {
    nock(API, { reqheaders: { 'user-agent': 'zchat/0.0.0-test' } })
      .get(`${API_PATH}/account`)
      .reply(200, { account_key: 'k' })
    const t = testEnv()
    await runSync(t, only('account'))
    expect(t.logs.some((l) => l.startsWith('DEBUG GET account → 200'))).to.equal(true)
    expect(t.logs.join('\n')).to.not.contain(TOKEN).and.not.contain('Bearer')
  })
})
