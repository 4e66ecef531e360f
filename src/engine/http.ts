/**
 * GET a JSON resource of the API: bearer auth, timeout, a bounded retry on
 * what is worth retrying, and errors that explain themselves without the token.
 */
import * as E from 'fp-ts/lib/Either.js'
import { httpError, networkError, type Failure } from '../core/failure.js'
import type { Env, Program } from './env.js'

export type Query = Readonly<Record<string, string | number>>

export interface PageRequest {
  /** Under the API root, e.g. `agents`. */
  readonly path: string
  readonly query: Query
}

/** The request as it appears in logs and errors: no host, no token. */
export const describeRequest = (req: PageRequest): string => {
  const qs = new URLSearchParams(Object.entries(req.query).map(([k, v]): [string, string] => [k, String(v)])).toString()
  return qs === '' ? req.path : `${req.path}?${qs}`
}

const MAX_ATTEMPTS = 4
const RETRYABLE = new Set([429, 500, 502, 503, 504])

/** Why a status failed, in words a user can act on; Zendesk's own description appended. */
const explain = (status: number, body: string): string => {
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

interface Attempt {
  readonly retry: boolean
  readonly failure?: Failure
  readonly body?: unknown
  readonly waitMs?: number
}

const attempt = async (env: Env, req: PageRequest): Promise<Attempt> => {
  const endpoint = describeRequest(req)
  const url = `${env.config.apiBase}/${endpoint}`
  const started = Date.now()
  let response: Response
  let text: string
  try {
    response = await env.fetch(url, {
      headers: {
        Authorization: `Bearer ${env.config.accessToken}`,
        Accept: 'application/json',
        'User-Agent': env.config.userAgent ?? `zchat/${env.version}`,
      },
      redirect: 'error',
      signal: AbortSignal.timeout(env.config.requestTimeoutMs),
    })
    text = await response.text()
  } catch (error) {
    const message =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no response within ${env.config.requestTimeoutMs / 1000} s`
        : `${error instanceof Error ? error.message : String(error)}${causeOf(error)}`
    return { retry: true, failure: networkError(endpoint, message) }
  }
  env.log.debug(`GET ${endpoint} → ${response.status} in ${Date.now() - started} ms (${text.length} bytes)`)
  if (!response.ok) {
    const retryAfter = Number(response.headers.get('retry-after'))
    return {
      retry: RETRYABLE.has(response.status),
      failure: httpError(endpoint, response.status, explain(response.status, text)),
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { waitMs: retryAfter * 1000 } : {}),
    }
  }
  try {
    return { retry: false, body: JSON.parse(text) }
  } catch {
    return { retry: true, failure: networkError(endpoint, `the body is not JSON (${text.length} bytes, status ${response.status})`) }
  }
}

const causeOf = (error: unknown): string => {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause
  if (cause === undefined) return ''
  return typeof cause.code === 'string' ? ` (${cause.code})` : typeof cause.message === 'string' ? ` (${cause.message})` : ''
}

/** GET `req` and parse its JSON body, retrying rate limits, 5xx and network faults a few times. */
export const getJson =
  (req: PageRequest): Program<unknown> =>
  (env) =>
  async () => {
    for (let n = 1; ; n++) {
      const result = await attempt(env, req)
      if (result.failure === undefined) return E.right(result.body)
      if (!result.retry || n >= MAX_ATTEMPTS) return E.left(result.failure)
      const backoff = result.waitMs ?? 1000 * 2 ** (n - 1) * (0.75 + Math.random() / 2)
      env.log.warn(`${describeRequest(req)}: ${lastWords(result.failure)}; retry ${n} of ${MAX_ATTEMPTS - 1} in ${(backoff / 1000).toFixed(1)} s`)
      await env.sleep(backoff)
    }
  }

const lastWords = (failure: Failure): string =>
  failure._tag === 'HttpError' ? `status ${failure.status}` : failure._tag === 'NetworkError' ? failure.message : failure._tag
