/**
 * The sandbox's OAuth server (API.md, Hosts and auth): the authorization page
 * (a consent form with Allow and Deny) and the token endpoint, on the
 * integrated paths (/oauth2/chat/...) and the legacy zopim ones (/oauth2/...).
 *
 * Clients are registered with a secret and a list of allowed redirect URLs.
 * Codes and refresh tokens work once; a refresh spends the old access token
 * too. Errors follow RFC 6749: in the redirect (`error`, `error_description`,
 * `state`) when the redirect URL is the client's, on the page itself when it
 * is not (a server must not redirect to a URL it does not know).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { readBoundedBody } from '../../core/request-body.js'

export interface OAuthClient {
  readonly id: string
  readonly secret: string
  /** Redirect URLs the client allows, compared exactly. */
  readonly redirectUris: readonly string[]
}

/** The client every sandbox has, for `zchat login --port 8080` against `zchat sandbox`. */
export const SANDBOX_CLIENT: OAuthClient = {
  id: 'zchat-sandbox',
  secret: 'sandbox-secret',
  redirectUris: ['http://localhost:8080', 'http://127.0.0.1:8080'],
}

const SCOPES = new Set(['read', 'write', 'chat'])
const CODE_LIFETIME_MS = 10 * 60_000
const MAX_BODY_BYTES = 16 * 1024

const AUTHORIZE_PATHS = new Set(['/oauth2/chat/authorizations/new', '/oauth2/authorizations/new'])
const TOKEN_PATHS = new Set(['/oauth2/chat/token', '/oauth2/token'])

export const isOAuthPath = (pathname: string): boolean => AUTHORIZE_PATHS.has(pathname) || TOKEN_PATHS.has(pathname)

interface Grant {
  readonly clientId: string
  readonly redirectUri: string
  readonly scope: string
  readonly expires: number
}

/** What the sandbox answered, for its request log. */
export interface OAuthLogEntry {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly status: number
}

const secret = (prefix: string): string => `${prefix}${randomBytes(18).toString('base64url')}`
const sameText = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b))
const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

export class SandboxOAuth {
  private readonly clients = new Map<string, OAuthClient>()
  private readonly codes = new Map<string, Grant>()
  /** Refresh token → the access token issued with it and its client. */
  private readonly refreshTokens = new Map<string, { readonly clientId: string; readonly accessToken: string; readonly scope: string }>()
  private readonly accessTokens = new Set<string>()

  constructor(clients: readonly OAuthClient[] = []) {
    for (const client of [SANDBOX_CLIENT, ...clients]) this.register(client)
  }

  register(client: OAuthClient): void {
    this.clients.set(client.id, client)
  }

  /** Whether the API accepts `token` (issued here and not spent by a refresh). */
  accepts(token: string): boolean {
    return this.accessTokens.has(token)
  }

  /** Tokens as the code grant would give them, without the browser: for tests that start from a stored refresh token. */
  issue(clientId: string, scope = 'read chat'): { readonly accessToken: string; readonly refreshToken: string } {
    const accessToken = secret('sbx-at-')
    const refreshToken = secret('sbx-rt-')
    this.accessTokens.add(accessToken)
    this.refreshTokens.set(refreshToken, { clientId, accessToken, scope })
    return { accessToken, refreshToken }
  }

  /** The API refuses `token` from now on (an expired or revoked token). */
  revoke(token: string): void {
    this.accessTokens.delete(token)
  }

  /** Answers one OAuth request; the entry for the request log once answered. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<OAuthLogEntry> {
    const form = req.method === 'POST' ? await readForm(req).catch(() => undefined) : undefined
    if (req.method === 'POST' && form === undefined)
      return send(res, req, url, { status: 400, json: { error: 'invalid_request', error_description: 'The request body is not a form.' } })
    if (TOKEN_PATHS.has(url.pathname)) {
      if (req.method !== 'POST')
        return send(res, req, url, {
          status: 405,
          json: { error: 'invalid_request', error_description: 'The token endpoint takes a POST.' },
        })
      return send(res, req, url, this.token(form!, req.headers.authorization), { grant_type: form!.get('grant_type') ?? '' })
    }
    if (req.method === 'GET') return send(res, req, url, this.consent(url.searchParams, url.pathname))
    if (req.method === 'POST') return send(res, req, url, this.decide(form!))
    return send(res, req, url, {
      status: 405,
      json: { error: 'invalid_request', error_description: 'The method is not allowed for the requested URL.' },
    })
  }

  /** Checks of the parameters before a person is asked: an unknown client or redirect URL is an error page, the rest go back in the redirect. */
  private check(params: URLSearchParams): Answer | { readonly client: OAuthClient; readonly redirectUri: string } {
    const client = this.clients.get(params.get('client_id') ?? '')
    if (client === undefined) return errorPage('invalid_client', `Unknown client_id ${JSON.stringify(params.get('client_id') ?? '')}.`)
    const redirectUri = params.get('redirect_uri') ?? ''
    if (!client.redirectUris.includes(redirectUri)) {
      return errorPage(
        'invalid_redirect_uri',
        `The redirect_uri ${JSON.stringify(redirectUri)} is not registered for this client; register it in the client's Redirect URLs.`,
      )
    }
    const state = params.get('state') ?? undefined
    const responseType = params.get('response_type') ?? ''
    if (responseType !== 'code' && responseType !== 'token') {
      return redirectTo(redirectUri, {
        error: 'unsupported_response_type',
        error_description: 'response_type must be code or token.',
        state,
      })
    }
    const scopes = (params.get('scope') ?? 'read').split(/[\s+]+/).filter((s) => s !== '')
    const unknown = scopes.find((s) => !SCOPES.has(s))
    // The implicit grant answers in the fragment, errors included (RFC 6749, 4.2.2.1).
    if (unknown !== undefined)
      return redirectTo(
        redirectUri,
        { error: 'invalid_scope', error_description: `Unknown scope ${JSON.stringify(unknown)}.`, state },
        answerIn(responseType),
      )
    return { client, redirectUri }
  }

  private consent(params: URLSearchParams, path: string): Answer {
    const checked = this.check(params)
    if ('status' in checked) return checked
    const hidden = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'subdomain']
      .filter((name) => params.has(name))
      .map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params.get(name)!)}">`)
      .join('\n')
    const html = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Authorize ${escapeHtml(checked.client.id)}</title></head>
<body><h1>Allow ${escapeHtml(checked.client.id)} to access your Zendesk Chat account?</h1>
<p>Scopes: ${escapeHtml(params.get('scope') ?? 'read')}</p>
<form method="post" action="${escapeHtml(path)}">
${hidden}
<button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
</form></body></html>
`
    return { status: 200, html }
  }

  private decide(form: URLSearchParams): Answer {
    const checked = this.check(form)
    if ('status' in checked) return checked
    const state = form.get('state') ?? undefined
    if (form.get('decision') !== 'allow') {
      return redirectTo(
        checked.redirectUri,
        { error: 'access_denied', error_description: 'The user denied access.', state },
        answerIn(form.get('response_type')),
      )
    }
    const scope = (form.get('scope') ?? 'read')
      .split(/[\s+]+/)
      .filter((s) => s !== '')
      .join(' ')
    if (form.get('response_type') === 'token') {
      const accessToken = secret('sbx-at-')
      this.accessTokens.add(accessToken)
      return redirectTo(checked.redirectUri, { access_token: accessToken, token_type: 'Bearer', scope, state }, 'fragment')
    }
    const code = secret('sbx-code-')
    this.codes.set(code, { clientId: checked.client.id, redirectUri: checked.redirectUri, scope, expires: Date.now() + CODE_LIFETIME_MS })
    return redirectTo(checked.redirectUri, { code, state })
  }

  private token(form: URLSearchParams, authorization: string | undefined): Answer {
    const [basicId, basicSecret] = basicCredentials(authorization)
    const client = this.clients.get(form.get('client_id') ?? basicId ?? '')
    const given = form.get('client_secret') ?? basicSecret ?? ''
    if (client === undefined || !sameText(given, client.secret)) {
      return {
        status: 401,
        json: { error: 'invalid_client', error_description: 'Client authentication failed (unknown client or wrong client secret).' },
      }
    }
    const grant = form.get('grant_type')
    if (grant === 'authorization_code') {
      const code = form.get('code') ?? ''
      const issued = this.codes.get(code)
      this.codes.delete(code)
      if (issued === undefined || issued.expires < Date.now() || issued.clientId !== client.id) {
        return {
          status: 400,
          json: { error: 'invalid_grant', error_description: 'The authorization code is invalid, expired or was used already.' },
        }
      }
      if (form.get('redirect_uri') !== issued.redirectUri) {
        return {
          status: 400,
          json: { error: 'invalid_grant', error_description: 'The redirect_uri does not match the one the code was issued for.' },
        }
      }
      return tokenAnswer(this.issue(client.id, issued.scope), issued.scope)
    }
    if (grant === 'refresh_token') {
      const refreshToken = form.get('refresh_token') ?? ''
      const stored = this.refreshTokens.get(refreshToken)
      if (stored === undefined || stored.clientId !== client.id) {
        return { status: 400, json: { error: 'invalid_grant', error_description: 'The refresh token is invalid or was used already.' } }
      }
      // Single use: the refresh token and the access token it came with are spent.
      this.refreshTokens.delete(refreshToken)
      this.accessTokens.delete(stored.accessToken)
      return tokenAnswer(this.issue(client.id, stored.scope), stored.scope)
    }
    return {
      status: 400,
      json: { error: 'unsupported_grant_type', error_description: 'grant_type must be authorization_code or refresh_token.' },
    }
  }
}

type Answer =
  | { readonly status: number; readonly json: unknown }
  | { readonly status: number; readonly html: string }
  | { readonly status: 302; readonly location: string }

const answerIn = (responseType: string | null): 'query' | 'fragment' => (responseType === 'token' ? 'fragment' : 'query')

const tokenAnswer = (tokens: { accessToken: string; refreshToken: string }, scope: string): Answer => ({
  status: 200,
  json: { access_token: tokens.accessToken, token_type: 'Bearer', scope, refresh_token: tokens.refreshToken },
})

const errorPage = (error: string, description: string): Answer => ({
  status: 400,
  html: `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${error}</title></head><body><h1 id="error">${error}</h1><p id="error_description">${escapeHtml(description)}</p></body></html>\n`,
})

const redirectTo = (redirectUri: string, params: Record<string, string | undefined>, where: 'query' | 'fragment' = 'query'): Answer => {
  const defined = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined))
  const url = new URL(redirectUri)
  if (where === 'fragment') url.hash = defined.toString()
  else for (const [k, v] of defined) url.searchParams.set(k, v)
  return { status: 302, location: url.toString() }
}

const basicCredentials = (authorization: string | undefined): [string | undefined, string | undefined] => {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '')
  if (match === null) return [undefined, undefined]
  const [id, ...rest] = Buffer.from(match[1]!, 'base64').toString('utf8').split(':')
  return [id, rest.join(':')]
}

const readForm = async (req: IncomingMessage): Promise<URLSearchParams> => new URLSearchParams(await readBoundedBody(req, MAX_BODY_BYTES))

/** Writes the answer: JSON for an error a program asked for (Accept: application/json), a page for a browser. */
const send = (res: ServerResponse, req: IncomingMessage, url: URL, answer: Answer, logged?: Record<string, string>): OAuthLogEntry => {
  const wantsJson = /application\/json/i.test(req.headers.accept ?? '')
  if ('location' in answer) {
    res.writeHead(302, { Location: answer.location, 'Content-Length': 0, 'Cache-Control': 'no-store' })
    res.end()
  } else if ('json' in answer || (wantsJson && answer.status >= 400)) {
    const json = 'json' in answer ? answer.json : pageAsJson(answer.html)
    const body = Buffer.from(JSON.stringify(json))
    res.writeHead(answer.status, { 'Content-Type': 'application/json', 'Content-Length': body.length, 'Cache-Control': 'no-store' })
    res.end(body)
  } else {
    const body = Buffer.from(answer.html)
    res.writeHead(answer.status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': body.length, 'Cache-Control': 'no-store' })
    res.end(body)
  }
  return {
    method: req.method ?? '',
    path: url.pathname,
    query: logged ?? { response_type: url.searchParams.get('response_type') ?? '' },
    status: answer.status,
  }
}

/** An error page's two fields as the JSON error a program reads. */
const pageAsJson = (html: string): unknown => {
  const field = (id: string) => new RegExp(`<[^>]+id="${id}"[^>]*>([^<]*)<`).exec(html)?.[1]
  const unescape = (text: string) =>
    text.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!)
  return { error: field('error') ?? 'invalid_request', error_description: unescape(field('error_description') ?? '') }
}
