import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import nock from 'nock'
import { exitCode, render, type Failure } from '../../../../src/core/failure.js'
import { requestBudget, WINDOW_MS } from '../../../../src/engine/http/budget.js'
import { leftOf } from '../../../support/either.js'
import { API, API_PATH, runSync, TOKEN, testEnv, type TestEnv } from '../../../support/env.js'
import { useNock } from '../../../support/nock.js'
import { defaultStreams } from '../../../support/selection.js'
import { lastState } from '../../../support/singer.js'

const run = (t: TestEnv, names: string[]) => runSync(t, defaultStreams(...names))
const failureOf = (result: E.Either<Failure, unknown>): Failure => leftOf(result)

/** skills answers 429 with Retry-After 7 s once (its body `delayMs` late), then an empty list. */
const skillsLimitedOnce = (scope: nock.Scope, delayMs?: number): nock.Scope => {
  const first = scope.get(`${API_PATH}/skills`)
  return (delayMs === undefined ? first : first.delayBody(delayMs))
    .reply(429, { error: 'Too Many Requests' }, { 'Retry-After': '7' })
    .get(`${API_PATH}/skills`)
    .reply(200, [])
}
const agent = (id: number) => ({ id, email: `a${id}@x.test`, display_name: `A ${id}` })

describe('HTTP: retries, rate limits, redirects, stopping', () => {
  useNock()

  it('retries 5xx with exponential backoff and jitter up to max_retries, then fails naming the endpoint and the last error', async () => {
    const api = nock(API).get(`${API_PATH}/goals`).times(5).reply(502, 'Bad Gateway')
    const t = testEnv({ max_retries: 4 })
    const failure = failureOf(await run(t, ['goals']))
    expect(api.isDone()).to.equal(true)
    expect(render(failure)).to.deep.equal(['error: GET goals answered 502: request failed (Bad Gateway); gave up after 4 retries'])
    expect(exitCode(failure)).to.equal(1)
    t.sleeps.forEach((ms, i) => expect(ms, `wait ${i + 1}`).to.be.within(1000 * 2 ** i * 0.5, 1000 * 2 ** i))
    expect(t.sleeps).to.have.length(4)
  })

  it('retries connection errors and timeouts like 5xx', async () => {
    nock(API)
      .get(`${API_PATH}/roles`)
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
      .get(`${API_PATH}/roles`)
      .delay(500)
      .reply(200, [])
      .get(`${API_PATH}/roles`)
      .reply(200, [{ id: 1, name: 'r' }])
    const t = testEnv({ request_timeout_seconds: 0.05 })
    expect(E.isRight(await run(t, ['roles']))).to.equal(true)
    expect(t.sleeps).to.have.length(2)
    expect(t.logs.filter((l) => l.startsWith('WARN')).join('\n'))
      .to.match(/ECONNRESET|socket hang up/)
      .and.match(/no response within 0.05 s/)
    expect(t.messages().filter((m) => m.type === 'RECORD')).to.have.length(1)
  })

  it('waits exactly as long as Retry-After says (never less), and every request after it waits too', async () => {
    skillsLimitedOnce(nock(API))
    const t = testEnv()
    expect(E.isRight(await run(t, ['skills']))).to.equal(true)
    expect(t.sleeps).to.have.length(1)
    expect(t.sleeps[0]).to.be.within(7000, 7250)
  })

  it('holds every stream from the moment a 429 status is in, before its body has been read', async () => {
    const t = testEnv({ agents_page_limit: 1, max_parallel_streams: 2 })
    let page2At: number | undefined
    skillsLimitedOnce(nock(API), 400)
      .get(`${API_PATH}/agents`)
      .query({ limit: 1 })
      .delay(100)
      .reply(200, [agent(1)])
      .get(`${API_PATH}/agents`)
      .query({ limit: 1, since_id: 2 })
      .reply(200, () => {
        page2At = t.env.clock()
        return []
      })
    expect(E.isRight(await run(t, ['skills', 'agents']))).to.equal(true)
    expect(page2At, 'the next page of another stream waited for the Retry-After').to.be.at.least(7000)
  })

  it('says in the log when a long wait starts and why: a Retry-After, the budget; and once that zchat lowers its rate', async () => {
    skillsLimitedOnce(nock(API))
      .get(`${API_PATH}/roles`)
      .reply(429, { error: 'Too Many Requests' }, { 'Retry-After': '6' })
      .get(`${API_PATH}/roles`)
      .reply(200, [])
    const t = testEnv({ max_parallel_streams: 1 })
    expect(E.isRight(await run(t, ['skills', 'roles']))).to.equal(true)
    const info = t.logs.filter((l) => l.startsWith('INFO') && !l.startsWith('INFO stream '))
    expect(info).to.deep.equal([
      'INFO every stream waits 7 s: the API answered 429 and asked to wait (Retry-After)',
      "INFO the API answered 429 although zchat kept within max_requests_per_minute (200): another app may be using the account's rate limit. zchat lowers its own rate to 100 requests a minute for the rest of the run, and raises it slowly while requests succeed",
      'INFO every stream waits 6 s: the API answered 429 and asked to wait (Retry-After)',
    ])

    nock(API).get(`${API_PATH}/goals`).reply(200, []).get(`${API_PATH}/roles`).reply(200, [])
    const budget = testEnv({ max_requests_per_minute: 1 })
    expect(E.isRight(await run(budget, ['goals', 'roles']))).to.equal(true)
    expect(budget.logs.filter((l) => l.includes('waiting'))).to.deep.equal([
      'INFO waiting 61 s for the request budget: 1 request started within the last minute (max_requests_per_minute)',
    ])
  })

  it('tells the display which stream waits, for what and until when, and when its request goes', async () => {
    skillsLimitedOnce(nock(API))
    const t = testEnv()
    const told: unknown[] = []
    const env = { ...t.env, waiting: (stream: string, wait: unknown) => told.push([stream, wait]) }
    expect(E.isRight(await runSync({ ...t, env }, defaultStreams('skills')))).to.equal(true)
    expect(told).to.have.length(2)
    const [[stream, wait], over] = told as [[string, { reason: string; untilMs: number }], unknown]
    expect(stream).to.equal('skills')
    expect(wait.reason).to.equal('retry-after')
    expect(wait.untilMs).to.be.within(7000, 7250)
    expect(over).to.deep.equal(['skills', undefined])
  })

  it('fails at once, with the setting named, when Retry-After asks for more than max_retry_wait_seconds', async () => {
    nock(API).get(`${API_PATH}/skills`).reply(429, {}, { 'Retry-After': '900' })
    const t = testEnv({ max_retry_wait_seconds: 120 })
    const failure = failureOf(await run(t, ['skills']))
    expect(render(failure)[0]).to.equal(
      'error: GET skills answered 429: the API asked to wait 900 s (Retry-After), more than max_retry_wait_seconds (120); the last STATE resumes the run later',
    )
    expect(t.sleeps).to.deep.equal([])
  })

  for (const status of [400, 401, 403, 404]) {
    it(`does not retry ${status}`, async () => {
      const api = nock(API).get(`${API_PATH}/triggers`).reply(status, { error: 'nope' })
      // Nothing else answers either (403 and 404 look at agents first: a missing resource is skipped).
      if (status === 403 || status === 404) api.get(`${API_PATH}/agents`).query({ limit: 1 }).reply(status, { error: 'nope' })
      const t = testEnv()
      const failure = failureOf(await run(t, ['triggers']))
      expect(api.isDone()).to.equal(true)
      expect(failure._tag === 'HttpError' && failure.status).to.equal(status)
      expect(t.sleeps).to.deep.equal([])
      expect(render(failure).join() + t.logs.join()).to.not.contain(TOKEN)
    })
  }

  it('follows a redirect on the API host, and refuses one to another host without sending it the token', async () => {
    nock(API)
      .get(`${API_PATH}/departments`)
      .reply(302, '', { Location: `${API_PATH}/departments?moved=1` })
      .get(`${API_PATH}/departments`)
      .query({ moved: 1 })
      .reply(200, [{ id: 3, name: 'd' }])
    const t1 = testEnv()
    expect(E.isRight(await run(t1, ['departments']))).to.equal(true)

    const elsewhere = nock('https://collector.example').get(/.*/).reply(200, [])
    nock(API).get(`${API_PATH}/departments`).reply(301, '', { Location: 'https://collector.example/steal' })
    const t2 = testEnv()
    const failure = failureOf(await run(t2, ['departments']))
    expect(render(failure)[0]).to.match(
      /redirected to another host \(collector.example\); not followed, so the access token is not sent there/,
    )
    expect(elsewhere.isDone()).to.equal(false)
    expect(t2.sleeps).to.deep.equal([])
  })

  it('keeps to max_requests_per_minute over all streams: no more requests start in any minute', async () => {
    const starts: number[] = []
    const budget = requestBudget(3, { clock: () => now, sleep: async (ms) => void (now += ms) })
    let now = 0
    for (let i = 0; i < 8; i++) {
      await budget.take()
      starts.push(now)
    }
    const W = WINDOW_MS
    expect(W, 'a minute and a margin under a second').to.be.within(60_000, 61_000)
    expect(starts).to.deep.equal([0, 0, 0, W, W, W, 2 * W, 2 * W])
    // A slot is free at two windows; a hold (after a 429) pushes the next start past it.
    budget.holdFor(5000)
    await budget.take()
    expect(now).to.equal(2 * W + 5000)
  })

  it('a stopping run stops waiting for the budget at once', async () => {
    const now = 0
    let stopping = false
    const budget = requestBudget(1, { clock: () => now, sleep: async () => void (stopping = true), stopped: () => stopping })
    await budget.take()
    await budget.take()
    expect(now, 'no time passed: the wait was given up').to.equal(0)
  })

  it('the budget is shared: the run waits once the minute is used up', async () => {
    nock(API).get(`${API_PATH}/goals`).reply(200, []).get(`${API_PATH}/roles`).reply(200, []).get(`${API_PATH}/skills`).reply(200, [])
    const t = testEnv({ max_requests_per_minute: 2 })
    expect(E.isRight(await run(t, ['goals', 'roles', 'skills']))).to.equal(true)
    expect(t.sleeps).to.deep.equal([WINDOW_MS])
  })

  it('asked to stop: the page in flight is finished, no new request starts, the last STATE is written again, exit 128 + signal', async () => {
    const stop = new AbortController()
    const api = nock(API)
      .get(`${API_PATH}/agents`)
      .query({ limit: 1 })
      .reply(200, () => [agent(1)])
      .get(`${API_PATH}/agents`)
      .query({ limit: 1, since_id: 2 })
      .reply(200, () => {
        stop.abort('SIGTERM')
        return [agent(2)]
      })
      .get(`${API_PATH}/agents`)
      .query({ limit: 1, since_id: 3 })
      .reply(200, [agent(3)])
    const t = testEnv({ agents_page_limit: 1 }, { stop: stop.signal })
    const failure = failureOf(await run(t, ['agents']))
    expect(failure).to.deep.equal({ _tag: 'Interrupted', signal: 'SIGTERM' })
    expect(exitCode(failure)).to.equal(143)
    expect(api.pendingMocks()).to.have.length(1)
    const types = t.messages().map((m) => (m.type === 'RECORD' ? `R${String(m.record!.id)}` : m.type))
    // Agents are read in full (a new version, announced with the first page); a full read stopped halfway is read again next run.
    expect(types).to.deep.equal(['SCHEMA', 'ACTIVATE_VERSION', 'R1', 'STATE', 'R2', 'STATE', 'STATE'])
    expect(lastState(t.messages())).to.deep.equal({ bookmarks: {}, currently_syncing: 'agents' })
  })
})
