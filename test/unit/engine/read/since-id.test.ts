import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { streamByName } from '../../../../src/streams/index.js'
import type { Responder } from '../../../support/env.js'
import { readWithStrategy } from '../../../support/stream-read.js'

const agents = streamByName('agents')!

/** An account with agents 1..n, served by since_id and limit as the API does (since_id inclusive). */
const agentsApi =
  (n: number): Responder =>
  ({ query }) => {
    const since = Number(query.since_id ?? 0)
    const limit = Number(query.limit)
    const ids = Array.from({ length: n }, (_, i) => i + 1).filter((id) => id >= since)
    return { body: ids.slice(0, limit).map((id) => ({ id, display_name: `Agent ${id}` })) }
  }

describe('the since_id strategy', () => {
  it('asks for the next page one past the highest id, and stops at a short page', async () => {
    const api = agentsApi(5)
    const read = await readWithStrategy(agents, api, { settings: { agents_page_limit: 2 } })
    expect(read.requests.map((r) => r.path)).to.deep.equal(['agents?limit=2', 'agents?limit=2&since_id=3', 'agents?limit=2&since_id=5'])
    expect(read.records.map((r) => r.id)).to.deep.equal([1, 2, 3, 4, 5])
    expect(E.isRight(read.outcome) && read.outcome.right.pages).to.equal(3)
  })

  it('read incrementally, resumes one past its bookmark and moves it to the highest id written', async () => {
    const api = agentsApi(5)
    const state = { bookmarks: { agents: { id: 3 } }, currently_syncing: null }
    const read = await readWithStrategy(agents, api, { settings: { agents_page_limit: 2 }, state, incremental: true })
    expect(read.requests[0]!.path).to.equal('agents?since_id=4&limit=2')
    expect(read.records.map((r) => r.id)).to.deep.equal([4, 5])
    expect(read.states.at(-1)!.bookmarks.agents).to.deep.equal({ id: 5 })
  })

  it('read in full, ignores the bookmark and moves nothing', async () => {
    const api = agentsApi(3)
    const state = { bookmarks: { agents: { id: 2 } }, currently_syncing: null }
    const read = await readWithStrategy(agents, api, { state, incremental: false })
    expect(read.requests[0]!.path).to.equal('agents?limit=100')
    expect(read.records.map((r) => r.id)).to.deep.equal([1, 2, 3])
    expect(read.states.at(-1)!.bookmarks.agents).to.deep.equal({ id: 2 })
  })

  it('stops with a warning when a full page does not move past since_id', async () => {
    // An API that ignores since_id: the same full page forever.
    const api: Responder = () => ({ body: [{ id: 1 }, { id: 2 }] })
    const read = await readWithStrategy(agents, api, { settings: { agents_page_limit: 2 } })
    expect(read.requests).to.have.length(2)
    expect(read.test.logs.join('\n')).to.match(/WARN stream agents: a full page did not move past since_id 3; stopping/)
  })
})
