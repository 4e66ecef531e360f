/** What a sandbox route answers, and the helpers every route shares. */
import type { SandboxData } from '../data/sandbox-data.js'

/** A body the route has already written as UTF-8 JSON (see data/json-bytes.ts). */
export class EncodedJson {
  /** `done`: called once the answer is sent or dropped, when `bytes` may be written over. */
  constructor(
    readonly bytes: Buffer,
    readonly done: () => void = () => {},
  ) {}
}

/** What a route answers: a status and a JSON body (a value to stringify, or EncodedJson). */
export interface Reply {
  readonly status: number
  readonly body: unknown
  /** Headers besides Content-Type and Content-Length, e.g. Retry-After. */
  readonly headers?: Readonly<Record<string, string>>
}

/** What a route gets besides its query. */
export interface RouteContext {
  readonly data: SandboxData
  /** e.g. `http://127.0.0.1:PORT/api/v2/chat`, for next_page and result URLs. */
  readonly baseUrl: string
  /** The account's clock in epoch milliseconds (a start_time within five minutes of it is refused). */
  readonly nowMillis: () => number
}

export type Handler = (query: URLSearchParams, ctx: RouteContext) => Reply

/**
 * The error descriptions are werkzeug's (Flask) defaults: the real API's 401
 * text is werkzeug's, so its other generic errors are assumed to match too.
 */
export const DESCRIPTIONS = {
  badRequest: 'The browser (or proxy) sent a request that this server could not understand.',
  unauthorized: 'The server could not verify that you are authorized to access the requested resource',
  notFound: 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
  methodNotAllowed: 'The method is not allowed for the requested URL.',
  internal:
    'The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.',
} as const

export const ok = (body: unknown): Reply => ({ status: 200, body })
/** The body as UTF-8 JSON. */
export const bodyBytes = (reply: Reply): Buffer =>
  reply.body instanceof EncodedJson ? reply.body.bytes : Buffer.from(JSON.stringify(reply.body))
export const error = (status: number, name: string, description: string): Reply => ({
  status,
  body: { error: name, description },
})
export const badRequest = (description: string = DESCRIPTIONS.badRequest): Reply => error(400, 'Bad Request', description)
export const notFound = (): Reply => error(404, 'Not Found', DESCRIPTIONS.notFound)

const INTEGER = /^-?\d+$/

/** A query parameter as an integer: `fallback` when absent, undefined when malformed. */
export function integerParam(query: URLSearchParams, name: string, fallback: number): number | undefined {
  const raw = query.get(name)
  if (raw === null) return fallback
  return INTEGER.test(raw) ? Number(raw) : undefined
}

/** `limit` in [1, max] (default `fallback`), or the 400 to answer. */
export function limitParam(query: URLSearchParams, fallback: number, max: number): number | Reply {
  const limit = integerParam(query, 'limit', fallback)
  if (limit === undefined || limit < 1 || limit > max) return badRequest(`limit must be an integer from 1 to ${max}`)
  return limit
}
