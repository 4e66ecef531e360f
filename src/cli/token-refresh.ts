/**
 * Credentials that renew a refused access token once per run with the
 * refresh-token grant (client_id, client_secret and refresh_token set). A
 * refresh token may work only once, so the new tokens are written back to
 * the config file the settings came from; when there is no such file (the
 * environment, several files, a file Meltano writes for each run) or it
 * cannot be written, the log says plainly that the stored refresh token is
 * spent and what to do. No token is ever part of a log line.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Config, TokenRefresh } from '../codecs/config.js'
import type { Tokens } from '../codecs/oauth.js'
import type { Failure } from '../core/failure.js'
import type { Credentials, Logger } from '../engine/env.js'
import { requestToken, type Fetch } from '../engine/oauth.js'
import type { Written } from './config-file.js'

export interface RefreshDeps {
  readonly fetch: Fetch
  readonly log: Logger
  /** Told each new token, so the logger scrubs it too. */
  readonly secret: (token: string) => void
  readonly userAgent: string
  /** Writes settings into a config file, keeping the rest (config-file.ts). */
  readonly store: (file: string, updates: Record<string, unknown>) => Promise<E.Either<string, Written>>
  /** Exchanges the refresh token; requestToken by default (a seam for tests). */
  readonly exchange?: (refresh: TokenRefresh) => Promise<E.Either<Failure, Tokens>>
}

/** Meltano writes a plugin's config to .meltano/run/<plugin>/ for each run: a token written there is lost. */
const MELTANO_RUN_DIR = /(^|[\\/])\.meltano[\\/]run[\\/]/

const HOW_TO_STORE =
  'run zchat login again (zchat login --subdomain ... --client-id ... --client-secret ... --config FILE) and store the access_token and refresh_token it writes where your settings live (TAP_ZENDESK_CHAT_ACCESS_TOKEN and TAP_ZENDESK_CHAT_REFRESH_TOKEN, or meltano config tap-zendesk-chat set refresh_token)'

const messageOf = (failure: Failure): string => ('message' in failure ? failure.message : failure._tag)

/** Where the settings came from, when not one file zchat can update. */
const elsewhere = (config: Config): string | undefined => {
  if (config.storedIn === undefined) return 'the environment or several --config sources'
  if (MELTANO_RUN_DIR.test(config.storedIn)) return `${config.storedIn}, a file Meltano writes anew for each run`
  return undefined
}

/** Undefined when the config cannot refresh: then a 401 fails as it always did. */
export const refreshingCredentials = (config: Config, deps: RefreshDeps): Credentials | undefined => {
  const refresh = config.refresh
  if (refresh === undefined) return undefined
  const exchange =
    deps.exchange ??
    ((r: TokenRefresh) =>
      requestToken({
        fetch: deps.fetch,
        tokenUrl: r.tokenUrl,
        form: { grant_type: 'refresh_token', refresh_token: r.refreshToken, client_id: r.clientId, client_secret: r.clientSecret },
        timeoutMs: config.requestTimeoutMs,
        userAgent: deps.userAgent,
      }))
  let token = config.accessToken
  let renewal: Promise<boolean> | undefined

  const persist = async (tokens: Tokens): Promise<void> => {
    const updates = {
      access_token: tokens.accessToken,
      ...(tokens.refreshToken === undefined ? {} : { refresh_token: tokens.refreshToken }),
    }
    const spent = tokens.refreshToken !== undefined
    const where = elsewhere(config)
    if (where === undefined) {
      const written = await deps.store(config.storedIn!, updates)
      if (E.isRight(written)) {
        deps.log.info(
          `the new ${spent ? 'access and refresh tokens were' : 'access token was'} written to ${config.storedIn}${spent ? ' (the refresh token it held is spent)' : ''}`,
        )
        return
      }
      if (spent)
        deps.log.warn(
          `the stored refresh token is now spent (refresh tokens may work once), and the new one could not be written back: ${written.left}; ${HOW_TO_STORE}`,
        )
      else deps.log.warn(`the new access token could not be written back (${written.left}); the next run refreshes again`)
      return
    }
    if (spent)
      deps.log.warn(
        `the stored refresh token is now spent (refresh tokens may work once), and the new one is not stored: the settings came from ${where}; ${HOW_TO_STORE}`,
      )
    else
      deps.log.info(
        `the new access token serves this run only (the settings came from ${where}); the stored refresh token still works, so the next run refreshes again`,
      )
  }

  const renewOnce = async (): Promise<boolean> => {
    deps.log.info(`the access token was refused (401): refreshing it at ${new URL(refresh.tokenUrl).host} (client_id ${refresh.clientId})`)
    const answer = await exchange(refresh)
    if (E.isLeft(answer)) {
      deps.log.error(`refreshing the access token failed: ${messageOf(answer.left)}`)
      return false
    }
    deps.secret(answer.right.accessToken)
    if (answer.right.refreshToken !== undefined) deps.secret(answer.right.refreshToken)
    token = answer.right.accessToken
    deps.log.info('the access token was refreshed; the run carries on with the new one')
    await persist(answer.right)
    return true
  }

  return {
    accessToken: () => token,
    renew: (refused) => {
      // Another stream's renewal already replaced the token this request carried.
      if (refused !== token) return Promise.resolve(true)
      // Once per run: a new token refused again is not a stale token.
      renewal ??= renewOnce()
      return renewal.then((renewed) => renewed && refused !== token)
    },
  }
}
