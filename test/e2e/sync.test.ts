import { expect } from 'chai'
import { describeRun, lines, STACK_LINE, tap, useTempDir, type RunResult } from '../support/cli.js'
import { ALL_STREAMS, keyOf, sandboxConfig, useSandbox } from '../support/sandbox.js'
import {
  agentIds,
  compile,
  errorsOf,
  lastState,
  newAjv,
  parseMessages,
  recordsOf,
  schemaOf,
  statesOf,
  type Message,
  type StateValue,
} from '../support/singer.js'

const STREAMS = ALL_STREAMS

describe('e2e: sync without a catalog', () => {
  const sandbox = useSandbox({ seed: 11, agents: 250, departments: 8 })
  const tmp = useTempDir()
  let result: RunResult
  let messages: Message[]
  let started: number
  let ended: number

  before(async () => {
    const config = await tmp().write('config.json', sandboxConfig(sandbox(), { agents_page_limit: 100 }))
    started = Date.now()
    result = await tap('--config', config)
    ended = Date.now()
    expect(result.code, describeRun(result)).to.equal(0)
    messages = parseMessages(result.stdout)
  })

  it('exits 0 with only Singer messages on stdout and no error or stack trace on stderr', () => {
    expect(result.code).to.equal(0)
    expect(messages.length).to.be.greaterThan(0)
    for (const line of lines(result.stderr)) {
      expect(line).to.not.match(/^error/i)
      expect(line).to.not.match(STACK_LINE)
    }
  })

  it('syncs every stream, each SCHEMA before its first RECORD', () => {
    for (const stream of STREAMS) {
      const schemaAt = messages.findIndex((m) => m.type === 'SCHEMA' && m.stream === stream)
      const recordAt = messages.findIndex((m) => m.type === 'RECORD' && m.stream === stream)
      expect(recordAt, `${stream} has records`).to.be.at.least(0)
      expect(schemaAt, `${stream} has a SCHEMA`).to.be.at.least(0)
      expect(schemaAt, `${stream}: SCHEMA before RECORD`).to.be.lessThan(recordAt)
      const schema = schemaOf(messages, stream)!
      expect(schema.key_properties, stream).to.deep.equal(keyOf(stream))
    }
  })

  it('gives every RECORD a time_extracted of this run and validates it against its stream SCHEMA', () => {
    const ajv = newAjv()
    const validators = new Map<string, ReturnType<typeof compile>>()
    const schemaKeys = new Map<string, Set<string>>()
    let checked = 0
    for (const m of messages) {
      if (m.type === 'SCHEMA') {
        validators.set(m.stream, compile(ajv, m.schema, `SCHEMA of ${m.stream}`))
        schemaKeys.set(m.stream, new Set(Object.keys(m.schema.properties as object)))
      }
      if (m.type !== 'RECORD') continue
      const validate = validators.get(m.stream)
      expect(validate, `SCHEMA seen before a ${m.stream} RECORD`).to.not.equal(undefined)
      expect(validate!(m.record), `${m.stream} record ${JSON.stringify(m.record).slice(0, 200)}: ${errorsOf(validate!)}`).to.equal(true)
      for (const key of Object.keys(m.record)) {
        expect(schemaKeys.get(m.stream)!.has(key), `${m.stream} record key ${key} is a schema property`).to.equal(true)
      }
      expect(m.time_extracted, 'time_extracted').to.be.a('string')
      const at = Date.parse(m.time_extracted!)
      expect(at, `time_extracted ${m.time_extracted}`).to.be.within(started - 1000, ended + 1000)
      checked++
    }
    // Every record the sandbox holds, each exactly once (account and routing settings are one record each).
    const d = sandbox().data
    const held =
      2 +
      d.agentCount +
      d.departments().length +
      d.allChats().length +
      d.allBans().length +
      d.allTimeline().length +
      d.goals().length +
      d.roleRecords().length +
      d.skillRecords().length +
      d.shortcuts().length +
      d.triggers().length +
      d.allConversions().length +
      d.allDepartmentEvents().length
    expect(checked).to.equal(held)
  })

  it("emits exactly the sandbox's account, agents and departments", () => {
    const data = sandbox().data
    const account = recordsOf(messages, 'account')
    expect(account).to.have.length(1)
    expect(account[0]!.account_key).to.equal(data.account.account_key)

    const agents = recordsOf(messages, 'agents')
    expect(agentIds(messages)).to.deep.equal(data.agents().map((a) => a.id))
    const byId = new Map(data.agents().map((a) => [a.id, a]))
    for (const record of agents) {
      const source = byId.get(record.id as number)!
      expect(record.email, `agent ${source.id} email`).to.equal(source.email)
      expect(record.display_name, `agent ${source.id} display_name`).to.equal(source.display_name)
    }

    const departments = recordsOf(messages, 'departments')
    expect(departments.map((d) => d.id).sort()).to.deep.equal(
      data
        .departments()
        .map((d) => d.id)
        .sort(),
    )
    expect(departments.map((d) => d.name).sort()).to.deep.equal(
      data
        .departments()
        .map((d) => d.name)
        .sort(),
    )
  })

  it('writes only complete STATE messages, ending with nothing in progress; agents, read in full, keep their version, no id', () => {
    const states = statesOf(messages)
    expect(states.length).to.be.greaterThan(0)
    for (const value of states) {
      expect(value, JSON.stringify(value)).to.be.an('object').that.has.all.keys('bookmarks', 'currently_syncing')
      expect(value.bookmarks).to.be.an('object')
    }
    const last = lastState(messages)
    expect(messages[messages.length - 1]!.type, 'the last message is a STATE').to.equal('STATE')
    expect(last.currently_syncing).to.equal(null)
    expect(last.bookmarks.agents).to.have.all.keys('version')
    expect(last.bookmarks.chats).to.have.property('update_timestamp')
  })

  it('writes a STATE after every page of agents (read in full: the version comes only once the last page is in)', () => {
    // Streams run side by side: the STATEs that follow pages of agents are those naming agents as currently syncing.
    const pageStates: StateValue[] = []
    const emitted: number[] = []
    const recordsBeforeState: number[] = []
    for (const m of messages) {
      if (m.type === 'RECORD' && m.stream === 'agents') emitted.push(m.record.id as number)
      if (m.type === 'STATE' && m.value.currently_syncing === 'agents') {
        pageStates.push(m.value)
        recordsBeforeState.push(emitted.length)
        // A STATE naming a version before every page is in would let a resumed run skip the table's closing.
        if (emitted.length < sandbox().data.agentCount) expect(m.value.bookmarks.agents, 'STATE after a page').to.equal(undefined)
      }
    }
    expect(pageStates.length, '250 agents in pages of 100: at least 3 STATE messages').to.be.at.least(3)
    // A STATE follows each full page of 100 before the next page starts.
    expect(recordsBeforeState).to.include.members([100, 200, 250])
  })

  it('asked the API for agents page by page with since_id = max(id) + 1 and limit 100', () => {
    const requests = sandbox().requestLog.filter((r) => r.path.endsWith('/agents'))
    expect(requests.length).to.be.within(3, 4)
    const ids = sandbox()
      .data.agents()
      .map((a) => a.id)
    expect(requests.map((r) => Number(r.query.since_id ?? 0)).slice(1, 3)).to.deep.equal([ids[99]! + 1, ids[199]! + 1])
    for (const r of requests) {
      expect(r.query.limit).to.equal('100')
      expect(r.status).to.equal(200)
    }
  })
})

describe('e2e: sync with a small agents_page_limit', () => {
  const sandbox = useSandbox({ seed: 12, agents: 23, departments: 2 })
  const tmp = useTempDir()

  it('pages agents with the configured limit and still emits each agent once, with a STATE per page', async () => {
    const config = await tmp().write('config.json', sandboxConfig(sandbox(), { agents_page_limit: 5 }))
    const r = await tap('--config', config)
    expect(r.code, describeRun(r)).to.equal(0)
    const messages = parseMessages(r.stdout)
    expect(agentIds(messages)).to.deep.equal(
      sandbox()
        .data.agents()
        .map((a) => a.id),
    )
    const agentRequests = sandbox().requestLog.filter((q) => q.path.endsWith('/agents'))
    expect(agentRequests.length).to.be.within(5, 6)
    for (const q of agentRequests) expect(q.query.limit).to.equal('5')
    const agentStates = statesOf(messages).filter((s) => s.currently_syncing === 'agents')
    expect(agentStates.length).to.be.at.least(5)
  })
})
