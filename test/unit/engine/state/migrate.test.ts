import { expect } from 'chai'
import { normaliseTime } from '../../../../src/engine/state/migrate.js'
import { resumePoint } from '../../../../src/engine/read/choose.js'
import type { State } from '../../../../src/engine/state/bookmarks.js'
import { readState, type ReadState } from '../../../../src/engine/state/state.js'
import { streamByName, STREAMS } from '../../../../src/streams/index.js'
import { leftOf, rightOf } from '../../../support/either.js'

const read = (input: unknown): ReadState => rightOf(readState(input, STREAMS))
const chats = streamByName('chats')!

/** Where the chats export resumes from a state. */
const bookmarkOf = (state: State): unknown => resumePoint(chats, state.bookmarks.chats)

describe('state from other connectors', () => {
  describe('the singer-io tap-zendesk-chat', () => {
    // As the tap writes it mid-run: agents paged up to since_id 361, chats searched to two points, a full sync recorded.
    const singerIo = {
      currently_syncing: 'chats',
      bookmarks: {
        agents: { offset: { id: 361 } },
        bans: { offset: { id: null } },
        chats: {
          'chat.end_timestamp': '2024-03-01T10:00:00.000000Z',
          'offline_msg.timestamp': '2024-02-20T08:00:00.000000Z',
          offset: { 'chat.next_url': 'https://www.zopim.com/api/v2/chats/search?q=x&page=3', 'offline_msg.next_url': null },
        },
      },
      chats_last_full_sync: '2024-02-01T12:34:56.123456+00:00',
    }

    it('resumes agents after the last id the tap emitted, and reads bans again when its offset is null', () => {
      const { state } = read(singerIo)
      expect(state.bookmarks.agents).to.deep.equal({ id: 360 })
      expect(state.bookmarks.bans).to.deep.equal({})
    })

    it('keeps the search bookmarks and the last full sync under chats; drops the place inside a window', () => {
      const { state, notes } = read(singerIo)
      expect(state.bookmarks.chats).to.deep.equal({
        'chat.end_timestamp': '2024-03-01T10:00:00.000000Z',
        'offline_msg.timestamp': '2024-02-20T08:00:00.000000Z',
        last_full_sync: '2024-02-01T12:34:56.123456+00:00',
      })
      expect(state.currently_syncing).to.equal('chats')
      expect(notes.join('\n'))
        .to.match(/offset.id 361 .* read as id 360/)
        .and.match(/window is read again/)
        .and.match(/chats_last_full_sync/)
    })

    it('the export resumes chats from the earlier of the two search bookmarks, and only when both are there', () => {
      expect(bookmarkOf(read(singerIo).state)).to.equal('2024-02-20T08:00:00.000000Z')
      const half = { bookmarks: { chats: { 'chat.end_timestamp': '2024-03-01T10:00:00Z' } } }
      expect(bookmarkOf(read(half).state), 'offline messages not searched yet').to.equal(undefined)
      const own = { bookmarks: { chats: { update_timestamp: '2024-05-01T00:00:00Z', 'chat.end_timestamp': '2024-03-01T10:00:00Z' } } }
      expect(bookmarkOf(read(own).state)).to.equal('2024-05-01T00:00:00Z')
    })

    it('reads the forms older versions wrote: start_date as given, naive last full sync, null bookmarks', () => {
      const { state } = read({
        bookmarks: { chats: { 'chat.end_timestamp': '2017-01-15', 'offline_msg.timestamp': null } },
        chats_last_full_sync: '2024-05-01T12:34:56.123456',
      })
      expect(state.bookmarks.chats).to.deep.equal({
        'chat.end_timestamp': '2017-01-15T00:00:00Z',
        last_full_sync: '2024-05-01T12:34:56.123456Z',
      })
    })

    it('still refuses a bookmark it cannot read, naming it', () => {
      expect(leftOf(readState({ bookmarks: { chats: { 'chat.end_timestamp': 'yesterday' } } }, STREAMS))).to.deep.equal([
        'bookmarks.chats.chat.end_timestamp must be an RFC 3339 date-time, got "yesterday"',
      ])
      expect(leftOf(readState({ bookmarks: { chats: { update_timestamp: 1700000000 } } }, STREAMS))[0]).to.match(
        /update_timestamp must be an RFC 3339/,
      )
    })
  })

  describe("Airbyte's source-zendesk-chat", () => {
    it('reads the per-stream object (legacy state): ids as they are, ISO times kept', () => {
      const { state, notes } = read({
        agents: { id: 361089721035 },
        bans: { id: 75412441 },
        chats: { update_timestamp: '2023-10-20T09:44:12Z' },
        agent_timeline: { start_time: '2024-02-09T13:12:16.817973Z' },
      })
      expect(state).to.deep.equal({
        bookmarks: {
          agents: { id: 361089721035 },
          bans: { id: 75412441 },
          chats: { update_timestamp: '2023-10-20T09:44:12Z' },
          agent_timeline: { start_time: '2024-02-09T13:12:16.817973Z' },
        },
        currently_syncing: null,
      })
      expect(notes[0]).to.match(/Airbyte/)
    })

    it('reads STREAM and GLOBAL state messages, with epoch seconds and microseconds as strings', () => {
      const { state } = read([
        {
          type: 'STREAM',
          stream: { stream_descriptor: { name: 'chats', namespace: null }, stream_state: { update_timestamp: '1697795052' } },
        },
        { type: 'STREAM', stream: { stream_descriptor: { name: 'agent_timeline' }, stream_state: { start_time: '1707484336817973' } } },
        {
          type: 'GLOBAL',
          global: { shared_state: {}, stream_states: [{ stream_descriptor: { name: 'agents' }, stream_state: { id: '5' } }] },
        },
      ])
      expect(state.bookmarks).to.deep.equal({
        chats: { update_timestamp: '2023-10-20T09:44:12.000000Z' },
        agent_timeline: { start_time: '2024-02-09T13:12:16.817973Z' },
        agents: { id: 5 },
      })
    })

    it('reads LEGACY messages, and refuses lists that are not state messages', () => {
      expect(read([{ type: 'LEGACY', data: { bans: { id: 9 } } }]).state.bookmarks).to.deep.equal({ bans: { id: 9 } })
      expect(leftOf(readState([1, 2], STREAMS))[0]).to.match(/must be a JSON object, got an array/)
      expect(leftOf(readState({ chats: { update_timestamp: 'soon' } }, STREAMS))[0]).to.match(/bookmarks.chats.update_timestamp/)
    })
  })

  it('tells epoch seconds, milliseconds and microseconds apart by size', () => {
    expect(normaliseTime(1697795052)).to.equal('2023-10-20T09:44:12.000000Z')
    expect(normaliseTime('1697795052123')).to.equal('2023-10-20T09:44:12.123000Z')
    expect(normaliseTime('1697795052123456')).to.equal('2023-10-20T09:44:12.123456Z')
    expect(normaliseTime('2023-10-20 09:44:12+00:00')).to.equal('2023-10-20T09:44:12+00:00')
    expect(normaliseTime('not a time')).to.equal(undefined)
    expect(normaliseTime(5, false)).to.equal(undefined)
  })
})
