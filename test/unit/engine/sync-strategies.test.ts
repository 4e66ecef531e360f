import { Readable } from 'node:stream'
import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import nock from 'nock'
import { render } from '../../../src/core/failure.js'
import { leftOf } from '../../support/either.js'
import { API, API_PATH, runSync, testEnv } from '../../support/env.js'
import { useNock } from '../../support/nock.js'
import { BY_ID, selectWith } from '../../support/selection.js'
import { lastState, recordsOf } from '../../support/singer.js'

const only = (name: string) => selectWith([name], BY_ID)

/** `n` chats updated at `epochSeconds`, ids c<from>… */
const chatsAt = (epochSeconds: number, from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `c${String(from + i).padStart(5, '0')}`,
    type: 'chat',
    update_timestamp: new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z'),
  }))

// The test clock says 2026-11-21T10:00:00Z; the config's start_date defaults to two years before 2026-11-21.
const START_DATE_SECONDS = Date.parse('2024-11-21T00:00:00Z') / 1000
const NOW_SECONDS = Date.parse('2026-11-21T10:00:00Z') / 1000

describe('sync strategies', () => {
  useNock()

  describe('incremental export (chats)', () => {
    it('starts at start_date, follows next_page, stops on a short page, bookmarks the newest update', async () => {
      const t1 = 1_750_000_000
      const page1 = chatsAt(t1, 0, 1000)
      const page2 = chatsAt(t1 + 60, 1000, 3)
      nock(API)
        .get(`${API_PATH}/incremental/chats`)
        .query({ start_time: START_DATE_SECONDS, limit: 1000, fields: 'chats(*)' })
        .reply(200, {
          chats: page1,
          count: 1000,
          end_time: t1,
          end_id: 'c00999',
          next_page: `${API}${API_PATH}/incremental/chats?start_time=${t1}&start_id=c00999&limit=1000&fields=chats(*)`,
        })
        .get(`${API_PATH}/incremental/chats`)
        .query({ start_time: t1, start_id: 'c00999', limit: 1000, fields: 'chats(*)' })
        .reply(200, { chats: page2, count: 3, end_time: t1 + 60, end_id: 'c01002', next_page: `${API}/ignored` })
      const t = testEnv()
      const result = await runSync(t, only('chats'))
      expect(E.isRight(result)).to.equal(true)
      expect(recordsOf(t.messages())).to.have.length(1003)
      expect(lastState(t.messages())).to.deep.equal({
        bookmarks: { chats: { update_timestamp: new Date((t1 + 60) * 1000).toISOString().replace('.000Z', 'Z') } },
        currently_syncing: null,
      })
    })

    it('resumes at the bookmarked second, takes its boundary chats again, and a state bookmark beats start_date', async () => {
      const bookmark = '2025-06-15T08:00:05Z'
      const seconds = Date.parse(bookmark) / 1000
      nock(API)
        .get(`${API_PATH}/incremental/chats`)
        .query({ start_time: seconds, limit: 1000, fields: 'chats(*)' })
        .reply(200, { chats: [...chatsAt(seconds, 1, 2), ...chatsAt(seconds + 1, 3, 1)], count: 3 })
      const t = testEnv({ start_date: '2020-01-01' })
      await runSync(t, only('chats'), { bookmarks: { chats: { update_timestamp: bookmark } }, currently_syncing: null })
      expect(recordsOf(t.messages()).map((r) => r.id)).to.deep.equal(['c00001', 'c00002', 'c00003'])
    })

    it("never asks for a start_time in the future or within five minutes of the API's clock, which its Date says: the stream ends there, its bookmark kept", async () => {
      // Ahead of this machine's clock: before any answer zchat asks the API's time, which agrees here.
      nock(API)
        .get(`${API_PATH}/account`)
        .reply(200, {}, { Date: new Date(NOW_SECONDS * 1000).toUTCString() })
      const t = testEnv()
      const state = { bookmarks: { chats: { update_timestamp: '2030-01-01T00:00:00Z' } }, currently_syncing: null }
      expect(E.isRight(await runSync(t, only('chats'), state))).to.equal(true)
      expect(t.logs.filter((l) => l.includes("within five minutes of the API's clock"))).to.have.length(1)
      expect(lastState(t.messages())).to.deep.equal({ ...state, currently_syncing: null })
      expect(nock.isDone()).to.equal(true)
    })

    it("judges by the API's clock, not this machine's: a bookmark ahead of the local clock is read when the API's Date is later still", async () => {
      const bookmark = Date.parse('2030-01-01T00:00:00Z') / 1000
      nock(API)
        .get(`${API_PATH}/account`)
        .reply(200, {}, { Date: new Date((bookmark + 3600) * 1000).toUTCString() })
        .get(`${API_PATH}/incremental/chats`)
        .query({ start_time: bookmark, limit: 1000, fields: 'chats(*)' })
        .reply(200, { chats: chatsAt(bookmark + 10, 0, 2), count: 2 })
      const t = testEnv()
      expect(
        E.isRight(
          await runSync(t, only('chats'), { bookmarks: { chats: { update_timestamp: '2030-01-01T00:00:00Z' } }, currently_syncing: null }),
        ),
      ).to.equal(true)
      expect(recordsOf(t.messages())).to.have.length(2)
      expect(nock.isDone()).to.equal(true)
    })

    it('a chat repeated at a page boundary (inclusive start_id) is emitted once', async () => {
      const t1 = 1_750_000_000
      nock(API)
        .get(`${API_PATH}/incremental/chats`)
        .query(true)
        .reply(200, {
          chats: chatsAt(t1, 0, 1000),
          count: 1000,
          next_page: `${API}${API_PATH}/incremental/chats?start_time=${t1}&start_id=c00999&limit=1000`,
        })
        .get(`${API_PATH}/incremental/chats`)
        .query({ start_time: t1, start_id: 'c00999', limit: 1000 })
        .reply(200, { chats: chatsAt(t1, 999, 2), count: 2 })
      const t = testEnv()
      await runSync(t, only('chats'))
      const ids = recordsOf(t.messages()).map((r) => r.id)
      expect(ids).to.have.length(1001)
      expect(new Set(ids).size).to.equal(1001)
    })

    it('reads a page as it arrives: a chat that does not fit stops the run before anything of its page is emitted', async () => {
      const t1 = 1_750_000_000
      const page2 = chatsAt(t1 + 60, 1000, 5)
      ;(page2[3] as Record<string, unknown>).update_timestamp = 'yesterday'
      const body2 = JSON.stringify({ chats: page2, count: 5, end_time: t1 + 60 })
      nock(API)
        .get(`${API_PATH}/incremental/chats`)
        .query({ start_time: START_DATE_SECONDS, limit: 1000, fields: 'chats(*)' })
        .reply(200, {
          chats: chatsAt(t1, 0, 1000),
          count: 1000,
          end_time: t1,
          next_page: `${API}${API_PATH}/incremental/chats?start_time=${t1}&limit=1000&fields=chats(*)`,
        })
        .get(`${API_PATH}/incremental/chats`)
        .query({ start_time: t1, limit: 1000, fields: 'chats(*)' })
        // In pieces of 7 bytes: records are decoded before the body has ended.
        .reply(200, () => Readable.from(body2.match(/[^]{1,7}/g)!.map((piece) => Buffer.from(piece))), {
          'Content-Type': 'application/json',
        })
      const t = testEnv()
      const result = await runSync(t, only('chats'))
      expect(render(leftOf(result))).to.deep.equal([
        'error: stream chats, record "c01003": field update_timestamp expected (date-time | null), got string "yesterday"' +
          '; this field cannot be deselected (a key or the whole record): please report this shape; the last STATE resumes at this page',
      ])
      expect(recordsOf(t.messages())).to.have.length(1000)
      expect(lastState(t.messages())).to.deep.equal({
        bookmarks: { chats: { update_timestamp: new Date(t1 * 1000).toISOString().replace('.000Z', 'Z') } },
        currently_syncing: 'chats',
      })
    })

    it('a body cut off halfway is asked for again, and the chats it had delivered are not emitted twice', async () => {
      const t1 = 1_750_000_000
      const body = JSON.stringify({ chats: chatsAt(t1, 0, 40), count: 40, end_time: t1 })
      nock(API)
        .get(`${API_PATH}/incremental/chats`)
        .query({ start_time: START_DATE_SECONDS, limit: 1000, fields: 'chats(*)' })
        .reply(200, body.slice(0, body.length / 2), { 'Content-Type': 'application/json' })
        .get(`${API_PATH}/incremental/chats`)
        .query({ start_time: START_DATE_SECONDS, limit: 1000, fields: 'chats(*)' })
        .reply(200, body, { 'Content-Type': 'application/json' })
      const t = testEnv()
      const result = await runSync(t, only('chats'))
      expect(E.isRight(result)).to.equal(true)
      expect(recordsOf(t.messages()).map((r) => r.id)).to.deep.equal(chatsAt(t1, 0, 40).map((c) => c.id))
      expect(t.logs.join('\n')).to.match(/the body is not JSON \(\d+ bytes of application\/json, status 200\); retry 1/)
    })

    it('a full page that would be asked for again moves on instead of looping', async () => {
      const t1 = 1_750_000_000
      const same = `${API}${API_PATH}/incremental/chats?start_time=${t1}&limit=1000&fields=chats(*)`
      nock(API)
        .get(`${API_PATH}/incremental/chats`)
        .query({ start_time: START_DATE_SECONDS, limit: 1000, fields: 'chats(*)' })
        .reply(200, { chats: chatsAt(t1, 0, 1000), count: 1000, next_page: same })
        .get(`${API_PATH}/incremental/chats`)
        .query({ start_time: t1, limit: 1000, fields: 'chats(*)' })
        .reply(200, { chats: chatsAt(t1, 0, 1000), count: 1000, next_page: same })
        .get(`${API_PATH}/incremental/chats`)
        .query({ start_time: t1 + 1, limit: 1000, fields: 'chats(*)' })
        .reply(200, { chats: [], count: 0 })
      const t = testEnv()
      const result = await runSync(t, only('chats'))
      expect(E.isRight(result)).to.equal(true)
      expect(t.logs.some((l) => l.startsWith('WARN stream chats: a full page all at start_time'))).to.equal(true)
    })
  })

  it('agent_timeline pages in microseconds and keeps them in its bookmark', async () => {
    const entries = [
      { agent_id: 7, start_time: '2025-01-01T00:00:00.147584Z', status: 'online', duration: 1.5, engagement_count: 0 },
      { agent_id: 8, start_time: '2025-01-01T00:00:00.147585Z', status: 'away', duration: 2, engagement_count: 1 },
    ]
    nock(API)
      .get(`${API_PATH}/incremental/agent_timeline`)
      .query({ start_time: Date.parse('2025-01-01T00:00:00Z') * 1000 + 147584, limit: 1000, fields: 'agent_timeline(*)' })
      .reply(200, { agent_timeline: entries, count: 2 })
    const t = testEnv()
    await runSync(t, only('agent_timeline'), {
      bookmarks: { agent_timeline: { start_time: '2025-01-01T00:00:00.147584Z' } },
      currently_syncing: null,
    })
    // The boundary entry comes again (inclusive start); the bookmark keeps every digit.
    expect(recordsOf(t.messages()).map((r) => r.agent_id)).to.deep.equal([7, 8])
    expect(lastState(t.messages())).to.deep.include({ bookmarks: { agent_timeline: { start_time: '2025-01-01T00:00:00.147585Z' } } })
  })

  it('agent_timeline: entries sharing the boundary instant, sent again by the inclusive next page, are emitted once', async () => {
    const at = (i: number) => `2025-01-01T00:00:00.${String(i).padStart(6, '0')}Z`
    const page1 = Array.from({ length: 1000 }, (_, i) => ({
      agent_id: i % 2 === 0 ? 1 : 2,
      start_time: at(i < 998 ? i : 998),
      status: 'online',
    }))
    const boundaryMicros = Date.parse('2025-01-01T00:00:00Z') * 1000 + 998
    nock(API)
      .get(`${API_PATH}/incremental/agent_timeline`)
      .query(true)
      .reply(200, {
        agent_timeline: page1,
        count: 1000,
        next_page: `${API}${API_PATH}/incremental/agent_timeline?start_time=${boundaryMicros}&limit=1000&fields=agent_timeline(*)`,
      })
      .get(`${API_PATH}/incremental/agent_timeline`)
      .query({ start_time: boundaryMicros, limit: 1000, fields: 'agent_timeline(*)' })
      .reply(200, { agent_timeline: [...page1.slice(998), { agent_id: 3, start_time: at(999), status: 'away' }], count: 3 })
    const t = testEnv()
    await runSync(t, only('agent_timeline'))
    const keys = recordsOf(t.messages()).map((r) => `${r.agent_id}@${r.start_time}`)
    expect(keys).to.have.length(1001)
    expect(new Set(keys).size).to.equal(1001)
  })

  it('bans: one id space over both arrays, each ban saying its kind', async () => {
    nock(API)
      .get(`${API_PATH}/bans`)
      .query({ limit: 3 })
      .reply(200, {
        ip_address: [
          { id: 1, ip_address: '10.0.0.1' },
          { id: 4, ip_address: '10.0.0.4' },
        ],
        visitor: [{ id: 2, visitor_id: 'v2' }],
      })
      .get(`${API_PATH}/bans`)
      .query({ limit: 3, since_id: 5 })
      .reply(200, { ip_address: [], visitor: [{ id: 9, visitor_id: 'v9', type: 'visitor' }] })
    const t = testEnv({ bans_page_limit: 3 })
    await runSync(t, only('bans'))
    expect(recordsOf(t.messages()).map((r) => `${r.id}:${r.type}`)).to.deep.equal([
      '1:ip_address',
      '4:ip_address',
      '2:visitor',
      '9:visitor',
    ])
    expect(lastState(t.messages())).to.deep.include({ bookmarks: { bans: { id: 9 } } })
  })

  it('routing_settings: the one record under data', async () => {
    nock(API)
      .get(`${API_PATH}/routing_settings/account`)
      .reply(200, { data: { routing_mode: 'assigned', auto_accept: { enabled: false } } })
    const t = testEnv()
    await runSync(t, only('routing_settings'))
    expect(recordsOf(t.messages())).to.deep.equal([{ routing_mode: 'assigned', auto_accept: { enabled: false } }])
  })

  it('a 403 or 404 from one resource while another answers skips that stream with one warning; when nothing answers, the run fails with the advice of zchat check', async () => {
    nock(API)
      .get(`${API_PATH}/account`)
      .reply(403, { error: 'Forbidden' })
      .get(`${API_PATH}/agents`)
      .query({ limit: 1 })
      .reply(200, [])
      .get(`${API_PATH}/skills`)
      .reply(404, { error: 'Not Found' })
      .get(`${API_PATH}/agents`)
      .query({ limit: 1 })
      .reply(200, [])
    const t = testEnv()
    expect(E.isRight(await runSync(t, only('account')))).to.equal(true)
    expect(t.logs.filter((l) => l.startsWith('WARN stream account: skipped, the API answered 403'))).to.have.length(1)
    const skills = testEnv()
    expect(E.isRight(await runSync(skills, only('skills')))).to.equal(true)
    expect(skills.logs.filter((l) => l.startsWith('WARN'))).to.deep.equal([
      "WARN stream skills: skipped, the API answered 404 (the account's plan may not include skills, or the token may not read it); its table is left as it was",
    ])
    nock(API)
      .get(`${API_PATH}/departments`)
      .reply(404, { error: 'Not Found' })
      .get(`${API_PATH}/agents`)
      .query({ limit: 1 })
      .reply(404, { error: 'Not Found' })
    const failed = await runSync(testEnv(), only('departments'))
    expect(render(leftOf(failed))[0]).to.equal(
      'error: GET departments answered 404: No Zendesk Chat API at acme.zendesk.com (404). Check subdomain (acme for acme.zendesk.com) or base_url.',
    )
    expect(nock.isDone()).to.equal(true)
  })
})
