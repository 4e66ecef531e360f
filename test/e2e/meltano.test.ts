import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import About from '../../src/commands/about.js'
import Discover from '../../src/commands/discover.js'
import Sync from '../../src/commands/sync.js'
import { describeRun, lines, PACKAGE_VERSION, ROOT, STACK_LINE, tap, useTempDir } from '../support/cli.js'
import { streamEntry, type Catalog } from '../support/catalog.js'
import { selectedProperties } from '../support/meltano-catalog.js'
import { LEVEL, parseSdkLogLine } from '../support/meltano-logs.js'
import {
  meltanoConfig,
  MeltanoExtractor,
  MeltanoStateBackend,
  projectExtractor,
  resolveInherited,
  stateIdOf,
  type YmlExtractor,
  type ConfigTestResult,
  type ExtractorOptions,
  type SyncRun,
} from '../support/meltano.js'
import { ALL_STREAMS, keyOf, sandboxConfig, useSandbox } from '../support/sandbox.js'
import { lastState, type Message, parseMessage, recordsOf, schemaOf, type StateValue, streamsWithRecords } from '../support/singer.js'

/** A JSON line that is a Singer message (it has a type), not a structured log line. */
const isSingerMessage = (line: string): boolean => {
  if (!line.startsWith('{')) return false
  return typeof (JSON.parse(line) as { type?: unknown }).type === 'string'
}

const singerMessages = (lines: readonly string[]): Message[] =>
  lines.filter(isSingerMessage).map((l, i) => parseMessage(l, `Singer line ${i + 1}`))

const propertiesOf = (catalog: Catalog, stream: string): string[] => Object.keys(streamEntry(catalog, stream).schema.properties)

const keyString = (stream: string, record: Record<string, unknown>): string => JSON.stringify(keyOf(stream).map((k) => record[k]))

/** A sync must have exited 0. */
const succeeded = (run: SyncRun): SyncRun => {
  expect(run.result.code, describeRun(run.result)).to.equal(0)
  return run
}

/** Every flag the tap's Singer mode accepts and shows: the mode switches and the visible flags of sync, discover and about. */
const tapFlags = (): string[] => {
  const names = new Set(['--discover', '--about', '--version', '--help'])
  for (const command of [Sync, Discover, About]) {
    for (const [name, flag] of Object.entries(command.flags)) {
      if (flag.hidden === true) continue
      names.add(`--${name}`)
      for (const alias of flag.aliases ?? []) names.add(`--${alias}`)
    }
  }
  return [...names]
}

describe('e2e: Meltano around the tap (its calls, catalog rules and state, emulated)', () => {
  const sandbox = useSandbox({ seed: 61, agents: 150, departments: 4, chats: 600, bans: 60, timeline: 400 })
  const tmp = useTempDir()
  const definition = projectExtractor()

  const extractor = (name: string, options: Partial<ExtractorOptions> = {}): Promise<MeltanoExtractor> =>
    MeltanoExtractor.create(tmp().file(name), { definition, config: meltanoConfig(definition, sandboxConfig(sandbox())), ...options })

  describe('two `meltano run`s, the second from the state Meltano kept', () => {
    const backend = new MeltanoStateBackend()
    let ex: MeltanoExtractor
    let run1: SyncRun
    let run2: SyncRun
    let state1: StateValue
    let storedAfterRun1: unknown
    let stateFileOfRun2: unknown
    let added: { agents: number[]; bans: number[]; chats: string[]; timeline: string[] }

    before(async () => {
      ex = await extractor('two-runs')
      run1 = succeeded(await ex.sync(backend))
      state1 = lastState(run1.messages)
      storedAfterRun1 = structuredClone(backend.stored)
      const d = sandbox().data
      added = {
        agents: d.addAgents(3).map((a) => a.id),
        bans: d.addBans(2),
        chats: d.addChats(5),
        timeline: d.addTimelineEntries(4).map((e) => keyString('agent_timeline', e as unknown as Record<string, unknown>)),
      }
      run2 = succeeded(await ex.sync(backend))
      stateFileOfRun2 = JSON.parse(await readFile(ex.statePath, 'utf8'))
    })

    it('run 1 calls --config C --discover, then --config C --catalog K, and syncs every stream (select defaults to *.*)', () => {
      expect(run1.discoveryArgs).to.deep.equal(['--config', ex.configPath, '--discover'])
      expect(run1.syncArgs).to.deep.equal(['--config', ex.configPath, '--catalog', ex.catalogPath])
      expect(streamsWithRecords(run1.messages)).to.deep.equal(ALL_STREAMS)
    })

    it('Meltano stores the last STATE as {"singer_state": ...} and hands the inner state back in state.json', () => {
      expect(storedAfterRun1).to.deep.equal({ completed: { singer_state: state1 }, partial: {} })
      expect(stateFileOfRun2).to.deep.equal(state1)
    })

    it('run 2 calls --config C --state S --discover, then --config C --catalog K --state S; discovery prints the same catalog', () => {
      expect(run2.discoveryArgs).to.deep.equal(['--config', ex.configPath, '--state', ex.statePath, '--discover'])
      expect(run2.syncArgs).to.deep.equal(['--config', ex.configPath, '--catalog', ex.catalogPath, '--state', ex.statePath])
      expect(run2.discovered).to.deep.equal(run1.discovered)
    })

    it('run 2 emits every agent and ban (read in full, new ones included), and of chats and timeline entries only the new ones and those at the bookmarked instant', () => {
      const d = sandbox().data
      expect(recordsOf(run2.messages, 'agents').map((r) => r.id))
        .to.have.members(d.agents().map((a) => a.id))
        .and.include.members(added.agents)
      expect(recordsOf(run2.messages, 'bans').map((r) => r.id))
        .to.have.members(d.allBans().map((b) => b.id))
        .and.include.members(added.bans)
      const chats = recordsOf(run2.messages, 'chats')
      expect(chats.map((c) => c.id)).to.include.members(added.chats)
      for (const chat of chats) {
        if (!added.chats.includes(chat.id as string))
          expect(chat.update_timestamp, `old chat ${String(chat.id)}`).to.equal(state1.bookmarks.chats!.update_timestamp)
      }
      const timeline = recordsOf(run2.messages, 'agent_timeline')
      expect(timeline.map((e) => keyString('agent_timeline', e))).to.include.members(added.timeline)
      for (const entry of timeline) {
        if (!added.timeline.includes(keyString('agent_timeline', entry))) {
          expect(entry.start_time, 'old timeline entry').to.equal(state1.bookmarks.agent_timeline!.start_time)
        }
      }
    })

    it('after run 2 Meltano holds its last STATE, every incremental bookmark moved to the newest record, agents and bans a newer version', () => {
      const state2 = lastState(run2.messages)
      expect(backend.singerState()).to.deep.equal(state2)
      for (const stream of ['agents', 'bans']) {
        expect(state2.bookmarks[stream], stream).to.have.all.keys('version')
        expect(state2.bookmarks[stream]!.version, stream).to.be.greaterThan(state1.bookmarks[stream]!.version as number)
      }
      const newest = (stream: string, key: string) => Math.max(...recordsOf(run2.messages, stream).map((r) => Date.parse(r[key] as string)))
      expect(Date.parse(state2.bookmarks.chats!.update_timestamp as string)).to.equal(newest('chats', 'update_timestamp'))
      expect(Date.parse(state2.bookmarks.agent_timeline!.start_time as string)).to.equal(newest('agent_timeline', 'start_time'))
      expect(state2.currently_syncing).to.equal(null)
    })

    it('meltano invoke --about --format=json then passes the leftover catalog and state too, and the tap still describes itself', async () => {
      const r = await ex.invoke('--about', '--format=json')
      expect(ex.invocations.at(-1)).to.deep.equal([
        '--config',
        ex.configPath,
        '--catalog',
        ex.catalogPath,
        '--state',
        ex.statePath,
        '--about',
        '--format=json',
      ])
      expect(r.code, describeRun(r)).to.equal(0)
      expect(JSON.parse(r.stdout)).to.include({ name: 'tap-zendesk-chat', version: PACKAGE_VERSION })
    })
  })

  describe('select patterns and metadata rules', () => {
    // `ban?` is a stream-only pattern (bans.*); exclusions win whatever their place.
    const SELECT = ['!agents.email', 'agents.*', '!agents.*_name', 'departments.name', 'ban?', '!bans.reason']
    let ex: MeltanoExtractor
    let run: SyncRun
    let expected: Record<string, string[]>

    before(async () => {
      ex = await extractor('select', { select: SELECT })
      run = succeeded(await ex.sync(new MeltanoStateBackend()))
      const without = (stream: string, excluded: string[]) => propertiesOf(run.discovered, stream).filter((p) => !excluded.includes(p))
      expected = {
        agents: without('agents', ['email', 'display_name', 'first_name', 'last_name']),
        bans: without('bans', ['reason']),
        departments: ['id', 'name'],
      }
    })

    it('the catalog Meltano hands over selects agents, bans and departments, with the fields the patterns name', async () => {
      const selected = selectedProperties(await ex.catalog())
      expect([...selected.keys()].sort()).to.deep.equal(Object.keys(expected))
      for (const [stream, fields] of Object.entries(expected)) {
        const topLevel = [...selected.get(stream)!].filter((p) => !p.includes('.'))
        expect(topLevel, stream).to.have.members(fields).and.have.length(fields.length)
      }
    })

    it('the tap emits exactly those streams, each SCHEMA with exactly the selected fields, and no record key outside them', () => {
      expect(streamsWithRecords(run.messages)).to.deep.equal(Object.keys(expected))
      for (const [stream, fields] of Object.entries(expected)) {
        expect(Object.keys(schemaOf(run.messages, stream)!.schema.properties as object), `${stream} SCHEMA`)
          .to.have.members(fields)
          .and.have.length(fields.length)
        const keys = new Set(recordsOf(run.messages, stream).flatMap((r) => Object.keys(r)))
        expect(
          [...keys].filter((k) => !fields.includes(k)),
          `${stream} record keys`,
        ).to.deep.equal([])
      }
      expect(recordsOf(run.messages, 'agents')).to.have.length(sandbox().data.agents().length)
    })

    it('a metadata rule forcing FULL_TABLE on agents makes the tap read every agent despite a bookmark at the last one', async () => {
      const backend = new MeltanoStateBackend()
      backend.bookmark(JSON.stringify({ bookmarks: { agents: { id: sandbox().data.maxAgentId() } }, currently_syncing: null }))
      const full = await extractor('metadata', { select: ['agents.*'], metadata: { agents: { 'replication-method': 'FULL_TABLE' } } })
      const forced = succeeded(await full.sync(backend))
      expect(forced.syncArgs).to.include('--state')
      const entry = streamEntry(await full.catalog(), 'agents')
      expect(entry.replication_method).to.equal('FULL_TABLE')
      expect(entry.metadata.find((m) => m.breadcrumb.length === 0)!.metadata['replication-method']).to.equal('FULL_TABLE')
      expect(recordsOf(forced.messages, 'agents')).to.have.length(sandbox().data.agents().length)
      expect(streamsWithRecords(forced.messages)).to.deep.equal(['agents'])
    })

    it('a nested pattern selects inside an object: agents.roles.owner keeps roles with owner alone, !agents.roles.owner drops it', async () => {
      const only = succeeded(
        await (await extractor('nested', { select: ['agents.id', 'agents.roles.owner'] })).sync(new MeltanoStateBackend()),
      )
      const schema = schemaOf(only.messages, 'agents')!.schema.properties as Record<string, { properties?: object }>
      expect(Object.keys(schema)).to.have.members(['id', 'roles'])
      expect(Object.keys(schema.roles!.properties!)).to.deep.equal(['owner'])
      const agents = recordsOf(only.messages, 'agents')
      expect(agents).to.have.length(sandbox().data.agents().length)
      for (const agent of agents) expect(Object.keys(agent.roles as object), `agent ${String(agent.id)} roles`).to.deep.equal(['owner'])
      expect(
        agents.some((a) => (a.roles as { owner: boolean }).owner === true),
        'the owner is still there',
      ).to.equal(true)

      const without = succeeded(
        await (await extractor('nested-not', { select: ['agents.*', '!agents.roles.owner'] })).sync(new MeltanoStateBackend()),
      )
      const roles = (schemaOf(without.messages, 'agents')!.schema.properties as Record<string, { properties?: object }>).roles!
      expect(Object.keys(roles.properties!)).to.deep.equal(['administrator'])
      for (const agent of recordsOf(without.messages, 'agents')) expect(agent.roles).to.not.have.property('owner')
    })

    it('an extractor declaring `properties` but not `catalog` gets --config C --properties K, with the same selection', async () => {
      const older = await extractor('properties', {
        definition: { ...definition, capabilities: definition.capabilities.filter((c) => c !== 'catalog') },
        select: ['departments.*'],
      })
      const r = succeeded(await older.sync(new MeltanoStateBackend()))
      expect(r.syncArgs).to.deep.equal(['--config', older.configPath, '--properties', older.catalogPath])
      expect(streamsWithRecords(r.messages)).to.deep.equal(['departments'])
    })
  })

  describe("structured logs: SINGER_SDK_LOG_CONFIG and Meltano's SDK log parser", () => {
    let ex: MeltanoExtractor
    let ok: SyncRun
    let failed: SyncRun

    before(async () => {
      // An unknown key is a warning; a wrong token an error.
      ex = await extractor('logs', {
        select: ['departments.*'],
        config: meltanoConfig(definition, { ...sandboxConfig(sandbox()), surplus_key: 1 }),
      })
      ok = succeeded(await ex.sync(new MeltanoStateBackend()))
      const bad = await extractor('logs-bad', {
        select: ['departments.*'],
        config: meltanoConfig(definition, { ...sandboxConfig(sandbox()), access_token: 'wrong-token-5e7a' }),
      })
      failed = await bad.sync(new MeltanoStateBackend())
    })

    it('meltano.yml declares structured-logging, so Meltano hands the tap the SDK formatter and parses its stderr', async () => {
      expect(ex.structuredLogs).to.equal(true)
      const logConfig = JSON.parse(await readFile(ex.logConfigPath, 'utf8')) as { formatters: Record<string, Record<string, string>> }
      expect(Object.values(logConfig.formatters)[0]).to.deep.equal({ '()': 'singer_sdk.logging.StructuredFormatter' })
    })

    it("every stderr line is one Meltano's SDK parser reads, at the tap's level: the unknown key a WARNING, metrics INFO with metric_info", () => {
      const records = ex.logRecords(ok.result.stderr)
      expect(records.length).to.be.greaterThan(0)
      expect(
        records.filter((r) => r.parser !== 'singer-sdk').map((r) => r.message),
        'lines Meltano would log as plain text',
      ).to.deep.equal([])
      const warning = records.find((r) => r.message.includes('surplus_key'))
      expect(warning?.level, 'the unknown-key warning').to.equal(LEVEL.WARNING)
      const metrics = records.filter((r) => r.message === 'METRIC')
      expect(metrics.length).to.be.greaterThan(0)
      for (const m of metrics) {
        expect(m.level).to.equal(LEVEL.INFO)
        expect(m.extra.metric_info).to.include.keys('type', 'metric', 'value', 'tags')
      }
      expect(
        metrics.some((m) => m.extra.stream_name === 'departments'),
        'a metric names its stream',
      ).to.equal(true)
    })

    it('a failed run: Meltano logs its error at ERROR, and the token appears nowhere', () => {
      expect(failed.result.code, describeRun(failed.result)).to.equal(1)
      const records = ex.logRecords(failed.result.stderr)
      expect(records.every((r) => r.parser === 'singer-sdk')).to.equal(true)
      const errors = records.filter((r) => r.level === LEVEL.ERROR)
      expect(errors.length, failed.result.stderr).to.be.greaterThan(0)
      expect(errors.at(-1)!.message).to.match(/401/)
      expect(failed.result.stderr).to.not.include('wrong-token-5e7a')
    })

    it("`meltano --log-level=debug` (the config's root level) shows the tap's debug lines; warning hides its info lines", async () => {
      const debug = await extractor('logs-debug', { select: ['departments.*'], logLevel: 'DEBUG' })
      const warning = await extractor('logs-warning', { select: ['departments.*'], logLevel: 'WARNING' })
      const [d, w] = [succeeded(await debug.sync(new MeltanoStateBackend())), succeeded(await warning.sync(new MeltanoStateBackend()))]
      expect(
        debug.logRecords(d.result.stderr).some((r) => r.level === LEVEL.DEBUG),
        'debug lines',
      ).to.equal(true)
      expect(warning.logRecords(w.result.stderr).filter((r) => r.level < LEVEL.WARNING)).to.deep.equal([])
      expect(
        ex.logRecords(ok.result.stderr).filter((r) => r.level === LEVEL.DEBUG),
        'INFO, the default: no debug lines',
      ).to.deep.equal([])
    })

    it('an extractor without structured-logging gets a plain-format config, and plain text lines', async () => {
      const plain = await extractor('logs-plain', {
        definition: { ...definition, capabilities: definition.capabilities.filter((c) => c !== 'structured-logging') },
        select: ['departments.*'],
      })
      const r = succeeded(await plain.sync(new MeltanoStateBackend()))
      expect(plain.structuredLogs).to.equal(false)
      const lines = r.result.stderr.split('\n').filter((l) => l !== '')
      expect(lines.length).to.be.greaterThan(0)
      expect(
        lines.filter((l) => l.startsWith('{')),
        'no JSON lines',
      ).to.deep.equal([])
    })
  })

  describe('meltano invoke and other Singer tools', () => {
    it('--config C --about --format=json prints the about JSON with the capabilities meltano.yml declares', async () => {
      const ex = await extractor('about')
      const r = await ex.invoke('--about', '--format=json')
      expect(ex.invocations).to.deep.equal([['--config', ex.configPath, '--about', '--format=json']])
      expect(r.code, describeRun(r)).to.equal(0)
      const about = JSON.parse(r.stdout) as { name: string; capabilities: string[] }
      expect(about.name).to.equal('tap-zendesk-chat')
      expect(about.capabilities).to.have.members([...definition.capabilities])
    })

    it('--version prints the package version', async () => {
      const r = await tap('--version')
      expect(r.code, describeRun(r)).to.equal(0)
      expect(r.stdout).to.include(PACKAGE_VERSION)
    })

    it('--help lists every flag of the Singer mode', async () => {
      const r = await tap('--help')
      expect(r.code, describeRun(r)).to.equal(0)
      const missing = tapFlags().filter((flag) => !new RegExp(`${flag}(?![\\w-])`).test(r.stdout))
      expect(missing, r.stdout).to.deep.equal([])
    })
  })

  describe('meltano config test tap-zendesk-chat', () => {
    let ex: MeltanoExtractor
    let result: ConfigTestResult

    before(async () => {
      ex = await extractor('config-test')
      result = await ex.configTest()
    })

    it('runs discovery, then the sync with --config C --catalog K, and calls the configuration valid', () => {
      expect(ex.invocations).to.deep.equal([
        ['--config', ex.configPath, '--discover'],
        ['--config', ex.configPath, '--catalog', ex.catalogPath],
      ])
      expect(result.valid, result.message).to.equal(true)
    })

    it('gets a RECORD early: before the first RECORD, Meltano reads only the opening SCHEMA (and ACTIVATE_VERSION) lines', () => {
      const messages = singerMessages(result.linesRead)
      expect(messages.at(-1)!.type).to.equal('RECORD')
      expect(
        messages.slice(0, -1).filter((m) => m.type !== 'SCHEMA' && m.type !== 'ACTIVATE_VERSION'),
        'no page before it',
      ).to.deep.equal([])
    })

    it('stopped by SIGTERM right after that RECORD, the tap ends by itself: whole lines, a final STATE, no error line or stack trace', () => {
      expect(result.timedOut, 'ended without SIGKILL').to.equal(false)
      expect(result.afterStop.endsWith('\n'), 'output ends with a whole line').to.equal(true)
      const after = lines(result.afterStop)
      expect(singerMessages(after).at(-1)?.type).to.equal('STATE')
      // The rest are log lines, structured (meltano.yml declares structured-logging): none an error, none a stack trace.
      const logLines = [...result.linesRead, ...after].filter((l) => !isSingerMessage(l))
      expect(logLines.length).to.be.greaterThan(0)
      for (const line of logLines) {
        const record = parseSdkLogLine(line)
        expect(record, `a line Meltano would not parse: ${line}`).to.not.equal(undefined)
        expect(record!.level, line).to.be.lessThan(LEVEL.ERROR)
        expect(record!.message, 'no stack trace').to.not.match(STACK_LINE)
      }
      expect(logLines.map((l) => parseSdkLogLine(l)!.message).at(-1)).to.match(/^stopped by SIGTERM:/)
    })

    it("with a wrong access token, Meltano calls the configuration invalid and shows the tap's error line as the reason", async () => {
      const bad = await extractor('config-test-bad', {
        config: meltanoConfig(definition, { ...sandboxConfig(sandbox()), access_token: 'wrong-token' }),
      })
      const r = await bad.configTest()
      expect(r.valid).to.equal(false)
      expect(r.returncode).to.not.equal(0)
      // Meltano prints the last line read: the tap's structured error line, which its parser reads at ERROR.
      const last = parseSdkLogLine(r.message)
      expect(last?.level, r.message).to.equal(LEVEL.ERROR)
      expect(last!.message).to.match(/(401|token|unauthori[sz]ed)/i)
    })
  })
})

describe('e2e: many accounts in one Meltano project (inherit_from, one state each), as the README shows', () => {
  const acme = useSandbox({ seed: 71, agents: 40, chats: 80, timeline: 50, bans: 5, token: 'acme-token' })
  const globex = useSandbox({ seed: 72, agents: 25, chats: 50, timeline: 30, bans: 3, token: 'globex-token' })
  const tmp = useTempDir()
  const parent = projectExtractor()
  /** The README's meltano.yml excerpt of the section "Many accounts". */
  const readmeExtractors = (): YmlExtractor[] => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const block = /<!-- many-accounts start -->\n```yaml\n([\s\S]*?)```\n<!-- many-accounts end -->/.exec(readme)
    expect(block, 'the README has the many-accounts meltano.yml').to.not.equal(null)
    return (parseYaml(block![1]!) as { plugins: { extractors: YmlExtractor[] } }).plugins.extractors
  }

  it('each inherited extractor reads its own account and resumes from its own state, run side by side', async () => {
    const children = readmeExtractors().filter((e) => e.inherit_from !== undefined)
    expect(children.map((c) => c.inherit_from)).to.deep.equal([parent.name, parent.name])
    // What `meltano config <tap> set` stores: a setting shared on the parent, the token and (here) the sandbox per account.
    // start_date: the sandbox's history is older than the default two years.
    const parentValues = { max_parallel_streams: 2, start_date: '2023-01-01' }
    const accounts = [acme(), globex()]
    const extractors = await Promise.all(
      children.map(async (child, i) => {
        const { definition, values } = resolveInherited(child, parent, parentValues)
        const account = accounts[i]!
        const config = meltanoConfig(definition, { ...values, access_token: account.token, base_url: account.baseUrl })
        expect(config).to.include({ subdomain: child.config!.subdomain, max_parallel_streams: 2 })
        return { child, account, ex: await MeltanoExtractor.create(tmp().file(`.meltano/run/${child.name}`), { definition, config }) }
      }),
    )
    const backends = new Map<string, MeltanoStateBackend>(
      extractors.map(({ child }) => [stateIdOf('dev', child.name, 'target-jsonl'), new MeltanoStateBackend()]),
    )
    expect(backends.size, 'one state per extractor').to.equal(2)
    const backendOf = (name: string) => backends.get(stateIdOf('dev', name, 'target-jsonl'))!

    const first = await Promise.all(extractors.map(({ child, ex }) => ex.sync(backendOf(child.name))))
    first.forEach((r, i) => {
      expect(r.result.code, describeRun(r.result)).to.equal(0)
      expect(recordsOf(r.messages, 'agents').length, `${extractors[i]!.child.name}'s own agents`).to.equal(accounts[i]!.data.agentCount)
    })
    const states = extractors.map(({ child }) => backendOf(child.name).singerState())
    expect(states[0]!.bookmarks.chats, 'the two states differ').to.not.deep.equal(states[1]!.bookmarks.chats)

    // Only acme changes; each second run resumes from its own state.
    const added = acme()
      .data.addAgents(2)
      .map((a) => a.id)
    const second = await Promise.all(extractors.map(({ child, ex }) => ex.sync(backendOf(child.name))))
    second.forEach((r) => expect(r.result.code, describeRun(r.result)).to.equal(0))
    expect(second[0]!.syncArgs).to.include('--state')
    expect(JSON.parse(await readFile(extractors[0]!.ex.statePath, 'utf8'))).to.deep.equal(states[0])
    // Agents are read in full each run: acme's now holds the two new ones, globex's is as it was.
    expect(recordsOf(second[0]!.messages, 'agents').map((a) => a.id)).to.include.members(added)
    expect(recordsOf(second[0]!.messages, 'agents').length).to.equal(acme().data.agentCount)
    expect(
      recordsOf(second[1]!.messages, 'agents').map((a) => a.id),
      'globex has nothing new',
    ).to.deep.equal(recordsOf(first[1]!.messages, 'agents').map((a) => a.id))
    // The incremental streams resume from each extractor's own bookmark: no chat from before it comes again.
    second.forEach((r, i) => {
      const bookmark = (states[i]!.bookmarks.chats as { update_timestamp: string }).update_timestamp
      const chats = recordsOf(r.messages, 'chats')
      expect(chats.length, `${extractors[i]!.child.name} resumes its chats`).to.be.lessThan(recordsOf(first[i]!.messages, 'chats').length)
      for (const chat of chats) expect(Date.parse(chat.update_timestamp as string)).to.be.at.least(Date.parse(bookmark))
    })
  })
})
