/**
 * `zchat login`: what the connector guides ask people to do by hand with a
 * browser and Postman. It prints the authorization URL (and opens a browser
 * where it can), waits on http://localhost:PORT for the redirect, gets the
 * token (authorization-code grant with a client secret, implicit grant
 * without), checks it with one request as `zchat check` does, and writes it
 * into the config file. The token is never printed.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import * as E from 'fp-ts/lib/Either.js'
import {
  LEGACY_API_BASE,
  LEGACY_OAUTH_ORIGIN,
  oauthEndpoints,
  parseBaseUrl,
  parseConfig,
  parseSubdomain,
  type Config,
  type OAuthEndpoints,
} from '../codecs/config.js'
import type { Tokens } from '../codecs/oauth.js'
import { authFailure, usageError, type Failure } from '../core/failure.js'
import { check } from '../engine/check.js'
import type { Env } from '../engine/env.js'
import { oauthErrorOf, requestToken, type Fetch } from '../engine/oauth.js'
import { checkConfigFile, updateConfigFile } from './config-file.js'
import { listenForRedirect, type Redirect } from './redirect-listener.js'

export interface LoginOptions {
  readonly subdomain?: string
  readonly clientId: string
  readonly clientSecret?: string
  readonly port: number
  readonly configFile: string
  readonly legacy: boolean
  /** The API root, as the base_url setting (e.g. the sandbox's); the OAuth endpoints are on its origin. */
  readonly baseUrl?: string
  readonly scope: string
  readonly timeoutMs: number
  /** Try to open the URL in a browser. */
  readonly open: boolean
}

export interface LoginDeps {
  readonly fetch: Fetch
  /** A line for the person at the terminal (never a token). */
  readonly say: (line: string) => void
  readonly warn: (line: string) => void
  /** An Env for checking the new token, with a logger that scrubs it. */
  readonly checkEnv: (config: Config, secrets: readonly string[]) => Env
  readonly version: string
}

/** Where the login goes: the OAuth endpoints, the API it checks the token against, and the settings that say so. */
interface Target {
  readonly endpoints: OAuthEndpoints
  readonly apiSettings: Record<string, string>
}

const target = (options: LoginOptions): E.Either<Failure, Target> => {
  const subdomain = options.subdomain === undefined ? undefined : parseSubdomain(options.subdomain)
  if (options.subdomain !== undefined && subdomain === undefined)
    return E.left(usageError(`--subdomain: ${JSON.stringify(options.subdomain)} is not a Zendesk subdomain`))
  const named: Record<string, string> = subdomain === undefined ? {} : { subdomain }
  if (options.baseUrl !== undefined) {
    const base = parseBaseUrl(options.baseUrl)
    if (E.isLeft(base)) return E.left(usageError(`--${base.left.replace(/^base_url/, 'base-url')}`))
    return E.right({
      endpoints: oauthEndpoints(new URL(base.right).origin, options.legacy),
      apiSettings: { ...named, base_url: base.right },
    })
  }
  if (options.legacy) {
    // Legacy Chat-only accounts sign in at zopim; their API was zopim's too unless the account has a Zendesk subdomain.
    return E.right({
      endpoints: oauthEndpoints(LEGACY_OAUTH_ORIGIN, true),
      apiSettings: subdomain === undefined ? { base_url: LEGACY_API_BASE } : named,
    })
  }
  if (subdomain === undefined)
    return E.left(usageError('--subdomain is required (acme for acme.zendesk.com), unless --legacy or --base-url is given'))
  return E.right({ endpoints: oauthEndpoints(`https://${subdomain}.zendesk.com`), apiSettings: named })
}

const registerHint = (redirectUri: string) =>
  `add ${redirectUri} to the OAuth client's Redirect URLs (Chat dashboard: Settings > Account > API & SDKs), or pick one it has with --port`

/**
 * Asks for the authorization page as a browser would, before a person is
 * sent there: an unknown client or a redirect URL the client does not allow
 * is said at once, in one line. Anything else (a sign-in page, a consent
 * form) is left to the browser.
 */
const preflight = async (fetch: Fetch, url: string, redirectUri: string, clientId: string): Promise<Failure | undefined> => {
  let response: Response
  let text: string
  try {
    response = await fetch(url, {
      headers: { Accept: 'application/json, text/html;q=0.9' },
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    })
    text = await response.text()
  } catch {
    return undefined // The browser may reach what this machine cannot: it gets its chance.
  }
  const location = response.headers.get('location')
  if (response.status >= 300 && response.status < 400 && location !== null && location.startsWith(redirectUri)) {
    const params = new URL(location).searchParams
    const error = params.get('error')
    if (error !== null) return redirectFailure({ kind: 'error', error, description: params.get('error_description') ?? '' }, redirectUri)
  }
  if (response.status < 400) return undefined
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  const found = oauthErrorOf(body)
  const words = `${found?.error ?? ''} ${found?.description ?? ''} ${found === undefined ? text.slice(0, 2000) : ''}`
  if (/redirect_uri_mismatch|invalid_redirect_uri|redirect_uri/i.test(words)) {
    return authFailure(`the OAuth client ${clientId} does not allow the redirect URL ${redirectUri}: ${registerHint(redirectUri)}`)
  }
  if (/invalid_client|unknown client|client_id/i.test(words)) {
    return authFailure(
      `the authorization server does not know the client id ${clientId}: copy the client's id from the Chat dashboard (Settings > Account > API & SDKs) into --client-id`,
    )
  }
  return undefined
}

/** A redirect's error as a line a person can act on. */
const redirectFailure = (redirect: Extract<Redirect, { kind: 'error' }>, redirectUri: string): Failure => {
  const detail = redirect.description === '' ? redirect.error : `${redirect.error}: ${redirect.description}`
  switch (redirect.error) {
    case 'access_denied':
      return authFailure(
        `access was denied in the browser (${detail}); nothing was written. Run zchat login again and choose Allow to give zchat the token`,
      )
    case 'invalid_scope':
      return authFailure(`the authorization server refused the scope (${detail}): try --scope "read chat"`)
    case 'unauthorized_client':
    case 'unsupported_response_type':
      return authFailure(
        `the OAuth client may not use this grant (${detail}): with --client-secret zchat asks for a code, without it for a token (implicit grant)`,
      )
    case 'invalid_redirect_uri':
    case 'redirect_uri_mismatch':
      return authFailure(`the OAuth client does not allow the redirect URL ${redirectUri} (${detail}): ${registerHint(redirectUri)}`)
    default:
      return authFailure(`the authorization server refused the login (${detail})`)
  }
}

/** Opens `url` in the desktop's browser where one can be opened; never fails (the URL is printed anyway). */
const openBrowser = (url: string): void => {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer.exe' : 'xdg-open'
  try {
    const child = spawn(command, [url], { stdio: 'ignore', detached: true })
    child.on('error', () => undefined)
    child.unref()
  } catch {
    // No opener on this machine: the printed URL is the way.
  }
}

export const login = async (options: LoginOptions, deps: LoginDeps): Promise<E.Either<Failure, readonly string[]>> => {
  const where = target(options)
  if (E.isLeft(where)) return where
  const { endpoints, apiSettings } = where.right
  // Before anyone signs in: a token got for a file that cannot take it would be lost.
  const writable = await checkConfigFile(options.configFile)
  if (E.isLeft(writable)) return E.left(usageError(`--config: ${writable.left}`))
  const grant = options.clientSecret === undefined ? 'token' : 'code'
  const redirectUri = `http://localhost:${options.port}`
  const state = randomBytes(24).toString('base64url')
  const params = new URLSearchParams({
    response_type: grant,
    client_id: options.clientId,
    redirect_uri: redirectUri,
    scope: options.scope,
    state,
  })
  if (apiSettings.subdomain !== undefined) params.set('subdomain', apiSettings.subdomain)
  const authorizeUrl = `${endpoints.authorize}?${params.toString()}`

  const listening = await listenForRedirect({
    port: options.port,
    state,
    timeoutMs: options.timeoutMs,
    onForged: (what) =>
      deps.warn(
        `${what} to ${redirectUri} did not carry this login's state and was ignored (it did not come from this login); still waiting`,
      ),
  })
  if (!listening.ok) {
    return E.left(
      listening.error.kind === 'in-use'
        ? usageError(
            `port ${options.port} is in use on localhost: stop what listens there, or use --port with another port (and register http://localhost:PORT in the OAuth client)`,
          )
        : usageError(`cannot listen on localhost:${options.port}: ${listening.error.message}`),
    )
  }
  const { listener } = listening
  const fail = async (failure: Failure): Promise<E.Either<Failure, never>> => {
    await listener.finish(false, `${'message' in failure ? failure.message : failure._tag}. See the terminal.`)
    return E.left(failure)
  }

  const refused = await preflight(deps.fetch, authorizeUrl, redirectUri, options.clientId)
  if (refused !== undefined) return fail(refused)

  deps.say(`Open this URL in a browser and allow access (${grant === 'code' ? 'authorization-code grant' : 'implicit grant'}):`)
  deps.say(`  ${authorizeUrl}`)
  deps.say(`Waiting for the redirect to ${redirectUri} (up to ${Math.round(options.timeoutMs / 1000)} s; Ctrl-C to give up)...`)
  if (options.open) openBrowser(authorizeUrl)

  const redirect = await listener.redirect
  if (redirect === undefined) {
    return fail(
      authFailure(
        `no redirect reached ${redirectUri} within ${Math.round(options.timeoutMs / 1000)} s: finish the login in the browser sooner (--timeout), or, if the browser showed an error about the redirect URL, ${registerHint(redirectUri)}`,
      ),
    )
  }
  if (redirect.kind === 'error') return fail(redirectFailure(redirect, redirectUri))

  let tokens: Tokens
  if (redirect.kind === 'code') {
    if (options.clientSecret === undefined)
      return fail(authFailure('the redirect brought a code, but no --client-secret was given to exchange it'))
    const exchanged = await requestToken({
      fetch: deps.fetch,
      tokenUrl: endpoints.token,
      form: {
        grant_type: 'authorization_code',
        code: redirect.code,
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uri: redirectUri,
      },
      timeoutMs: 30_000,
      userAgent: `zchat/${deps.version}`,
    })
    if (E.isLeft(exchanged)) return fail(exchanged.left)
    tokens = exchanged.right
  } else {
    tokens = { accessToken: redirect.accessToken, ...(redirect.refreshToken === undefined ? {} : { refreshToken: redirect.refreshToken }) }
  }

  const settings = { ...apiSettings, access_token: tokens.accessToken }
  const parsed = parseConfig(settings, new Date())
  if (E.isLeft(parsed)) return fail(authFailure(`the token cannot be checked: ${parsed.left.join('; ')}`))
  const secrets = [
    tokens.accessToken,
    ...(tokens.refreshToken === undefined ? [] : [tokens.refreshToken]),
    ...(options.clientSecret === undefined ? [] : [options.clientSecret]),
  ]
  // A person is waiting: one retry at most, and no long Retry-After.
  const checkConfig = { ...parsed.right.config, maxRetries: Math.min(parsed.right.config.maxRetries, 1), maxRetryWaitMs: 10_000 }
  const checked = await check(deps.checkEnv(checkConfig, secrets))()
  if (E.isLeft(checked)) return fail(checked.left)
  if (!checked.right.ok) return fail(authFailure(`got a token, but it does not work: ${checked.right.lines.join(' ')} Nothing was written`))

  // With a refresh token, the client's id and secret go with it, so a refused token is renewed on its own.
  const refreshable = tokens.refreshToken !== undefined && options.clientSecret !== undefined
  const updates = {
    ...settings,
    ...(refreshable ? { refresh_token: tokens.refreshToken, client_id: options.clientId, client_secret: options.clientSecret } : {}),
  }
  const written = await updateConfigFile(options.configFile, updates)
  if (E.isLeft(written)) return fail(authFailure(`the token works, but ${written.left}`))
  const keys = Object.keys(updates).join(', ')
  const mode = `mode ${written.right.mode.toString(8).padStart(4, '0')}`
  const lines = [
    checked.right.lines[0]!,
    `${written.right.created ? 'Created' : 'Updated'} ${options.configFile} (${mode}): ${keys}${written.right.created ? '' : '; its other settings are kept'}.`,
    ...((written.right.mode & 0o077) !== 0
      ? [`Note: ${options.configFile} can be read by other users (${mode}); it holds the token: chmod 600 ${options.configFile}`]
      : []),
    refreshable
      ? 'With client_id, client_secret and refresh_token stored, a token the API refuses is refreshed once and stored again.'
      : grant === 'token'
        ? 'The implicit grant gives no refresh token: when the token stops working, run zchat login again.'
        : 'The API gave no refresh token: when the token stops working, run zchat login again.',
    `Next: zchat check --config ${options.configFile}, then zchat sync --config ${options.configFile}.`,
  ]
  await listener.finish(true, 'zchat is logged in: the token works and is stored in the config file. You can close this tab.')
  return E.right(lines)
}
