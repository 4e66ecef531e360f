/**
 * The listener on http://localhost:PORT that the authorization server
 * redirects the browser to. The code grant's answer is in the query; the
 * implicit grant's in the URL fragment, which a browser never sends, so the
 * page served for a bare `/` has a script that posts the fragment back.
 *
 * Only a redirect that carries this login's `state` counts: any other (a page
 * elsewhere trying to slip its own code or token in) is answered with an
 * error page and ignored, and the listener goes on waiting. The browser is
 * answered once the login is over, so its page says how it ended.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import { readBoundedBody } from '../core/request-body.js'

/** What the redirect brought. */
export type Redirect =
  | { readonly kind: 'code'; readonly code: string }
  | { readonly kind: 'token'; readonly accessToken: string; readonly refreshToken?: string; readonly scope?: string }
  | { readonly kind: 'error'; readonly error: string; readonly description: string }

export type ListenError = { readonly kind: 'in-use' } | { readonly kind: 'other'; readonly message: string }

export interface Listener {
  /** The first redirect with the right state; undefined when `timeoutMs` passed first. */
  readonly redirect: Promise<Redirect | undefined>
  /** Tells the browser waiting on the redirect how the login ended, then stops listening. */
  readonly finish: (ok: boolean, message: string) => Promise<void>
}

export interface ListenOptions {
  readonly port: number
  readonly state: string
  readonly timeoutMs: number
  /** Told of each redirect refused for its state. */
  readonly onForged: (where: string) => void
}

const FRAGMENT_PATH = '/fragment'
const MAX_BODY_BYTES = 16 * 1024

const page = (title: string, body: string): string =>
  `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>\n`

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

/** Reads the fragment, takes it out of the address bar and history, and posts it to the listener. */
export const FRAGMENT_PAGE = page(
  'zchat login',
  `<p id="status">Handing the token to zchat...</p>
<script>
const fragment = location.hash.slice(1);
history.replaceState(null, '', location.pathname);
const status = document.getElementById('status');
fetch('${FRAGMENT_PATH}', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: fragment })
  .then((r) => r.json())
  .then((answer) => { status.textContent = answer.message; status.dataset.ok = String(answer.ok) })
  .catch(() => { status.textContent = 'zchat did not answer: see the terminal.' });
</script>`,
)

const sameText = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))

/** The redirect's parameters as a Redirect, or undefined when they carry none. */
const redirectOf = (params: URLSearchParams): Redirect | undefined => {
  const error = params.get('error')
  if (error !== null) return { kind: 'error', error, description: params.get('error_description') ?? params.get('description') ?? '' }
  const code = params.get('code')
  if (code !== null && code !== '') return { kind: 'code', code }
  const accessToken = params.get('access_token')
  if (accessToken !== null && accessToken !== '') {
    const refreshToken = params.get('refresh_token')
    const scope = params.get('scope')
    return { kind: 'token', accessToken, ...(refreshToken ? { refreshToken } : {}), ...(scope === null ? {} : { scope }) }
  }
  return undefined
}

const readBody = (req: IncomingMessage): Promise<string> => readBoundedBody(req, MAX_BODY_BYTES)

const listenOn = (server: Server, port: number, host: string): Promise<void> =>
  new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', reject)
      resolve()
    })
  })

/**
 * Listens on 127.0.0.1 and, where the machine has IPv6 loopback, ::1 (a
 * browser may resolve localhost to either). Left when the port is taken.
 */
export const listenForRedirect = async (
  options: ListenOptions,
): Promise<{ readonly ok: true; readonly listener: Listener } | { readonly ok: false; readonly error: ListenError }> => {
  let settle: (redirect: Redirect | undefined) => void = () => undefined
  const redirect = new Promise<Redirect | undefined>((resolve) => (settle = resolve))
  let done = false
  /** The browser's request that brought the redirect, answered when the login is over. */
  let waiting: { res: ServerResponse; json: boolean } | undefined

  const answer = (res: ServerResponse, status: number, body: string, type = 'text/html; charset=utf-8') => {
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
    })
    res.end(body)
  }

  const accept = (params: URLSearchParams, res: ServerResponse, json: boolean, where: string) => {
    const found = redirectOf(params)
    const state = params.get('state') ?? ''
    if (found === undefined) {
      if (json) answer(res, 400, JSON.stringify({ ok: false, message: 'No authorization came with this redirect.' }), 'application/json')
      else answer(res, 400, page('zchat login', '<p>No authorization came with this request.</p>'))
      return
    }
    if (done || !sameText(state, options.state)) {
      options.onForged(where)
      const message = 'This redirect does not belong to the zchat login waiting here (its state does not match); it was ignored.'
      if (json) answer(res, 400, JSON.stringify({ ok: false, message }), 'application/json')
      else answer(res, 400, page('zchat login', `<p>${message}</p>`))
      return
    }
    done = true
    waiting = { res, json }
    settle(found)
  }

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://localhost')
    } catch {
      return answer(res, 400, page('zchat login', '<p>Bad request.</p>'))
    }
    if (req.method === 'POST' && url.pathname === FRAGMENT_PATH) {
      readBody(req).then(
        (body) => accept(new URLSearchParams(body), res, true, 'a posted fragment'),
        () => answer(res, 400, JSON.stringify({ ok: false, message: 'Bad request.' }), 'application/json'),
      )
      return
    }
    req.resume()
    if (req.method !== 'GET' || url.pathname !== '/') return answer(res, 404, page('Not found', ''))
    // A bare redirect: the implicit grant's token is in the fragment, which only the page's script can read.
    if (url.search === '') return answer(res, 200, FRAGMENT_PAGE)
    accept(url.searchParams, res, false, 'a redirect')
  }

  const servers: Server[] = []
  const closeAll = () =>
    Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve())
            s.closeAllConnections()
          }),
      ),
    ).then(() => undefined)
  const first = createServer(handler)
  try {
    await listenOn(first, options.port, '127.0.0.1')
    servers.push(first)
    const second = createServer(handler)
    try {
      await listenOn(second, options.port, '::1')
      servers.push(second)
    } catch (error) {
      // No IPv6 loopback here is fine; something else on [::1]:PORT would take the browser's redirect.
      if ((error as { code?: string }).code === 'EADDRINUSE') throw error
    }
  } catch (error) {
    await closeAll()
    const code = (error as { code?: string }).code
    return { ok: false, error: code === 'EADDRINUSE' ? { kind: 'in-use' } : { kind: 'other', message: (error as Error).message } }
  }

  const timer = setTimeout(() => {
    done = true
    settle(undefined)
  }, options.timeoutMs)
  void redirect.then(() => clearTimeout(timer))

  const finish = async (ok: boolean, message: string): Promise<void> => {
    clearTimeout(timer)
    done = true
    settle(undefined)
    const target = waiting
    waiting = undefined
    if (target !== undefined && !target.res.destroyed) {
      if (target.json) answer(target.res, ok ? 200 : 400, JSON.stringify({ ok, message }), 'application/json')
      else
        answer(
          target.res,
          ok ? 200 : 400,
          page(ok ? 'zchat: logged in' : 'zchat: login failed', `<p id="status" data-ok="${ok}">${escapeHtml(message)}</p>`),
        )
    }
    await closeAll()
  }
  return { ok: true, listener: { redirect, finish } }
}
