import { connect } from 'node:net'
import { expect } from 'chai'
import { startSandbox, type Sandbox } from '../../../src/sandbox/index.js'
import { sandboxGet as get } from '../../support/sandbox.js'

const UNAUTHORIZED = {
  error: 'Unauthorized',
  description: 'The server could not verify that you are authorized to access the requested resource',
}
const SECONDS_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/

type AgentBody = { id: number; enabled: unknown; last_login: string | null; login_count: number; roles: { owner: boolean } }

/** Walks `agents` the way a connector should: next since_id = max(id) + 1, stop on a short page. */
async function walkAgents(sandbox: Sandbox, limit = 100): Promise<AgentBody[][]> {
  const pages: AgentBody[][] = []
  let sinceId = 0
  for (;;) {
    const { status, body } = await get(sandbox, `agents?since_id=${sinceId}&limit=${limit}`)
    expect(status).to.equal(200)
    const page = body as AgentBody[]
    pages.push(page)
    if (page.length < limit) return pages
    sinceId = Math.max(...page.map((a) => a.id)) + 1
  }
}

/** True when nothing accepts a TCP connection at host:port (refused, unroutable or silent). */
function unreachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 })
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('timeout', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(true))
  })
}

describe('sandbox', () => {
  let main: Sandbox
  let twin: Sandbox
  let other: Sandbox

  before(async () => {
    ;[main, twin, other] = await Promise.all([startSandbox(), startSandbox({ seed: 1 }), startSandbox({ seed: 2 })])
  })
  after(async () => {
    await Promise.all([main, twin, other].map((s) => s?.close()))
  })

  describe('auth', () => {
    it('answers 401 with the Zendesk body when the token is missing, wrong or not a bearer token', async () => {
      const attempts: Array<Record<string, string>> = [
        {},
        { Authorization: 'Bearer wrong-token' },
        { Authorization: `Basic ${main.token}` },
      ]
      for (const headers of attempts) {
        const res = await fetch(`${main.baseUrl}/account`, { headers })
        expect(res.status).to.equal(401)
        expect(res.headers.get('content-type')).to.equal('application/json')
        expect(await res.json()).to.deep.equal(UNAUTHORIZED)
      }
    })

    it('accepts the configured token', async () => {
      const custom = await startSandbox({ token: 'my-secret' })
      try {
        expect((await get(custom, 'account')).status).to.equal(200)
        expect(custom.token).to.equal('my-secret')
        expect((await get(custom, 'account', { headers: { Authorization: 'Bearer sandbox-token' } })).status).to.equal(401)
      } finally {
        await custom.close()
      }
    })
  })

  describe('account', () => {
    it('serves one account object shaped like the real one', async () => {
      const { status, contentType, body } = await get(main, 'account')
      expect(status).to.equal(200)
      expect(contentType).to.equal('application/json; charset=utf-8')
      const account = body as Record<string, unknown> & { plan: Record<string, unknown>; billing: Record<string, unknown> }
      expect(account.account_key).to.be.a('string').with.length(32)
      expect(account.status).to.equal('active')
      expect(account.create_date).to.match(SECONDS_Z)
      expect(account.billing.email).to.be.a('string')
      expect(account.plan.name).to.be.a('string')
      const limits = Object.entries(account.plan).filter(([k]) => k.startsWith('max_'))
      expect(limits.length).to.be.greaterThan(3)
      for (const [, v] of limits) expect(v === 'unlimited' || typeof v === 'number', String(v)).to.equal(true)
      expect(limits.some(([, v]) => v === 'unlimited')).to.equal(true)
      expect(limits.some(([, v]) => typeof v === 'number')).to.equal(true)
    })
  })

  describe('departments', () => {
    it('serves 8 departments whose members are real agents that list the department', async () => {
      const { status, body } = await get(main, 'departments')
      expect(status).to.equal(200)
      const departments = body as Array<Record<string, unknown> & { id: number; members: number[]; settings: Record<string, unknown> }>
      expect(departments).to.have.length(8)
      const agents = new Map(main.data.agents().map((a) => [a.id, a]))
      for (const d of departments) {
        expect(d).to.include.keys('id', 'name', 'description', 'enabled', 'members', 'settings')
        expect(d.settings).to.have.keys('chat_enabled', 'solved_ticket_reassignment_strategy', 'support_group_id')
        for (const m of d.members) expect(agents.get(m)?.departments).to.include(d.id)
      }
      expect(departments.some((d) => d.members.length > 0)).to.equal(true)
    })
  })

  describe('determinism', () => {
    const paths = [
      'account',
      'departments',
      'agents',
      'agents?since_id=360500000000&limit=7',
      'goals',
      'roles',
      'skills',
      'shortcuts',
      'triggers',
      'routing_settings/account',
      'bans?limit=1000',
      'incremental/chats?start_time=0&limit=300&fields=chats(*)',
      'incremental/agent_timeline?start_time=0&limit=300&fields=agent_timeline(*)',
      `chats/search?q=${encodeURIComponent('type:chat AND end_timestamp:[2022-01-01T00:00:00 TO 2022-03-01T00:00:00]')}`,
    ]
    for (const path of paths) {
      it(`same seed gives byte-identical ${path}, another seed different`, async () => {
        const [a, b, c] = await Promise.all([get(main, path), get(twin, path), get(other, path)])
        expect(a.status).to.equal(200)
        // next_page and result URLs name each sandbox's own port.
        const [x, y, z] = [
          a.text.replaceAll(main.baseUrl, 'BASE'),
          b.text.replaceAll(twin.baseUrl, 'BASE'),
          c.text.replaceAll(other.baseUrl, 'BASE'),
        ]
        expect(x).to.equal(y)
        expect(x).to.not.equal(z)
      })
    }
  })

  describe('agents paging', () => {
    it('walks 250 agents in 3 pages (100, 100, 50), each agent once, ascending, with id gaps', async () => {
      const before = main.requestLog.length
      const pages = await walkAgents(main)
      expect(pages.map((p) => p.length)).to.deep.equal([100, 100, 50])
      expect(main.requestLog.length - before).to.equal(3)
      const ids = pages.flat().map((a) => a.id)
      expect(new Set(ids).size).to.equal(250)
      expect(ids).to.deep.equal([...ids].sort((x, y) => x - y))
      expect(ids).to.deep.equal(main.data.agents().map((a) => a.id))
      for (const id of ids) expect(String(id)).to.match(/^\d{12}$/)
      expect(
        ids.slice(1).every((id, i) => id - ids[i]! > 1),
        'ids are not contiguous',
      ).to.equal(true)
    })

    it('treats since_id as inclusive: an existing id comes back first', async () => {
      const ids = main.data.agents().map((a) => a.id)
      const { body } = await get(main, `agents?since_id=${ids[42]}&limit=3`)
      expect((body as AgentBody[]).map((a) => a.id)).to.deep.equal(ids.slice(42, 45))
      const next = await get(main, `agents?since_id=${ids[42]! + 1}&limit=1`)
      expect((next.body as AgentBody[]).map((a) => a.id)).to.deep.equal([ids[43]])
    })

    it('defaults limit to 100 and answers [] past the last id', async () => {
      expect(((await get(main, 'agents')).body as AgentBody[]).length).to.equal(100)
      const past = await get(main, `agents?since_id=${main.data.maxAgentId() + 1}`)
      expect(past.status).to.equal(200)
      expect(past.body).to.deep.equal([])
    })

    it('rejects limit above 100, below 1 or not an integer, and a non-integer since_id, with 400', async () => {
      for (const query of ['limit=101', 'limit=0', 'limit=-5', 'limit=abc', 'limit=1.5', 'limit=', 'since_id=abc', 'since_id=1e3']) {
        const { status, contentType, body } = await get(main, `agents?${query}`)
        expect(status, query).to.equal(400)
        expect(contentType).to.equal('application/json')
        expect(body).to.have.keys('error', 'description')
        expect((body as { error: string }).error).to.equal('Bad Request')
      }
      expect((await get(main, 'agents?limit=100')).status).to.equal(200)
    })

    it('addAgents(5) adds 5 agents above the old max id, deterministically', async () => {
      const [a, b] = await Promise.all([startSandbox({ seed: 7 }), startSandbox({ seed: 7 })])
      try {
        const oldMax = a.data.maxAgentId()
        const added = a.data.addAgents(5)
        expect(b.data.addAgents(5)).to.deep.equal(added)
        const { body } = await get(a, `agents?since_id=${oldMax + 1}`)
        const fresh = body as AgentBody[]
        expect(fresh.map((x) => x.id)).to.deep.equal(added.map((x) => x.id))
        expect(fresh.every((x) => x.id > oldMax && !x.roles.owner)).to.equal(true)
        expect((await walkAgents(a)).flat()).to.have.length(255)
      } finally {
        await Promise.all([a.close(), b.close()])
      }
    })
  })

  describe('data quirks (default size)', () => {
    it('has exactly one owner, some enabled as 0/1 among booleans, some never-logged-in agents', () => {
      const agents = main.data.agents()
      expect(agents.filter((a) => a.roles.owner)).to.have.length(1)
      expect(agents.some((a) => a.enabled === 0 || a.enabled === 1)).to.equal(true)
      expect(agents.filter((a) => typeof a.enabled === 'boolean').length).to.be.greaterThan(200)
      const never = agents.filter((a) => a.last_login === null)
      expect(never.length).to.be.greaterThan(0)
      for (const a of never) expect(a.login_count).to.equal(0)
      for (const a of agents) {
        expect(a.create_date).to.match(SECONDS_Z)
        if (a.last_login !== null) expect(a.last_login).to.match(SECONDS_Z)
        for (const d of a.enabled_departments) expect(a.departments).to.include(d)
      }
    })
  })

  describe('errors', () => {
    it('answers unknown paths with 404 JSON', async () => {
      for (const path of ['nope', 'agents/extra', 'incremental/tickets', 'chats/a/b', 'routing_settings']) {
        const { status, contentType, body } = await get(main, path)
        expect(status, path).to.equal(404)
        expect(contentType).to.equal('application/json')
        expect((body as { error: string }).error).to.equal('Not Found')
        expect(body).to.have.keys('error', 'description')
      }
      const outside = await fetch(`http://127.0.0.1:${main.port}/api/v2/agents`, { headers: { Authorization: `Bearer ${main.token}` } })
      expect(outside.status).to.equal(404)
    })

    it('answers other methods with 405 JSON', async () => {
      const { status, contentType, body } = await get(main, 'agents', { method: 'POST', body: '{}' })
      expect(status).to.equal(405)
      expect(contentType).to.equal('application/json')
      expect(body).to.have.keys('error', 'description')
    })
  })

  describe('server', () => {
    it('listens on 127.0.0.1 only', async () => {
      expect(main.baseUrl).to.equal(`http://127.0.0.1:${main.port}/api/v2/chat`)
      expect(main.port).to.be.greaterThan(0)
      expect(await unreachable('127.0.0.1', main.port)).to.equal(false)
      // Bound to 0.0.0.0 or :: these would connect; bound to 127.0.0.1 they cannot.
      expect(await unreachable('127.0.0.2', main.port)).to.equal(true)
      expect(await unreachable('::1', main.port)).to.equal(true)
    })

    it('logs every request with method, path, query and status, when it arrived and when its answer was sent', async () => {
      const before = Date.now()
      await get(main, 'agents?since_id=5&limit=2')
      const { at, answeredAt, ...entry } = main.requestLog.at(-1)!
      expect(entry).to.deep.equal({
        method: 'GET',
        path: '/api/v2/chat/agents',
        query: { since_id: '5', limit: '2' },
        status: 200,
      })
      expect(at).to.be.within(before, Date.now())
      expect(answeredAt).to.be.within(at, Date.now())
    })

    it('closes promptly despite open connections, and twice is fine', async () => {
      const sandbox = await startSandbox({ agents: 3 })
      await get(sandbox, 'agents') // fetch keeps the connection open for reuse
      // A client stuck mid-request: server.close() alone would wait for it (headersTimeout, 60 s).
      const stuck = connect({ host: '127.0.0.1', port: sandbox.port })
      await new Promise((resolve) => stuck.once('connect', resolve))
      stuck.on('error', () => undefined)
      await new Promise<void>((resolve) => stuck.write('GET /api/v2/chat/account HTTP/1.1\r\nHost: x\r\n', () => resolve()))
      await new Promise((resolve) => setTimeout(resolve, 50))
      const started = Date.now()
      const closed = await Promise.race([
        sandbox
          .close()
          .then(() => sandbox.close())
          .then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000)),
      ])
      stuck.destroy()
      expect(closed, 'close() finished').to.equal(true)
      expect(Date.now() - started).to.be.lessThan(1000)
      expect(await unreachable('127.0.0.1', sandbox.port)).to.equal(true)
    })

    it('answers export pages asked for at once each whole and its own, held back or not (page buffers are reused only once sent)', async () => {
      const sandbox = await startSandbox({ chats: 400, faults: { slowEvery: 2, slowMs: 150 } })
      try {
        const starts = [0, 1_600_000_000, 1_620_000_000, 1_640_000_000, 1_660_000_000, 1_680_000_000]
        const expected = starts.map((t) => JSON.stringify(sandbox.data.exportChats(t, undefined, 50).chats))
        for (let round = 0; round < 2; round++) {
          const answers = await Promise.all(starts.map((t) => get(sandbox, `incremental/chats?start_time=${t}&limit=50&fields=chats(*)`)))
          answers.forEach(({ status, body }, k) => {
            expect(status).to.equal(200)
            expect(JSON.stringify((body as { chats: unknown[] }).chats), `page from ${starts[k]}, round ${round}`).to.equal(expected[k])
          })
        }
        expect(sandbox.faultStats().injected.slow).to.equal(starts.length)
      } finally {
        await sandbox.close()
      }
    })

    it('rejects bad options instead of serving nonsense', async () => {
      for (const options of [
        { agents: 0 },
        { departments: -1 },
        { seed: 1.5 },
        { token: '' },
        { chats: -1 },
        { bans: 1.5 },
        { timeline: -2 },
      ]) {
        let failed = false
        await startSandbox(options).then(
          (s) => s.close(),
          () => (failed = true),
        )
        expect(failed, JSON.stringify(options)).to.equal(true)
      }
    })
  })
})
