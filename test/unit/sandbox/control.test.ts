import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { resolve } from 'node:path'
import { expect } from 'chai'
import SandboxCommand from '../../../src/commands/sandbox.js'
import { checkFaultPlan, type FaultPlan } from '../../../src/sandbox/faults/plan.js'
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js'

const SMALL = { agents: 3, departments: 1, chats: 10, bans: 2, timeline: 5 } as const
const ROOT = resolve(import.meta.dirname, '..', '..')

const api = (sandbox: Sandbox): Promise<Response> =>
  fetch(`${sandbox.baseUrl}/agents`, { headers: { Authorization: `Bearer ${sandbox.token}` } })

const status = async (sandbox: Sandbox): Promise<number> => {
  const res = await api(sandbox)
  await res.arrayBuffer()
  return res.status
}

/** A control endpoint of the sandbox at `port`, with no token. */
const control = (port: number, path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`http://127.0.0.1:${port}/_sandbox/${path}`, init)

const putFaults = (port: number, body: string): Promise<Response> =>
  control(port, 'faults', { method: 'PUT', body, headers: { 'Content-Type': 'application/json' } })

describe('sandbox fault control', () => {
  let sandbox: Sandbox
  beforeEach(async () => {
    sandbox = await startSandbox(SMALL)
  })
  afterEach(() => sandbox.close())

  it('setFaults replaces the plan and counts its requests afresh; an invalid plan throws and changes nothing', async () => {
    expect(await status(sandbox)).to.equal(200)
    sandbox.setFaults({ rateLimitEvery: 2 })
    expect([await status(sandbox), await status(sandbox)]).to.deep.equal([200, 429])
    expect(() => sandbox.setFaults({ rateLimitEvery: 0 })).to.throw(RangeError, /rateLimitEvery must be a whole number of at least 1/)
    expect([await status(sandbox), await status(sandbox)]).to.deep.equal([200, 429])
    sandbox.setFaults({})
    expect(await status(sandbox)).to.equal(200)
    expect(sandbox.faultStats()).to.deep.include({ requests: 6, vanished: false })
  })

  it('PUT /_sandbox/faults sets the plan, GET reads it and GET /_sandbox/stats counts faults; control requests are not API requests', async () => {
    const put = await putFaults(sandbox.port, JSON.stringify({ htmlEvery: 1 }))
    expect(put.status).to.equal(200)
    expect(await put.json()).to.deep.equal({ htmlEvery: 1 })
    expect(await (await control(sandbox.port, 'faults')).json()).to.deep.equal({ htmlEvery: 1 })
    const res = await api(sandbox)
    expect(res.headers.get('content-type')).to.match(/^text\/html/)
    await res.text()
    const stats = (await (await control(sandbox.port, 'stats')).json()) as { requests: number; injected: Record<string, number> }
    expect(stats).to.deep.include({ requests: 1, early: 0, vanished: false })
    expect(stats.injected).to.include({ html: 1, rateLimit: 0 })
    expect(sandbox.requestLog.map((entry) => entry.path)).to.deep.equal(['/api/v2/chat/agents'])
  })

  it('GET /_sandbox/requests lists the API requests answered, oldest first, control requests left out', async () => {
    await status(sandbox)
    sandbox.setFaults({ rateLimitEvery: 1 })
    await status(sandbox)
    const res = await control(sandbox.port, 'requests')
    expect(res.status).to.equal(200)
    const entries = (await res.json()) as Array<Record<string, unknown>>
    expect(
      entries.map(({ at, answeredAt, ...entry }) =>
        typeof at === 'number' && typeof answeredAt === 'number' ? entry : { at, answeredAt },
      ),
    ).to.deep.equal([
      { method: 'GET', path: '/api/v2/chat/agents', query: {}, status: 200 },
      { method: 'GET', path: '/api/v2/chat/agents', query: {}, status: 429, fault: 'rateLimitEvery', retryAfterSeconds: 1 },
    ])
    expect((await control(sandbox.port, 'requests', { method: 'DELETE' })).status).to.equal(405)
  })

  it('answers an invalid plan 400 naming the problem, and a wrong method 405', async () => {
    for (const [body, problem] of [
      ['{"slowEvery": -1}', /slowEvery must be a whole number/],
      ['{"rateLimitEvry": 2}', /unknown setting rateLimitEvry/],
      ['not json', /JSON/],
    ] as const) {
      const res = await putFaults(sandbox.port, body)
      expect(res.status).to.equal(400)
      expect(((await res.json()) as { description: string }).description).to.match(problem)
    }
    const post = await control(sandbox.port, 'faults', { method: 'POST', body: '{}' })
    expect(post.status).to.equal(405)
    expect(post.headers.get('allow')).to.equal('GET, PUT')
    expect((await control(sandbox.port, 'nothing')).status).to.equal(404)
    expect(sandbox.faultStats().requests).to.equal(0)
  })

  it('vanishAfter 0 set at runtime cuts off the next request, logged with status 0', async () => {
    sandbox.setFaults({ vanishAfter: 0 })
    const failed = await api(sandbox).then(
      () => false,
      () => true,
    )
    expect(failed).to.equal(true)
    expect(sandbox.requestLog.map(({ at: _at, ...entry }) => entry)).to.deep.equal([
      { method: 'GET', path: '/api/v2/chat/agents', query: {}, status: 0, fault: 'vanish' },
    ])
    expect(sandbox.requestLog[0], 'a vanished answer is never sent').to.not.have.property('answeredAt')
    expect(sandbox.faultStats()).to.deep.include({ vanished: true })
    expect(sandbox.faultStats().injected.vanish).to.equal(1)
  })

  it('checkFaultPlan rejects plans that are not plans', () => {
    const junk: unknown[] = [
      null,
      { serverErrors: { every: 1, length: 1, status: 501 } },
      { serverErrors: { every: 1 } },
      { rateLimit: { requests: 0 } },
      { slowMs: 100 },
      { retryAfterSeconds: 2 },
      { htmlEvery: 1.5 },
    ]
    for (const plan of junk) expect(() => checkFaultPlan(plan), JSON.stringify(plan)).to.throw(RangeError, /^faults: /)
    const plan: FaultPlan = { rateLimit: { requests: 200, windowMs: 60_000 }, serverErrors: { every: 0, length: 2, status: 504 } }
    expect(checkFaultPlan(plan)).to.equal(plan)
  })

  it('zchat sandbox --faults: a bad spec fails parsing with the reason; a good one is served and reported', async () => {
    const failure = await SandboxCommand.run(['--faults', 'rate-limit-every=5,slow=1']).then(
      () => undefined,
      (error: Error) => error.message,
    )
    expect(failure).to.match(/invalid fault spec: unknown setting 'slow'/)

    const script = "import S from '../src/commands/sandbox.ts'; await S.run(process.argv.slice(1))"
    const args = ['--import', 'tsx', '--input-type=module', '-e', script, '--', '--agents', '2', '--faults', 'html-every=1,vanish-after=1']
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    try {
      const [firstOutput] = (await once(child.stdout, 'data')) as [Buffer]
      const baseUrl = firstOutput.toString().trim()
      expect(await (await control(Number(new URL(baseUrl).port), 'faults')).json()).to.deep.equal({ htmlEvery: 1, vanishAfter: 1 })
      const res = await fetch(`${baseUrl}/account`, { headers: { Authorization: 'Bearer sandbox-token' } })
      expect(res.headers.get('content-type')).to.match(/^text\/html/)
      await res.text()
      expect(await exited).to.deep.equal([0, null]) // vanished after its one request: the command ends by itself
    } finally {
      child.kill('SIGTERM') // in case it did not
    }
    expect(stderr).to.match(/^faults: \{"htmlEvery":1,"vanishAfter":1\} \(change: PUT http:\/\/127\.0\.0\.1:\d+\/_sandbox\/faults/m)
    expect(stderr).to.include('The sandbox vanished (vanish-after): stopped.')
  })
})
