import { access } from 'node:fs/promises'
import { join } from 'node:path'
import { expect } from 'chai'
import { describeRun, run, useTempDir, ZCHAT } from '../support/cli.js'
import { agentIds, parseMessages, recordsOf } from '../support/singer.js'
import { readFile } from 'node:fs/promises'

describe('e2e: zchat demo', () => {
  const tmp = useTempDir()

  it('runs a full then an incremental sync against its own sandbox and prints a per-stream summary', async () => {
    const out = tmp().file('demo')
    const r = await run(ZCHAT, ['demo', '--out', out], { cwd: tmp().path })
    expect(r.code, describeRun(r)).to.equal(0)
    const agentsRow = r.stdout.split('\n').find((l) => /^\s*agents\s/.test(l))
    expect(agentsRow, `a summary row for agents:\n${r.stdout}`).to.not.equal(undefined)
    for (const stream of ['account', 'departments']) expect(r.stdout).to.match(new RegExp(`^\\s*${stream}\\s`, 'm'))

    // The token came from zchat login (not the sandbox's fixed one), and was never printed.
    expect(r.stdout).to.match(/^login: OK: /m)
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as Record<string, string>
    expect(config.access_token).to.be.a('string').and.not.equal('sandbox-token')
    expect(config.start_date, 'the settings the demo wrote before login are kept').to.be.a('string')
    for (const secret of [config.access_token!, config.refresh_token!, config.client_secret!])
      expect(r.stdout + r.stderr).not.to.contain(secret)

    const files = ['run-1.jsonl', 'run-2.jsonl'].map((f) => join(out, f))
    for (const f of files) await access(f)
    const [run1, run2] = await Promise.all(files.map(async (f) => parseMessages(await readFile(f, 'utf8'))))
    const first = new Set(agentIds(run1!))
    expect(first.size).to.be.greaterThan(0)
    // Agents are read in full: run 2 has every agent of run 1 again (two of them edited) and the 3 that joined.
    expect(
      agentIds(run2!).filter((id) => !first.has(id)),
      'run 2 emits the new agents',
    ).to.have.length(3)
    expect(
      agentIds(run2!).filter((id) => first.has(id)),
      'run 2 emits the agents of run 1 again',
    ).to.have.length(first.size)
    const agentsOf = (messages: typeof run1) => new Map(recordsOf(messages!, 'agents').map((r) => [r.id, JSON.stringify(r)]))
    const [before, after] = [agentsOf(run1), agentsOf(run2)]
    expect(
      [...before].filter(([id, record]) => after.get(id) !== record),
      'the edited agents',
    ).to.have.length(2)
    const bans = (messages: typeof run1) => recordsOf(messages!, 'bans').length
    expect(bans(run2), 'a ban was lifted').to.equal(bans(run1) - 1)
    // The summary's numbers are the files' numbers.
    expect(agentsRow).to.include(String(first.size))
    expect(agentsRow).to.include(String(agentIds(run2!).length))
  })

  it('reads well in an 80-column terminal: a short run log, a table that fits, versions as read times', async () => {
    const r = await run(ZCHAT, ['demo', '--out', tmp().file('demo-80')], { cwd: tmp().path })
    expect(r.code, describeRun(r)).to.equal(0)
    const shown = `${r.stdout}${r.stderr}`.trimEnd().split('\n')
    // About a screen: the login step, two runs of one summary line each, the table.
    expect(shown.length, shown.join('\n')).to.be.at.most(32)
    for (const line of shown) expect(line.length, line).to.be.at.most(80)
    expect(shown.join('\n'))
      .to.not.include('METRIC')
      .and.not.match(/version=?\s*\d{10,}/)
    expect(shown.find((l) => /^\s*account\s/.test(l))).to.match(/read at \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/)
    expect(
      shown.filter((l) => /^ {2}14 streams, [\d,]+ records, \d+ requests in [\d.]+ s; state: state-\d\.json$/.test(l)).length,
      'one summary per run',
    ).to.equal(2)
  })
})
