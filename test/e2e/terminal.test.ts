/** What a person at a terminal sees (issue 14): no METRIC flood, a warning when stdout is the terminal, timestamps and a summary line. */
import { existsSync } from 'node:fs'
import { expect } from 'chai'
import { describeRun, lines, onTerminal, TAP, tap, useTempDir, type RunResult } from '../support/cli.js'
import { ALL_STREAMS, recordsHeld, sandboxConfig, useSandbox } from '../support/sandbox.js'
import { parseMessages, recordsOf } from '../support/singer.js'

const ESC = '\x1b'
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
/** singer-python's text log line: level, then Python's asctime, then the message. */
const LOG_LINE = /^(DEBUG|INFO|WARN|ERROR) \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} /

describe('e2e: what the terminal shows', () => {
  const sandbox = useSandbox({ seed: 23, agents: 40, chats: 200, timeline: 100, bans: 10 })
  const tmp = useTempDir()
  let config: string
  const tapCommand = (...args: string[]) => [process.execPath, TAP, ...args].map(quote).join(' ')

  before(async function () {
    if (!existsSync('/usr/bin/script')) this.skip()
    config = await tmp().write('config.json', sandboxConfig(sandbox(), { agents_page_limit: 10 }))
  })

  it('stderr on a terminal: no METRIC lines unless metrics_log_level asks for them', async () => {
    const out = tmp().file('t1.jsonl')
    const quiet = await onTerminal(`${tapCommand('--config', config)} > ${quote(out)}`)
    expect(quiet.code, quiet.screen.slice(-2000)).to.equal(0)
    expect(quiet.screen).to.not.include('METRIC')
    expect(quiet.screen, 'where the state went').to.include(`state: last STATE in ${out}`)
    const asked = await onTerminal(
      `${tapCommand('--config', await tmp().write('metrics.json', sandboxConfig(sandbox(), { agents_page_limit: 10, metrics_log_level: 'INFO' })))} > ${quote(out)}`,
    )
    expect(asked.code, asked.screen.slice(-2000)).to.equal(0)
    expect(asked.screen).to.include('METRIC: {"type":"timer","metric":"http_request_duration"')
  })

  it('piped stderr keeps the METRIC lines Meltano reads, and metrics_log_level WARNING hides them', async () => {
    const piped = await tap('--config', config)
    expect(piped.code, describeRun(piped)).to.equal(0)
    expect(lines(piped.stderr).filter((l) => l.includes(' METRIC: {"type":"counter","metric":"record_count"')).length).to.be.at.least(
      ALL_STREAMS.length,
    )
    const hidden = await tap('--config', await tmp().write('warning.json', sandboxConfig(sandbox(), { metrics_log_level: 'WARNING' })))
    expect(hidden.code, describeRun(hidden)).to.equal(0)
    expect(hidden.stderr).to.not.include('METRIC')
  })

  it('a bad metrics_log_level is refused naming the setting and its choices', async () => {
    const r = await tap('--config', await tmp().write('bad-metrics.json', sandboxConfig(sandbox(), { metrics_log_level: 'LOUD' })))
    expect(r.code, describeRun(r)).to.equal(2)
    expect(r.stderr).to.match(/metrics_log_level: .*DEBUG, INFO, WARNING, ERROR or NONE/)
  })

  it('stdout on the terminal: no progress block, one warning with the command to redirect', async () => {
    const shown = await onTerminal(tapCommand('--config', config))
    expect(shown.code, shown.screen.slice(-2000)).to.equal(0)
    expect(shown.screen, 'no progress block drawn among the records').to.not.include(`${ESC}[`)
    const warnings = shown.screen.split(/\r?\n/).filter((l) => /^WARN .*Singer output is meant for a target or a file/.test(l))
    expect(warnings.length, shown.screen.slice(0, 2000)).to.equal(1)
    expect(warnings[0]).to.include(`--config ${config} > out.jsonl`)
  })

  describe('piped logs', () => {
    let r: RunResult
    before(async () => {
      r = await tap('--config', config)
      expect(r.code, describeRun(r)).to.equal(0)
    })

    it("every text log line carries a timestamp, as singer-python's do", () => {
      for (const line of lines(r.stderr)) expect(line).to.match(LOG_LINE)
    })

    it('the run ends with one summary line: streams, records, requests, time, and where the state went', () => {
      const records = Object.values(recordsHeld(sandbox())).reduce((a, b) => a + b, 0)
      const messages = parseMessages(r.stdout)
      expect(recordsOf(messages).length).to.equal(records)
      const last = lines(r.stderr).at(-1)!
      const requests = lines(r.stderr).filter((l) => l.includes('"metric":"http_request_duration"')).length
      expect(last).to.match(
        new RegExp(
          `^INFO .* sync done: ${ALL_STREAMS.length} streams, ${records.toLocaleString('en-US')} records, ${requests} requests in \\d+\\.\\d s; state: last STATE on stdout \\(a pipe\\)$`,
        ),
      )
    })
  })
})
