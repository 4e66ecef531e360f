import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { expect } from 'chai'
import { lines, spawnBin, STACK_LINE, TAP, useTempDir } from '../support/cli.js'
import { sandboxConfig, useSandbox } from '../support/sandbox.js'

const AGENTS = 10_000
const PAGES = AGENTS / 100

describe('e2e: a reader that closes stdout early', () => {
  const sandbox = useSandbox({ agents: AGENTS, departments: 2 })
  const tmp = useTempDir()

  it('ends the run within seconds, without a stack trace, and stops calling the API', async () => {
    const config = await tmp().write('config.json', sandboxConfig(sandbox()))
    const child = spawnBin(TAP, ['--config', config])
    child.stdin.end()
    let stderr = ''
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => (stderr += chunk))
    const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>

    const reader = createInterface({ input: child.stdout })
    const [first] = (await once(reader, 'line')) as [string]
    expect(JSON.parse(first)).to.have.property('type')
    reader.close()
    child.stdout.destroy()
    const closedAt = Date.now()

    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    const [, signal] = await exited
    clearTimeout(killer)

    expect(signal, `the tap had to be killed; stderr:\n${stderr}`).to.not.equal('SIGKILL')
    expect(Date.now() - closedAt, 'exit after stdout closed (ms)').to.be.below(5_000)
    for (const line of lines(stderr)) {
      expect(line, 'stack trace on stderr').to.not.match(STACK_LINE)
      expect(line).to.not.match(/EPIPE|Unhandled|TypeError|Error \[/)
    }
    const agentRequests = sandbox().requestLog.filter((r) => r.path.endsWith('/agents')).length
    expect(agentRequests, 'agent pages fetched after the reader left').to.be.below(PAGES)
  })
})
