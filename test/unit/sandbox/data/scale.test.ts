import { expect } from 'chai'
import { ChangeClock, REFERENCE_NOW } from '../../../../src/sandbox/data/common.js'
import type { ChatRecord } from '../../../../src/sandbox/data/chat-records.js'
import { SandboxData } from '../../../../src/sandbox/data/sandbox-data.js'
import { startSandbox } from '../../../../src/sandbox/index.js'
import { sandboxGet as get } from '../../../support/sandbox.js'

type ExportBody = { chats: ChatRecord[]; count: number; end_time: number; end_id: string | null; next_page: string }

describe('sandbox: scale and the change clock', () => {
  it('serves 1,000,000 chats on demand: pages mid-history, search and bulk fetch, in seconds', async () => {
    const sandbox = await startSandbox({ chats: 1_000_000, timeline: 1_000_000, bans: 100_000 })
    try {
      const started = Date.now()
      // Mid-history, three pages following next_page.
      let page = (await get(sandbox, 'incremental/chats?start_time=1650000000&limit=1000')).body as ExportBody
      const seen = new Set<string>()
      for (let k = 0; k < 3; k++) {
        expect(page.count).to.equal(1000)
        for (const c of page.chats) seen.add(c.id)
        page = (await get(sandbox, page.next_page.slice(sandbox.baseUrl.length + 1))).body as ExportBody
      }
      expect(seen.size).to.equal(3000)
      const q = encodeURIComponent('type:chat AND end_timestamp:[2023-01-01T00:00:00 TO 2023-01-15T00:00:00]')
      const search = (await get(sandbox, `chats/search?q=${q}`)).body as { count: number; results: Array<{ id: string }> }
      expect(search.count).to.be.greaterThan(10_000) // deeper than 250 pages of 40: a window must be split
      const docs = (await get(sandbox, `chats?ids=${search.results.map((r) => r.id).join(',')}`)).body as { docs: object }
      expect(Object.keys(docs.docs)).to.have.length(40)
      expect(Date.now() - started).to.be.lessThan(5000)
    } finally {
      await sandbox.close()
    }
  })

  it('keeps the 1100-chat cluster in a 1,000,000-chat history and pages through it with start_id', () => {
    const data = new SandboxData({ seed: 2, agents: 10, departments: 2, chats: 1_000_000 })
    const cluster = data.bulkUpdate!
    expect(cluster.size).to.equal(1100)
    const t = cluster.updateTimestamp
    const first = data.exportChats(t, undefined, 1000)
    expect([first.chats.length, first.endTime]).to.deep.equal([1000, t])
    const second = data.exportChats(first.endTime!, first.endId, 1000)
    const stamps = [...first.chats, ...second.chats].map((c) => Date.parse(c.update_timestamp) / 1000)
    expect(stamps.filter((s) => s === t)).to.have.length(1100)
    expect(stamps.slice(1100).every((s) => s > t)).to.equal(true)
    const ids = [...first.chats, ...second.chats].map((c) => c.id)
    expect(new Set(ids).size).to.equal(2000)
    expect(ids.slice(0, 1100)).to.deep.equal([...ids.slice(0, 1100)].sort())
  })

  it('never stamps a change after the real current time', () => {
    let now = REFERENCE_NOW + 100
    const clock = new ChangeClock(REFERENCE_NOW, () => now)
    clock.check(REFERENCE_NOW + 100)
    expect(() => clock.check(REFERENCE_NOW + 101)).to.throw(RangeError, /after the real current time/)
    clock.advanceTo(REFERENCE_NOW + 50)
    expect(clock.now).to.equal(REFERENCE_NOW + 50)
    now += 1000
    clock.advanceTo(REFERENCE_NOW + 10)
    expect(clock.now).to.equal(REFERENCE_NOW + 50)
  })

  it('stamps every change between the reference date and now', () => {
    const data = new SandboxData({ seed: 9, agents: 5, departments: 1, chats: 200, bans: 10, timeline: 50 })
    expect(data.latestChange).to.equal(REFERENCE_NOW)
    data.editChats(3)
    data.addBans(2)
    data.addTimelineEntries(2)
    data.addChats(2)
    expect(data.latestChange)
      .to.be.greaterThan(REFERENCE_NOW)
      .and.at.most(Date.now() / 1000)
  })
})
