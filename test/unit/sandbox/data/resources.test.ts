import { expect } from 'chai'
import { startSandbox, type Sandbox } from '../../../../src/sandbox/index.js'
import { sandboxGet } from '../../../support/sandbox.js'

/** GET with the sandbox's token, or with `token` instead. */
const get = (sandbox: Sandbox, path: string, token = sandbox.token) =>
  sandboxGet(sandbox, path, { headers: { Authorization: `Bearer ${token}` } })

/** The part of an absolute next_page URL after the base URL. */
const relative = (sandbox: Sandbox, url: string): string => {
  expect(url.startsWith(`${sandbox.baseUrl}/`), url).to.equal(true)
  return url.slice(sandbox.baseUrl.length + 1)
}

const SECONDS_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/
const MICROS_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/
const micros = (iso: string): number => Date.parse(`${iso.slice(0, 19)}Z`) * 1000 + Number(iso.slice(20, 26))

type Row = Record<string, unknown>
type BanBody = { id: number; type: string; created_at: string | null } & Row
type BansBody = { ip_address: BanBody[]; visitor: BanBody[] }
type EntryBody = { agent_id: number; start_time: string; status: string; duration: number; engagement_count: number }
type TimelineBody = { agent_timeline: EntryBody[]; count: number; end_time: number; next_page: string }

const isBoolOr01 = (v: unknown): boolean => typeof v === 'boolean' || v === 0 || v === 1

describe('sandbox: settings resources', () => {
  let sandbox: Sandbox
  before(async () => {
    sandbox = await startSandbox({ seed: 3 })
  })
  after(async () => {
    await sandbox?.close()
  })

  it('needs the bearer token on every new route', async () => {
    const paths = [
      'goals',
      'roles',
      'skills',
      'shortcuts',
      'triggers',
      'routing_settings/account',
      'bans',
      'incremental/chats?start_time=0',
      'incremental/agent_timeline?start_time=0',
      'chats/search?q=x',
      'chats?ids=x',
    ]
    for (const path of paths) expect((await get(sandbox, path, 'wrong')).status, path).to.equal(401)
  })

  it('goals: id, name, description, enabled, attribution and URL conditions', async () => {
    const { status, body } = await get(sandbox, 'goals')
    expect(status).to.equal(200)
    const goals = body as Array<Row & { settings: { conditions: Row[] } }>
    expect(goals.length).to.be.greaterThan(2)
    for (const g of goals) {
      expect(g).to.have.keys('id', 'name', 'description', 'enabled', 'attribution_model', 'attribution_period', 'settings')
      expect(g.id).to.be.a('number')
      expect(isBoolOr01(g.enabled)).to.equal(true)
      expect(['first_touch', 'last_touch']).to.include(g.attribution_model)
      expect(g.settings.conditions.length).to.be.greaterThan(0)
      for (const c of g.settings.conditions) expect(c).to.have.keys('operator', 'type', 'value')
    }
    expect(body).to.deep.equal(sandbox.data.goals())
  })

  it('roles: the roles agents point to, with permissions and member counts', async () => {
    const roles = (await get(sandbox, 'roles')).body as Array<Row & { id: number; permissions: Row; members_count: number }>
    expect(roles.map((r) => r.id)).to.deep.equal(sandbox.data.roles.map((r) => r.id))
    const agents = sandbox.data.agents()
    for (const r of roles) {
      expect(r).to.have.keys('id', 'name', 'description', 'enabled', 'permissions', 'members_count')
      expect(Object.keys(r.permissions).length).to.be.greaterThan(5)
      expect(r.members_count).to.equal(agents.filter((a) => a.role_id === r.id).length)
    }
    expect(roles.reduce((n, r) => n + r.members_count, 0)).to.equal(agents.length)
  })

  it('skills: every skill an agent lists, members being those agents', async () => {
    const skills = (await get(sandbox, 'skills')).body as Array<Row & { id: number; members: number[] }>
    const agents = sandbox.data.agents()
    for (const s of skills) {
      expect(s).to.have.keys('id', 'name', 'description', 'enabled', 'members')
      expect(s.members).to.deep.equal(agents.filter((a) => a.skills.includes(s.id)).map((a) => a.id))
    }
    const listed = new Set(agents.flatMap((a) => a.skills))
    for (const id of listed) expect(skills.map((s) => s.id)).to.include(id)
  })

  it('skills and roles follow agents added later', async () => {
    const local = await startSandbox({ seed: 3, agents: 20 })
    try {
      const before = (await get(local, 'roles')).body as Array<{ members_count: number }>
      local.data.addAgents(10)
      const after = (await get(local, 'roles')).body as Array<{ members_count: number }>
      expect(before.reduce((n, r) => n + r.members_count, 0)).to.equal(20)
      expect(after.reduce((n, r) => n + r.members_count, 0)).to.equal(30)
      const skills = (await get(local, 'skills')).body as Array<{ members: number[] }>
      expect(skills.flatMap((s) => s.members).filter((id) => id > local.data.agentId(19)).length).to.be.greaterThan(0)
    } finally {
      await local.close()
    }
  })

  it('shortcuts: id equals name; departments or agents only with that scope', async () => {
    const shortcuts = (await get(sandbox, 'shortcuts')).body as Array<Row & { id: string; name: string; scope: string; tags: string[] }>
    const departments = new Set(sandbox.data.departments().map((d) => d.id))
    const agents = new Set(sandbox.data.agents().map((a) => a.id))
    expect(shortcuts.length).to.be.greaterThan(3)
    for (const s of shortcuts) {
      expect(s.id).to.equal(s.name)
      expect(s).to.include.keys('id', 'name', 'message', 'options', 'tags', 'scope')
      expect(s.tags).to.be.an('array')
      expect('departments' in s).to.equal(s.scope === 'departments')
      expect('agents' in s).to.equal(s.scope === 'agents')
      for (const d of (s.departments as number[] | undefined) ?? []) expect(departments.has(d)).to.equal(true)
      for (const a of (s.agents as number[] | undefined) ?? []) expect(agents.has(a)).to.equal(true)
    }
    expect(shortcuts.some((s) => s.tags.length > 0)).to.equal(true)
  })

  it('triggers: definitions of nested lists, some with version and editor', async () => {
    const triggers = (await get(sandbox, 'triggers')).body as Array<
      Row & { definition: Row & { condition: unknown[]; actions: unknown[][] } }
    >
    const depth = (v: unknown): number => (Array.isArray(v) ? 1 + Math.max(0, ...v.map(depth)) : 0)
    for (const t of triggers) {
      expect(t).to.have.keys('id', 'name', 'description', 'enabled', 'definition')
      expect(t.definition.event).to.be.a('string')
      expect(t.definition.condition).to.be.an('array')
      for (const action of t.definition.actions) expect(action).to.be.an('array')
    }
    expect(triggers.some((t) => t.definition.version === 1 && t.definition.editor !== undefined)).to.equal(true)
    expect(triggers.some((t) => !('version' in t.definition) && !('editor' in t.definition))).to.equal(true)
    expect(Math.max(...triggers.map((t) => depth(t.definition.condition)))).to.be.greaterThan(2)
  })

  it('routing_settings/account: one object under data', async () => {
    const { status, body } = await get(sandbox, 'routing_settings/account')
    expect(status).to.equal(200)
    const data = (body as { data: Record<string, Row> }).data
    expect(body).to.have.keys('data')
    expect(data).to.have.keys('routing_mode', 'chat_limit', 'skill_routing', 'reassignment', 'auto_idle', 'auto_accept')
    expect(data.chat_limit).to.have.keys('enabled', 'limit', 'limit_type', 'allow_agent_override')
    expect(data.skill_routing).to.have.keys('enabled', 'max_wait_time')
    expect(data.reassignment).to.have.keys('enabled', 'timeout')
    expect(data.auto_idle).to.have.keys('enabled', 'reassignments_before_idle', 'new_status')
    expect(data.auto_accept).to.have.keys('enabled')
  })
})

describe('sandbox: bans', () => {
  let sandbox: Sandbox
  before(async () => {
    sandbox = await startSandbox({ seed: 4 })
  })
  after(async () => {
    await sandbox?.close()
  })

  /** since_id walk: next since_id = max id over BOTH arrays + 1; stop on a short page. */
  async function walk(s: Sandbox, from: number, limit: number): Promise<BansBody[]> {
    const pages: BansBody[] = []
    for (let sinceId = from; ;) {
      const { status, body } = await get(s, `bans?since_id=${sinceId}&limit=${limit}`)
      expect(status).to.equal(200)
      const page = body as BansBody
      pages.push(page)
      const ids = [...page.ip_address, ...page.visitor].map((b) => b.id)
      if (ids.length < limit) return pages
      sinceId = Math.max(...ids) + 1
    }
  }

  it('serves 120 bans in two arrays with interleaved ids, each array sorted, some created_at null', async () => {
    const page = (await get(sandbox, 'bans?limit=1000')).body as BansBody
    expect(page).to.have.keys('ip_address', 'visitor')
    expect(page.ip_address.length + page.visitor.length).to.equal(120)
    // Now and then a ban says no type (its array does), or an IP ban the short "ip": real payloads do.
    for (const b of page.ip_address) {
      expect(b).to.include.keys('id', 'ip_address', 'reason', 'created_at')
      expect(['ip_address', 'ip', undefined]).to.include(b.type)
      expect(b.ip_address).to.match(/^\d+\.\d+\.\d+\.\d+$/)
    }
    for (const b of page.visitor) {
      expect(b).to.include.keys('id', 'visitor_id', 'visitor_name', 'reason', 'created_at')
      expect(['visitor', undefined]).to.include(b.type)
    }
    for (const list of [page.ip_address, page.visitor])
      expect(list.map((b) => b.id)).to.deep.equal(list.map((b) => b.id).sort((x, y) => x - y))
    // Interleaved: the kind changes many times along the id order.
    // Each ban as its array says it is (the type a ban lacks or shortens).
    const typed = [...page.ip_address.map((b) => ({ ...b, type: 'ip_address' })), ...page.visitor.map((b) => ({ ...b, type: 'visitor' }))]
    const kinds = [...typed].sort((x, y) => x.id - y.id).map((b) => b.type)
    expect(kinds.filter((k, i) => i > 0 && k !== kinds[i - 1]).length).to.be.greaterThan(20)
    const all = [...page.ip_address, ...page.visitor]
    expect(all.some((b) => b.created_at === null)).to.equal(true)
    for (const b of all) if (b.created_at !== null) expect(b.created_at).to.match(SECONDS_Z)
    expect(typed.sort((x, y) => x.id - y.id)).to.deep.equal(sandbox.data.allBans())
    expect(
      all.some((b) => b.type === undefined || b.type === 'ip'),
      'a ban without type, or "ip"',
    ).to.equal(page.ip_address.length > 0)
  })

  it('since_id is inclusive and limit counts both kinds: the first N bans by id', async () => {
    const ids = sandbox.data.allBans().map((b) => b.id)
    const { body } = await get(sandbox, `bans?since_id=${ids[10]}&limit=7`)
    const page = body as BansBody
    expect([...page.ip_address, ...page.visitor].map((b) => b.id).sort((x, y) => x - y)).to.deep.equal(ids.slice(10, 17))
    expect(page.ip_address.length).to.be.greaterThan(0)
    expect(page.visitor.length).to.be.greaterThan(0)
    const next = (await get(sandbox, `bans?since_id=${ids[10]! + 1}&limit=1`)).body as BansBody
    expect([...next.ip_address, ...next.visitor].map((b) => b.id)).to.deep.equal([ids[11]])
  })

  it('a walk with max-over-both-arrays + 1 returns every ban once', async () => {
    const pages = await walk(sandbox, 0, 25)
    const ids = pages.flatMap((p) => [...p.ip_address, ...p.visitor].map((b) => b.id))
    expect(ids).to.have.length(120)
    expect(new Set(ids).size).to.equal(120)
    expect(pages.map((p) => p.ip_address.length + p.visitor.length)).to.deep.equal([25, 25, 25, 25, 20])
  })

  it('defaults limit to 100, accepts 1000, rejects 1001, 0 and non-integers with 400', async () => {
    const page = (await get(sandbox, 'bans')).body as BansBody
    expect(page.ip_address.length + page.visitor.length).to.equal(100)
    expect((await get(sandbox, 'bans?limit=1000')).status).to.equal(200)
    for (const q of ['limit=1001', 'limit=0', 'limit=x', 'since_id=1.5']) {
      const { status, body } = await get(sandbox, `bans?${q}`)
      expect(status, q).to.equal(400)
      expect((body as { error: string }).error).to.equal('Bad Request')
    }
    const past = (await get(sandbox, `bans?since_id=${sandbox.data.maxBanId()! + 1}`)).body
    expect(past).to.deep.equal({ ip_address: [], visitor: [] })
  })

  it('addBans(6): above the max id, alternating kinds, found from the old max + 1, deterministic', async () => {
    const [a, b] = await Promise.all([startSandbox({ seed: 8, bans: 30 }), startSandbox({ seed: 8, bans: 30 })])
    try {
      const oldMax = a.data.maxBanId()!
      const added = a.data.addBans(6)
      expect(b.data.addBans(6)).to.deep.equal(added)
      expect(added.every((id) => id > oldMax)).to.equal(true)
      const pages = await walk(a, oldMax + 1, 100)
      const fresh = [...pages[0]!.ip_address, ...pages[0]!.visitor].sort((x, y) => x.id - y.id)
      expect(fresh.map((x) => x.id)).to.deep.equal(added)
      expect(fresh.map((x) => x.type)).to.deep.equal(['ip_address', 'visitor', 'ip_address', 'visitor', 'ip_address', 'visitor'])
      const newest = Math.max(
        ...a.data
          .allBans()
          .slice(0, 30)
          .map((x) => (x.created_at === null ? 0 : Date.parse(x.created_at))),
      )
      for (const x of fresh) expect(Date.parse(x.created_at!)).to.be.greaterThan(newest).and.lessThan(Date.now())
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })
})

describe('sandbox: agent_timeline export', () => {
  let sandbox: Sandbox
  before(async () => {
    sandbox = await startSandbox({ seed: 6 })
  })
  after(async () => {
    await sandbox?.close()
  })

  /** Follows next_page from `start` until a page holds fewer than `limit` entries. */
  async function walk(s: Sandbox, start: number, limit: number): Promise<TimelineBody[]> {
    const pages: TimelineBody[] = []
    let path = `incremental/agent_timeline?start_time=${start}&limit=${limit}&fields=agent_timeline(*)`
    for (;;) {
      const { status, body } = await get(s, path)
      expect(status, path).to.equal(200)
      const page = body as TimelineBody
      pages.push(page)
      if (page.count < limit) return pages
      path = relative(s, page.next_page)
    }
  }

  it('entries look like the real ones, agents are real, time order holds', async () => {
    const entries = sandbox.data.allTimeline()
    expect(entries).to.have.length(2000)
    const agents = new Set(sandbox.data.agents().map((a) => a.id))
    for (const e of entries) {
      expect(e).to.have.keys('agent_id', 'start_time', 'status', 'duration', 'engagement_count')
      expect(agents.has(e.agent_id)).to.equal(true)
      expect(e.start_time).to.match(MICROS_Z)
      expect(['online', 'away', 'invisible', 'offline']).to.include(e.status)
      expect(e.duration).to.be.a('number').greaterThan(0)
    }
    const times = entries.map((e) => micros(e.start_time))
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).to.equal(true)
    expect(entries.some((e) => !Number.isInteger(e.duration))).to.equal(true)
  })

  it('holds repeated (agent_id, start_time) pairs and distinct agents sharing a start_time', () => {
    const entries = sandbox.data.allTimeline()
    const pairs = new Map<string, number>()
    const agentsAt = new Map<string, Set<number>>()
    for (const e of entries) {
      const key = `${e.agent_id}|${e.start_time}`
      pairs.set(key, (pairs.get(key) ?? 0) + 1)
      agentsAt.set(e.start_time, (agentsAt.get(e.start_time) ?? new Set()).add(e.agent_id))
    }
    expect([...pairs.values()].filter((n) => n > 1).length).to.be.greaterThan(5)
    expect([...agentsAt.values()].filter((s) => s.size > 1).length).to.be.greaterThan(5)
  })

  it('walking next_page repeats the boundary entry (inclusive start_time) and misses none', async () => {
    const limit = 1000
    const pages = await walk(sandbox, 0, limit)
    const all = sandbox.data.allTimeline()
    const times = all.map((e) => micros(e.start_time))
    let start = 0
    let covered = 0
    for (const [k, page] of pages.entries()) {
      // Each page is the next `limit` entries with start_time >= the previous end_time.
      const from = times.findIndex((t) => t >= start)
      expect(page.agent_timeline).to.deep.equal(all.slice(from, from + limit))
      if (k > 0) {
        expect(page.agent_timeline[0]!.start_time).to.equal(pages[k - 1]!.agent_timeline.at(-1)!.start_time)
        expect(page.agent_timeline).to.deep.include(pages[k - 1]!.agent_timeline.at(-1))
      }
      expect(from).to.be.at.most(covered)
      covered = from + page.count
      start = page.end_time
    }
    expect(pages.length).to.equal(3)
    expect(covered).to.equal(all.length)
  })

  it('end_time is the last start_time in epoch microseconds; next_page is absolute and present on the last page', async () => {
    const pages = await walk(sandbox, 0, 1000)
    for (const p of pages) {
      expect(Number.isInteger(p.end_time)).to.equal(true)
      expect(p.end_time).to.equal(micros(p.agent_timeline.at(-1)!.start_time))
      expect(p.next_page).to.equal(
        `${sandbox.baseUrl}/incremental/agent_timeline?start_time=${p.end_time}&limit=1000&fields=agent_timeline(*)`,
      )
    }
    expect(pages.at(-1)!.count).to.be.lessThan(1000)
  })

  it('an exact start_time is included; past the end answers an empty page with end_time = start_time', async () => {
    const entries = sandbox.data.allTimeline()
    const t = micros(entries[500]!.start_time)
    const page = (await get(sandbox, `incremental/agent_timeline?start_time=${t}&limit=2`)).body as TimelineBody
    expect(page.agent_timeline[0]).to.deep.equal(entries.find((e) => micros(e.start_time) === t))
    const after = micros(entries.at(-1)!.start_time) + 1
    const empty = (await get(sandbox, `incremental/agent_timeline?start_time=${after}`)).body as TimelineBody
    expect(empty).to.include({ count: 0, end_time: after })
    expect(empty.agent_timeline).to.deep.equal([])
    expect(empty.next_page).to.include(`start_time=${after}&limit=1000`)
  })

  it('rejects a missing, malformed or future start_time and a limit above 1000 with 400', async () => {
    const future = (Date.now() + 3_600_000) * 1000
    for (const q of ['', 'start_time=abc', 'start_time=1.5', `start_time=${future}`, 'start_time=0&limit=1001', 'start_time=0&limit=0']) {
      const { status, body } = await get(sandbox, `incremental/agent_timeline?${q}`)
      expect(status, q).to.equal(400)
      expect(body).to.have.keys('error', 'description')
    }
  })

  it('addTimelineEntries(5): a walk from the last end_time returns the boundary entry and the 5 new ones', async () => {
    const local = await startSandbox({ seed: 6, timeline: 300 })
    try {
      const end = (await walk(local, 0, 1000)).at(-1)!
      const added = local.data.addTimelineEntries(5)
      const next = await walk(local, end.end_time, 1000)
      expect(next[0]!.agent_timeline).to.deep.equal([end.agent_timeline.at(-1), ...added])
      for (const e of added)
        expect(micros(e.start_time))
          .to.be.greaterThan(end.end_time)
          .and.lessThan(Date.now() * 1000)
    } finally {
      await local.close()
    }
  })
})
