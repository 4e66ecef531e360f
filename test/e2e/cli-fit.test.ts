/** The Singer CLI conventions of Meltano SDK taps: layered --config and ENV, --test, `zchat check`, --help. */
import { createServer } from 'node:net'
import { expect } from 'chai'
import { COMMANDS } from '../../src/commands/index.js'
import { describeRun, expectCleanFailure, lines, run, tap, TAP, useTempDir, zchat, ZCHAT, type RunResult } from '../support/cli.js'
import { ALL_STREAMS, sandboxConfig, useSandbox, type Sandbox } from '../support/sandbox.js'
import { parseMessages, recordsOf, type Message } from '../support/singer.js'
import { SANDBOX_START_DATE } from '../../src/sandbox/index.js'

const SECRET = 'zt-fit-8c1e5a42d7-secret'
/** No departments and no bans: streams a test run finds empty. */
// No departments: no department events either.
const EMPTY_STREAMS = ['bans', 'department_events', 'departments']

const requestsSince = (sandbox: Sandbox, start: number) => sandbox.requestLog.slice(start)

/** Every output of a run, for checking that the token is nowhere in it. */
const outputOf = (...runs: RunResult[]) => runs.map((r) => r.stdout + r.stderr).join('\n')

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
const closedPort = async (): Promise<number> => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** A message as `TYPE stream`. */
const labelOf = (m: Message): string => (m.type === 'STATE' ? 'STATE' : `${m.type} ${m.stream}`)

/** The messages of one stream, by type. */
const typesOf = (messages: readonly Message[], stream: string): string[] =>
  messages.filter((m) => m.type !== 'STATE' && m.stream === stream).map((m) => m.type)

describe('e2e: Singer CLI conventions', () => {
  const sandbox = useSandbox({ seed: 81, token: SECRET, agents: 30, departments: 0, bans: 0, chats: 200, timeline: 100 })
  const tmp = useTempDir()
  /** The sandbox's location without a token: the token comes from another source. */
  const place = () => ({ base_url: sandbox().baseUrl, start_date: SANDBOX_START_DATE })
  const envToken = { TAP_ZENDESK_CHAT_ACCESS_TOKEN: SECRET }

  describe('--config given more than once, and --config ENV', () => {
    it('later files win key by key: a file with only the token completes one with the place', async () => {
      const wrong = await tmp().write('place-wrong-token.json', { ...place(), access_token: 'wrong-token-1' })
      const token = await tmp().write('token-only.json', { access_token: SECRET })
      const [right, reversed] = await Promise.all([
        zchat('check', '--config', wrong, '--config', token),
        zchat('check', '--config', token, '--config', wrong),
      ])
      expect(right.code, describeRun(right)).to.equal(0)
      expect(right.stdout).to.match(/^OK: /)
      expect(reversed.code, describeRun(reversed)).to.equal(1)
      expect(reversed.stdout).to.match(/refused \(401\)/)
      expect(outputOf(right, reversed)).to.not.contain(SECRET)
    })

    it('ENV takes its place in the order: after a file it wins, before one it loses', async () => {
      const wrong = await tmp().write('env-order.json', { ...place(), access_token: 'wrong-token-2' })
      const [after, before] = await Promise.all([
        run(ZCHAT, ['check', '--config', wrong, '--config', 'ENV'], { env: envToken }),
        run(ZCHAT, ['check', '--config', 'ENV', '--config', wrong], { env: envToken }),
      ])
      expect(after.code, describeRun(after)).to.equal(0)
      expect(before.code, describeRun(before)).to.equal(1)
      expect(before.stdout).to.match(/401/)
      expect(outputOf(after, before)).to.not.contain(SECRET)
    })

    it('a sync with every setting in the environment: numbers and booleans converted, the token printed nowhere', async () => {
      const start = sandbox().requestLog.length
      const r = await run(TAP, ['--config', 'ENV'], {
        env: {
          ...envToken,
          TAP_ZENDESK_CHAT_BASE_URL: sandbox().baseUrl,
          TAP_ZENDESK_CHAT_START_DATE: SANDBOX_START_DATE,
          TAP_ZENDESK_CHAT_AGENTS_PAGE_LIMIT: '7',
          TAP_ZENDESK_CHAT_ACTIVATE_VERSION: 'false',
        },
      })
      expect(r.code, describeRun(r)).to.equal(0)
      const messages = parseMessages(r.stdout)
      expect(recordsOf(messages, 'agents').map((a) => a.id)).to.deep.equal(
        sandbox()
          .data.agents()
          .map((a) => a.id),
      )
      const agentRequests = requestsSince(sandbox(), start).filter((q) => q.path.endsWith('/agents'))
      expect(agentRequests.length, '30 agents, 7 a page').to.be.within(5, 6)
      for (const q of agentRequests) expect(q.query.limit).to.equal('7')
      expect(
        messages.filter((m) => m.type === 'ACTIVATE_VERSION'),
        'activate_version false',
      ).to.deep.equal([])
      expect(messages.some((m) => m.type === 'RECORD' && m.version !== undefined)).to.equal(false)
      expect(outputOf(r)).to.not.contain(SECRET)
    })

    describe('a value of the wrong type in the environment', () => {
      const badEnv = () => ({ ...envToken, TAP_ZENDESK_CHAT_BASE_URL: sandbox().baseUrl, TAP_ZENDESK_CHAT_MAX_PARALLEL_STREAMS: 'four' })
      const runs = new Map<string, RunResult>()
      let requests: number

      before(async () => {
        const start = sandbox().requestLog.length
        const [sync, discover, check, boolean] = await Promise.all([
          run(TAP, ['--config', 'ENV'], { env: badEnv() }),
          run(TAP, ['--config', 'ENV', '--discover'], { env: badEnv() }),
          run(ZCHAT, ['check', '--config', 'ENV'], { env: badEnv() }),
          run(TAP, ['--config', 'ENV'], {
            env: { ...envToken, TAP_ZENDESK_CHAT_BASE_URL: sandbox().baseUrl, TAP_ZENDESK_CHAT_ACTIVATE_VERSION: 'maybe' },
          }),
        ])
        requests = sandbox().requestLog.length - start
        runs.set('sync', sync!).set('discover', discover!).set('check', check!).set('boolean', boolean!)
      })

      for (const command of ['sync', 'discover', 'check']) {
        it(`${command}: one error line naming the variable, exit 2, nothing on stdout`, () => {
          const r = runs.get(command)!
          expect(expectCleanFailure(r, 2)).to.deep.equal([
            'error: config: TAP_ZENDESK_CHAT_MAX_PARALLEL_STREAMS: expected a whole number, got "four"',
          ])
          expect(r.stdout).to.equal('')
          expect(outputOf(r)).to.not.contain(SECRET)
        })
      }

      it('a boolean that is not true or false is named too', () => {
        expect(expectCleanFailure(runs.get('boolean')!, 2)).to.deep.equal([
          'error: config: TAP_ZENDESK_CHAT_ACTIVATE_VERSION: expected true or false, got "maybe"',
        ])
      })

      it('no request is made', () => {
        expect(requests).to.equal(0)
      })
    })
  })

  describe('--test: a connection test', () => {
    let config: string
    let catalog: string
    let records: RunResult
    let recordRequests: number
    let messages: Message[]

    before(async () => {
      config = await tmp().write('test-config.json', sandboxConfig(sandbox(), { agents_page_limit: 5 }))
      const discovered = JSON.parse((await tap('--discover')).stdout) as { streams: { tap_stream_id: string }[] }
      catalog = await tmp().write('two-streams.json', {
        streams: discovered.streams.filter((s) => s.tap_stream_id === 'agents' || s.tap_stream_id === 'departments'),
      })
      const start = sandbox().requestLog.length
      records = await tap('--config', config, '--test')
      recordRequests = sandbox().requestLog.length - start
      expect(records.code, describeRun(records)).to.equal(0)
      messages = parseMessages(records.stdout)
    })

    it('bare --test: each stream its SCHEMA then exactly one RECORD (an empty stream its SCHEMA only), exit 0', () => {
      for (const stream of ALL_STREAMS) {
        expect(typesOf(messages, stream), stream).to.deep.equal(EMPTY_STREAMS.includes(stream) ? ['SCHEMA'] : ['SCHEMA', 'RECORD'])
      }
      expect(lines(records.stderr).filter((l) => l.startsWith('error'))).to.deep.equal([])
    })

    it('no STATE and no ACTIVATE_VERSION: nothing a pipeline stores, nothing a target replaces a table with', () => {
      expect(messages.filter((m) => m.type === 'STATE' || m.type === 'ACTIVATE_VERSION')).to.deep.equal([])
      expect(messages.filter((m) => m.type === 'RECORD' && m.version !== undefined)).to.deep.equal([])
    })

    it('one request per stream, though agents come 5 a page', () => {
      expect(recordRequests).to.equal(ALL_STREAMS.length)
    })

    it('zchat sync --test with a catalog tests only the selected streams', async () => {
      const r = await zchat('sync', '--config', config, '--catalog', catalog, '--test')
      expect(r.code, describeRun(r)).to.equal(0)
      const ms = parseMessages(r.stdout)
      expect(ms.map(labelOf)).to.have.members(['SCHEMA agents', 'RECORD agents', 'SCHEMA departments'])
    })

    it('--test=schema: only the SCHEMA of each selected stream, the same as a sync sends, and no request', async () => {
      const start = sandbox().requestLog.length
      const [all, two] = await Promise.all([
        tap('--config', config, '--test=schema'),
        tap('--config', config, '--catalog', catalog, '--test=schema'),
      ])
      expect(sandbox().requestLog.length - start, 'requests').to.equal(0)
      for (const r of [all, two]) expect(r.code, describeRun(r)).to.equal(0)
      const schemas = parseMessages(all.stdout)
      expect(schemas.every((m) => m.type === 'SCHEMA')).to.equal(true)
      expect(schemas.map(labelOf).sort()).to.deep.equal(ALL_STREAMS.map((s) => `SCHEMA ${s}`))
      expect(schemas).to.have.deep.members(messages.filter((m) => m.type === 'SCHEMA'))
      expect(parseMessages(two.stdout).map(labelOf)).to.deep.equal(['SCHEMA agents', 'SCHEMA departments'])
    })
  })

  describe('zchat check', () => {
    const check = async (name: string, config: Record<string, unknown>): Promise<RunResult & { requests: number }> => {
      const start = sandbox().requestLog.length
      const r = await zchat('check', '--config', await tmp().write(name, config))
      expect(outputOf(r), 'the token').to.not.contain(SECRET)
      return { ...r, requests: sandbox().requestLog.length - start }
    }

    it('the sandbox: exit 0 and plain words naming the account, after exactly one request', async () => {
      const r = await check('check-ok.json', sandboxConfig(sandbox()))
      expect(r.code, describeRun(r)).to.equal(0)
      expect(r.requests).to.equal(1)
      expect(sandbox().requestLog.at(-1)!.path).to.match(/\/account$/)
      expect(r.stdout).to.match(/^OK: 127\.0\.0\.1:\d+ answered with the account/)
      expect(r.stdout).to.include(sandbox().data.account.account_key)
      expect(r.stdout).to.match(/token work/)
      expect(r.stderr, 'nothing but the answer: no log or METRIC lines').to.equal('')
    })

    it('a wrong token: the words say the token was refused (401), exit 1', async () => {
      const r = await check('check-401.json', sandboxConfig(sandbox(), { access_token: 'not-the-token-9f3e' }))
      expect(r.code, describeRun(r)).to.equal(1)
      expect(r.requests).to.equal(1)
      expect(r.stdout).to.match(/access token was refused \(401\)/)
      expect(r.stdout).to.not.contain('not-the-token-9f3e')
    })

    it('a base_url with the wrong path (404): the words are about the subdomain or base_url, exit 1', async () => {
      const r = await check(
        'check-404.json',
        sandboxConfig(sandbox(), { base_url: sandbox().baseUrl.replace('/api/v2/chat', '/api/v2/nochat') }),
      )
      expect(r.code, describeRun(r)).to.equal(1)
      expect(r.stdout).to.match(/No Zendesk Chat API at 127\.0\.0\.1:\d+ \(404\)/)
      expect(r.stdout).to.match(/subdomain/)
    })

    it('a server that is not listening: the words say it could not be reached, exit 1', async () => {
      const port = await closedPort()
      const r = await check('check-down.json', { access_token: SECRET, base_url: `http://127.0.0.1:${port}/api/v2/chat` })
      expect(r.code, describeRun(r)).to.equal(1)
      expect(r.stdout).to.include(`Could not get an answer from 127.0.0.1:${port}`)
      expect(r.stdout).to.match(/network/)
    })

    it('a config that is wrong in itself: exit 2 with the problem on stderr, no request', async () => {
      const r = await check('check-bad.json', { base_url: sandbox().baseUrl })
      expect(expectCleanFailure(r, 2).join('\n')).to.match(/access_token/)
      expect(r.requests).to.equal(0)
    })
  })

  describe('--help', () => {
    it('zchat --help lists every command, check among them', async () => {
      const r = await zchat('--help')
      expect(r.code, describeRun(r)).to.equal(0)
      for (const name of Object.keys(COMMANDS)) expect(r.stdout, name).to.match(new RegExp(`^\\s+${name}\\s`, 'm'))
      expect(Object.keys(COMMANDS)).to.include('check')
    })

    it('zchat sync --help and tap-zendesk-chat --help describe --test and its schema mode', async () => {
      const [sync, tapHelp] = await Promise.all([zchat('sync', '--help'), tap('--help')])
      expect(sync.code, describeRun(sync)).to.equal(0)
      expect(sync.stdout).to.match(/--test=<option>/)
      expect(sync.stdout).to.match(/records\|schema/)
      expect(tapHelp.stdout).to.match(/--test\[=schema\]/)
    })
  })
})
