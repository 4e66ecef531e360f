import { expect } from 'chai'
import type { ChatRecord } from '../../../../src/sandbox/data/chat-records.js'
import { startSandbox, type Sandbox } from '../../../../src/sandbox/index.js'
import { sandboxGet as get } from '../../../support/sandbox.js'

interface Result {
  id: string
  type: string
  timestamp: string
  url: string
  preview: string
}

interface SearchBody {
  results: Result[]
  count: number
  next_url: string | null
  prev_url: string | null
}

const searchPath = (q: string, page?: number): string =>
  `chats/search?q=${encodeURIComponent(q)}${page === undefined ? '' : `&page=${page}`}`
/** A naive ISO date-time, as the search API wants it. */
const naive = (epochSeconds: number): string => new Date(epochSeconds * 1000).toISOString().slice(0, 19)
const seconds = (iso: string): number => Date.parse(iso) / 1000

/** Follows next_url to the end. */
async function searchAll(sandbox: Sandbox, q: string): Promise<SearchBody[]> {
  const pages: SearchBody[] = []
  for (let path: string | null = searchPath(q); path !== null;) {
    const { status, body } = await get(sandbox, path)
    expect(status, path).to.equal(200)
    const page = body as SearchBody
    pages.push(page)
    path = page.next_url === null ? null : page.next_url.slice(sandbox.baseUrl.length + 1)
  }
  return pages
}

describe('sandbox: chats search and bulk fetch', () => {
  let sandbox: Sandbox
  let chats: ChatRecord[]
  before(async () => {
    sandbox = await startSandbox({ seed: 21 })
    chats = sandbox.data.allChats()
  })
  after(async () => {
    await sandbox?.close()
  })

  /** Expected hits: type, field inside [from, to], not deleted. */
  const expected = (type: string, field: 'end_timestamp' | 'timestamp', from: number, to: number): string[] =>
    chats
      .filter((c) => c.type === type && !c.deleted)
      .filter((c) => {
        const value = (c as unknown as Record<string, string | undefined>)[field]
        return value !== undefined && seconds(value) >= from && seconds(value) <= to
      })
      .map((c) => c.id)
      .sort()

  it('finds chats by end_timestamp window, 40 a page, walking next_url, with prev_url', async () => {
    const from = Date.UTC(2022, 2, 1) / 1000
    const to = Date.UTC(2022, 5, 1) / 1000
    const q = `type:chat AND end_timestamp:[${naive(from)} TO ${naive(to)}]`
    const pages = await searchAll(sandbox, q)
    const want = expected('chat', 'end_timestamp', from, to)
    expect(want.length).to.be.greaterThan(80)
    expect(pages.flatMap((p) => p.results.map((r) => r.id)).sort()).to.deep.equal(want)
    for (const [k, p] of pages.entries()) {
      expect(p).to.have.keys('results', 'count', 'next_url', 'prev_url')
      expect(p.count).to.equal(want.length)
      expect(p.results.length).to.equal(k < pages.length - 1 ? 40 : want.length - 40 * k)
      expect(p.prev_url).to.equal(k === 0 ? null : `${sandbox.baseUrl}/${searchPath(q, k)}`)
    }
    expect(pages.at(-1)!.next_url).to.equal(null)
    expect(pages[0]!.next_url).to.equal(`${sandbox.baseUrl}/${searchPath(q, 2)}`)
  })

  it('results are {id, type, timestamp, url, preview}; the url serves the chat', async () => {
    const from = Date.UTC(2023, 0, 1) / 1000
    const q = `type:chat AND end_timestamp:[${naive(from)} TO ${naive(from + 20 * 86_400)}]`
    const page = (await get(sandbox, searchPath(q))).body as SearchBody
    const byId = new Map(chats.map((c) => [c.id, c]))
    for (const r of page.results) {
      expect(r).to.have.keys('id', 'type', 'timestamp', 'url', 'preview')
      const chat = byId.get(r.id)!
      expect(r.type).to.equal('chat')
      expect(r.timestamp).to.equal(chat.timestamp)
      expect(r.url).to.equal(`${sandbox.baseUrl}/chats/${r.id}`)
      expect(r.preview).to.be.a('string').and.not.equal('')
    }
    const one = page.results[0]!
    expect((await get(sandbox, one.url.slice(sandbox.baseUrl.length + 1))).body).to.deep.equal(byId.get(one.id))
    expect((await get(sandbox, 'chats/2101.1.AAAAAAAAAAAAA')).status).to.equal(404)
  })

  it('finds offline messages by timestamp; bounds are inclusive', async () => {
    const offline = chats.filter((c) => c.type === 'offline_msg' && !c.deleted)
    const pick = offline[100]!
    const t = seconds(pick.timestamp)
    const exact = (await get(sandbox, searchPath(`type:offline_msg AND timestamp:[${naive(t)} TO ${naive(t)}]`))).body as SearchBody
    expect(exact.results.map((r) => r.id)).to.include(pick.id)
    const from = t - 30 * 86_400
    const pages = await searchAll(sandbox, `type:offline_msg AND timestamp:[${naive(from)} TO ${naive(t)}]`)
    expect(pages.flatMap((p) => p.results.map((r) => r.id)).sort()).to.deep.equal(expected('offline_msg', 'timestamp', from, t))
    for (const r of pages[0]!.results) expect(r.type).to.equal('offline_msg')
  })

  it('accepts the terms in either order; rejects a malformed query, a zone or a bad page with 400', async () => {
    const a = (await get(sandbox, searchPath('type:chat AND end_timestamp:[2022-01-01T00:00:00 TO 2022-01-10T00:00:00]'))).body
    const b = (await get(sandbox, searchPath('end_timestamp:[2022-01-01T00:00:00 TO 2022-01-10T00:00:00] AND type:chat'))).body
    expect(a).to.deep.equal(b)
    const bad = [
      searchPath('type:chat'),
      searchPath('type:ticket AND end_timestamp:[2022-01-01T00:00:00 TO 2022-01-10T00:00:00]'),
      searchPath('type:chat AND end_timestamp:[2022-01-01T00:00:00Z TO 2022-01-10T00:00:00Z]'),
      searchPath('type:chat AND end_timestamp:[2022-13-01T00:00:00 TO 2022-01-10T00:00:00]'),
      searchPath('type:chat AND end_timestamp:[2022-01-01T00:00:00 TO 2022-01-10T00:00:00]', 0),
      'chats/search',
    ]
    for (const path of bad) {
      const { status, body } = await get(sandbox, path)
      expect(status, path).to.equal(400)
      expect((body as { error: string }).error).to.equal('Bad Request')
    }
  })

  it('answers pages up to 250 and refuses deeper ones with 400 (the depth limit)', async () => {
    const q = 'type:chat AND end_timestamp:[2021-01-01T00:00:00 TO 2024-06-01T00:00:00]'
    const deep = await get(sandbox, searchPath(q, 250))
    expect(deep.status).to.equal(200)
    expect((deep.body as SearchBody).results).to.deep.equal([])
    expect((deep.body as SearchBody).count).to.be.greaterThan(2000)
    expect((await get(sandbox, searchPath(q, 251))).status).to.equal(400)
  })

  it('chats?ids= returns the known chats by id and leaves unknown ids out', async () => {
    const some = [chats[3]!, chats[1500]!, chats.at(-1)!].filter((c) => !c.deleted)
    const ids = [...some.map((c) => c.id), '2101.1.AAAAAAAAAAAAA', 'nonsense']
    const { status, body } = await get(sandbox, `chats?ids=${ids.join(',')}`)
    expect(status).to.equal(200)
    expect(body).to.have.keys('docs')
    expect((body as { docs: Record<string, ChatRecord> }).docs).to.deep.equal(Object.fromEntries(some.map((c) => [c.id, c])))
    expect((await get(sandbox, 'chats?ids=')).status).to.equal(400)
    expect((await get(sandbox, 'chats')).status).to.equal(400)
  })

  it('deleted chats are neither found nor fetched', async () => {
    const local = await startSandbox({ seed: 22, chats: 500 })
    try {
      const [id] = local.data.deleteChats(1)
      const chat = local.data.chatById(id!)!
      expect(chat.deleted).to.equal(true)
      const [field, value] = chat.type === 'chat' ? ['end_timestamp', chat.end_timestamp] : ['timestamp', chat.timestamp]
      const t = seconds(value)
      const q = `type:${chat.type} AND ${field}:[${naive(t - 86_400)} TO ${naive(t + 86_400)}]`
      const pages = await searchAll(local, q)
      expect(pages.flatMap((p) => p.results.map((r) => r.id))).to.not.include(id)
      expect(((await get(local, `chats?ids=${id}`)).body as { docs: object }).docs).to.deep.equal({})
      // Already-deleted chats of the generated history are left out too.
      const gone = local.data.allChats().filter((c) => c.deleted && c.id !== id)
      expect(gone.length).to.be.greaterThan(0)
      const docs = ((await get(local, `chats?ids=${gone.map((c) => c.id).join(',')}`)).body as { docs: object }).docs
      expect(docs).to.deep.equal({})
    } finally {
      await local.close()
    }
  })
})
