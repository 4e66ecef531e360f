import { expect } from 'chai'
import { describeRun, expectCleanFailure, lines, STACK_LINE, tap, useTempDir } from '../support/cli.js'
import { sandboxConfig, useSandbox } from '../support/sandbox.js'
import { parseMessages, recordsOf } from '../support/singer.js'

const RIGHT_TOKEN = 'e2e-right-token-4f1c8a'
const WRONG_TOKEN = 'e2e-wrong-token-9b2d7e'

describe('e2e: API failures and secrets', () => {
  const sandbox = useSandbox({ token: RIGHT_TOKEN, agents: 12, departments: 2 })
  const tmp = useTempDir()

  for (const logLevel of ['info', 'debug']) {
    it(`a refused token (log level ${logLevel}) exits 1 with one error line about 401 and the token, never printing it`, async () => {
      const config = await tmp().write(`wrong-${logLevel}.json`, sandboxConfig(sandbox(), { access_token: WRONG_TOKEN }))
      const r = await tap('--config', config, '--log-level', logLevel)
      const errors = expectCleanFailure(r, 1, { logs: true })
      expect(errors, r.stderr).to.have.length(1)
      expect(errors[0]).to.include('401')
      expect(errors[0]).to.match(/token/i)
      expect(r.stdout, 'token on stdout').to.not.include(WRONG_TOKEN)
      expect(r.stderr, 'token on stderr').to.not.include(WRONG_TOKEN)
      expect(r.stderr).to.not.include('Bearer')
      parseMessages(r.stdout) // whatever came before the failure is still valid Singer
    })
  }

  it('--log-level debug logs each request on stderr without the token or the word Bearer', async () => {
    const config = await tmp().write('right.json', sandboxConfig(sandbox(), { agents_page_limit: 5 }))
    const r = await tap('--config', config, '--log-level', 'debug')
    expect(r.code, describeRun(r)).to.equal(0)
    expect(recordsOf(parseMessages(r.stdout), 'agents')).to.have.length(12)
    const requestLines = lines(r.stderr).filter((l) => /agents/.test(l) && /since_id|GET/.test(l))
    expect(requestLines.length, `request lines on stderr:\n${r.stderr}`).to.be.at.least(3)
    expect(
      lines(r.stderr).some((l) => /\baccount\b/.test(l) && /GET/.test(l)),
      'account request logged',
    ).to.equal(true)
    expect(r.stderr).to.not.include(RIGHT_TOKEN)
    expect(r.stdout).to.not.include(RIGHT_TOKEN)
    expect(r.stderr).to.not.include('Bearer')
    for (const line of lines(r.stderr)) expect(line).to.not.match(STACK_LINE)
  })

  it('at the default log level prints no request lines', async () => {
    const config = await tmp().write('quiet.json', sandboxConfig(sandbox()))
    const r = await tap('--config', config)
    expect(r.code, describeRun(r)).to.equal(0)
    expect(lines(r.stderr).filter((l) => l.startsWith('DEBUG'))).to.deep.equal([])
  })
})
