import { expect } from 'chai'
import { describeRun, tap, useTempDir } from '../support/cli.js'
import { ALL_STREAMS, keyOf, sandboxConfig, useSandbox, type Sandbox } from '../support/sandbox.js'
import {
  type ActivateVersionMessage,
  lastState,
  type Message,
  messagesOf,
  parseMessages,
  recordMessagesOf,
  recordsOf,
  type StateValue,
} from '../support/singer.js'

/** A record's key as one string (account and routing settings have one record; routing settings no key). */
const keyString = (stream: string, record: Record<string, unknown>): string => JSON.stringify(keyOf(stream).map((k) => record[k]))

/** Every record the sandbox serves now, as key strings, per stream (a multiset: timeline pairs can repeat). */
const sandboxKeys = (sandbox: Sandbox): Record<string, string[]> => {
  const d = sandbox.data
  const keys = (stream: string, records: readonly object[]) => records.map((r) => keyString(stream, r as Record<string, unknown>))
  return {
    account: keys('account', [d.account]),
    agent_timeline: keys('agent_timeline', d.allTimeline()),
    agents: keys('agents', d.agents()),
    bans: keys('bans', d.allBans()),
    chats: keys('chats', d.allChats()),
    conversions: keys('conversions', d.allConversions()),
    department_events: keys('department_events', d.allDepartmentEvents()),
    departments: keys('departments', d.departments()),
    goals: keys('goals', d.goals()),
    roles: keys('roles', d.roleRecords()),
    routing_settings: ['[]'],
    shortcuts: keys('shortcuts', d.shortcuts()),
    skills: keys('skills', d.skillRecords()),
    triggers: keys('triggers', d.triggers()),
  }
}

const emittedKeys = (messages: readonly Message[], stream: string): string[] => recordsOf(messages, stream).map((r) => keyString(stream, r))
const sorted = (xs: readonly string[]) => [...xs].sort()
const at = (iso: unknown): number => Date.parse(iso as string)

describe('e2e: every stream equals the sandbox, and a run after changes emits the changes', () => {
  const sandbox = useSandbox({ seed: 31, agents: 140, departments: 5 })
  const tmp = useTempDir()
  let config: string
  let run1: Message[]
  let state1: StateValue

  const sync = async (...args: string[]) => {
    const r = await tap('--config', config, ...args)
    expect(r.code, describeRun(r)).to.equal(0)
    return parseMessages(r.stdout)
  }

  before(async () => {
    config = await tmp().write('config.json', sandboxConfig(sandbox()))
    run1 = await sync()
    state1 = lastState(run1)
  })

  it('run 1: for every stream, the records emitted are the sandbox records, by key, each once', () => {
    const expected = sandboxKeys(sandbox())
    for (const stream of ALL_STREAMS) {
      const emitted = emittedKeys(run1, stream)
      expect(emitted.length, `${stream} emitted something`).to.be.greaterThan(0)
      expect(sorted(emitted), stream).to.deep.equal(sorted(expected[stream]!))
    }
    // The data has the hard cases: repeated timeline pairs, a cluster of chats in one second, deleted chats.
    const pairs = sandbox()
      .data.allTimeline()
      .map((e) => `${e.agent_id}|${e.start_time}`)
    expect(new Set(pairs).size).to.be.lessThan(pairs.length)
    expect(sandbox().data.bulkUpdate!.size).to.be.greaterThan(1000)
    expect(recordsOf(run1, 'chats').some((c) => c.deleted === true)).to.equal(true)
  })

  describe('after chats are edited, deleted and added, agents edited and added, bans lifted and added, timeline entries added', () => {
    let run2: Message[]
    let change: {
      edited: string[]
      deleted: string[]
      addedChats: string[]
      agents: number[]
      editedAgents: number[]
      bans: number[]
      lifted: number[]
      timeline: string[]
    }
    let agentsBefore: Map<unknown, Record<string, unknown>>

    before(async () => {
      const d = sandbox().data
      agentsBefore = new Map(recordsOf(run1, 'agents').map((a) => [a.id, a]))
      change = {
        edited: d.editChats(7),
        deleted: d.deleteChats(4),
        addedChats: d.addChats(9),
        agents: d.addAgents(3).map((a) => a.id),
        editedAgents: d.editAgents(8),
        lifted: d.liftBans(4),
        bans: d.addBans(5),
        timeline: d.addTimelineEntries(6).map((e) => keyString('agent_timeline', e as unknown as Record<string, unknown>)),
      }
      run2 = await sync('--state', await tmp().write('state-1.json', state1))
    })

    it('chats: every edited, deleted and new chat comes, as it is now; nothing else but chats at the bookmarked second', () => {
      const chats = recordsOf(run2, 'chats')
      const ids = chats.map((c) => c.id as string)
      const changed = new Set([...change.edited, ...change.deleted, ...change.addedChats])
      expect(ids).to.include.members([...changed])
      const boundary = state1.bookmarks.chats!.update_timestamp
      const others = chats.filter((c) => !changed.has(c.id as string))
      for (const c of others) expect(c.update_timestamp, `chat ${String(c.id)} is not a change`).to.equal(boundary)
      expect(others.length, 'boundary chats').to.be.lessThan(50)
      for (const c of chats.filter((c) => changed.has(c.id as string))) {
        const now = sandbox().data.chatById(c.id as string)!
        expect(c.update_timestamp, `chat ${String(c.id)}`).to.equal(now.update_timestamp)
        expect(c.tags, `chat ${String(c.id)} tags`).to.deep.equal(now.tags)
      }
      for (const id of change.deleted) expect(chats.find((c) => c.id === id)!.deleted, `chat ${id}`).to.equal(true)
    })

    it('agents: every agent as the account has it now, the edits (renamed, disabled, moved) included, then a newer version', () => {
      const d = sandbox().data
      const agents = recordsOf(run2, 'agents')
      expect(agents.map((a) => a.id)).to.deep.equal(d.agents().map((a) => a.id))
      expect(agents.map((a) => a.id)).to.include.members(change.agents)
      const changedFields = new Set<string>()
      for (const id of change.editedAgents) {
        const now = d.agents().find((a) => a.id === id)!
        const emitted = agents.find((a) => a.id === id)!
        const before = agentsBefore.get(id)!
        for (const field of ['display_name', 'last_name', 'enabled', 'departments', 'enabled_departments', 'skills'] as const) {
          expect(emitted[field], `agent ${id} ${field}`).to.deep.equal(now[field])
          if (JSON.stringify(before[field]) !== JSON.stringify(now[field])) changedFields.add(field)
        }
      }
      expect([...changedFields]).to.include.members(['display_name', 'enabled', 'departments', 'skills'])
      const closing = messagesOf(run2, 'agents').at(-1)!
      expect(closing.type).to.equal('ACTIVATE_VERSION')
      expect((closing as ActivateVersionMessage).version).to.be.greaterThan(state1.bookmarks.agents!.version as number)
    })

    it('bans: a new version of the table without the lifted bans, the new ones in it, closed by ACTIVATE_VERSION', () => {
      const bans = messagesOf(run2, 'bans')
      const ids = recordsOf(bans).map((r) => r.id as number)
      expect(sorted(ids.map(String))).to.deep.equal(
        sorted(
          sandbox()
            .data.allBans()
            .map((b) => String(b.id)),
        ),
      )
      for (const id of change.lifted) expect(ids, `lifted ban ${id}`).to.not.include(id)
      expect(ids).to.include.members(change.bans)
      const closing = bans.at(-1)! as ActivateVersionMessage
      expect(closing.type).to.equal('ACTIVATE_VERSION')
      for (const m of recordMessagesOf(bans)) expect(m.version).to.equal(closing.version)
      expect(closing.version).to.be.greaterThan(state1.bookmarks.bans!.version as number)
      expect(lastState(run2).bookmarks.bans).to.deep.equal({ version: closing.version })
    })

    it('agent_timeline: every new entry, and nothing else but entries at the bookmarked instant', () => {
      const emitted = emittedKeys(run2, 'agent_timeline')
      expect(emitted).to.include.members(change.timeline)
      const boundary = state1.bookmarks.agent_timeline!.start_time
      const others = recordsOf(run2, 'agent_timeline').filter((e) => !change.timeline.includes(keyString('agent_timeline', e)))
      for (const e of others) expect(e.start_time).to.equal(boundary)
    })

    it('full-table streams come whole again, and the final STATE moves every bookmark forward', () => {
      const expected = sandboxKeys(sandbox())
      for (const stream of ['account', 'departments', 'goals', 'roles', 'routing_settings', 'shortcuts', 'skills', 'triggers']) {
        expect(sorted(emittedKeys(run2, stream)), stream).to.deep.equal(sorted(expected[stream]!))
      }
      const state2 = lastState(run2)
      expect(state2.bookmarks.chats!.update_timestamp).to.equal(sandbox().data.chatById(change.addedChats.at(-1)!)!.update_timestamp)
      expect(at(state2.bookmarks.chats!.update_timestamp)).to.be.greaterThan(at(state1.bookmarks.chats!.update_timestamp))
    })

    it('a run with the STATE of run 2 emits no chat or timeline entry beyond its bookmarked instants, and agents and bans whole', async () => {
      const state2 = lastState(run2)
      const run3 = await sync('--state', await tmp().write('state-2.json', state2))
      expect(recordsOf(run3, 'agents')).to.have.length(sandbox().data.agentCount)
      expect(recordsOf(run3, 'bans')).to.have.length(sandbox().data.banCount)
      for (const c of recordsOf(run3, 'chats')) expect(c.update_timestamp).to.equal(state2.bookmarks.chats!.update_timestamp)
      for (const e of recordsOf(run3, 'agent_timeline')) expect(e.start_time).to.equal(state2.bookmarks.agent_timeline!.start_time)
    })
  })
})
