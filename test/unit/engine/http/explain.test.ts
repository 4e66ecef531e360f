import { expect } from 'chai'
import { decide } from '../../../../src/engine/http/retry.js'
import { explain, fetchFault } from '../../../../src/engine/http/explain.js'

/** A fetch failure as undici throws it: a TypeError whose cause is the system error. */
const fetchFailed = (cause: { code?: string; message: string }) =>
  Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(cause.message), cause) })
const limits = { maxRetries: 5, maxRetryWaitMs: 120_000 }

describe('HTTP failures in words', () => {
  it('says what a status means and appends what Zendesk said', () => {
    expect(explain(401, '{"error":"invalid_token","description":"The access token expired"}')).to.equal(
      'the access token was refused: it may be invalid or expired, or not from a Zendesk Chat OAuth client (invalid_token: The access token expired)',
    )
    expect(explain(403, '{}')).to.match(/^access denied: the token may lack the read or chat scope/)
    expect(explain(404, '')).to.equal('not found: check the subdomain (or base_url)')
    expect(explain(429, '{"error":"Too Many Requests"}')).to.equal('rate limited (Too Many Requests)')
    expect(explain(502, '<html>\n  Bad   Gateway\n</html>')).to.equal('request failed (<html> Bad Gateway </html>)')
  })

  it('a host DNS says does not exist is a wrong subdomain, not retried; once the host has answered it is a hiccup, retried', () => {
    const error = fetchFailed({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND acme.zendesk.com' })
    const before = fetchFault(error, 'acme.zendesk.com', false)
    expect(before.fault).to.deep.equal({ kind: 'no-such-host' })
    expect(before.message).to.equal(
      'fetch failed: getaddrinfo ENOTFOUND acme.zendesk.com (ENOTFOUND): no such host acme.zendesk.com; check subdomain (acme for acme.zendesk.com) or base_url',
    )
    expect(decide(1, before.fault, limits, Math.random).action).to.equal('give-up')

    const after = fetchFault(error, 'acme.zendesk.com', true)
    expect(after).to.deep.equal({ fault: { kind: 'network' }, message: 'fetch failed: getaddrinfo ENOTFOUND acme.zendesk.com (ENOTFOUND)' })
    expect(decide(1, after.fault, limits, Math.random).action).to.equal('retry')
  })

  it('a resolver that does not answer, a refused or reset connection are the network, and retried', () => {
    for (const code of ['EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET']) {
      const { fault, message } = fetchFault(fetchFailed({ code, message: `connect ${code}` }), 'acme.zendesk.com', false)
      expect(fault, code).to.deep.equal({ kind: 'network' })
      expect(message).to.equal(`fetch failed: connect ${code} (${code})`)
    }
  })

  it('a server that answers https:// in plain HTTP is said so, and not retried', () => {
    const { fault, message } = fetchFault(
      fetchFailed({ code: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'SSL routines' }),
      '127.0.0.1:8080',
      true,
    )
    expect(fault).to.deep.equal({ kind: 'no-tls' })
    expect(message).to.equal(
      'the server at 127.0.0.1:8080 does not speak TLS: base_url is https:// but the server answers plain http:// (use http:// for a local server)',
    )
    for (const words of ['ssl3_get_record:wrong version number', 'packet length too long'])
      expect(fetchFault(fetchFailed({ message: words }), 'h', false).fault, words).to.deep.equal({ kind: 'no-tls' })
  })
})
