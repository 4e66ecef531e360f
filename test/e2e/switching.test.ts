import { expect } from 'chai'
import { describeRun, tap, useTempDir } from '../support/cli.js'
import { sandboxConfig, useSandbox } from '../support/sandbox.js'
import { compile, errorsOf, lastState, newAjv, parseMessages, recordsOf, schemaOf, type Message } from '../support/singer.js'

const at = (iso: unknown): number => Date.parse(iso as string)
const sorted = (xs: readonly unknown[]) => xs.map(String).sort()

describe('e2e: start_date, the search strategy, and states from other connectors', () => {
  const sandbox = useSandbox({ seed: 41, agents: 60, departments: 3 })
  const tmp = useTempDir()
  const chatsOnly = {
    streams: [{ tap_stream_id: 'chats', stream: 'chats', schema: {}, metadata: [{ breadcrumb: [], metadata: { selected: true } }] }],
  }
  const select = (...names: string[]) => ({
    streams: names.map((name) => ({
      tap_stream_id: name,
      stream: name,
      schema: {},
      metadata: [{ breadcrumb: [], metadata: { selected: true } }],
    })),
  })
  /** `select`, agents and bans read INCREMENTAL on id (the default reads them in full). */
  const selectById = (...names: string[]) => ({
    streams: names.map((name) => ({
      tap_stream_id: name,
      stream: name,
      schema: {},
      metadata: [
        {
          breadcrumb: [],
          metadata: { selected: true, ...(name === 'agents' || name === 'bans' ? { 'replication-method': 'INCREMENTAL' } : {}) },
        },
      ],
    })),
  })

  const sync = async (settings: Record<string, unknown>, catalog: object, state?: unknown) => {
    const args = ['--config', await tmp().write(`config-${Math.random()}.json`, sandboxConfig(sandbox(), settings))]
    args.push('--catalog', await tmp().write(`catalog-${Math.random()}.json`, catalog))
    if (state !== undefined) args.push('--state', await tmp().write(`state-${Math.random()}.json`, state))
    const r = await tap(...args)
    expect(r.code, describeRun(r)).to.equal(0)
    return { messages: parseMessages(r.stdout), stderr: r.stderr }
  }

  /** A point two thirds into the sandbox's chats: about a third of them are at or after it. */
  const midpoint = (): string => {
    const chats = sandbox().data.allChats()
    return chats[Math.floor(chats.length * (2 / 3))]!.update_timestamp
  }

  it('start_date limits chats and agent_timeline to what happened from it on; other streams are whole', async () => {
    const start = midpoint()
    const { messages } = await sync({ start_date: start }, select('chats', 'agent_timeline', 'agents'))
    const d = sandbox().data
    const chats = recordsOf(messages, 'chats')
    expect(sorted(chats.map((c) => c.id))).to.deep.equal(
      sorted(
        d
          .allChats()
          .filter((c) => at(c.update_timestamp) >= at(start))
          .map((c) => c.id),
      ),
    )
    expect(chats.length).to.be.within(500, 2500)
    const timeline = recordsOf(messages, 'agent_timeline')
    const expected = d.allTimeline().filter((e) => at(e.start_time) >= at(start))
    expect(timeline).to.have.length(expected.length)
    expect(timeline.length).to.be.within(1, d.allTimeline().length - 1)
    expect(recordsOf(messages, 'agents')).to.have.length(d.agentCount)
  })

  it('a bookmark takes precedence over start_date', async () => {
    const early = sandbox().data.allChats()[100]!.update_timestamp
    const state = { bookmarks: { chats: { update_timestamp: early } }, currently_syncing: null }
    const { messages } = await sync({ start_date: midpoint() }, chatsOnly, state)
    const expected = sandbox()
      .data.allChats()
      .filter((c) => at(c.update_timestamp) >= at(early))
    expect(recordsOf(messages, 'chats')).to.have.length(expected.length)
  })

  describe('chats_strategy search', () => {
    let messages: Message[]
    before(async () => {
      messages = (await sync({ chats_strategy: 'search' }, chatsOnly)).messages
    })

    it('emits every chat and offline message not deleted, each once, valid against its SCHEMA', () => {
      const chats = recordsOf(messages, 'chats')
      const served = sandbox()
        .data.allChats()
        .filter((c) => !c.deleted)
      expect(sorted(chats.map((c) => c.id))).to.deep.equal(sorted(served.map((c) => c.id)))
      const validate = compile(newAjv(), schemaOf(messages, 'chats')!.schema, 'chats SCHEMA')
      for (const c of chats) expect(validate(c), errorsOf(validate)).to.equal(true)
    })

    it('ends with a bookmark per pass, a few minutes before the run', () => {
      const bookmarks = lastState(messages).bookmarks.chats!
      expect(Object.keys(bookmarks).sort()).to.deep.equal(['chat.end_timestamp', 'offline_msg.timestamp'])
      for (const value of Object.values(bookmarks)) expect(Date.now() - at(value)).to.be.within(300_000, 360_000)
    })
  })

  describe('a state the singer-io tap wrote', () => {
    // Search bookmarks at two points inside the data; agents paged up to the 41st; bans done (offset null).
    const singerIoState = () => {
      const chats = sandbox().data.allChats()
      const endOf = (type: string, share: number) => {
        const ofType = chats
          .filter((c) => c.type === type)
          .map((c) => (c.type === 'chat' ? c.end_timestamp : c.timestamp))
          .sort()
        return `${ofType[Math.floor(ofType.length * share)]!.slice(0, 19)}.000000Z`
      }
      return {
        currently_syncing: null,
        bookmarks: {
          agents: { offset: { id: sandbox().data.agents()[40]!.id } },
          bans: { offset: { id: null } },
          chats: {
            'chat.end_timestamp': endOf('chat', 0.8),
            'offline_msg.timestamp': endOf('offline_msg', 0.7),
            offset: { 'chat.next_url': null, 'offline_msg.next_url': null },
          },
        },
        chats_last_full_sync: '2024-01-01T00:00:00.000000+00:00',
      }
    }

    it('agents and bans read in full by default: the migrated id bookmark is kept, not used, and the log says so', async () => {
      const state = singerIoState()
      const { messages, stderr } = await sync({}, select('agents', 'bans'), state)
      const d = sandbox().data
      expect(recordsOf(messages, 'agents').map((a) => a.id)).to.deep.equal(d.agents().map((a) => a.id))
      expect(recordsOf(messages, 'bans')).to.have.length(d.allBans().length)
      expect(stderr).to.match(/singer-io tap's next since_id/)
      const kept = d.agents()[40]!.id - 1
      expect(stderr).to.contain(`stream agents: read in full (FULL_TABLE); the state's bookmark id ${kept} is kept but not used`)
      expect(lastState(messages).bookmarks.agents).to.deep.include({ id: kept }).and.to.have.property('version')
    })

    it('resumes with the export: agents (INCREMENTAL chosen) from the next since_id, chats from the earlier search bookmark, and says so', async () => {
      const state = singerIoState()
      const { messages, stderr } = await sync({}, selectById('agents', 'bans', 'chats'), state)
      const d = sandbox().data
      expect(recordsOf(messages, 'agents').map((a) => a.id)).to.deep.equal(
        d
          .agents()
          .slice(40)
          .map((a) => a.id),
      )
      expect(recordsOf(messages, 'bans')).to.have.length(d.allBans().length)
      const from = Math.min(at(state.bookmarks.chats['chat.end_timestamp']), at(state.bookmarks.chats['offline_msg.timestamp']))
      const expected = d.allChats().filter((c) => at(c.update_timestamp) >= from)
      expect(sorted(recordsOf(messages, 'chats').map((c) => c.id))).to.deep.equal(sorted(expected.map((c) => c.id)))
      expect(expected.length).to.be.within(100, d.allChats().length / 2)
      expect(stderr).to.match(/singer-io tap's next since_id/)
      const final = lastState(messages)
      expect(final.bookmarks.agents).to.deep.equal({ id: d.maxAgentId() })
      expect(final.bookmarks.chats).to.have.property('update_timestamp')
    })

    it('resumes with the search strategy from each pass bookmark', async () => {
      const state = singerIoState()
      const { messages } = await sync({ chats_strategy: 'search' }, chatsOnly, state)
      const chatFrom = at(state.bookmarks.chats['chat.end_timestamp'])
      const offlineFrom = at(state.bookmarks.chats['offline_msg.timestamp'])
      const expected = sandbox()
        .data.allChats()
        .filter((c) => !c.deleted && (c.type === 'chat' ? at(c.end_timestamp) >= chatFrom : at(c.timestamp) >= offlineFrom))
      expect(sorted(recordsOf(messages, 'chats').map((c) => c.id))).to.deep.equal(sorted(expected.map((c) => c.id)))
      expect(lastState(messages).bookmarks.chats).to.include({ last_full_sync: '2024-01-01T00:00:00.000000+00:00' })
    })
  })

  it("resumes from Airbyte's per-stream state messages with epoch-second strings", async () => {
    const from = midpoint()
    const state = [
      { type: 'STREAM', stream: { stream_descriptor: { name: 'chats' }, stream_state: { update_timestamp: String(at(from) / 1000) } } },
    ]
    const { messages } = await sync({}, chatsOnly, state)
    const expected = sandbox()
      .data.allChats()
      .filter((c) => at(c.update_timestamp) >= at(from))
    expect(sorted(recordsOf(messages, 'chats').map((c) => c.id))).to.deep.equal(sorted(expected.map((c) => c.id)))
  })
})
