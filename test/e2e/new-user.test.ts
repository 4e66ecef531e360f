/** A new user's first hour (issue 14): every flag --help lists works in every mode, and the inputs a user first tries are read. */
import { createServer, type Server } from 'node:net'
import { expect } from 'chai'
import { describeRun, expectCleanFailure, lines, PACKAGE_VERSION, run, tap, useTempDir, zchat, ZCHAT } from '../support/cli.js'
import { parseCatalog, withMetadata, type Catalog } from '../support/catalog.js'
import { ALL_STREAMS, sandboxConfig, useSandbox } from '../support/sandbox.js'
import { lastState, parseMessages, recordsOf } from '../support/singer.js'

const jsonLines = (stderr: string) => lines(stderr).map((line) => JSON.parse(line) as { level: string; message: string })

/** Listen on `port` of 127.0.0.1; undefined when something else holds it. */
const hold = (port: number): Promise<Server | undefined> =>
  new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(undefined))
    server.listen({ port, host: '127.0.0.1' }, () => resolve(server))
  })

describe("e2e: a new user's first hour", () => {
  const sandbox = useSandbox({ seed: 31, agents: 30, chats: 60, timeline: 40, bans: 6 })
  const tmp = useTempDir()
  let config: string
  let catalog: Catalog

  before(async () => {
    config = await tmp().write('config.json', sandboxConfig(sandbox()))
    catalog = parseCatalog((await tap('--discover')).stdout)
  })

  describe('flags in every mode', () => {
    it('--log-level and --log-format with --discover and --about', async () => {
      for (const args of [
        ['--discover', '--log-level', 'debug', '--log-format', 'json'],
        ['--about', '--log-level=warn', '--log-format=text', '--format=json'],
        ['--config', config, '--discover', '--log-format', 'json'],
      ]) {
        const r = await tap(...args)
        expect(r.code, `${args.join(' ')}: ${describeRun(r)}`).to.equal(0)
        JSON.parse(r.stdout)
      }
      const z = await zchat('discover', '--log-format', 'json', '--log-level', 'warn')
      expect(z.code, describeRun(z)).to.equal(0)
      const a = await zchat('about', '--log-level', 'debug')
      expect(a.code, describeRun(a)).to.equal(0)
    })

    it("ZCHAT_LOG_FORMAT=json makes discover's config warnings JSON lines", async () => {
      const bad = await tmp().write('no-subdomain.json', { access_token: 'x' })
      for (const args of [
        ['--config', bad, '--discover'],
        ['discover', '--config', bad],
      ]) {
        const r = await run(args[0] === 'discover' ? ZCHAT : (await import('../support/cli.js')).TAP, args, {
          env: { ZCHAT_LOG_FORMAT: 'json' },
        })
        expect(r.code, describeRun(r)).to.equal(0)
        const entries = jsonLines(r.stderr)
        // The Meltano SDK's structured form names levels as Python does.
        expect(entries.map((e) => e.level)).to.deep.equal(['warning'])
        expect(entries[0]!.message).to.match(/subdomain/)
      }
    })

    it('an unknown flag with --discover is one error line, exit 2', async () => {
      expectCleanFailure(await tap('--discover', '--bogus'), 2)
    })

    it('--test schema works as --test=schema does', async () => {
      for (const r of await Promise.all([
        tap('--config', config, '--test', 'schema'),
        tap('--config', config, '--test=schema'),
        zchat('sync', '--config', config, '--test', 'schema'),
      ])) {
        expect(r.code, describeRun(r)).to.equal(0)
        const messages = parseMessages(r.stdout)
        expect(messages.map((m) => m.type)).to.deep.equal(ALL_STREAMS.map(() => 'SCHEMA'))
      }
    })

    it('--version names the executable that was run', async () => {
      const [t, z] = await Promise.all([tap('--version'), zchat('--version')])
      expect(t.stdout).to.match(new RegExp(`^tap-zendesk-chat/${PACKAGE_VERSION} `))
      expect(z.stdout).to.match(new RegExp(`^zchat/${PACKAGE_VERSION} `))
    })

    it('zchat help gives the help, and a typo of a command suggests the command', async () => {
      const help = await zchat('help')
      expect(help.code, describeRun(help)).to.equal(0)
      expect(help.stdout).to.include('COMMANDS').and.include('sync')
      const syncHelp = await zchat('help', 'sync')
      expect(syncHelp.code, describeRun(syncHelp)).to.equal(0)
      expect(syncHelp.stdout).to.include('USAGE').and.include('--catalog')
      const typo = await zchat('snyc', '--config', config)
      expect(expectCleanFailure(typo, 2)).to.deep.equal(['error: command snyc not found. Did you mean sync? (see zchat sync --help)'])
    })
  })

  describe('state files', () => {
    let first: ReturnType<typeof parseMessages>

    before(async () => {
      const r = await tap('--config', config)
      expect(r.code, describeRun(r)).to.equal(0)
      first = parseMessages(r.stdout)
    })

    it('a whole STATE message (tail -1 out.jsonl > state.json) resumes like its value', async () => {
      // Agents are read in full every run; chats resume from their bookmark, so only the bookmarked instant comes again.
      const chatIds = (stdout: string) => recordsOf(parseMessages(stdout), 'chats').map((c) => c.id)
      const plain = await tap('--config', config, '--state', await tmp().write('state-value.json', lastState(first)))
      expect(plain.code, describeRun(plain)).to.equal(0)
      expect(chatIds(plain.stdout).length, 'the value resumes').to.be.lessThan(recordsOf(first, 'chats').length / 4)
      const message = { type: 'STATE', value: lastState(first) }
      const r = await tap('--config', config, '--state', await tmp().write('state-message.json', `${JSON.stringify(message)}\n`))
      expect(r.code, describeRun(r)).to.equal(0)
      expect(chatIds(r.stdout), 'a STATE message resumes where its value does').to.deep.equal(chatIds(plain.stdout))
      const wrapped = await tap('--config', config, '--state', await tmp().write('state-meltano.json', { singer_state: lastState(first) }))
      expect(chatIds(wrapped.stdout)).to.deep.equal(chatIds(plain.stdout))
    })

    it('bookmarks zchat cannot read are named in a warning with what it does instead', async () => {
      const state = { bookmarks: { agents: { last_id: 12 }, chat: { update_timestamp: '2024-01-01T00:00:00Z' } } }
      const r = await tap('--config', config, '--state', await tmp().write('foreign.json', state))
      expect(r.code, describeRun(r)).to.equal(0)
      const warnings = lines(r.stderr).filter((l) => l.startsWith('WARN'))
      expect(
        warnings.some((w) => w.includes('bookmarks.agents: "last_id" ignored') && w.includes('agents is read in full from start_date')),
        warnings.join('\n'),
      ).to.equal(true)
      expect(
        warnings.some((w) => w.includes('bookmarks.chat ignored: zchat has no stream "chat"')),
        warnings.join('\n'),
      ).to.equal(true)
      expect(recordsOf(parseMessages(r.stdout), 'agents').length).to.equal(sandbox().data.agentCount)
    })

    it('a bookmark later than the clock is brought back to now, with a warning, and new chats are read after it', async () => {
      const state = { bookmarks: { chats: { update_timestamp: '2099-01-01T00:00:00Z' } } }
      const r = await tap('--config', config, '--state', await tmp().write('future.json', state))
      expect(r.code, describeRun(r)).to.equal(0)
      expect(
        lines(r.stderr).filter((l) => /WARN .*bookmarks\.chats\.update_timestamp 2099-01-01T00:00:00Z is later than now/.test(l)).length,
      ).to.equal(1)
      const bookmark = lastState(parseMessages(r.stdout)).bookmarks.chats?.update_timestamp as string
      expect(Date.parse(bookmark), 'not kept in 2099').to.be.lessThan(Date.now() + 60_000)
    })
  })

  describe('config and catalog', () => {
    it('start_date before 1970 is refused by the config check, naming start_date', async () => {
      const errors = expectCleanFailure(
        await tap('--config', await tmp().write('1969.json', sandboxConfig(sandbox(), { start_date: '1969-07-20' }))),
        2,
      )
      expect(errors.join('\n')).to.match(/start_date: 1969-07-20 is before 1970/)
    })

    it('a date-time without an offset is read as UTC, and about says so', async () => {
      const r = await tap('--config', await tmp().write('naive.json', sandboxConfig(sandbox(), { start_date: '2024-01-01T00:00:00' })))
      expect(r.code, describeRun(r)).to.equal(0)
      const about = await tap('--about')
      expect(about.stdout).to.match(/without an offset, e\.g\. 2024-01-01T00:00:00, is read as UTC/)
    })

    it('a config file starting with a UTF-8 byte-order mark is read', async () => {
      const bom = await tmp().write('bom.json', `\uFEFF${JSON.stringify(sandboxConfig(sandbox()))}`)
      const r = await tap('--config', bom, '--test')
      expect(r.code, describeRun(r)).to.equal(0)
    })

    it('a catalog that selects no stream warns, and --test then fails', async () => {
      let none = catalog
      for (const stream of ALL_STREAMS) none = withMetadata(none, stream, [], { selected: false })
      const file = await tmp().write('none.json', none)
      const r = await tap('--config', config, '--catalog', file)
      expect(r.code, describeRun(r)).to.equal(0)
      expect(lines(r.stderr).filter((l) => /^WARN .*the catalog selects no stream/.test(l)).length).to.equal(1)
      const t = await tap('--config', config, '--catalog', file, '--test')
      expect(expectCleanFailure(t, 2).join('\n')).to.include('selects no stream')
    })

    it('an https:// base_url against a plain-http server: one line that says the server does not speak TLS, at once', async () => {
      const https = await tmp().write(
        'https.json',
        sandboxConfig(sandbox(), { base_url: sandbox().baseUrl.replace('http://', 'https://') }),
      )
      const r = await tap('--config', https)
      const errors = expectCleanFailure(r, 1, { logs: true })
      expect(errors).to.have.length(1)
      expect(errors[0]).to.match(/does not speak TLS/)
      expect(r.stderr).to.not.match(/ssl3_get_record|retry \d+ of/)
    })

    it('chats_strategy shows its choices in about', async () => {
      const text = await tap('--about')
      expect(text.stdout).to.match(/chats_strategy: export or search, default "export"/)
    })
  })

  describe('zchat sandbox ports', () => {
    it("without --port, serves on 8080 (the README's example config) when it is free", async function () {
      const probe = await hold(8080)
      if (probe === undefined) this.skip()
      await new Promise((resolve) => probe!.close(resolve))
      const child = (await import('../support/cli.js')).spawnBin(ZCHAT, ['sandbox', '--chats', '5', '--agents', '2'])
      const url = await new Promise<string>((resolve) => {
        let out = ''
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString()
          if (out.includes('\n')) resolve(out.trim())
        })
        child.on('close', () => resolve(out.trim()))
      })
      const exited = new Promise((resolve) => child.once('close', resolve))
      child.kill('SIGTERM')
      await exited
      expect(url).to.equal('http://127.0.0.1:8080/api/v2/chat')
    })

    it('8080 taken: serves on another port and says which; an explicit port in use is one plain line', async () => {
      const held = await hold(8080)
      try {
        // 8080 is taken now, by this test or by someone else.
        const child = (await import('../support/cli.js')).spawnBin(ZCHAT, ['sandbox', '--chats', '5', '--agents', '2'])
        const said = await new Promise<string>((resolve) => {
          let err = ''
          child.stderr.on('data', (b: Buffer) => {
            err += b.toString()
            if (err.includes('Ctrl-C')) resolve(err)
          })
          child.on('close', () => resolve(err))
        })
        const exited = new Promise((resolve) => child.once('close', resolve))
        child.kill('SIGTERM')
        await exited
        expect(said).to.match(/^Port 8080 is in use: serving on port (\d+) instead/m)
        expect(said).to.not.include('serving on http://127.0.0.1:8080')
      } finally {
        held?.close()
      }
      const busy = await hold(0)
      const port = (busy!.address() as { port: number }).port
      try {
        const r = await zchat('sandbox', '--port', String(port))
        expect(expectCleanFailure(r, 2)).to.deep.equal([
          `error: port ${port} on 127.0.0.1 is in use (another sandbox?): choose another with --port, or --port 0 for any free port`,
        ])
      } finally {
        busy!.close()
      }
    })
  })
})
