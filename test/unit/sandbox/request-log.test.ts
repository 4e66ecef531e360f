import { expect } from 'chai'
import { rateLimitConduct, type RequestLogEntry } from '../../../src/sandbox/index.js'
import { IN_FLIGHT_MS } from '../../../src/sandbox/request-log.js'

const entry = (path: string, at: number, status = 200, retryAfterSeconds?: number): RequestLogEntry => ({
  method: 'GET',
  path,
  query: {},
  status,
  at,
  answeredAt: at + 5,
  ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds, fault: 'rateLimit' as const }),
})

describe('sandbox request log: how a client behaved under the rate limit', () => {
  it('counts answers and 429s; a request on its way when the 429 was sent is in flight, not early', () => {
    const log = [
      entry('/a', 0),
      entry('/b', 2), // answered at 7
      entry('/a', 10, 429, 5), // answered at 15: wait until 5,010
      entry('/b', 16), // sent once /b's page was in at 7, before the 429 was sent at 15: on its way
      entry('/a', 5_020), // after the wait
    ]
    expect(rateLimitConduct(log)).to.deep.equal({ succeeded: 4, refused: 1, early: [], inFlight: 1 })
    const late = entry('/b', 15 + IN_FLIGHT_MS + 1)
    expect(rateLimitConduct([...log.slice(0, 3), late]).early, 'too long after the 429 to have been on its way').to.deep.equal([late])
  })

  it("a request sent after the 429 was answered is early: the stream's own retry, another stream's next page, a stream's first request", () => {
    const retry = entry('/a', 1_000)
    const next = entry('/b', 2_000) // its page was in before the 429, but it came long after the 429: sent after
    const first = entry('/c', 3_000)
    const log = [entry('/b', 0), entry('/a', 10, 429, 5), retry, next, first, entry('/a', 4_960)]
    const conduct = rateLimitConduct(log)
    expect(conduct.early).to.deep.equal([retry, next, first])
    // The last one within the sandbox's tolerance of the end of the wait: on time.
    expect(conduct.inFlight).to.equal(0)
  })
})
