import { expect } from 'chai'
import { FAULT_SPEC_EXAMPLE, parseFaultSpec } from '../../../../src/sandbox/index.js'

describe('sandbox fault spec (--faults)', () => {
  it('reads every setting of the documented example', () => {
    expect(parseFaultSpec(FAULT_SPEC_EXAMPLE)).to.deep.equal({
      rateLimitEvery: 5,
      retryAfterSeconds: 2,
      serverErrors: { every: 10, length: 3, status: 502 },
      resetEvery: 7,
      truncateEvery: 9,
      slowEvery: 11,
      slowMs: 3000,
      htmlEvery: 13,
      vanishAfter: 40,
      rateLimit: { requests: 200, windowMs: 60000 },
    })
  })

  it('takes spaces around settings, defaults left out, and zero where zero means something', () => {
    expect(parseFaultSpec(' rate-limit=200 , server-errors=0x1, vanish-after=0 ')).to.deep.equal({
      rateLimit: { requests: 200 },
      serverErrors: { every: 0, length: 1 },
      vanishAfter: 0,
    })
  })

  it('rejects junk with one line that says what is wrong', () => {
    const junk: Array<[string, RegExp]> = [
      ['', /it is empty; give NAME=VALUE settings/],
      ['   ', /it is empty/],
      ['bogus', /unknown setting 'bogus' \(known: rate-limit-every, .*rate-limit\)/],
      ['toString=1', /unknown setting 'toString'/],
      ['reset-every', /'reset-every' is not reset-every=N/],
      ['reset-every=', /'reset-every=' is not reset-every=N/],
      ['reset-every=1=2', /is not reset-every=N/],
      ['reset-every=1,', /empty setting .*stray comma/],
      ['reset-every=1,reset-every=2', /reset-every is given twice/],
      ['reset-every=0', /reset-every takes a whole number of at least 1, got '0'/],
      ['slow-every=2,slow-ms=1.5', /slow-ms takes a whole number of at least 0, got '1.5'/],
      ['html-every=-3', /html-every takes a whole number/],
      ['retry-after=2', /retry-after needs rate-limit-every/],
      ['slow-ms=100', /slow-ms needs slow-every/],
      ['server-error-status=503', /server-error-status needs server-errors/],
      ['server-errors=10', /server-errors takes EVERYxLENGTH, got '10'/],
      ['server-errors=10x0', /server-errors LENGTH takes a whole number of at least 1/],
      ['server-errors=1x1,server-error-status=501', /server-error-status takes 500\|502\|503\|504, got '501'/],
      ['rate-limit=200/', /rate-limit takes REQUESTS\[\/WINDOW_MS\], got '200\/'/],
      ['rate-limit=0/1000', /rate-limit REQUESTS takes a whole number of at least 1/],
      ['vanish-after=99999999999999999999', /vanish-after takes a whole number/],
    ]
    for (const [spec, problem] of junk) {
      expect(() => parseFaultSpec(spec), spec).to.throw(RangeError, /^invalid fault spec: [^\n]+$/)
      expect(() => parseFaultSpec(spec), spec).to.throw(problem)
    }
  })
})
