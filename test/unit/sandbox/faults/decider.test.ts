import { setTimeout as sleep } from 'node:timers/promises'
import { expect } from 'chai'
import { FAULT_ORDER, type FaultPlan } from '../../../../src/sandbox/faults/plan.js'
import { startSandbox, type Sandbox } from '../../../../src/sandbox/index.js'

/** A small account: these tests are about the wire, not the data. */
const SMALL = { agents: 3, departments: 1, chats: 10, bans: 2, timeline: 5 } as const

const api = (sandbox: Sandbox, init: RequestInit = {}): Promise<Response> =>
  fetch(`${sandbox.baseUrl}/agents`, { ...init, headers: { Authorization: `Bearer ${sandbox.token}` } })

/** Runs `test` against a fresh sandbox with `plan`, closing it whatever happens. */
async function withFaults(plan: FaultPlan, test: (sandbox: Sandbox) => Promise<void>): Promise<void> {
  const sandbox = await startSandbox({ ...SMALL, faults: plan })
  try {
    await test(sandbox)
  } finally {
    await sandbox.close()
  }
}

/** Status of each of `count` requests in turn, bodies read whole. */
async function statuses(sandbox: Sandbox, count: number): Promise<number[]> {
  const seen: number[] = []
  for (let i = 0; i < count; i++) {
    const res = await api(sandbox)
    await res.arrayBuffer()
    seen.push(res.status)
  }
  return seen
}

/** True when the body arrives whole and parses as JSON. */
async function readsAsJson(res: Response): Promise<boolean> {
  try {
    JSON.parse(await res.text())
    return true
  } catch {
    return false
  }
}

describe('sandbox faults', () => {
  it('rateLimitEvery: every Kth request answers 429 with Retry-After and the error body', () =>
    withFaults({ rateLimitEvery: 2, retryAfterSeconds: 3 }, async (sandbox) => {
      expect(await statuses(sandbox, 1)).to.deep.equal([200])
      const res = await api(sandbox)
      expect(res.status).to.equal(429)
      expect(res.headers.get('retry-after')).to.equal('3')
      expect(await res.json()).to.include({ error: 'Too Many Requests' })
      expect(await statuses(sandbox, 4)).to.deep.equal([200, 429, 200, 429])
      expect(sandbox.requestLog.map((entry) => entry.fault)).to.deep.equal([
        undefined,
        'rateLimitEvery',
        undefined,
        'rateLimitEvery',
        undefined,
        'rateLimitEvery',
      ])
      expect(sandbox.faultStats()).to.deep.include({ requests: 6, early: 4 }) // every request after the first 429 came within 3 s
    }))

  it('rateLimit: the request over the limit in the window gets 429 with the seconds until a slot frees', () =>
    withFaults({ rateLimit: { requests: 3 } }, async (sandbox) => {
      expect(await statuses(sandbox, 3)).to.deep.equal([200, 200, 200])
      const res = await api(sandbox)
      expect(res.status).to.equal(429)
      expect(Number(res.headers.get('retry-after'))).to.be.within(59, 60)
      expect(sandbox.faultStats().injected.rateLimit).to.equal(1)
    }))

  it('counts a request sent right after a 429 as early, and one sent after Retry-After as on time', () =>
    withFaults({ rateLimit: { requests: 1, windowMs: 300 } }, async (sandbox) => {
      expect(await statuses(sandbox, 3)).to.deep.equal([200, 429, 429]) // refused requests take no slot, but the window is full
      expect(sandbox.requestLog[1]).to.include({ status: 429, fault: 'rateLimit', retryAfterSeconds: 1 })
      expect(sandbox.requestLog[0]).to.not.have.property('retryAfterSeconds')
      expect(sandbox.faultStats().early).to.equal(1)
      await sleep(1000) // Retry-After: at least a whole second, though the window is shorter
      expect(await statuses(sandbox, 1)).to.deep.equal([200])
      expect(sandbox.faultStats()).to.deep.include({ requests: 4, early: 1 })
    }))

  it('serverErrors: after every `every` requests, `length` answer the status (503 unless told)', async () => {
    await withFaults({ serverErrors: { every: 2, length: 2, status: 502 } }, async (sandbox) => {
      expect(await statuses(sandbox, 7)).to.deep.equal([200, 200, 502, 502, 200, 200, 502])
      expect(sandbox.faultStats().injected.serverError).to.equal(3)
    })
    await withFaults({ serverErrors: { every: 1, length: 1 } }, async (sandbox) => {
      await api(sandbox)
      const res = await api(sandbox)
      expect(res.status).to.equal(503)
      expect(res.headers.get('content-type')).to.equal('application/json')
      expect(await res.json()).to.include({ error: 'Service Unavailable' })
    })
  })

  it('resetEvery: the status and part of the body arrive, then reading the body fails', () =>
    withFaults({ resetEvery: 1 }, async (sandbox) => {
      const res = await api(sandbox)
      expect(res.status).to.equal(200)
      await res.text().then(
        () => expect.fail('the body should not arrive whole'),
        (error: Error & { cause?: { code?: string } }) => expect(error.cause?.code).to.equal('ECONNRESET'),
      )
      expect(sandbox.requestLog[0]).to.include({ status: 200, fault: 'reset' })
    }))

  it('truncateEvery: Content-Length promises more than the body that arrives', () =>
    withFaults({ truncateEvery: 2 }, async (sandbox) => {
      expect(await readsAsJson(await api(sandbox))).to.equal(true)
      const res = await api(sandbox)
      expect(res.status).to.equal(200)
      expect(Number(res.headers.get('content-length'))).to.be.greaterThan(0)
      expect(await readsAsJson(res)).to.equal(false)
      expect(await readsAsJson(await api(sandbox))).to.equal(true) // the next request, on a new connection, is whole
    }))

  it('slowEvery: the answer comes slowMs late, so a shorter client timeout fires; a client gone meanwhile is no harm', () =>
    withFaults({ slowEvery: 1, slowMs: 300 }, async (sandbox) => {
      const aborted = await api(sandbox, { signal: AbortSignal.timeout(50) }).then(
        () => undefined,
        (error: Error) => error,
      )
      expect(aborted?.name).to.equal('TimeoutError')
      const started = Date.now()
      const res = await api(sandbox)
      expect(Date.now() - started).to.be.at.least(290)
      expect(await readsAsJson(res)).to.equal(true)
      expect(sandbox.faultStats().injected.slow).to.equal(2)
    }))

  it('htmlEvery: a 200 with an HTML page, as from a proxy', () =>
    withFaults({ htmlEvery: 1 }, async (sandbox) => {
      const res = await api(sandbox)
      expect(res.status).to.equal(200)
      expect(res.headers.get('content-type')).to.match(/^text\/html/)
      expect(await res.text()).to.match(/^<!DOCTYPE html>/)
    }))

  it('vanishAfter: then nothing answers; close() stays safe and a new sandbox on the port serves the same data', async () => {
    const sandbox = await startSandbox({ ...SMALL, seed: 7, faults: { vanishAfter: 2 } })
    const first = await (await api(sandbox)).text()
    expect(await statuses(sandbox, 1)).to.deep.equal([200])
    const refused = await api(sandbox).then(
      () => undefined,
      (error: Error & { cause?: { code?: string } }) => error.cause?.code,
    )
    expect(refused).to.be.oneOf(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET'])
    expect(sandbox.faultStats().vanished).to.equal(true)
    await sandbox.close()
    await sandbox.close()
    const back = await startSandbox({ ...SMALL, seed: 7, port: sandbox.port })
    try {
      expect(await (await api(back)).text()).to.equal(first)
    } finally {
      await back.close()
    }
  })

  it('applies one fault per request, the first in the documented order', () =>
    withFaults({ htmlEvery: 1, rateLimitEvery: 2, serverErrors: { every: 0, length: 1 } }, async (sandbox) => {
      expect(FAULT_ORDER).to.deep.equal(['vanish', 'rateLimit', 'rateLimitEvery', 'serverError', 'reset', 'truncate', 'slow', 'html'])
      expect(await statuses(sandbox, 2)).to.deep.equal([503, 429])
      expect(sandbox.faultStats().injected).to.include({ serverError: 1, rateLimitEvery: 1, html: 0 })
    }))
})
