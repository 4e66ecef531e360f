/**
 * HTTP failures in words a user can act on: an error status with Zendesk's
 * own description, and a request that got no answer, said by what its cause
 * says and sorted into the fault it is (which the retry policy judges).
 */
import type { Fault } from './retry.js'

/** Why a status failed, in words a user can act on; Zendesk's own description appended. */
export const explain = (status: number, body: string): string => {
  let detail = ''
  try {
    const parsed = JSON.parse(body) as { error?: unknown; description?: unknown }
    detail = [parsed.error, parsed.description].filter((x) => typeof x === 'string' && x !== '').join(': ')
  } catch {
    detail = body.slice(0, 200).replace(/\s+/g, ' ').trim()
  }
  const hint =
    status === 401
      ? 'the access token was refused: it may be invalid or expired, or not from a Zendesk Chat OAuth client'
      : status === 403
        ? 'access denied: the token may lack the read or chat scope, or the account may not allow this resource'
        : status === 404
          ? 'not found: check the subdomain (or base_url)'
          : status === 429
            ? 'rate limited'
            : 'request failed'
  return detail === '' ? hint : `${hint} (${detail})`
}

/**
 * What a fetch to `host` that threw (no answer at all) was, and its words.
 * `hostAnswered`: whether the host has answered during this run.
 */
export const fetchFault = (error: unknown, host: string, hostAnswered: boolean): { readonly fault: Fault; readonly message: string } => {
  // A name that does not resolve is a wrong subdomain or base_url, not a network that is briefly down; once the
  // host has answered, though, the same error is a resolver's hiccup and is retried like any other.
  if (NO_SUCH_HOST.has(codeOf(error) ?? '') && !hostAnswered) {
    return {
      fault: { kind: 'no-such-host' },
      message: `${describeError(error)}: no such host ${host}; check subdomain (acme for acme.zendesk.com) or base_url`,
    }
  }
  if (speaksNoTls(error)) {
    return {
      fault: { kind: 'no-tls' },
      message: `the server at ${host} does not speak TLS: base_url is https:// but the server answers plain http:// (use http:// for a local server)`,
    }
  }
  return { fault: { kind: 'network' }, message: describeError(error) }
}

/**
 * DNS answers that the name does not exist (getaddrinfo's EAI_NONAME, which Node names ENOTFOUND). EAI_AGAIN
 * (the resolver did not answer in time), refused or reset connections and timeouts are transient and retried.
 */
const NO_SUCH_HOST = new Set(['ENOTFOUND'])

/** The system error code of a fetch failure (fetch wraps it as the cause of a TypeError). */
const codeOf = (error: unknown): string | undefined => {
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string') return code
  }
  return undefined
}

/** Whether a fetch failed because the server answered a TLS handshake with something else (OpenSSL's "wrong version number"). */
const speaksNoTls = (error: unknown): boolean => {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause
  return (
    cause?.code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    (typeof cause?.message === 'string' && /wrong version number|packet length too long/.test(cause.message))
  )
}

/** What went wrong below HTTP, in a few words: fetch's `TypeError: fetch failed` says little, its cause says more. */
const describeError = (error: unknown): string => {
  const words = (e: unknown): string | undefined => {
    if (typeof e !== 'object' || e === null) return e === undefined ? undefined : String(e)
    const { code, message } = e as { code?: unknown; message?: unknown }
    return [typeof message === 'string' ? message : undefined, typeof code === 'string' && code !== message ? `(${code})` : undefined]
      .filter((w) => w !== undefined && w !== '')
      .join(' ')
  }
  const cause = words((error as { cause?: unknown } | undefined)?.cause)
  return [words(error) || 'request failed', cause].filter((w) => w !== undefined && w !== '').join(': ')
}
