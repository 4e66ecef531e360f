/**
 * GET a JSON resource of the API: bearer auth, timeout, a bounded retry on
 * what is worth retrying, and errors that explain themselves without the token.
 */
import * as E from 'fp-ts/lib/Either.js'
import { httpError, interrupted, networkError, type Failure } from '../../core/failure.js'
import { ArrayFieldSplitter } from '../../core/json-array-split.js'
import type { BudgetWait } from './budget.js'
import type { Env, Program } from '../env.js'

export type Query = Readonly<Record<string, string | number>>

/**
 * Read the records of a response as they arrive instead of parsing the body
 * whole: each element of the array under `field` goes to the sink that `start`
 * returns, parsed, and the body comes back with that array empty. `start` is
 * called for each try, so a retried request begins a fresh sink.
 */
export interface ElementStream {
  readonly field: string
  readonly start: () => (element: unknown) => void
}

export interface PageRequest {
  /** Under the API root, e.g. `agents`. */
  readonly path: string
  readonly query: Query
}

/**
 * The request a cursor URL from the API (`next_page`, `next_url`) names, kept
 * on our own `path`: only its query is taken, so the token never follows the
 * URL's host. Undefined for no URL or one that does not parse.
 */
export const requestAt = (path: string, cursorUrl: unknown): PageRequest | undefined => {
  if (typeof cursorUrl !== 'string' || cursorUrl === '') return undefined
  try {
    return { path, query: Object.fromEntries(new URL(cursorUrl, 'https://cursor.invalid/').searchParams) }
  } catch {
    return undefined
  }
}

/** The request as it appears in logs and errors: no host, no token. */
export const describeRequest = (req: PageRequest): string => {
  const qs = new URLSearchParams(Object.entries(req.query).map(([k, v]): [string, string] => [k, String(v)])).toString()
  return qs === '' ? req.path : `${req.path}?${qs}`
}

const RETRYABLE = new Set([429, 500, 502, 503, 504])
const REDIRECTS = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 5
/** Backoff doubles from this, up to the cap, with jitter. */
const BACKOFF_BASE_MS = 1000
const BACKOFF_CAP_MS = 60_000
/** Added to a Retry-After, never taken off it: the API's wait is a floor. */
const RETRY_AFTER_JITTER_MS = 250

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
  /** What the API asked to wait before the next try (Retry-After), in ms. */
  readonly retryAfterMs?: number
}

/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
const retryAfterOf = (header: string | null, now: number): number | undefined => {
  if (header === null || header.trim() === '') return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

const sameOrigin = (a: string, b: string): boolean => new URL(a).origin === new URL(b).origin

/** Told of a 429 as soon as its status line is in, before its body is read: other streams must not start a request meanwhile. */
type OnRateLimited = (retryAfterMs: number | undefined) => void

/** One try: the request, redirects on the API's own origin followed, the body read and parsed. */
const attempt = async (
  env: Env,
  req: PageRequest,
  elements: ElementStream | undefined,
  token: string,
  onRateLimited: OnRateLimited,
): Promise<Attempt> => {
  const grace = graceAfter(env.stop, STOP_GRACE_MS)
  try {
    return await attemptWithin(env, req, elements, grace.signal, token, onRateLimited)
  } finally {
    grace.release()
  }
}

/** A body read to its end: parsed, or the text was not JSON. */
type Read = { readonly json: true; readonly value: unknown; readonly size: number } | { readonly json: false; readonly size: number }

/** The whole text of a body, parsed. */
const readWhole = async (response: Response): Promise<Read> => {
  const text = await response.text()
  try {
    return { json: true, value: JSON.parse(text), size: text.length }
  } catch {
    return { json: false, size: text.length }
  }
}

/** A body read chunk by chunk, the elements of one array handed out as they come (see ElementStream). */
const readElements = async (response: Response, elements: ElementStream): Promise<Read> => {
  const splitter = new ArrayFieldSplitter(elements.field, elements.start())
  const decoder = new TextDecoder()
  let size = 0
  let json = true
  const body = response.body
  if (body !== null) {
    for await (const chunk of body) {
      size += chunk.byteLength
      // Past the first error the rest is only read to its end (and counted), as a whole body would be.
      if (!json) continue
      try {
        splitter.push(decoder.decode(chunk, { stream: true }))
      } catch (error) {
        json = notJson(error)
      }
    }
  }
  if (!json) return { json, size }
  try {
    splitter.push(decoder.decode())
    return { json, value: splitter.end(), size }
  } catch (error) {
    return { json: notJson(error), size }
  }
}

/** false for the splitter's verdict that the text is not JSON; anything else is no verdict on the body and goes on up. */
const notJson = (error: unknown): false => {
  if (error instanceof SyntaxError) return false
  throw error
}

const attemptWithin = async (
  env: Env,
  req: PageRequest,
  elements: ElementStream | undefined,
  abandon: AbortSignal,
  token: string,
  onRateLimited: OnRateLimited,
): Promise<Attempt> => {
  const endpoint = describeRequest(req)
  let url = `${env.config.apiBase}/${endpoint}`
  const started = env.clock()
  // A timer of our own, not AbortSignal.timeout: combined with AbortSignal.any, that signal is only weakly held
  // and a garbage collection during the wait can drop it, so the timeout never fires.
  const timeout = new AbortController()
  const timer = setTimeout(() => timeout.abort(), env.config.requestTimeoutMs)
  let response: Response
  // An error status's body is read whole, for its explanation.
  let text = ''
  let read: Read | undefined
  try {
    for (let hops = 0; ; hops++) {
      response = await env.fetch(url, {
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          'User-Agent': env.config.userAgent ?? `zchat/${env.version}`,
        },
        // Redirects are looked at before following: the token must not go to another origin.
        redirect: 'manual',
        signal: AbortSignal.any([timeout.signal, abandon]),
      })
      env.api.saw(response.status, response.headers.get('date'))
      const location = response.headers.get('location')
      if (!REDIRECTS.has(response.status) || location === null) break
      await response.body?.cancel()
      const target = new URL(location, url).toString()
      if (!sameOrigin(target, env.config.apiBase)) {
        const host = new URL(target).host
        return {
          retry: false,
          failure: httpError(
            endpoint,
            response.status,
            `redirected to another host (${host}); not followed, so the access token is not sent there`,
          ),
        }
      }
      if (hops >= MAX_REDIRECTS)
        return { retry: false, failure: httpError(endpoint, response.status, `more than ${MAX_REDIRECTS} redirects`) }
      url = target
    }
    if (response.status === 429) onRateLimited(retryAfterOf(response.headers.get('retry-after'), env.now().getTime()))
    if (!response.ok) text = await response.text()
    else read = elements === undefined ? await readWhole(response) : await readElements(response, elements)
  } catch (error) {
    if (abandon.aborted) return { retry: false, failure: interrupted(env.stop.reason as 'SIGTERM' | 'SIGINT') }
    requestTimer(env, req, started, undefined)
    if (timeout.signal.aborted)
      return { retry: true, failure: networkError(endpoint, `no response within ${env.config.requestTimeoutMs / 1000} s`) }
    // A name that does not resolve is a wrong subdomain or base_url, not a network that is briefly down; once the
    // host has answered, though, the same error is a resolver's hiccup and is retried like any other.
    if (NO_SUCH_HOST.has(codeOf(error) ?? '') && !env.api.answered()) {
      return {
        retry: false,
        failure: networkError(
          endpoint,
          `${describeError(error)}: no such host ${new URL(url).host}; check subdomain (acme for acme.zendesk.com) or base_url`,
        ),
      }
    }
    if (speaksNoTls(error)) {
      // Asking again will not change what the server speaks.
      return {
        retry: false,
        failure: networkError(
          endpoint,
          `the server at ${new URL(url).host} does not speak TLS: base_url is https:// but the server answers plain http:// (use http:// for a local server)`,
        ),
      }
    }
    return { retry: true, failure: networkError(endpoint, describeError(error)) }
  } finally {
    clearTimeout(timer)
  }
  const size = read === undefined ? text.length : read.size
  env.log.debug(`GET ${endpoint} → ${response.status} in ${Math.round(env.clock() - started)} ms (${size} bytes)`)
  requestTimer(env, req, started, response.status)
  if (read === undefined) {
    const retryAfterMs = retryAfterOf(response.headers.get('retry-after'), env.now().getTime())
    return {
      retry: RETRYABLE.has(response.status),
      failure: httpError(endpoint, response.status, explain(response.status, text)),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    }
  }
  if (read.json) return { retry: false, body: read.value }
  const kind = (response.headers.get('content-type') ?? 'no content type').split(';')[0]
  return { retry: true, failure: networkError(endpoint, `the body is not JSON (${read.size} bytes of ${kind}, status ${response.status})`) }
}

/** Singer's http_request_duration timer for one try, by endpoint path (no query: ids and cursors would make every point unique). */
const requestTimer = (env: Env, req: PageRequest, started: number, status: number | undefined): void =>
  env.log.metric({
    type: 'timer',
    metric: 'http_request_duration',
    value: Math.round(env.clock() - started) / 1000,
    tags: {
      endpoint: req.path,
      ...(status === undefined ? {} : { http_status_code: status }),
      status: status !== undefined && status < 400 ? 'succeeded' : 'failed',
    },
  })

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

/**
 * Once the run is asked to stop, the request in flight gets this long to
 * finish its page; then it is abandoned, so the process ends within about two
 * seconds of the signal.
 */
const STOP_GRACE_MS = 1500

/** A signal aborted `ms` after `stop` is; `release` when the request is over, so no listener is left behind. */
const graceAfter = (stop: AbortSignal, ms: number): { readonly signal: AbortSignal; readonly release: () => void } => {
  const controller = new AbortController()
  const abandon = () => setTimeout(() => controller.abort(stop.reason), ms).unref()
  if (stop.aborted) controller.abort(stop.reason)
  else stop.addEventListener('abort', abandon, { once: true })
  return { signal: controller.signal, release: () => stop.removeEventListener('abort', abandon) }
}

/** Exponential backoff with jitter for try `n` (1-based): half fixed, half random, so retries of many clients spread out. */
const backoffMs = (n: number): number => {
  const full = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (n - 1))
  return full / 2 + (Math.random() * full) / 2
}

/**
 * GET `req` and parse its JSON body. Each try takes a turn of the shared
 * request budget. Rate limits wait as long as Retry-After says (all streams
 * wait); 5xx, network faults, timeouts and bodies that are not JSON are tried
 * again with backoff, up to max_retries; other statuses fail at once.
 */
export const getJson =
  (req: PageRequest, elements?: ElementStream): Program<unknown> =>
  (env) =>
  async () => {
    const { maxRetries, maxRetryWaitMs } = env.config
    const waits = waitsOf(env)
    for (let n = 1; ; n++) {
      if (env.stop.aborted) return E.left(interrupted(env.stop.reason as 'SIGTERM' | 'SIGINT'))
      await env.budget.take(waits.budget)
      waits.over()
      if (env.stop.aborted) return E.left(interrupted(env.stop.reason as 'SIGTERM' | 'SIGINT'))
      const token = env.credentials?.accessToken() ?? env.config.accessToken
      const startedMs = env.clock()
      // Every stream holds from the moment a 429 is seen; the jitter is added once the wait is known for sure.
      const holdAtOnce: OnRateLimited = (asked) => {
        if (asked !== undefined && asked <= maxRetryWaitMs && n <= maxRetries) env.budget.holdFor(asked)
      }
      const result = await attempt(env, req, elements, token, holdAtOnce)
      if (result.failure === undefined) {
        env.budget.succeeded(startedMs)
        return E.right(result.body)
      }
      // A refused token renewed is no retry: the request goes again at once, with the new token.
      if (result.failure._tag === 'HttpError' && result.failure.status === 401 && (await env.credentials?.renew(token)) === true) {
        n--
        continue
      }
      if (!result.retry) return E.left(result.failure)
      const asked = result.retryAfterMs
      if (asked !== undefined && asked > maxRetryWaitMs) {
        return E.left(
          withMessage(
            result.failure,
            `the API asked to wait ${Math.ceil(asked / 1000)} s (Retry-After), more than max_retry_wait_seconds (${maxRetryWaitMs / 1000}); the last STATE resumes the run later`,
          ),
        )
      }
      if (n > maxRetries)
        return E.left(
          withMessage(
            result.failure,
            `${messageOf(result.failure)}; gave up after ${maxRetries} ${maxRetries === 1 ? 'retry' : 'retries'}`,
          ),
        )
      const wait = asked !== undefined ? asked + Math.random() * RETRY_AFTER_JITTER_MS : backoffMs(n)
      if (asked !== undefined) env.budget.holdFor(wait)
      if (result.failure._tag === 'HttpError' && result.failure.status === 429) env.budget.rateLimited(startedMs, wait)
      env.log.warn(`${describeRequest(req)}: ${lastWords(result.failure)}; retry ${n} of ${maxRetries} in ${(wait / 1000).toFixed(1)} s`)
      if (asked !== undefined) waits.budget?.({ reason: 'retry-after', untilMs: env.clock() + wait })
      await env.sleep(wait)
    }
  }

/** The stream's waits, told to whoever shows them (a terminal's progress block): `over` once the request may go. */
const waitsOf = (env: Env): { readonly budget: ((wait: BudgetWait) => void) | undefined; readonly over: () => void } => {
  const { waiting, stream } = env
  if (waiting === undefined || stream === undefined) return { budget: undefined, over: () => undefined }
  let shown = false
  return {
    budget: (wait) => {
      shown = true
      waiting(stream, wait)
    },
    over: () => {
      if (shown) waiting(stream, undefined)
      shown = false
    },
  }
}

const messageOf = (failure: Failure): string => ('message' in failure ? failure.message : failure._tag)
const withMessage = (failure: Failure, message: string): Failure => ('message' in failure ? { ...failure, message } : failure)

const lastWords = (failure: Failure): string =>
  failure._tag === 'HttpError' ? `status ${failure.status}` : failure._tag === 'NetworkError' ? failure.message : failure._tag
