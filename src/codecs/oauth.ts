/** What the OAuth token endpoint answers (API.md: access_token, token_type, scope, possibly refresh_token). */
import * as t from 'io-ts'

const NonEmptyString = t.refinement(t.string, (s) => s.trim().length > 0, 'a non-empty string')

export const TokenAnswer = t.intersection([
  t.type({ access_token: NonEmptyString }),
  t.partial({
    token_type: t.string,
    scope: t.string,
    refresh_token: t.union([t.string, t.null]),
    expires_in: t.union([t.number, t.null]),
  }),
])
export type TokenAnswer = t.TypeOf<typeof TokenAnswer>

/**
 * An OAuth error, as RFC 6749 words it (`error_description`) or as Zendesk's
 * API does (`description`): either is read.
 */
export const OAuthErrorBody = t.intersection([
  t.type({ error: t.string }),
  t.partial({ error_description: t.unknown, description: t.unknown }),
])
export type OAuthErrorBody = t.TypeOf<typeof OAuthErrorBody>

/** The tokens zchat keeps from an answer. */
export interface Tokens {
  readonly accessToken: string
  readonly refreshToken?: string
  readonly scope?: string
}
