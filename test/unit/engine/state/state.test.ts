import { expect } from 'chai'
import { withBookmark, type State } from '../../../../src/engine/state/bookmarks.js'
import { parseState } from '../../../../src/engine/state/state.js'
import { STREAMS } from '../../../../src/streams/index.js'
import { leftOf, rightOf } from '../../../support/either.js'

const parsed = (input: unknown): State => rightOf(parseState(input, STREAMS))
const problems = (input: unknown) => leftOf(parseState(input, STREAMS))

describe('state', () => {
  it('reads Singer state and Meltano-wrapped state alike', () => {
    const value = { bookmarks: { agents: { id: 42 } }, currently_syncing: 'agents' }
    expect(parsed(value)).to.deep.equal(value)
    expect(parsed({ singer_state: value })).to.deep.equal(value)
    expect(parsed({})).to.deep.equal({ bookmarks: {}, currently_syncing: null })
  })

  it('keeps bookmarks of streams it does not know', () => {
    expect(parsed({ bookmarks: { other_tap_stream: { cursor: 'x' } } }).bookmarks).to.deep.equal({
      other_tap_stream: { cursor: 'x' },
    })
  })

  it('refuses shapes and bookmark types it cannot resume from, naming the place', () => {
    expect(problems([1])[0]).to.match(/must be a JSON object, got an array/)
    expect(problems({ bookmark: {} })[0]).to.match(/unknown key "bookmark"/)
    expect(problems({ bookmarks: [] })[0]).to.match(/"bookmarks" must be an object/)
    expect(problems({ bookmarks: { agents: 5 } })[0]).to.equal('bookmarks.agents must be an object, got 5')
    expect(problems({ bookmarks: { agents: { id: 'abc' } } })[0]).to.equal('bookmarks.agents.id must be a non-negative integer, got "abc"')
    expect(problems({ bookmarks: { agents: { id: 1.5 } } })[0]).to.match(/bookmarks.agents.id/)
  })

  it('withBookmark changes one bookmark and keeps the rest', () => {
    const before = parsed({ bookmarks: { agents: { id: 1, other: true }, x: { y: 1 } } })
    expect(withBookmark(before, 'agents', 'id', 7).bookmarks).to.deep.equal({ agents: { id: 7, other: true }, x: { y: 1 } })
    expect(before.bookmarks.agents).to.deep.equal({ id: 1, other: true })
  })
})

describe('state a user hands over (issue 14)', () => {
  it('a whole STATE message reads as its value', async () => {
    const value = { bookmarks: { agents: { id: 42 } }, currently_syncing: null }
    expect(parsed({ type: 'STATE', value })).to.deep.equal(value)
  })

  it('names bookmarks zchat does not read, keeps its own and the full-table version silent', async () => {
    const { unreadBookmarks } = await import('../../../../src/engine/state/state.js')
    const state = parsed({ bookmarks: { agents: { id: 3, cursor: 'x' }, departments: { version: 1 }, tickets: { id: 1 } } })
    const warnings = unreadBookmarks(state, STREAMS)
    expect(warnings).to.have.length(2)
    expect(warnings[0]).to.equal('state: bookmarks.agents: "cursor" ignored (not a bookmark zchat keeps); agents resumes from id 3')
    expect(warnings[1]).to.match(/^state: bookmarks\.tickets ignored: zchat has no stream "tickets"/)
  })

  it('brings a date-time bookmark later than now back to now, leaving earlier ones', async () => {
    const { clampFutureBookmarks } = await import('../../../../src/engine/state/state.js')
    const now = new Date('2024-06-01T00:00:00Z')
    const state = parsed({
      bookmarks: { chats: { update_timestamp: '2030-01-01T00:00:00Z' }, agent_timeline: { start_time: '2024-05-01T00:00:00Z' } },
    })
    const clamped = clampFutureBookmarks(state, STREAMS, now)
    expect(clamped.state.bookmarks.chats).to.deep.equal({ update_timestamp: '2024-06-01T00:00:00.000Z' })
    expect(clamped.state.bookmarks.agent_timeline).to.deep.equal({ start_time: '2024-05-01T00:00:00Z' })
    expect(clamped.warnings).to.have.length(1)
  })
})
