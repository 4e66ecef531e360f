/** The single-request and search strategies, and how a stream's strategy and its bookmarks are chosen. */
import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { testConfig } from '../../../support/env.js'
import { keptBookmarks, resumePoint, strategyOf } from '../../../../src/engine/read/choose.js'
import { streamByName } from '../../../../src/streams/index.js'
import { readSpecsOf } from '../../../../src/streams/stream.js'
import type { Responder } from '../../../support/env.js'
import { readWithStrategy } from '../../../support/stream-read.js'

const chats = streamByName('chats')!
const NOW = new Date('2026-11-21T10:00:00Z')

describe('the single-request strategy', () => {
  it('asks once and writes every record with one STATE', async () => {
    const api: Responder = () => ({
      body: [
        { id: 1, name: 'Sales' },
        { id: 2, name: 'Support' },
      ],
    })
    const read = await readWithStrategy(streamByName('departments')!, api)
    expect(read.requests.map((r) => r.path)).to.deep.equal(['departments'])
    expect(read.records.map((r) => r.name)).to.deep.equal(['Sales', 'Support'])
    expect(read.states).to.have.length(1)
  })
})

describe('the search strategy', () => {
  const dayAgo = '2026-11-20T10:00:00.000Z'
  const twoDaysAgo = '2026-11-19T10:00:00.000Z'
  const state = { bookmarks: { chats: { 'chat.end_timestamp': dayAgo, 'offline_msg.timestamp': twoDaysAgo } }, currently_syncing: null }
  const chat = { id: 'c1', type: 'chat', update_timestamp: '2026-11-20T12:00:00Z', end_timestamp: '2026-11-20T12:00:00Z' }
  const searchApi =
    (): Responder =>
    ({ resource: path, query }) => {
      if (path === 'chats/search')
        return { body: query.q!.startsWith('type:chat ') ? { results: [{ id: 'c1' }], count: 1 } : { results: [], count: 0 } }
      return { body: { docs: Object.fromEntries(query.ids!.split(',').map((id) => [id, { ...chat, id }])) } }
    }

  it("searches each pass's window from its bookmark, fetches the hits in bulk, and moves each bookmark to the window's end", async () => {
    const api = searchApi()
    const read = await readWithStrategy(chats, api, { settings: { chats_strategy: 'search' }, state, now: NOW })
    expect(E.isRight(read.outcome)).to.equal(true)
    expect(read.requests.map((r) => r.resource)).to.deep.equal(['chats/search', 'chats', 'chats/search'])
    expect(read.requests[0]!.query.q).to.equal('type:chat AND end_timestamp:[2026-11-20T10:00:00 TO 2026-11-21T09:54:59]')
    expect(read.requests[2]!.query.q).to.equal('type:offline_msg AND timestamp:[2026-11-19T10:00:00 TO 2026-11-21T09:54:59]')
    expect(read.records.map((r) => r.id)).to.deep.equal(['c1'])
    // Settled five minutes before now: the search index lags behind new chats.
    expect(read.states.at(-1)!.bookmarks.chats).to.deep.equal({
      'chat.end_timestamp': '2026-11-21T09:55:00.000Z',
      'offline_msg.timestamp': '2026-11-21T09:55:00.000Z',
    })
    const chatPassDone = read.states.findIndex((s) => s.bookmarks.chats!['chat.end_timestamp'] !== dayAgo)
    expect(chatPassDone, 'the record is written before the STATE that moves past it').to.be.greaterThan(0)
  })

  it('a pass without a bookmark starts where the export got to', async () => {
    const api = searchApi()
    const exported = { bookmarks: { chats: { update_timestamp: dayAgo } }, currently_syncing: null }
    const read = await readWithStrategy(chats, api, { settings: { chats_strategy: 'search' }, state: exported, now: NOW })
    expect(read.requests[0]!.query.q).to.match(/end_timestamp:\[2026-11-20T10:00:00 TO/)
  })
})

describe('choosing a strategy', () => {
  it('takes the way of reading the config chooses', () => {
    expect(strategyOf(chats, testConfig()).bookmarkProperties).to.deep.equal(['update_timestamp'])
    expect(strategyOf(chats, testConfig({ chats_strategy: 'search' })).bookmarkProperties).to.deep.equal(['end_timestamp', 'timestamp'])
  })

  it('keeps the bookmarks of every way a stream can be read, with their kinds', () => {
    expect(keptBookmarks(chats)).to.deep.equal([
      ['update_timestamp', 'datetime'],
      ['chat.end_timestamp', 'datetime'],
      ['offline_msg.timestamp', 'datetime'],
      ['last_full_sync', 'datetime'],
    ])
    expect(keptBookmarks(streamByName('agents')!)).to.deep.equal([['id', 'integer']])
    expect(keptBookmarks(streamByName('account')!)).to.deep.equal([])
  })

  it('resumes a stream from where another way of reading it got to, only when that way covered everything before it', () => {
    const [byExport, bySearch] = readSpecsOf(chats)
    const both = { 'chat.end_timestamp': '2026-03-01T00:00:00Z', 'offline_msg.timestamp': '2026-02-01T00:00:00Z' }
    expect(resumePoint(chats, both, byExport)).to.equal('2026-02-01T00:00:00Z')
    expect(resumePoint(chats, { 'chat.end_timestamp': '2026-03-01T00:00:00Z' }, byExport)).to.equal(undefined)
    expect(resumePoint(chats, { update_timestamp: '2026-04-01T00:00:00Z', ...both }, byExport)).to.equal('2026-04-01T00:00:00Z')
    expect(resumePoint(chats, { update_timestamp: '2026-04-01T00:00:00Z' }, bySearch)).to.equal('2026-04-01T00:00:00Z')
  })
})
