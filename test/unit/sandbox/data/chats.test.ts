import { expect } from 'chai'
import type { ChatRecord } from '../../../../src/sandbox/data/chat-records.js'
import { REFERENCE_NOW, startSandbox, type Sandbox } from '../../../../src/sandbox/index.js'
import { sandboxGet as get } from '../../../support/sandbox.js'

interface ExportBody {
  chats: ChatRecord[]
  count: number
  end_time: number
  end_id: string | null
  next_page: string
}

interface Walk {
  pages: ExportBody[]
  chats: ChatRecord[]
}

const SECONDS_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/
const MICROS_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/
const OLD_SESSION_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00Z$/
const seconds = (iso: string): number => Date.parse(iso) / 1000
const exportPath = (startTime: number, limit: number, startId?: string): string =>
  `incremental/chats?start_time=${startTime}${startId === undefined ? '' : `&start_id=${startId}`}&limit=${limit}&fields=chats(*)`

/** Follows next_page exactly as given until a page holds fewer than `limit` chats. */
async function walk(sandbox: Sandbox, path: string, limit: number): Promise<Walk> {
  const pages: ExportBody[] = []
  for (let next = path; ;) {
    const { status, body } = await get(sandbox, next)
    expect(status, next).to.equal(200)
    const page = body as ExportBody
    pages.push(page)
    if (page.count < limit) return { pages, chats: pages.flatMap((p) => p.chats) }
    expect(page.next_page.startsWith(`${sandbox.baseUrl}/`)).to.equal(true)
    next = page.next_page.slice(sandbox.baseUrl.length + 1)
    if (pages.length > 10_000) throw new Error('walk does not end')
  }
}

/** (update_timestamp, id) order, id compared as a string. */
function inExportOrder(chats: ReadonlyArray<ChatRecord>): boolean {
  return chats.every((c, i) => {
    if (i === 0) return true
    const p = chats[i - 1]!
    const [a, b] = [seconds(p.update_timestamp), seconds(c.update_timestamp)]
    return a < b || (a === b && p.id < c.id)
  })
}

function ties(chats: ReadonlyArray<ChatRecord>): Map<string, number> {
  const counts = new Map<string, number>()
  for (const c of chats) counts.set(c.update_timestamp, (counts.get(c.update_timestamp) ?? 0) + 1)
  return counts
}

describe('sandbox: chats export', () => {
  let sandbox: Sandbox
  let full: Walk
  before(async () => {
    sandbox = await startSandbox({ seed: 11 })
    full = await walk(sandbox, exportPath(0, 1000), 1000)
  })
  after(async () => {
    await sandbox?.close()
  })

  it('a walk from start_time=0 with limit 1000 returns every one of the 3000 chats exactly once, in (update_timestamp, id) order', () => {
    const ids = full.chats.map((c) => c.id)
    expect(ids).to.have.length(3000)
    expect(new Set(ids).size).to.equal(3000)
    expect(inExportOrder(full.chats)).to.equal(true)
    expect(full.chats).to.deep.equal(sandbox.data.allChats())
  })

  it('holds a cluster of more than 1000 chats sharing one update_timestamp, and the walk crosses it', () => {
    const [stamp, size] = [...ties(full.chats)].sort((a, b) => b[1] - a[1])[0]!
    expect(size).to.be.greaterThan(1000)
    // Some page ends inside the cluster and the next one resumes inside it with start_id.
    const inside = full.pages.filter((p) => p.end_time === seconds(stamp))
    expect(inside.length).to.be.greaterThan(0)
    expect([...ties(full.chats).values()].filter((n) => n > 1).length, 'small ties too').to.be.greaterThan(10)
  })

  it('pages carry count, end_time, end_id and an absolute next_page, the last page (count < limit) too', () => {
    expect(full.pages.map((p) => p.count)).to.deep.equal([1000, 1000, 1000, 0])
    for (const p of full.pages) {
      expect(p).to.have.keys('chats', 'count', 'end_id', 'end_time', 'next_page')
      expect(p.count).to.equal(p.chats.length)
      const last = p.chats.at(-1)
      if (last !== undefined) {
        expect(p.end_time).to.equal(seconds(last.update_timestamp))
        expect(p.end_id).to.equal(last.id)
        expect(p.next_page).to.equal(`${sandbox.baseUrl}/${exportPath(p.end_time, 1000, p.end_id!)}`)
      }
    }
    const empty = full.pages.at(-1)!
    expect(empty.end_id).to.equal(null)
    expect(empty.end_time).to.equal(full.pages.at(-2)!.end_time)
    expect(empty.next_page).to.equal(`${sandbox.baseUrl}/${exportPath(empty.end_time, 1000, full.pages.at(-2)!.end_id!)}`)
  })

  it('writes a page byte for byte as JSON.stringify would write the whole page', async () => {
    const startTime = seconds(full.pages[1]!.chats[0]!.update_timestamp)
    const { text } = await get(sandbox, exportPath(startTime, 1000))
    const page = sandbox.data.exportChats(startTime, undefined, 1000)
    const last = page.chats.at(-1)!
    const body = {
      chats: page.chats,
      count: 1000,
      end_id: last.id,
      end_time: page.endTime,
      next_page: `${sandbox.baseUrl}/${exportPath(page.endTime!, 1000, last.id)}`,
    }
    expect(text).to.equal(JSON.stringify(body))
    const empty = await get(sandbox, exportPath(REFERENCE_NOW + 1, 5))
    expect(empty.text).to.equal(
      JSON.stringify({
        chats: [],
        count: 0,
        end_id: null,
        end_time: REFERENCE_NOW + 1,
        next_page: `${sandbox.baseUrl}/${exportPath(REFERENCE_NOW + 1, 5)}`,
      }),
    )
  })

  it('a smaller limit through the cluster returns the same chats, and the last page is short', async () => {
    const small = await walk(sandbox, exportPath(0, 450), 450)
    expect(small.chats.map((c) => c.id)).to.deep.equal(full.chats.map((c) => c.id))
    expect(small.pages.at(-1)!.count).to.be.lessThan(450)
    expect(small.pages.at(-1)!.next_page).to.include('limit=450')
  })

  it('start_time is inclusive; start_id excludes ids up to it among chats at exactly start_time', async () => {
    const [stamp] = [...ties(full.chats)].sort((a, b) => b[1] - a[1])[0]!
    const t = seconds(stamp)
    const at = full.chats.filter((c) => c.update_timestamp === stamp)
    const from = ((await get(sandbox, exportPath(t, 5))).body as ExportBody).chats
    expect(from.map((c) => c.id)).to.deep.equal(at.slice(0, 5).map((c) => c.id))
    const after = ((await get(sandbox, exportPath(t, 5, at[2]!.id))).body as ExportBody).chats
    expect(after.map((c) => c.id)).to.deep.equal(at.slice(3, 8).map((c) => c.id))
    const later = ((await get(sandbox, exportPath(t + 1, 1))).body as ExportBody).chats
    expect(later[0]!.id).to.equal(full.chats[full.chats.indexOf(at.at(-1)!) + 1]!.id)
  })

  it('rejects a missing or malformed start_time and a bad limit with 400', async () => {
    for (const q of [
      '',
      'limit=10',
      'start_time=',
      'start_time=abc',
      'start_time=1.5',
      'start_time=-1',
      'start_time=0&limit=1001',
      'start_time=0&limit=0',
      'start_time=0&limit=x',
    ]) {
      const { status, body } = await get(sandbox, `incremental/chats?${q}`)
      expect(status, q).to.equal(400)
      expect((body as { error: string }).error).to.equal('Bad Request')
    }
  })

  it('refuses a start_time in the future or within five minutes of its clock (400, "Too recent start_time"), judged by its own clock, which its Date header says', async () => {
    const nowSeconds = () => Math.floor(sandbox.nowMillis() / 1000)
    for (const ago of [-3600, 0, 60, 290]) {
      const { status, body } = await get(sandbox, `incremental/chats?start_time=${nowSeconds() - ago}`)
      expect(status, `${ago} s ago`).to.equal(400)
      expect(body, `${ago} s ago`).to.deep.equal({
        error: 'InvalidValue',
        description: 'Too recent start_time. Use a start_time older than 5 minutes',
      })
    }
    expect((await get(sandbox, `incremental/chats?start_time=${nowSeconds() - 310}`)).status).to.equal(200)
    expect((await get(sandbox, `incremental/agent_timeline?start_time=${(nowSeconds() - 200) * 1_000_000}`)).status).to.equal(400)
    expect((await get(sandbox, `incremental/agent_timeline?start_time=${(nowSeconds() - 310) * 1_000_000}`)).status).to.equal(200)
    try {
      sandbox.setClockOffset(-3 * 3600_000)
      const res = await fetch(`${sandbox.baseUrl}/account`, { headers: { Authorization: `Bearer ${sandbox.token}` } })
      await res.arrayBuffer()
      expect(Date.parse(res.headers.get('date')!)).to.be.closeTo(Date.now() - 3 * 3600_000, 2000)
      // What is old enough for this machine's clock is too recent for the sandbox's.
      expect((await get(sandbox, `incremental/chats?start_time=${Math.floor(Date.now() / 1000) - 2 * 3600}`)).status).to.equal(400)
    } finally {
      sandbox.setClockOffset(0)
    }
  })

  it('defaults limit to 1000', async () => {
    expect(((await get(sandbox, 'incremental/chats?start_time=0')).body as ExportBody).count).to.equal(1000)
  })

  it('serves chats and about 15% offline messages, with the shapes of the real samples', () => {
    const offline = full.chats.filter((c) => c.type === 'offline_msg')
    expect(offline.length / full.chats.length).to.be.within(0.1, 0.2)
    for (const o of offline) {
      expect(o).to.include.keys(
        'id',
        'type',
        'timestamp',
        'update_timestamp',
        'message',
        'visitor',
        'session',
        'department_id',
        'department_name',
        'unread',
        'deleted',
        'tags',
        'webpath',
        'zendesk_ticket_id',
      )
      expect(o).to.not.have.any.keys('end_timestamp', 'history')
    }
    for (const c of full.chats) {
      expect(c.id).to.match(/^\d{4}\.\d+\.[A-Za-z0-9]{13}$/)
      expect(c.visitor).to.have.keys('id', 'name', 'email', 'phone', 'notes')
      expect(c.session).to.have.keys(
        'id',
        'browser',
        'city',
        'country_code',
        'country_name',
        'region',
        'platform',
        'ip',
        'user_agent',
        'start_date',
        'end_date',
      )
      for (const t of [c.timestamp, c.update_timestamp]) expect(t).to.match(SECONDS_Z)
      expect(seconds(c.update_timestamp)).to.be.at.most(REFERENCE_NOW)
      if (c.type !== 'chat') continue
      expect(c).to.include.keys(
        'end_timestamp',
        'duration',
        'missed',
        'triggered',
        'started_by',
        'agent_ids',
        'agent_names',
        'count',
        'response_time',
        'rating',
        'comment',
        'history',
      )
      expect(seconds(c.timestamp)).to.be.at.most(seconds(c.end_timestamp))
      expect(seconds(c.end_timestamp)).to.be.at.most(seconds(c.update_timestamp))
      // A null item now and then (a quirk of real payloads); every other agent id is a numeric string.
      for (const a of c.agent_ids) if (a !== null) expect(a).to.be.a('string').and.match(/^\d+$/)
      expect(c.agent_ids).to.have.length(c.agent_names.length)
      expect(c.count.total).to.equal(c.count.agent + c.count.visitor)
      expect(c.history.filter((h) => h?.type === 'chat.msg')).to.have.length(c.count.total)
      for (const h of c.history) if (h !== null) expect(h.timestamp).to.match(MICROS_Z)
    }
  })

  it('shows the data quirks: unread 0/1, msg_id string and integer, history department_id integer and string, old session dates, deleted chats', () => {
    const chats = full.chats.filter((c) => c.type === 'chat')
    const history = chats.flatMap((c) => c.history).filter((h) => h !== null)
    expect(full.chats.some((c) => c.unread === 0 || c.unread === 1)).to.equal(true)
    expect(full.chats.some((c) => typeof c.unread === 'boolean')).to.equal(true)
    const msgIds = history.flatMap((h) => (h.type === 'chat.msg' && h.msg_id !== undefined ? [h.msg_id] : []))
    expect(msgIds.some((m) => typeof m === 'string')).to.equal(true)
    expect(msgIds.some((m) => typeof m === 'number')).to.equal(true)
    const departmentIds = history.flatMap((h) => (h.type === 'chat.memberjoin' && h.department_id !== undefined ? [h.department_id] : []))
    expect(departmentIds.some((d) => typeof d === 'number')).to.equal(true)
    expect(departmentIds.some((d) => typeof d === 'string')).to.equal(true)
    expect(departmentIds.some((d) => d === null)).to.equal(true)
    expect(full.chats.some((c) => OLD_SESSION_DATE.test(c.session.start_date))).to.equal(true)
    expect(full.chats.some((c) => c.department_id === null)).to.equal(true)
    expect(full.chats.some((c) => c.deleted)).to.equal(true)
    for (const type of ['chat.memberjoin', 'chat.msg', 'chat.memberleave', 'chat.tag', 'chat.comment']) {
      expect(
        history.some((h) => h.type === type),
        type,
      ).to.equal(true)
    }
    expect(chats.some((c) => c.missed && c.agent_ids.length === 0 && c.response_time.first === null)).to.equal(true)
    // triggered_response is documented as a boolean; the real sample says null.
    for (const c of chats) expect([true, false, null]).to.include(c.triggered_response)
    expect(chats.some((c) => c.triggered_response === true && c.triggered && c.started_by === 'trigger')).to.equal(true)
    const agents = new Set(sandbox.data.agents().map((a) => String(a.id)))
    for (const c of chats) for (const a of c.agent_ids) if (a !== null) expect(agents.has(a)).to.equal(true)
  })

  it('spans three years ending at the reference date', () => {
    const first = seconds(full.chats[0]!.update_timestamp)
    const last = seconds(full.chats.at(-1)!.update_timestamp)
    expect(last - first).to.be.greaterThan(2.9 * 365 * 86_400)
    expect(last).to.be.at.most(REFERENCE_NOW)
  })
})

describe('sandbox: chats changing between runs', () => {
  let sandbox: Sandbox
  let twin: Sandbox
  let before1: Walk
  before(async () => {
    ;[sandbox, twin] = await Promise.all([startSandbox({ seed: 12, chats: 2600 }), startSandbox({ seed: 12, chats: 2600 })])
    before1 = await walk(sandbox, exportPath(0, 1000), 1000)
  })
  after(async () => {
    await Promise.all([sandbox, twin].map((s) => s?.close()))
  })

  /** Where the previous walk stopped: what a tap would bookmark. */
  const resumeFrom = (w: Walk): string => {
    const last = w.pages.findLast((p) => p.end_id !== null)!
    return exportPath(last.end_time, 1000, last.end_id!)
  }

  it('a walk from the previous end position returns exactly the edited, deleted and added chats', async () => {
    const edited = sandbox.data.editChats(6)
    const deleted = sandbox.data.deleteChats(4)
    const added = sandbox.data.addChats(5)
    expect(twin.data.editChats(6)).to.deep.equal(edited)
    expect(twin.data.deleteChats(4)).to.deep.equal(deleted)
    expect(twin.data.addChats(5)).to.deep.equal(added)
    expect(new Set([...edited, ...deleted, ...added]).size).to.equal(15)

    const next = await walk(sandbox, resumeFrom(before1), 1000)
    expect(next.chats.map((c) => c.id).sort()).to.deep.equal([...edited, ...deleted, ...added].sort())
    expect(inExportOrder(next.chats)).to.equal(true)
    const byId = new Map(next.chats.map((c) => [c.id, c]))
    const old = new Map(before1.chats.map((c) => [c.id, c]))
    const previousEnd = seconds(before1.chats.at(-1)!.update_timestamp)
    for (const c of next.chats)
      expect(seconds(c.update_timestamp))
        .to.be.greaterThan(previousEnd)
        .and.at.most(Date.now() / 1000)
    for (const id of deleted) expect(byId.get(id)!.deleted).to.equal(true)
    for (const id of edited) {
      const [now, then] = [byId.get(id)!, old.get(id)!]
      expect(now.deleted).to.equal(false)
      const changed = now.tags.length > then.tags.length || (now.type === 'chat' && then.type === 'chat' && now.rating !== then.rating)
      expect(changed, id).to.equal(true)
    }
    for (const id of added) {
      expect(old.has(id)).to.equal(false)
      const c = byId.get(id)!
      const own = c.type === 'chat' ? c.end_timestamp : c.timestamp
      expect(seconds(own)).to.be.greaterThan(previousEnd)
    }
  })

  it('a full walk afterwards still returns every chat once, edited ones at their new place', async () => {
    const again = await walk(sandbox, exportPath(0, 1000), 1000)
    expect(again.chats).to.have.length(2605)
    expect(new Set(again.chats.map((c) => c.id)).size).to.equal(2605)
    expect(inExportOrder(again.chats)).to.equal(true)
    expect(again.chats).to.deep.equal(sandbox.data.allChats())
    expect(sandbox.data.chatCount).to.equal(2605)
  })

  it('edits of the same chats again and edits inside the big cluster move them out of it', async () => {
    const local = await startSandbox({ seed: 13 })
    try {
      const first = await walk(local, exportPath(0, 1000), 1000)
      const sizeBefore = Math.max(...ties(first.chats).values())
      const edited = local.data.editChats(400)
      const again = local.data.editChats(400)
      const after = await walk(local, exportPath(0, 1000), 1000)
      expect(after.chats.map((c) => c.id).sort()).to.deep.equal(first.chats.map((c) => c.id).sort())
      expect(Math.max(...ties(after.chats).values())).to.be.lessThan(sizeBefore)
      const resumed = await walk(local, resumeFrom(first), 1000)
      expect(resumed.chats.map((c) => c.id).sort()).to.deep.equal([...new Set([...edited, ...again])].sort())
    } finally {
      await local.close()
    }
  })

  it('refuses to delete more chats than remain, changing nothing', () => {
    const before = sandbox.data.latestChange
    expect(() => sandbox.data.deleteChats(10_000)).to.throw(RangeError)
    expect(sandbox.data.latestChange).to.equal(before)
  })
})
