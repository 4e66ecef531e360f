import { expect } from 'chai'
import { describeRun, tap, useTempDir, type RunResult } from '../support/cli.js'
import { sandboxConfig, useSandbox } from '../support/sandbox.js'
import { catalogById } from '../support/selection.js'
import { agentIds, lastState, parseMessages, recordsOf, type Message, type StateValue } from '../support/singer.js'

// Agents are read in full by default; these runs choose INCREMENTAL on id in the catalog, as a user may.
describe('e2e: incremental sync with --state (agents INCREMENTAL on id, chosen in the catalog)', () => {
  const sandbox = useSandbox({ seed: 21, agents: 120, departments: 3 })
  const tmp = useTempDir()
  let config: string
  let catalog: string
  let run1: Message[]
  let state1: StateValue
  let added: number[]

  /** Run the tap against the sandbox and return its messages and the requests it made. */
  const sync = async (...args: string[]) => {
    const from = sandbox().requestLog.length
    const r: RunResult = await tap('--config', config, '--catalog', catalog, ...args)
    expect(r.code, describeRun(r)).to.equal(0)
    return { messages: parseMessages(r.stdout), requests: sandbox().requestLog.slice(from) }
  }

  before(async () => {
    config = await tmp().write('config.json', sandboxConfig(sandbox()))
    catalog = await tmp().write('catalog.json', catalogById())
    run1 = (await sync()).messages
    state1 = lastState(run1)
    added = sandbox()
      .data.addAgents(4)
      .map((a) => a.id)
  })

  it('run 1 emits every agent and bookmarks the max id', () => {
    expect(agentIds(run1)).to.have.length(120)
    expect(state1.bookmarks.agents?.id).to.equal(Math.max(...agentIds(run1)))
    expect(added.every((id) => id > (state1.bookmarks.agents!.id as number))).to.equal(true)
  })

  it('run 2 with the last STATE of run 1 emits exactly the 4 new agents and asks from since_id = bookmark + 1', async () => {
    const state = await tmp().write('state-1.json', state1)
    const { messages, requests } = await sync('--state', state)
    expect(agentIds(messages)).to.deep.equal(added)
    const old = new Set(agentIds(run1))
    expect(agentIds(messages).filter((id) => old.has(id))).to.deep.equal([])
    const firstAgents = requests.find((q) => q.path.endsWith('/agents'))
    expect(firstAgents, 'run 2 asked for agents').to.not.equal(undefined)
    expect(firstAgents!.query.since_id).to.equal(String((state1.bookmarks.agents!.id as number) + 1))
    expect(lastState(messages).bookmarks.agents?.id).to.equal(Math.max(...added))
    // Full-table streams are still read whole.
    expect(recordsOf(messages, 'departments')).to.have.length(3)
    expect(recordsOf(messages, 'account')).to.have.length(1)
  })

  it('accepts the same state wrapped as Meltano writes it: {"singer_state": ...}', async () => {
    const state = await tmp().write('state-wrapped.json', { singer_state: state1 })
    const { messages, requests } = await sync('--state', state)
    expect(agentIds(messages)).to.deep.equal(added)
    const firstAgents = requests.find((q) => q.path.endsWith('/agents'))
    expect(firstAgents!.query.since_id).to.equal(String((state1.bookmarks.agents!.id as number) + 1))
  })

  it('accepts --state=FILE', async () => {
    const state = await tmp().write('state-eq.json', state1)
    const { messages } = await sync(`--state=${state}`)
    expect(agentIds(messages)).to.deep.equal(added)
  })

  it('emits no agent when nothing is new since the bookmark, and keeps the bookmark', async () => {
    const latest = { bookmarks: { agents: { id: sandbox().data.maxAgentId() } }, currently_syncing: null }
    const state = await tmp().write('state-latest.json', latest)
    const { messages } = await sync('--state', state)
    expect(agentIds(messages)).to.deep.equal([])
    const last = lastState(messages)
    expect(last.bookmarks.agents?.id).to.equal(sandbox().data.maxAgentId())
    expect(last.currently_syncing).to.equal(null)
  })

  it('keeps bookmarks of streams it does not know in every STATE', async () => {
    const state = await tmp().write('state-foreign.json', {
      ...state1,
      bookmarks: { ...state1.bookmarks, other_tap_stream: { cursor: 'x' } },
    })
    const { messages } = await sync('--state', state)
    expect(lastState(messages).bookmarks.other_tap_stream).to.deep.equal({ cursor: 'x' })
  })
})
