/**
 * A stream whose first request answers 403 or 404: a resource this account
 * does not have (a plan without skills, routing or goals, an account on
 * messaging), or a run that reaches no Zendesk Chat API at all (a wrong
 * subdomain or base_url). The first is skipped and the run goes on; the
 * second fails at once with the advice `zchat check` gives.
 */
import * as E from 'fp-ts/lib/Either.js'
import { httpError, type Failure } from '../../core/failure.js'
import type { StreamDef } from '../../streams/stream.js'
import { adviceFor } from '../check.js'
import type { Program } from '../env.js'
import { getJson } from '../http/request.js'

const STATUSES: readonly number[] = [403, 404]

/**
 * Every account has agents (its owner at least): when nothing has answered
 * yet, one small request there tells a missing resource from a wrong host.
 */
const PROBE = { path: 'agents', query: { limit: 1 } } as const

const likelyCause = (def: StreamDef): string =>
  def.skipOn?.reason ?? `the account's plan may not include ${def.name.replace(/_/g, ' ')}, or the token may not read it`

/**
 * Right(true): skip the stream (its warning logged); Right(false): the
 * failure is not of this kind; Left: nothing answers, fail with this.
 */
export const skipUnavailable =
  (def: StreamDef, failure: Failure): Program<boolean> =>
  (env) =>
  async () => {
    const statuses = def.skipOn?.statuses ?? STATUSES
    if (failure._tag !== 'HttpError' || !statuses.includes(failure.status)) return E.right(false)
    if (!env.api.answered()) {
      const probe = await getJson(PROBE)(env)()
      if (E.isLeft(probe)) {
        const probed = probe.left
        if (probed._tag !== 'HttpError' && probed._tag !== 'NetworkError') return probe
        return E.left(httpError(failure.endpoint, failure.status, adviceFor(probed, env.config.apiBase).join(' ')))
      }
    }
    env.log.warn(`stream ${def.name}: skipped, the API answered ${failure.status} (${likelyCause(def)}); its table is left as it was`)
    return E.right(true)
  }
