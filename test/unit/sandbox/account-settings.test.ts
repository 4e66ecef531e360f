import { expect } from 'chai'
import { parseUnavailable, startSandbox, type Sandbox } from '../../../src/sandbox/index.js'
import { sandboxGet as get } from '../../support/sandbox.js'

const control = (sandbox: Sandbox, path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(`http://127.0.0.1:${sandbox.port}/_sandbox/${path}`, init)
const put = (sandbox: Sandbox, path: string, body: unknown) =>
  control(sandbox, path, { method: 'PUT', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } })

describe('sandbox: the account clock, missing resources, agent edits and lifted bans', () => {
  let sandbox: Sandbox
  beforeEach(async () => {
    sandbox = await startSandbox({ agents: 30, departments: 4, chats: 20, bans: 40, timeline: 10, clockOffsetMs: 2 * 3600_000 })
  })
  afterEach(() => sandbox.close())

  it('every answer carries a Date header from its own clock, errors too; PUT /_sandbox/clock moves it', async () => {
    for (const path of ['agents', 'nope']) {
      const res = await fetch(`${sandbox.baseUrl}/${path}`, { headers: { Authorization: `Bearer ${sandbox.token}` } })
      await res.arrayBuffer()
      expect(Date.parse(res.headers.get('date')!), path).to.be.closeTo(Date.now() + 2 * 3600_000, 2000)
    }
    const moved = await put(sandbox, 'clock', { offsetMs: -60_000 })
    expect(moved.status).to.equal(200)
    expect(((await moved.json()) as { offsetMs: number }).offsetMs).to.equal(-60_000)
    expect(sandbox.nowMillis()).to.be.closeTo(Date.now() - 60_000, 1000)
    expect((await put(sandbox, 'clock', { offsetMs: 'soon' })).status).to.equal(400)
  })

  it('a data change may not be stamped after its clock, and quietUntil makes the newest changes as recent as asked', () => {
    const nowSeconds = Math.floor(sandbox.nowMillis() / 1000)
    sandbox.data.quietUntil(nowSeconds - 100)
    expect(sandbox.data.latestChange).to.equal(nowSeconds - 100)
    const [entry] = sandbox.data.addTimelineEntries(1)
    expect(Date.parse(entry!.start_time) / 1000).to.be.within(nowSeconds - 100, nowSeconds - 60)
    expect(() => sandbox.data.quietUntil(nowSeconds + 600)).to.throw(RangeError)
  })

  it('answers 404 or 403 for the resources the account lacks (and what lies below them), the rest as usual; PUT /_sandbox/unavailable changes them', async () => {
    sandbox.setUnavailable({ skills: 404, routing_settings: 403 })
    expect((await get(sandbox, 'skills')).status).to.equal(404)
    const forbidden = await get(sandbox, 'routing_settings/account')
    expect(forbidden.status).to.equal(403)
    expect((forbidden.body as { error: string }).error).to.equal('Forbidden')
    expect((await get(sandbox, 'goals')).status).to.equal(200)
    expect((await put(sandbox, 'unavailable', { goals: 403 })).status).to.equal(200)
    expect((await get(sandbox, 'goals')).status).to.equal(403)
    expect((await get(sandbox, 'skills')).status).to.equal(200)
    expect((await put(sandbox, 'unavailable', { goals: 500 })).status).to.equal(400)
    expect(await (await control(sandbox, 'unavailable')).json()).to.deep.equal({ goals: 403 })
  })

  it('parses --unavailable specs and refuses bad ones in one line', () => {
    expect(parseUnavailable('skills,goals=403,routing_settings')).to.deep.equal({ skills: 404, goals: 403, routing_settings: 404 })
    expect(() => parseUnavailable('skills=500')).to.throw(RangeError, /skills must answer 403 or 404/)
    expect(() => parseUnavailable('Skills!')).to.throw(RangeError, /not a resource path/)
  })

  it('editAgents renames, disables and moves agents without changing ids; departments and skills follow', async () => {
    const before = sandbox.data.agents()
    const edited = sandbox.data.editAgents(8)
    const after = sandbox.data.agents()
    expect(after.map((a) => a.id)).to.deep.equal(before.map((a) => a.id))
    expect(edited).to.not.include(before[0]!.id)
    const changed = new Set<string>()
    for (const id of edited) {
      const [was, now] = [before.find((a) => a.id === id)!, after.find((a) => a.id === id)!]
      for (const field of ['display_name', 'enabled', 'departments', 'skills'] as const)
        if (JSON.stringify(was[field]) !== JSON.stringify(now[field])) changed.add(field)
    }
    expect([...changed].sort()).to.deep.equal(['departments', 'display_name', 'enabled', 'skills'])
    const served = (await get(sandbox, 'agents?limit=100')).body as { id: number }[]
    expect(served).to.deep.equal(JSON.parse(JSON.stringify(after)))
    for (const department of sandbox.data.departments()) {
      const members = after.filter((a) => a.departments.includes(department.id)).map((a) => a.id)
      expect(department.members, `department ${department.id}`).to.deep.equal(members)
    }
  })

  it('liftBans takes bans off the list; since_id pages still hold `limit` bans and skip none', async () => {
    const all = sandbox.data.allBans().map((b) => b.id)
    const lifted = sandbox.data.liftBans(6)
    expect(sandbox.data.banCount).to.equal(all.length - 6)
    const listed: number[] = []
    for (let since = 0; ;) {
      const page = (await get(sandbox, `bans?since_id=${since}&limit=10`)).body as {
        ip_address: { id: number }[]
        visitor: { id: number }[]
      }
      const ids = [...page.ip_address, ...page.visitor].map((b) => b.id)
      listed.push(...ids)
      if (ids.length < 10) break
      expect(ids).to.have.length(10)
      since = Math.max(...ids) + 1
    }
    expect(listed.sort((a, b) => a - b)).to.deep.equal(all.filter((id) => !lifted.includes(id)))
  })
})
