/**
 * `zchat check`: one cheap request (the account) that tells a person, in
 * plain words, whether the subdomain, the token and its read scope work, or
 * which of them does not.
 */
import * as E from 'fp-ts/lib/Either.js'
import { Account } from '../codecs/account.js'
import type { Failure } from '../core/failure.js'
import type { Program } from './env.js'
import { getJson } from './http/request.js'

export interface CheckResult {
  readonly ok: boolean
  /** What a person reads: what works, or what does not and what to do about it. */
  readonly lines: readonly string[]
}

/** What a failed first request says about the subdomain, the token and its scopes, in a person's words. */
export const adviceFor = (failure: Failure, apiBase: string): string[] => {
  const host = new URL(apiBase).host
  switch (failure._tag) {
    case 'HttpError':
      if (failure.status === 401)
        return [
          'The access token was refused (401).',
          'Get a new one with zchat login (an OAuth client of Zendesk Chat: Settings > Account > API & SDKs), with the read and chat scopes.',
        ]
      if (failure.status === 403)
        return [
          'The token was accepted, but may not read the account (403).',
          'Give the token the read and chat scopes (or use an owner or administrator token).',
        ]
      if (failure.status === 404)
        return [`No Zendesk Chat API at ${host} (404).`, 'Check subdomain (acme for acme.zendesk.com) or base_url.']
      return [`${host} answered ${failure.status}: ${failure.message}.`, 'Try again later; if it lasts, check status.zendesk.com.']
    case 'NetworkError':
      return [
        `Could not get an answer from ${host}: ${failure.message}.`,
        "Check subdomain or base_url, and this machine's network or proxy.",
      ]
    default:
      return [`The check did not finish (${failure._tag}).`]
  }
}

export const check: Program<CheckResult> = (env) => async () => {
  const host = new URL(env.config.apiBase).host
  const answer = await getJson({ path: 'account', query: {} })(env)()
  if (E.isLeft(answer)) {
    if (answer.left._tag === 'Interrupted' || answer.left._tag === 'OutputClosed') return answer
    return E.right({ ok: false, lines: adviceFor(answer.left, env.config.apiBase) })
  }
  const account = Account.decode(answer.right)
  if (E.isLeft(account)) return E.right({ ok: false, lines: [`${host} answered, but not with a Zendesk Chat account: check base_url.`] })
  const { account_key: key, status, plan } = account.right
  const about = [
    `account ${key}`,
    plan?.name === undefined ? undefined : `plan ${plan.name}`,
    status === undefined ? undefined : `status ${status}`,
  ]
    .filter((w) => w !== undefined)
    .join(', ')
  return E.right({
    ok: true,
    lines: [
      `OK: ${host} answered with the account${about === '' ? '' : ` (${about})`}.`,
      'The subdomain and the token work, and the token has the read scope.',
      'Chats also need the chat scope: `zchat sync --test` reads one record of every stream.',
    ],
  })
}
