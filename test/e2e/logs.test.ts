/** What a sync writes besides Singer messages: METRIC lines, JSON logs, the progress block, and stderr merged into stdout. */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { expect } from 'chai'
import { childEnv, describeRun, lines, onTerminal, run, tap, TAP, useTempDir, type RunResult } from '../support/cli.js'
import { ALL_STREAMS, recordsHeld, sandboxConfig, useSandbox } from '../support/sandbox.js'
import { type Message, parseMessage, parseMessages, recordCounts } from '../support/singer.js'
import { API_PREFIX, type RequestLogEntry } from '../../src/sandbox/index.js'

const ESC = '\x1b'
const METRIC = /^INFO \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} METRIC: (.*)$/

interface MetricPoint {
  type: string
  metric: string
  value: number
  tags: Record<string, string | number>
}

const metricsOf = (stderr: string): MetricPoint[] =>
  lines(stderr).flatMap((l) => {
    const m = METRIC.exec(l)
    return m === null ? [] : [JSON.parse(m[1]!) as MetricPoint]
  })

/** A request as an http_request_duration timer tags it. */
const asTimerTags = (r: RequestLogEntry) => ({
  endpoint: r.path.slice(API_PREFIX.length),
  http_status_code: r.status,
  status: r.status < 400 ? 'succeeded' : 'failed',
})

const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b))

describe('e2e: logs, metrics and progress', () => {
  const sandbox = useSandbox({ seed: 91, agents: 60, departments: 4, bans: 100, chats: 3000, timeline: 1500 })
  const tmp = useTempDir()
  const settings = { agents_page_limit: 10, bans_page_limit: 20, max_retries: 8 }
  let config: string

  before(async () => {
    config = await tmp().write('config.json', sandboxConfig(sandbox(), settings))
  })

  describe('METRIC lines', () => {
    let r: RunResult
    let messages: Message[]
    let requests: RequestLogEntry[]

    before(async () => {
      // A 503 now and then: its attempt is timed as failed, its retry as succeeded.
      sandbox().setFaults({ serverErrors: { every: 9, length: 1, status: 503 } })
      const start = sandbox().requestLog.length
      try {
        r = await tap('--config', config)
      } finally {
        sandbox().setFaults({})
      }
      requests = sandbox().requestLog.slice(start)
      expect(r.code, describeRun(r)).to.equal(0)
      messages = parseMessages(r.stdout)
    })

    it('record_count counters per stream add up to the RECORDs of the stream', () => {
      const counted: Record<string, number> = {}
      for (const p of metricsOf(r.stderr).filter((p) => p.metric === 'record_count')) {
        expect(p.type).to.equal('counter')
        expect(p.tags.endpoint).to.equal(p.tags.stream)
        counted[p.tags.stream as string] = (counted[p.tags.stream as string] ?? 0) + p.value
      }
      expect(Object.keys(counted).sort()).to.deep.equal(ALL_STREAMS)
      expect(counted).to.deep.equal(recordCounts(messages))
      expect(counted).to.deep.equal(recordsHeld(sandbox()))
    })

    it('one http_request_duration timer per request, tagged with its path, status code and outcome', () => {
      const timers = metricsOf(r.stderr).filter((p) => p.metric === 'http_request_duration')
      for (const t of timers) {
        expect(t.type).to.equal('timer')
        expect(t.value, 'seconds').to.be.a('number').that.is.at.least(0).and.lessThan(60)
        expect(t.tags.endpoint as string, 'a path, without the query').to.not.match(/[?&=]/)
      }
      expect(timers.map((t) => t.tags).sort(byJson)).to.deep.equal(requests.map(asTimerTags).sort(byJson))
      expect(timers.filter((t) => t.tags.status === 'failed').length, 'the 503s').to.be.greaterThan(0)
      expect(timers.filter((t) => t.tags.status === 'failed').every((t) => t.tags.http_status_code === 503)).to.equal(true)
    })

    it('a refused request is timed as failed with its status', async () => {
      const bad = await tap(
        '--config',
        await tmp().write('wrong-token.json', sandboxConfig(sandbox(), { ...settings, access_token: 'wrong-token' })),
      )
      expect(bad.code, describeRun(bad)).to.equal(1)
      const timers = metricsOf(bad.stderr).filter((p) => p.metric === 'http_request_duration')
      expect(timers.length).to.be.greaterThan(0)
      for (const t of timers) expect(t.tags).to.include({ http_status_code: 401, status: 'failed' })
    })

    it('piped stderr (not a terminal) has no progress block: no escape sequence at all', () => {
      expect(r.stderr).to.not.include(ESC)
      expect(r.stdout).to.not.include(ESC)
    })
  })

  describe('--log-format json and --log-level', () => {
    const checkJsonLines = (r: RunResult) => {
      expect(r.code, describeRun(r)).to.equal(0)
      const all = lines(r.stderr)
      expect(all.length).to.be.greaterThan(0)
      let metrics = 0
      for (const line of all) {
        let entry: { ts?: unknown; level?: unknown; message?: unknown; metric_info?: unknown; logger_name?: unknown; stream_name?: unknown }
        try {
          entry = JSON.parse(line) as typeof entry
        } catch {
          return expect.fail(`a stderr line that is not JSON: ${line}`)
        }
        // The Meltano SDK's structured form (src/cli/structured-log.ts), which Meltano's parser reads.
        expect(entry.ts, line).to.be.a('number')
        expect(Math.abs((entry.ts as number) * 1000 - Date.now()), line).to.be.lessThan(10 * 60_000)
        expect(entry.level, line).to.be.oneOf(['debug', 'info', 'warning', 'error'])
        expect(entry.message, line).to.be.a('string')
        expect(entry.logger_name, line).to.be.a('string')
        if (entry.message === 'METRIC') {
          metrics++
          expect(entry.metric_info, line).to.include.keys('type', 'metric', 'value', 'tags')
        } else expect(entry, line).to.not.have.property('metric_info')
      }
      expect(metrics, 'metric lines').to.be.greaterThan(ALL_STREAMS.length)
      parseMessages(r.stdout)
    }

    let viaFlag: RunResult
    let viaEnv: RunResult
    let warnOnly: RunResult

    before(async () => {
      ;[viaFlag, viaEnv, warnOnly] = await Promise.all([
        tap('--config', config, '--log-format', 'json'),
        run(TAP, ['--config', config], { env: { ZCHAT_LOG_FORMAT: 'json' } }),
        tap('--config', config, '--log-level', 'warn'),
      ])
    })

    it('--log-format json: every stderr line is a Meltano SDK JSON log line (level, ts, logger_name, message); metric lines carry metric_info', () => {
      checkJsonLines(viaFlag)
    })

    it('ZCHAT_LOG_FORMAT=json does the same', () => {
      checkJsonLines(viaEnv)
    })

    it('--log-format json: a failed run ends with its error as a JSON line too, without the token', async () => {
      const bad = await tap(
        '--config',
        await tmp().write('json-wrong-token.json', sandboxConfig(sandbox(), { ...settings, access_token: 'wrong-token-8c1d' })),
        '--log-format',
        'json',
      )
      expect(bad.code, describeRun(bad)).to.equal(1)
      const entries = lines(bad.stderr).map((line) => JSON.parse(line) as { level: string; message: string })
      expect(entries.at(-1)!.level).to.equal('error')
      expect(entries.at(-1)!.message).to.match(/401/)
      expect(bad.stderr).to.not.include('wrong-token-8c1d')
    })

    it('--log-level warn hides metrics (and info lines)', () => {
      expect(warnOnly.code, describeRun(warnOnly)).to.equal(0)
      expect(warnOnly.stderr).to.not.include('METRIC')
      expect(lines(warnOnly.stderr).filter((l) => !l.startsWith('WARN'))).to.deep.equal([])
      expect(recordCounts(parseMessages(warnOnly.stdout))).to.deep.equal(recordsHeld(sandbox()))
    })
  })

  describe('stdout and stderr into one pipe (2>&1)', () => {
    let merged: string

    before(async () => {
      // As Meltano's `config test` runs a tap: one pipe for both, read by another process.
      const child = spawn('/bin/sh', ['-c', 'exec "$@" 2>&1', 'sh', process.execPath, TAP, '--config', config, '--log-level', 'debug'], {
        env: childEnv(),
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      const chunks: Buffer[] = []
      child.stdout.on('data', (b: Buffer) => {
        // A reader that falls behind now and then, as targets do: the pipe fills, and a write to it waits.
        if (chunks.push(b) % 16 === 1) {
          child.stdout.pause()
          setTimeout(() => child.stdout.resume(), 50)
        }
      })
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
      merged = Buffer.concat(chunks).toString('utf8')
      expect(code, merged.slice(-2000)).to.equal(0)
    })

    it('every line is a whole Singer message or a whole log line: no log text inside a message', () => {
      const all = merged.split('\n')
      expect(all.at(-1), 'ends with a newline').to.equal('')
      let logLines = 0
      const messages: Message[] = []
      all.slice(0, -1).forEach((line, i) => {
        if (/^(DEBUG|INFO|WARN) /.test(line)) {
          logLines++
          expect(line, `line ${i + 1} is a log line with a message inside`).to.not.match(/\{"type":"(RECORD|STATE|SCHEMA)/)
          return
        }
        messages.push(parseMessage(line, `line ${i + 1} (not a log line)`))
      })
      expect(logLines, 'debug logging: a line per request at least').to.be.greaterThan(3 * ALL_STREAMS.length)
      expect(recordCounts(messages), 'every record').to.deep.equal(recordsHeld(sandbox()))
    })
  })

  describe('the progress block on a terminal', () => {
    it('under a pseudo-terminal, stderr shows a line per stream with records and pages, redrawn in place; stdout stays clean', async function () {
      if (!existsSync('/usr/bin/script')) this.skip()
      const out = tmp().file('pty-out.jsonl')
      const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
      const command = `${[process.execPath, TAP, '--config', config].map(quote).join(' ')} > ${quote(out)}`
      // script(1) runs the command on a new pseudo-terminal and copies what it shows to its stdout.
      const { code, screen } = await onTerminal(command)
      expect(code, screen.slice(-2000)).to.equal(0)
      // eslint-disable-next-line no-control-regex -- the terminal's escape sequences are what this checks
      expect(screen, 'the block is erased and redrawn').to.match(/\r\x1b\[\d+A\x1b\[J/)
      // The last block drawn: every stream, done.
      const last = screen
        .slice(screen.lastIndexOf('\x1b[J') + 3)
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '')
      expect(last.map((l) => l.split(/\s+/)[0]).sort()).to.deep.equal(ALL_STREAMS)
      for (const line of last) expect(line).to.match(/^\S+\s+[\d,]+ records\s+[\d,]+ pages.*done/)
      const stdout = await readFile(out, 'utf8')
      expect(stdout).to.not.include(ESC)
      expect(Object.keys(recordCounts(parseMessages(stdout))).sort()).to.deep.equal(ALL_STREAMS)
    })
  })
})
