/** A rate limit zchat did not cause: the account's limit is far below zchat's budget (another app uses the rest). */
import { expect } from 'chai'
import { describeRun, run, TAP, tap, useTempDir } from '../support/cli.js'
import { recordKeys, recordsHeld, sandboxConfig, useSandbox } from '../support/sandbox.js'
import { parseMessages, recordCounts } from '../support/singer.js'
import { rateLimitConduct, type RequestLogEntry } from '../../src/sandbox/index.js'

/** Four streams of four pages or so each, read side by side. */
const STREAMS = ['agents', 'bans', 'chats', 'agent_timeline']
const OPTIONS = { seed: 13, agents: 60, bans: 60, chats: 3000, timeline: 3000 }
const SETTINGS = { agents_page_limit: 20, bans_page_limit: 20, max_parallel_streams: 4 }
/** The sandbox's limit: 4 requests in any 5 s, far below zchat's default budget of 200 a minute. */
const LIMIT = { requests: 4, windowMs: 5000 }

describe('e2e: a rate limit shared with another app (4 requests per 5 s, 4 streams)', function () {
  this.timeout(120_000)
  const sandbox = useSandbox(OPTIONS)
  const tmp = useTempDir()
  let log: RequestLogEntry[]
  let stderr: string

  before(async () => {
    const discovered = await tap('--config', await tmp().write('discover.json', sandboxConfig(sandbox())), '--discover')
    const catalog = JSON.parse(discovered.stdout) as { streams: { tap_stream_id: string }[] }
    catalog.streams = catalog.streams.filter((s) => STREAMS.includes(s.tap_stream_id))
    const catalogFile = await tmp().write('catalog.json', catalog)
    sandbox().setFaults({ rateLimit: LIMIT })
    const from = sandbox().requestLog.length
    const config = await tmp().write('config.json', sandboxConfig(sandbox(), SETTINGS))
    const r = await run(TAP, ['--config', config, '--catalog', catalogFile], { timeoutMs: 100_000 })
    sandbox().setFaults({})
    log = sandbox().requestLog.slice(from)
    stderr = r.stderr
    expect(r.code, describeRun(r)).to.equal(0)
    const messages = parseMessages(r.stdout)
    const counts = recordCounts(messages)
    const held = recordsHeld(sandbox())
    expect(counts, 'every record, once').to.deep.equal(Object.fromEntries(STREAMS.map((s) => [s, held[s]])))
    expect(new Set(recordKeys(messages)).size).to.equal(recordKeys(messages).length)
  })

  it('every stream had several pages', () => {
    for (const stream of STREAMS) {
      const pages = log.filter((e) => e.status === 200 && e.path.endsWith(`/${stream}`))
      expect(pages.length, stream).to.be.at.least(3)
    }
  })

  it('no request leaves zchat after a 429 and before its Retry-After has passed (only those already on their way land inside)', () => {
    const conduct = rateLimitConduct(log)
    process.stderr.write(
      `      [rate limit: ${conduct.succeeded} answered, ${conduct.refused} refused with 429, ${conduct.inFlight} in flight, ${conduct.early.length} early]\n`,
    )
    expect(conduct.refused, 'the limit was met').to.be.greaterThan(0)
    expect(conduct.early, 'requests sent inside a Retry-After').to.deep.equal([])
  })

  it('429s are at most a quarter of the successful requests', () => {
    const conduct = rateLimitConduct(log)
    expect(conduct.refused, `${conduct.refused} 429s for ${conduct.succeeded} successes`).to.be.at.most(conduct.succeeded / 4)
  })

  it('says once that zchat lowers its own rate', () => {
    expect(stderr.match(/zchat lowers its own rate to \d+ requests a minute/g) ?? [], stderr).to.have.length(1)
  })
})
