import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import nock from 'nock'
import { emptyState, type State } from '../../../../src/engine/state/bookmarks.js'
import { REFERENCE_NOW, SANDBOX_START_DATE, startSandbox, type Sandbox } from '../../../../src/sandbox/index.js'
import { API, API_PATH, runSync, syncOk, testEnv, type TestEnv } from '../../../support/env.js'
import { useNock } from '../../../support/nock.js'
import { lastState as lastStateIn, recordMessagesOf, recordsOf, schemaOf } from '../../../support/singer.js'
import { defaultStreams } from '../../../support/selection.js'

const chats = defaultStreams('chats')
const iso = (seconds: number) => new Date(seconds * 1000).toISOString()
const recordIds = (t: TestEnv) => recordsOf(t.messages()).map((r) => r.id as string)
const lastState = (t: TestEnv): State => lastStateIn(t.messages())

/** The search strategy against a sandbox, on a clock `nowSeconds` (the sandbox's data is dated). */
const searchRun = async (sandbox: Sandbox, nowSeconds: number, state: State = emptyState, settings: Record<string, unknown> = {}) => {
  const t = testEnv(
    { base_url: sandbox.baseUrl, access_token: sandbox.token, start_date: SANDBOX_START_DATE, chats_strategy: 'search', ...settings },
    { now: () => new Date(nowSeconds * 1000) },
  )
  await syncOk(t, chats, state)
  return t
}

/** Requests the sandbox logged from `since` on, by path. */
const requestsTo = (sandbox: Sandbox, path: string, since = 0) => sandbox.requestLog.slice(since).filter((r) => r.path.endsWith(path))

describe('sync: chats by search (chats_strategy search)', () => {
  describe('against the sandbox', () => {
    let sandbox: Sandbox
    before(async () => {
      sandbox = await startSandbox({ port: 0 })
    })
    after(() => sandbox.close())

    let run1: TestEnv
    let edited: string[] = []
    const now1 = REFERENCE_NOW + 3600

    it('reads every chat and offline message the search can find, each once, and bookmarks both passes', async () => {
      run1 = await searchRun(sandbox, now1)
      const ids = recordIds(run1)
      const served = sandbox.data.allChats().filter((c) => !c.deleted)
      expect(served.some((c) => c.type === 'offline_msg') && served.some((c) => c.type === 'chat')).to.equal(true)
      expect(new Set(ids).size, 'no chat twice').to.equal(ids.length)
      expect([...ids].sort()).to.deep.equal(served.map((c) => c.id).sort())
      // The last few minutes are left to the next run: the search index lags behind new chats.
      expect(lastState(run1)).to.deep.equal({
        bookmarks: { chats: { 'chat.end_timestamp': iso(now1 - 300), 'offline_msg.timestamp': iso(now1 - 300) } },
        currently_syncing: null,
      })
      const schema = schemaOf(run1.messages())!
      expect(schema.bookmark_properties).to.deep.equal(['end_timestamp', 'timestamp'])
    })

    it('widens windows that find few chats: four years cost a few searches per pass, not one per 14 days', () => {
      const firstPages = requestsTo(sandbox, '/chats/search').filter((r) => r.query.page === undefined)
      const fourteenDayWindows = Math.ceil((now1 - Date.parse(SANDBOX_START_DATE) / 1000) / (14 * 86400))
      expect(fourteenDayWindows).to.be.greaterThan(100)
      expect(firstPages.length, 'searches over both passes').to.be.lessThan(fourteenDayWindows / 5)
      expect(requestsTo(sandbox, '/chats/search').every((r) => r.status === 200)).to.equal(true)
    })

    it('a run with the last STATE emits exactly the chats added since, with one search per pass when little is new', async () => {
      const before = sandbox.requestLog.length
      const added = sandbox.data.addChats(12)
      edited = sandbox.data.editChats(3).filter((id) => !added.includes(id))
      const t = await searchRun(sandbox, sandbox.data.latestChange + 3600, lastState(run1))
      expect([...recordIds(t)].sort()).to.deep.equal([...added].sort())
      // Search finds chats by when they ended: edits to old chats wait for a full sync.
      expect(edited).to.have.length.greaterThan(0)
      for (const id of edited) expect(recordIds(t)).to.not.include(id)
      expect(requestsTo(sandbox, '/chats/search', before).filter((r) => r.query.page === undefined)).to.have.length(2)
    })

    it('with FULL_TABLE forced, reads everything from start_date and keeps no search bookmark', async () => {
      const t = testEnv(
        { base_url: sandbox.baseUrl, access_token: sandbox.token, start_date: SANDBOX_START_DATE, chats_strategy: 'search' },
        { now: () => new Date((sandbox.data.latestChange + 3600) * 1000) },
      )
      const result = await runSync(t, [{ ...chats[0]!, method: 'FULL_TABLE' }], lastState(run1))
      expect(E.isRight(result)).to.equal(true)
      expect(new Set(recordIds(t))).to.deep.equal(
        new Set(
          sandbox.data
            .allChats()
            .filter((c) => !c.deleted)
            .map((c) => c.id),
        ),
      )
      const { version, ...searched } = lastState(t).bookmarks.chats!
      expect(searched, 'the given bookmarks, untouched').to.deep.equal(lastState(run1).bookmarks.chats)
      // A full-table read is one version: announced (first versioned read) and activated once complete.
      const activations = t.messages().filter((m) => m.type === 'ACTIVATE_VERSION')
      expect(activations.map((m) => m.version)).to.deep.equal([version, version])
      expect(schemaOf(t.messages())!.bookmark_properties).to.equal(undefined)
    })

    it('chats_full_sync_days: re-reads everything from start_date when the last full read is older, then records it', async () => {
      const now = sandbox.data.latestChange + 7200
      const recent = {
        bookmarks: { chats: { ...lastState(run1).bookmarks.chats, last_full_sync: iso(now - 86400) } },
        currently_syncing: null,
      }
      const quiet = await searchRun(sandbox, now, recent, { chats_full_sync_days: 7 })
      expect(recordIds(quiet).length, 'a full read one day ago is recent enough').to.be.lessThan(100)

      const stale = { bookmarks: { chats: { ...recent.bookmarks.chats, last_full_sync: iso(now - 8 * 86400) } }, currently_syncing: null }
      const full = await searchRun(sandbox, now, stale, { chats_full_sync_days: 7 })
      const served = sandbox.data.allChats().filter((c) => !c.deleted)
      expect(new Set(recordIds(full))).to.deep.equal(new Set(served.map((c) => c.id)))
      // The chats edited before the previous run come now, as they are after the edit.
      for (const id of edited) {
        const record = recordMessagesOf(full.messages()).find((m) => m.record.id === id)!.record
        expect(record.update_timestamp, id).to.equal(sandbox.data.chatById(id)!.update_timestamp)
      }
      expect(lastState(full).bookmarks.chats).to.deep.include({ last_full_sync: iso(now) })
    })
  })

  describe('a window deeper than the search API pages', () => {
    let sandbox: Sandbox
    before(async () => {
      sandbox = await startSandbox({ port: 0, chats: 200_000 })
    })
    after(() => sandbox.close())

    it('is split before paging (no request refused), and every chat in it still comes once', async () => {
      // About 150 chats a day: a 90-day window holds more than 250 pages of 40 hits.
      const from = REFERENCE_NOW - 90 * 86400
      const t = await searchRun(sandbox, REFERENCE_NOW + 3600, emptyState, { start_date: iso(from), chat_search_interval_days: 90 })
      const expected = [
        ...sandbox.data.searchChats('chat', 'end_timestamp', from, REFERENCE_NOW + 3600),
        ...sandbox.data.searchChats('offline_msg', 'timestamp', from, REFERENCE_NOW + 3600),
      ].map((h) => h.id)
      expect(expected.length).to.be.greaterThan(250 * 40)
      const ids = recordIds(t)
      expect(new Set(ids).size).to.equal(ids.length)
      expect([...ids].sort()).to.deep.equal(expected.sort())
      expect(sandbox.requestLog.every((r) => r.status === 200)).to.equal(true)
      expect(t.logs.some((l) => /too deep .*halving/.test(l))).to.equal(true)
    })
  })

  describe('when the API refuses a page deep in a window', () => {
    useNock()

    /** Three chats ending on 2026-11-10, -15 and -18; page 2 of the first search over all three is refused once. */
    const fakeSearch = () => {
      const data = [
        { id: 'a', end: Date.parse('2026-11-10T00:00:00Z') / 1000 },
        { id: 'b', end: Date.parse('2026-11-15T00:00:00Z') / 1000 },
        { id: 'c', end: Date.parse('2026-11-18T00:00:00Z') / 1000 },
      ]
      let refused = 0
      const queries: string[] = []
      nock(API)
        .persist()
        .get(`${API_PATH}/chats/search`)
        .query(true)
        .reply((uri) => {
          const query = new URL(uri, API).searchParams
          const q = query.get('q')!
          const page = Number(query.get('page') ?? 1)
          queries.push(`${q} page ${page}`)
          const m = /^type:(\w+) AND \w+:\[(\S+) TO (\S+)\]$/.exec(q)!
          const [lo, hi] = [Date.parse(`${m[2]}Z`) / 1000, Date.parse(`${m[3]}Z`) / 1000]
          const hits = m[1] === 'chat' ? data.filter((d) => d.end >= lo && d.end <= hi) : []
          if (page === 2 && hits.length === 3 && refused++ === 0) return [400, { error: 'Bad Request', description: 'too deep' }]
          const slice = hits.slice((page - 1) * 2, page * 2)
          const next = page * 2 < hits.length ? `${API}${API_PATH}/chats/search?q=${encodeURIComponent(q)}&page=${page + 1}` : null
          return [200, { results: slice.map((h) => ({ id: h.id })), count: hits.length, next_url: next }]
        })
        .get(`${API_PATH}/chats`)
        .query(true)
        .reply((uri) => {
          const ids = new URL(uri, API).searchParams.get('ids')!.split(',')
          return [200, { docs: Object.fromEntries(ids.map((id) => [id, { id, type: 'chat', end_timestamp: '2026-11-10T00:00:00Z' }])) }]
        })
      return { queries }
    }

    it('splits the window and reads it again without emitting a chat twice', async () => {
      const { queries } = fakeSearch()
      const t = testEnv({ chats_strategy: 'search', start_date: '2026-11-01', chat_search_interval_days: 30 })
      const result = await runSync(t, chats)
      expect(E.isRight(result), JSON.stringify(result)).to.equal(true)
      expect(recordIds(t)).to.deep.equal(['a', 'b', 'c'])
      expect(queries[0]).to.equal('type:chat AND end_timestamp:[2026-11-01T00:00:00 TO 2026-11-21T09:54:59] page 1')
      expect(queries[1]).to.match(/page 2$/)
      // Halved: the first half ends where the second begins, one second apart in the query's inclusive terms.
      expect(queries[2]).to.equal('type:chat AND end_timestamp:[2026-11-01T00:00:00 TO 2026-11-11T04:57:29] page 1')
      expect(queries[3]).to.equal('type:chat AND end_timestamp:[2026-11-11T04:57:30 TO 2026-11-21T09:54:59] page 1')
      expect(lastState(t).bookmarks.chats).to.deep.equal({
        'chat.end_timestamp': '2026-11-21T09:55:00.000Z',
        'offline_msg.timestamp': '2026-11-21T09:55:00.000Z',
      })
    })
  })
})
