/**
 * The OAuth token endpoint (API.md): a form-encoded POST that answers JSON
 * with the tokens, for the authorization-code grant (`zchat login`) and the
 * refresh-token grant (a refused token renewed mid-run). Errors are words a
 * person can act on; no token or secret is ever part of them.
 */
import * as E from 'fp-ts/lib/Either.js'
import { OAuthErrorBody, TokenAnswer, type Tokens } from '../codecs/oauth.js'
import { authFailure, type Failure } from '../core/failure.js'

export type Fetch = (url: string, init: RequestInit) => Promise<Response>

export interface TokenRequest {
  readonly fetch: Fetch
  readonly tokenUrl: string
  readonly form: Readonly<Record<string, string>>
  readonly timeoutMs: number
  readonly userAgent: string
}

/** `{error, error_description|description}` as `error: description`, or undefined when the body is no OAuth error. */
export const oauthErrorOf = (body: unknown): { readonly error: string; readonly description: string } | undefined => {
  const decoded = OAuthErrorBody.decode(body)
  if (E.isLeft(decoded)) return undefined
  const { error, error_description, description } = decoded.right
  const words = [error_description, description].find((d) => typeof d === 'string' && d.trim() !== '') as string | undefined
  return { error, description: words ?? '' }
}

const detail = (e: { error: string; description: string }): string => (e.description === '' ? e.error : `${e.error}: ${e.description}`)

/** What a refused token request means, by the grant and the OAuth error code. */
const refusal = (grant: string, status: number, oauthError: { error: string; description: string } | undefined): string => {
  const code = oauthError?.error ?? ''
  const why = oauthError === undefined ? `status ${status}` : detail(oauthError)
  if (code === 'invalid_client' || code === 'unauthorized_client' || (oauthError === undefined && status === 401)) {
    return `the token endpoint refused the client id or client secret (${why}): check --client-id and --client-secret against the OAuth client in the Chat dashboard (Settings > Account > API & SDKs)`
  }
  if (code === 'invalid_grant') {
    return grant === 'refresh_token'
      ? `the refresh token was refused (${why}): it may have been used already (refresh tokens may work once); run zchat login again`
      : `the authorization code was refused (${why}): it may have expired or been used; run zchat login again`
  }
  return `the token endpoint refused the request (${why})`
}

/** POST the form to the token endpoint; the tokens, or an AuthFailure that says why not. */
export const requestToken = async (req: TokenRequest): Promise<E.Either<Failure, Tokens>> => {
  const grant = req.form.grant_type ?? ''
  const host = new URL(req.tokenUrl).host
  let response: Response
  let text: string
  try {
    response = await req.fetch(req.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', 'User-Agent': req.userAgent },
      body: new URLSearchParams(req.form).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(req.timeoutMs),
    })
    text = await response.text()
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    const why =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${req.timeoutMs / 1000} s`
        : (cause?.code ?? cause?.message ?? (error as Error).message)
    return E.left(authFailure(`could not reach the token endpoint at ${host} (${why})`))
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  if (!response.ok) return E.left(authFailure(refusal(grant, response.status, oauthErrorOf(body))))
  const answer = TokenAnswer.decode(body)
  if (E.isLeft(answer)) {
    const oauthError = oauthErrorOf(body)
    return E.left(
      authFailure(
        oauthError !== undefined
          ? refusal(grant, response.status, oauthError)
          : `the token endpoint at ${host} answered ${response.status} without an access_token`,
      ),
    )
  }
  const { access_token, refresh_token, scope } = answer.right
  return E.right({
    accessToken: access_token.trim(),
    ...(typeof refresh_token === 'string' && refresh_token.trim() !== '' ? { refreshToken: refresh_token.trim() } : {}),
    ...(scope === undefined ? {} : { scope }),
  })
}
