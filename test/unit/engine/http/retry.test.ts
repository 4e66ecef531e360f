import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { httpError, networkError, render, type Failure } from '../../../../src/core/failure.js'
import {
  BACKOFF_CAP_MS,
  decide,
  givenUp,
  retryAfterOf,
  retrying,
  RETRY_AFTER_JITTER_MS,
  type Fault,
  type Tried,
  type Turn,
} from '../../../../src/engine/http/retry.js'
import { requestBudget } from '../../../../src/engine/http/budget.js'
import type { Env } from '../../../../src/engine/env.js'
import { testEnv } from '../../../support/env.js'

const limits = { maxRetries: 5, maxRetryWaitMs: 120_000 }
const status = (code: number, retryAfterMs?: number): Fault => ({
  kind: 'status',
  status: code,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
})
/** Jitter sources at both ends of [0, 1). */
const LOWEST = () => 0
const HIGHEST = () => 1 - Number.EPSILON

describe('HTTP retry policy', () => {
  it('retries 429 and the 5xx that pass (500, 502, 503, 504); any other status fails at once', () => {
    for (const code of [429, 500, 502, 503, 504]) expect(decide(1, status(code), limits, LOWEST).action, `${code}`).to.equal('retry')
    for (const code of [301, 400, 403, 404, 409, 422, 501, 505])
      expect(decide(1, status(code), limits, LOWEST), `${code}`).to.deep.equal({ action: 'give-up', reason: { why: 'lasting' } })
  })

  it('backs off from 1 s, doubling each try up to 60 s, half of it fixed and half jitter', () => {
    const waits = (random: () => number) =>
      [1, 2, 3, 4, 5, 6, 7, 8].map((n) => {
        const d = decide(n, status(503), { ...limits, maxRetries: 10 }, random)
        return d.action === 'retry' && !d.retryAfter ? Math.round(d.waitMs) : d
      })
    expect(waits(LOWEST)).to.deep.equal([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000])
    expect(waits(HIGHEST)).to.deep.equal([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000])
    expect(waits(() => 0.5)).to.deep.equal([750, 1500, 3000, 6000, 12_000, 24_000, 45_000, 45_000])
    expect(BACKOFF_CAP_MS).to.equal(60_000)
  })

  it('waits a Retry-After in full, never less, plus up to 250 ms of jitter, in place of the backoff; every stream waits', () => {
    expect(decide(4, status(429, 7000), limits, LOWEST)).to.deep.equal({ action: 'retry', waitMs: 7000, retryAfter: true })
    const highest = decide(4, status(429, 7000), limits, HIGHEST)
    expect(highest.action === 'retry' && highest.waitMs).to.be.within(7249, 7250)
    expect(RETRY_AFTER_JITTER_MS).to.equal(250)
    // A 503 may say Retry-After too: it is the wait, short or long, whatever the backoff would have been.
    expect(decide(5, status(503, 100), limits, LOWEST)).to.deep.equal({ action: 'retry', waitMs: 100, retryAfter: true })
    expect(decide(1, status(503, 90_000), limits, LOWEST)).to.deep.equal({ action: 'retry', waitMs: 90_000, retryAfter: true })
  })

  it('tries max_retries times again, then gives up saying so', () => {
    expect(decide(5, status(502), limits, LOWEST).action).to.equal('retry')
    const spent = decide(6, status(502), limits, LOWEST)
    expect(spent).to.deep.equal({ action: 'give-up', reason: { why: 'retries-spent', maxRetries: 5 } })
    expect(decide(1, { kind: 'network' }, { ...limits, maxRetries: 0 }, LOWEST).action, 'max_retries 0: no retry').to.equal('give-up')
    expect(decide(6, status(429, 1000), limits, LOWEST).action, 'a Retry-After is a retry too').to.equal('give-up')

    const last = httpError('goals', 502, 'request failed (Bad Gateway)')
    expect(render(givenUp(last, { why: 'retries-spent', maxRetries: 4 }))).to.deep.equal([
      'error: GET goals answered 502: request failed (Bad Gateway); gave up after 4 retries',
    ])
    expect(render(givenUp(networkError('roles', 'socket hang up'), { why: 'retries-spent', maxRetries: 1 }))[0]).to.match(
      /socket hang up; gave up after 1 retry$/,
    )
  })

  it('gives up at once when Retry-After asks for more than max_retry_wait_seconds, naming the setting', () => {
    expect(decide(1, status(429, 120_000), limits, LOWEST).action, 'exactly the limit is waited').to.equal('retry')
    const tooLong = decide(1, status(429, 120_001), limits, LOWEST)
    expect(tooLong).to.deep.equal({ action: 'give-up', reason: { why: 'wait-too-long', askedMs: 120_001, maxRetryWaitMs: 120_000 } })
    const failure = givenUp(httpError('skills', 429, 'rate limited'), { why: 'wait-too-long', askedMs: 900_000, maxRetryWaitMs: 120_000 })
    expect(render(failure)).to.deep.equal([
      'error: GET skills answered 429: the API asked to wait 900 s (Retry-After), more than max_retry_wait_seconds (120); the last STATE resumes the run later',
    ])
  })

  it('retries what the network may not do again (timeouts, resets, bodies not JSON), not what every try would meet', () => {
    for (const kind of ['timeout', 'network', 'not-json'] as const)
      expect(decide(1, { kind }, limits, LOWEST).action, kind).to.equal('retry')
    for (const kind of ['no-such-host', 'no-tls', 'redirect', 'interrupted'] as const)
      expect(decide(1, { kind }, limits, LOWEST), kind).to.deep.equal({ action: 'give-up', reason: { why: 'lasting' } })
    const failure = networkError('goals', 'no such host')
    expect(givenUp(failure, { why: 'lasting' })).to.equal(failure)
  })

  it('a refused token (401) is renewed, not retried: however many tries there were', () => {
    expect(decide(1, status(401), limits, LOWEST)).to.deep.equal({ action: 'renew' })
    expect(decide(99, status(401), limits, LOWEST)).to.deep.equal({ action: 'renew' })
  })

  it('reads Retry-After as seconds or as an HTTP date; absent or unreadable, there is none', () => {
    const now = Date.parse('2026-11-21T10:00:00Z')
    expect(retryAfterOf('7', now)).to.equal(7000)
    expect(retryAfterOf('0.5', now)).to.equal(500)
    expect(retryAfterOf('Sat, 21 Nov 2026 10:00:30 GMT', now)).to.equal(30_000)
    expect(retryAfterOf('Sat, 21 Nov 2026 09:00:00 GMT', now), 'a date passed: no wait').to.equal(0)
    expect(retryAfterOf('-3', now)).to.equal(0)
    expect(retryAfterOf(null, now)).to.equal(undefined)
    expect(retryAfterOf(' ', now)).to.equal(undefined)
    expect(retryAfterOf('soon', now)).to.equal(undefined)
  })
})

describe('HTTP retry loop', () => {
  /** A try that answers as `script` says, one entry a try, and records what each try was given. */
  const scripted = (script: ((turn: Turn) => Tried | Promise<Tried>)[]) => {
    const turns: Turn[] = []
    return {
      turns,
      tryOnce: async (_env: Env, turn: Turn): Promise<Tried> => {
        turns.push(turn)
        const next = script[turns.length - 1]
        if (next === undefined) throw new Error('one try too many')
        return next(turn)
      },
    }
  }
  const failed = (failure: Failure, fault: Fault) => (): Tried => ({ ok: false, failure, fault })
  const ok = (body: unknown) => (): Tried => ({ ok: true, body })

  it('sleeps the waits the policy gives, through the injected sleep, and logs each retry', async () => {
    const t = testEnv({ max_retries: 2 })
    const tries = scripted([failed(networkError('goals', 'socket hang up'), { kind: 'network' }), ok(['page'])])
    expect(await retrying('goals', tries.tryOnce)(t.env)()).to.deep.equal(E.right(['page']))
    expect(t.sleeps).to.have.length(1)
    expect(t.sleeps[0]).to.be.within(500, 1000)
    expect(t.logs.filter((l) => l.startsWith('WARN'))).to.have.length(1)
    expect(t.logs.find((l) => l.startsWith('WARN'))).to.match(/^WARN goals: socket hang up; retry 1 of 2 in \d\.\d s$/)
  })

  it('holds every stream for a Retry-After as soon as the 429 is in, before the try ends; not for one it will not wait out', async () => {
    /** When another stream's request may start, asked while the try that met a 429 of `retryAfterMs` is still reading it. */
    const otherStreamStartsAt = async (retryAfterMs: number): Promise<number> => {
      const t = testEnv({ max_retry_wait_seconds: 60 })
      let startsAt = Number.NaN
      const tries = scripted([
        async ({ onRateLimited }) => {
          onRateLimited(retryAfterMs)
          await t.env.budget.take()
          startsAt = t.env.clock()
          return { ok: false, failure: httpError('skills', 429, 'rate limited'), fault: status(429, retryAfterMs) }
        },
        ok([]),
      ])
      await retrying('skills', tries.tryOnce)(t.env)()
      return startsAt
    }
    expect(await otherStreamStartsAt(7000), 'held for the Retry-After itself, the jitter comes later').to.equal(7000)
    expect(await otherStreamStartsAt(900_000), 'more than max_retry_wait_seconds: the run ends, nobody is held').to.equal(0)
  })

  it('a 401 is sent again at once with the renewed token, and takes none of max_retries; without a renewal it fails', async () => {
    const t = testEnv({ max_retries: 1 })
    let token = 'old'
    const env: Env = {
      ...t.env,
      credentials: {
        accessToken: () => token,
        renew: async (refused) => {
          if (refused !== 'old') return false
          token = 'new'
          return true
        },
      },
    }
    const refusedToken = failed(httpError('goals', 401, 'the access token was refused'), status(401))
    const tries = scripted([refusedToken, failed(httpError('goals', 502, 'request failed'), status(502)), ok(['page'])])
    expect(await retrying('goals', tries.tryOnce)(env)()).to.deep.equal(E.right(['page']))
    expect(tries.turns.map((turn) => turn.token)).to.deep.equal(['old', 'new', 'new'])
    expect(t.sleeps, 'the one retry max_retries allows, after the renewal').to.have.length(1)

    const again = scripted([refusedToken, refusedToken])
    const result = await retrying('goals', again.tryOnce)(env)()
    expect(again.turns).to.have.length(1)
    expect(E.isLeft(result) && result.left).to.deep.equal(httpError('goals', 401, 'the access token was refused'))
  })

  it('starts no try once the run is stopping, and does not wait for the budget first', async () => {
    const stop = new AbortController()
    stop.abort('SIGINT')
    const t = testEnv({ max_requests_per_minute: 1 }, { stop: stop.signal })
    await t.env.budget.take()
    const tries = scripted([ok([])])
    expect(await retrying('goals', tries.tryOnce)(t.env)()).to.deep.equal(E.left({ _tag: 'Interrupted', signal: 'SIGINT' }))
    expect(tries.turns).to.have.length(0)
    expect(t.sleeps, 'the budget was used up, and not waited for').to.deep.equal([])
  })

  it('asked to stop while waiting for the budget, starts no try', async () => {
    const stop = new AbortController()
    const t = testEnv({}, { stop: stop.signal })
    let clock = 0
    const budget = requestBudget(1, { clock: () => clock, sleep: async (ms) => void ((clock += ms), stop.abort('SIGTERM')) })
    await budget.take()
    const tries = scripted([ok([])])
    expect(await retrying('goals', tries.tryOnce)({ ...t.env, budget })()).to.deep.equal(E.left({ _tag: 'Interrupted', signal: 'SIGTERM' }))
    expect(tries.turns).to.have.length(0)
  })
})
