import { expect } from 'chai'
import { startSandbox, type Sandbox } from '../../../../src/sandbox/index.js'
import { sandboxGet } from '../../../support/sandbox.js'

type Row = Record<string, unknown>
type Page = { count: number; end_time: number; end_id: string | null; next_page: string } & Record<string, unknown>

/** Every record of an export, following next_page with `limit` records a page until a short page. */
const readExport = async (sandbox: Sandbox, name: string, limit: number): Promise<{ records: Row[]; pages: number }> => {
  let path = `incremental/${name}?start_time=0&limit=${limit}&fields=${name}(*)`
  const records: Row[] = []
  for (let pages = 1; ; pages++) {
    const answer = await sandboxGet(sandbox, path)
    expect(answer.status, path).to.equal(200)
    const page = answer.body as Page
    const rows = page[name] as Row[]
    expect(page.count).to.equal(rows.length)
    records.push(...rows)
    if (rows.length < limit) return { records, pages }
    path = page.next_page.slice(sandbox.baseUrl.length + 1)
  }
}

const seconds = (iso: unknown): number => Date.parse(iso as string) / 1000

describe('sandbox: the conversions and department_events exports', () => {
  let sandbox: Sandbox
  before(async () => {
    sandbox = await startSandbox({ seed: 5, chats: 1200, departments: 6 })
  })
  after(async () => {
    await sandbox?.close()
  })

  it("conversions: paged by start_time and start_id, in (timestamp, id) order, each one of its chat's conversions", async () => {
    const { records, pages } = await readExport(sandbox, 'conversions', 25)
    expect(pages).to.be.greaterThan(3)
    expect(records).to.deep.equal(sandbox.data.allConversions())
    for (let i = 1; i < records.length; i++) {
      const [a, b] = [records[i - 1]!, records[i]!]
      expect(seconds(a.timestamp) < seconds(b.timestamp) || (a.timestamp === b.timestamp && (a.id as string) < (b.id as string))).to.equal(
        true,
      )
    }
    const goals = new Set(sandbox.data.goals().map((g) => g.id))
    for (const c of records) {
      const attribution = c.attribution as Row
      const chat = sandbox.data.chatById(attribution.chat_id as string)!
      expect(chat.type).to.equal('chat')
      if (chat.type !== 'chat') continue
      const { chat_id: _chat, ...inChat } = attribution
      expect(chat.conversions).to.deep.include({ ...c, attribution: inChat })
      expect(goals.has(c.goal_id as number)).to.equal(true)
      expect(seconds(c.timestamp)).to.be.within(seconds(chat.timestamp), seconds(chat.end_timestamp))
      expect(attribution.agent_id).to.equal(chat.agent_ids[0] === undefined ? null : Number(chat.agent_ids[0]))
    }
  })

  it('conversions of chats added between runs come after every earlier one', async () => {
    const local = await startSandbox({ seed: 6, chats: 400 })
    try {
      const before = local.data.allConversions()
      local.data.addChats(300)
      const after = local.data.allConversions()
      expect(after.slice(0, before.length)).to.deep.equal(before)
      expect(after.length).to.be.greaterThan(before.length)
      const { records } = await readExport(local, 'conversions', 1000)
      expect(records).to.deep.equal(after)
    } finally {
      await local.close()
    }
  })

  it("department events: of the account's departments, paged, each previous_value the value before it, the newest the current value", async () => {
    const { records } = await readExport(sandbox, 'department_events', 4)
    expect(records).to.deep.equal(sandbox.data.allDepartmentEvents())
    const departments = new Map(sandbox.data.departments().map((d) => [d.id, d as unknown as Row]))
    const history = new Map<string, Row[]>()
    for (const e of records) {
      expect(departments.has(e.department_id as number)).to.equal(true)
      const key = `${String(e.department_id)} ${String(e.field_name)}`
      history.set(key, [...(history.get(key) ?? []), e])
    }
    for (const [key, events] of history) {
      for (let i = 1; i < events.length; i++) expect(events[i]!.previous_value, key).to.deep.equal(events[i - 1]!.value)
      const department = departments.get(events[0]!.department_id as number)!
      const current = department[events[0]!.field_name as string]
      const newest = events.at(-1)!.value
      expect(newest, key).to.deep.equal(current === 0 || current === 1 ? current === 1 : current)
    }
    expect(new Set(records.map((e) => typeof e.value)).size).to.be.greaterThan(1)
  })

  it('refuses a start_time that is not a whole number of seconds', async () => {
    expect((await sandboxGet(sandbox, 'incremental/conversions?start_time=soon')).status).to.equal(400)
    expect((await sandboxGet(sandbox, 'incremental/department_events')).status).to.equal(400)
  })
})

describe('sandbox: quirks level', () => {
  const countQuirks = (sandbox: Sandbox): number =>
    sandbox.data.allChats().filter((c) => c.webpath.some((w) => w === null || Array.isArray(w)) || c.tags.includes(null)).length

  it('rare by default, often on request; the same seed and level serve the same data', async () => {
    const [rare, often, again] = await Promise.all([
      startSandbox({ seed: 9, chats: 600 }),
      startSandbox({ seed: 9, chats: 600, quirks: 'often' }),
      startSandbox({ seed: 9, chats: 600, quirks: 'often' }),
    ])
    try {
      expect(rare.data.quirks).to.equal('rare')
      expect(countQuirks(rare)).to.be.lessThan(60)
      expect(countQuirks(often)).to.be.greaterThan(200)
      expect(often.data.allChats()).to.deep.equal(again.data.allChats())
      // Quirks change shapes, never which records there are.
      expect(often.data.allChats().map((c) => c.id)).to.deep.equal(rare.data.allChats().map((c) => c.id))
    } finally {
      await Promise.all([rare.close(), often.close(), again.close()])
    }
  })

  it('GET and PUT /_sandbox/quirks read and change the level; anything else is refused', async () => {
    const sandbox = await startSandbox({ seed: 9, chats: 600 })
    try {
      const control = `http://127.0.0.1:${sandbox.port}/_sandbox/quirks`
      expect(await (await fetch(control)).json()).to.deep.equal({ quirks: 'rare' })
      const put = await fetch(control, { method: 'PUT', body: JSON.stringify({ quirks: 'often' }) })
      expect(put.status).to.equal(200)
      expect(sandbox.data.quirks).to.equal('often')
      expect(countQuirks(sandbox)).to.be.greaterThan(200)
      const bad = await fetch(control, { method: 'PUT', body: JSON.stringify({ quirks: 'always' }) })
      expect(bad.status).to.equal(400)
      expect(sandbox.data.quirks).to.equal('often')
    } finally {
      await sandbox.close()
    }
  })
})
