import { expect } from 'chai'
import { parseState, withBookmark, type State } from '../../src/engine/state.js'
import { STREAMS } from '../../src/streams/index.js'
import { accepted, refusedWith } from '../support/either.js'

const parsed = (input: unknown): State => accepted(parseState(input, STREAMS))
const problems = (input: unknown) => refusedWith(parseState(input, STREAMS))

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
