import { expect } from 'chai'
import { describeRun, lines, spawnBin, STACK_LINE, tap, TAP, useTempDir } from '../support/cli.js'
import { recordKeys, sandboxConfig, useSandbox } from '../support/sandbox.js'
import { completeMessages, lastState, parseMessages, type Message } from '../support/singer.js'

interface Stopped {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  /** Milliseconds from the signal to the exit. */
  readonly exitMs: number
}

/** RECORDs seen so far, per stream. */
type Counts = ReadonlyMap<string, number>
const RECORD_PREFIX = /^\{"type":"RECORD","stream":"([^"]+)"/

/** Run the tap and send `signal` once `ready(records seen so far)` holds. */
const runUntil = (args: string[], ready: (seen: Counts) => boolean, signal: NodeJS.Signals): Promise<Stopped> =>
  new Promise((done, fail) => {
    const child = spawnBin(TAP, args)
    child.stdin.end()
    let stdout = ''
    let stderr = ''
    let signalledAt: number | undefined
    // Counted line by line as output arrives: rescanning all of it on every chunk would be quadratic.
    const counts = new Map<string, number>()
    let scanned = 0
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString('utf8')
      const end = stdout.lastIndexOf('\n')
      if (end >= scanned) {
        for (const line of stdout.slice(scanned, end).split('\n')) {
          const stream = RECORD_PREFIX.exec(line)?.[1]
          if (stream !== undefined) counts.set(stream, (counts.get(stream) ?? 0) + 1)
        }
        scanned = end + 1
      }
      if (signalledAt === undefined && ready(counts)) {
        signalledAt = Date.now()
        child.kill(signal)
      }
    })
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')))
    child.on('error', fail)
    child.on('close', (code, sig) => {
      clearTimeout(guard)
      if (signalledAt === undefined) fail(new Error(`the run ended before the signal: exit ${code}\n${stderr.slice(0, 1000)}`))
      else done({ code, signal: sig, stdout, stderr, exitMs: Date.now() - signalledAt })
    })
  })

const keysOf = (messages: readonly Message[]): Set<string> => new Set(recordKeys(messages))

const STREAMS = ['agents', 'agent_timeline', 'bans', 'chats']
// Agents and bans INCREMENTAL on id (the default reads them in full), so a kill after a page of agents has something to resume.
const byId = (s: string) => (s === 'agents' || s === 'bans' ? { 'replication-method': 'INCREMENTAL' } : {})
const catalog = {
  streams: STREAMS.map((s) => ({
    tap_stream_id: s,
    stream: s,
    schema: {},
    metadata: [{ breadcrumb: [], metadata: { selected: true, ...byId(s) } }],
  })),
}

describe('e2e: signals and kills', () => {
  const sandbox = useSandbox({ seed: 51, agents: 300, bans: 1200, chats: 12_000, timeline: 8000 })
  const tmp = useTempDir()
  let args: string[]
  let clean: Set<string>

  before(async () => {
    const config = await tmp().write('config.json', sandboxConfig(sandbox(), { agents_page_limit: 50, bans_page_limit: 100 }))
    args = ['--config', config, '--catalog', await tmp().write('catalog.json', catalog)]
    const r = await tap(...args)
    expect(r.code, describeRun(r)).to.equal(0)
    clean = keysOf(parseMessages(r.stdout))
  })

  for (const [signal, status] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`${signal}: ends within 2 s with status ${status}, one line on stderr, a STATE as the last message, nothing cut`, async () => {
      const r = await runUntil(args, (seen) => (seen.get('chats') ?? 0) > 0, signal)
      expect(r.code, r.stderr).to.equal(status)
      expect(r.exitMs).to.be.lessThan(2000)
      expect(r.stdout.endsWith('\n'), 'stdout ends with a whole line').to.equal(true)
      const messages = parseMessages(r.stdout)
      expect(messages.at(-1)!.type).to.equal('STATE')
      const errLines = lines(r.stderr).filter((l) => !/^(INFO|WARN|DEBUG)/.test(l))
      expect(errLines).to.deep.equal([`stopped by ${signal}: the last STATE written covers every record emitted; resume from it`])
      expect(r.stderr).to.not.match(STACK_LINE)
      expect(keysOf(messages).size).to.be.lessThan(clean.size)
    })
  }

  const killPoints: [string, (seen: Counts) => boolean][] = [
    ['after the first page of agents', (seen) => (seen.get('agents') ?? 0) >= 50],
    ['in the middle of agent_timeline', (seen) => (seen.get('agent_timeline') ?? 0) >= 3000],
    ['in the middle of chats', (seen) => (seen.get('chats') ?? 0) >= 5000],
  ]
  for (const [where, ready] of killPoints) {
    it(`SIGKILL ${where}, then a run from the last STATE seen: together they emit everything a clean run does`, async () => {
      const killed = await runUntil(args, ready, 'SIGKILL')
      expect(killed.signal).to.equal('SIGKILL')
      const seen = completeMessages(killed.stdout)
      const state = await tmp().write(`state-${where.replace(/\W+/g, '-')}.json`, lastState(seen))
      const resumed = await tap(...args, '--state', state)
      expect(resumed.code, describeRun(resumed)).to.equal(0)
      const union = new Set([...keysOf(seen), ...keysOf(parseMessages(resumed.stdout))])
      expect(union.size).to.equal(clean.size)
      for (const key of clean) expect(union.has(key), key).to.equal(true)
      // The resumed run did not start over.
      expect(keysOf(parseMessages(resumed.stdout)).size).to.be.lessThan(clean.size)
    })
  }
})
