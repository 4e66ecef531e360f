/**
 * GET a JSON resource of the API: one try (bearer auth, a timeout, redirects
 * on the API's own origin, the body read), tried again as retry.ts says, with
 * errors that explain themselves without the token.
 */
import { httpError, interrupted, networkError } from '../../core/failure.js'
import type { Env, Program } from '../env.js'
import { readBody, type Body, type ElementStream } from './body.js'
import { describeRequest, type PageRequest } from './cursor.js'
import { explain, fetchFault } from './explain.js'
import { retryAfterOf, retrying, type Tried, type Turn } from './retry.js'

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 5

const sameOrigin = (a: string, b: string): boolean => new URL(a).origin === new URL(b).origin

/**
 * GET `req` and parse its JSON body, streaming the array `elements` names
 * when given. Each try takes a turn of the shared request budget. Rate limits
 * wait as long as Retry-After says (all streams wait); 5xx, network faults,
 * timeouts and bodies that are not JSON are tried again with backoff, up to
 * max_retries; other statuses fail at once.
 */
export const getJson = (req: PageRequest, elements?: ElementStream): Program<unknown> =>
  retrying(describeRequest(req), (env, turn) => attempt(env, req, elements, turn))

/** One try: the request, redirects on the API's own origin followed, the body read and parsed. */
const attempt = async (
  env: Env,
  req: PageRequest,
  elements: ElementStream | undefined,
  { token, abandon, onRateLimited }: Turn,
): Promise<Tried> => {
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
  let body: Body | undefined
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
          ok: false,
          fault: { kind: 'redirect' },
          failure: httpError(
            endpoint,
            response.status,
            `redirected to another host (${host}); not followed, so the access token is not sent there`,
          ),
        }
      }
      if (hops >= MAX_REDIRECTS)
        return {
          ok: false,
          fault: { kind: 'redirect' },
          failure: httpError(endpoint, response.status, `more than ${MAX_REDIRECTS} redirects`),
        }
      url = target
    }
    if (response.status === 429) onRateLimited(retryAfterOf(response.headers.get('retry-after'), env.now().getTime()))
    if (!response.ok) text = await response.text()
    else body = await readBody(response, elements)
  } catch (error) {
    if (abandon.aborted) return { ok: false, fault: { kind: 'interrupted' }, failure: interrupted(env.stop.reason as 'SIGTERM' | 'SIGINT') }
    requestTimer(env, req, started, undefined)
    if (timeout.signal.aborted) {
      return {
        ok: false,
        fault: { kind: 'timeout' },
        failure: networkError(endpoint, `no response within ${env.config.requestTimeoutMs / 1000} s`),
      }
    }
    const { fault, message } = fetchFault(error, new URL(url).host, env.api.answered())
    return { ok: false, fault, failure: networkError(endpoint, message) }
  } finally {
    clearTimeout(timer)
  }
  const size = body === undefined ? text.length : body.size
  env.log.debug(`GET ${endpoint} → ${response.status} in ${Math.round(env.clock() - started)} ms (${size} bytes)`)
  requestTimer(env, req, started, response.status)
  if (body === undefined) {
    const retryAfterMs = retryAfterOf(response.headers.get('retry-after'), env.now().getTime())
    return {
      ok: false,
      fault: { kind: 'status', status: response.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
      failure: httpError(endpoint, response.status, explain(response.status, text)),
    }
  }
  if (body.json) return { ok: true, body: body.value }
  const kind = (response.headers.get('content-type') ?? 'no content type').split(';')[0]
  return {
    ok: false,
    fault: { kind: 'not-json' },
    failure: networkError(endpoint, `the body is not JSON (${body.size} bytes of ${kind}, status ${response.status})`),
  }
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
