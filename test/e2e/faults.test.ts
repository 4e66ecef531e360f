import { expect } from 'chai'
import { describeRun, expectCleanFailure, run, TAP, tap, useTempDir } from '../support/cli.js'
import { recordKeys, sandboxConfig, useSandbox } from '../support/sandbox.js'
import { completeMessages, lastState, parseMessages } from '../support/singer.js'
import { startSandbox, type FaultPlan } from '../../src/sandbox/index.js'

const SECRET = 'zt-e2e-3d9f1c0a7b-secret'
const PARALLEL = 4
const OPTIONS = { seed: 61, token: SECRET, agents: 120, departments: 4, bans: 300, chats: 3000, timeline: 2000 }

describe('e2e: faults of the API and the network end in a complete extraction', () => {
  const sandbox = useSandbox(OPTIONS)
  const tmp = useTempDir()
  let clean: string[]

  // Retries are kept quick: a request times out after 1 s; rate-limit waits are the sandbox's 1 s.
  const settings = { request_timeout_seconds: 1, max_retries: 8, max_parallel_streams: PARALLEL }

  before(async () => {
    const r = await tap('--config', await tmp().write('clean.json', sandboxConfig(sandbox(), settings)))
    expect(r.code, describeRun(r)).to.equal(0)
    clean = recordKeys(parseMessages(r.stdout)).sort()
  })

  const plans: [string, FaultPlan, string][] = [
    ['429 on every 4th request, Retry-After 1 s', { rateLimitEvery: 4, retryAfterSeconds: 1 }, 'rateLimitEvery'],
    ['bursts of two 503s after every 8 requests', { serverErrors: { every: 8, length: 2, status: 503 } }, 'serverError'],
    ['a connection reset mid-body on every 5th request', { resetEvery: 5 }, 'reset'],
    ['a truncated body on every 6th request', { truncateEvery: 6 }, 'truncate'],
    ['an answer slower than the timeout on every 7th request', { slowEvery: 7, slowMs: 1500 }, 'slow'],
    ['an HTML page with status 200 on every 6th request', { htmlEvery: 6 }, 'html'],
    ["the server's own limit of 8 requests in 2 s", { rateLimit: { requests: 8, windowMs: 2000 } }, 'rateLimit'],
  ]

  for (const [title, plan, kind] of plans) {
    it(`${title}: every record once, and no request before a Retry-After elapsed`, async () => {
      sandbox().setFaults(plan)
      const before = sandbox().faultStats()
      const config = await tmp().write(`config-${kind}.json`, sandboxConfig(sandbox(), settings))
      // After a 429 zchat paces itself: runs that meet many take longer than the default 20 s allows.
      const r = await run(TAP, ['--config', config, '--log-level', 'debug'], { timeoutMs: 60_000 })
      sandbox().setFaults({})
      expect(r.code, describeRun(r)).to.equal(0)
      expect(recordKeys(parseMessages(r.stdout)).sort()).to.deep.equal(clean)
      const after = sandbox().faultStats()
      expect(
        after.injected[kind as keyof typeof after.injected] - before.injected[kind as keyof typeof before.injected],
        'faults injected',
      ).to.be.greaterThan(0)
      // Streams run side by side: a request another stream sent before the tap read a 429 may land inside its
      // Retry-After, at most one per other stream; none is sent once the tap knows.
      const rateLimits = after.injected[kind as keyof typeof after.injected] - before.injected[kind as keyof typeof before.injected]
      const inFlight = kind === 'rateLimitEvery' || kind === 'rateLimit' ? (PARALLEL - 1) * rateLimits : 0
      expect(after.early - before.early, 'requests before Retry-After elapsed').to.be.at.most(inFlight)
      expect(r.stdout + r.stderr, 'the token in any output').to.not.contain(SECRET)
      expect(r.stderr, r.stderr).to.match(/retry 1 of 8/)
    })
  }

  it('one stream at a time, no request at all lands inside a Retry-After', async () => {
    sandbox().setFaults({ rateLimitEvery: 4, retryAfterSeconds: 1 })
    const before = sandbox().faultStats()
    const config = await tmp().write('config-serial.json', sandboxConfig(sandbox(), { ...settings, max_parallel_streams: 1 }))
    const r = await run(TAP, ['--config', config], { timeoutMs: 60_000 })
    sandbox().setFaults({})
    expect(r.code, describeRun(r)).to.equal(0)
    expect(recordKeys(parseMessages(r.stdout)).sort()).to.deep.equal(clean)
    const after = sandbox().faultStats()
    expect(after.injected.rateLimitEvery - before.injected.rateLimitEvery, 'faults injected').to.be.greaterThan(0)
    expect(after.early - before.early, 'requests before Retry-After elapsed').to.equal(0)
  })

  it('a fault that never ends fails cleanly naming the endpoint; its last STATE resumes to a complete extraction', async () => {
    const flaky = await startSandbox({ port: 0, ...OPTIONS, faults: { vanishAfter: 12 } })
    const config = await tmp().write('vanish.json', sandboxConfig(flaky, { ...settings, max_retries: 2 }))
    const failed = await tap('--config', config)
    await flaky.closed
    const errors = expectCleanFailure({ ...failed, stdout: '' }, 1, { logs: true })
    expect(errors).to.have.length(1)
    expect(errors[0]).to.match(/^error: GET \S+ failed: .*(ECONNREFUSED|ECONNRESET|fetch failed|socket).*; gave up after 2 retries$/)
    const seen = completeMessages(failed.stdout)
    expect(seen.at(-1)!.type).to.equal('STATE')

    // The API is back, at the same address.
    const back = await startSandbox({ ...OPTIONS, port: flaky.port })
    try {
      const resumed = await tap('--config', config, '--state', await tmp().write('vanish-state.json', lastState(seen)))
      expect(resumed.code, describeRun(resumed)).to.equal(0)
      const union = new Set([...recordKeys(seen), ...recordKeys(parseMessages(resumed.stdout))])
      expect([...union].sort()).to.deep.equal([...new Set(clean)].sort())
    } finally {
      await back.close()
    }
  })
})
