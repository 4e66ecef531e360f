/** In-memory capabilities for running programs in tests (no process stdout, no real clock). */
import type * as E from 'fp-ts/lib/Either.js'
import { parseConfig, type Config } from '../../src/codecs/config.js'
import type { Failure } from '../../src/core/failure.js'
import type { SelectedStream } from '../../src/engine/catalog.js'
import type { Env } from '../../src/engine/env.js'
import { apiContact } from '../../src/engine/http/api-contact.js'
import { requestBudget } from '../../src/engine/http/budget.js'
import { emptyState, type State } from '../../src/engine/state/bookmarks.js'
import { sync, type SyncResult } from '../../src/engine/sync.js'
import { rightOf } from './either.js'
import { parseMessages, type Message } from './singer.js'

export const TOKEN = 'test-token-5f2c9a'
export const API = 'https://acme.zendesk.com'
export const API_PATH = '/api/v2/chat'

export const testConfig = (settings: Record<string, unknown> = {}): Config =>
  rightOf(parseConfig({ access_token: TOKEN, subdomain: 'acme', ...settings }, new Date('2026-11-21T00:00:00Z')), 'a config').config

/** One answer of the in-memory API: a JSON body with a status (200 unless given) and headers. */
export interface Answer {
  readonly status?: number
  readonly body: unknown
  readonly headers?: Record<string, string>
}

/**
 * The in-memory API: each key is a path under API_PATH with its exact query (`agents?limit=2&since_id=3`), each value
 * the answers it gives, once each, in order. A request no answer is left for fails as a refused connection does.
 */
export type Routes = Readonly<Record<string, Answer | readonly Answer[]>>

/** A request the in-memory API was sent: its path under API_PATH with its query, and its headers. */
export interface SentRequest {
  readonly path: string
  /** The path without its query, e.g. `incremental/chats`. */
  readonly resource: string
  readonly query: Readonly<Record<string, string>>
  readonly headers: Record<string, string>
}

/** An in-memory API that answers from the request (its answer depends on since_id, start_time...). */
export type Responder = (request: SentRequest) => Answer

// Query parameters in any order name the same request.
const routeKey = (pathAndQuery: string): string => {
  const url = new URL(pathAndQuery, 'http://in-memory/')
  url.searchParams.sort()
  return `${url.pathname.slice(1)}${url.search}`
}

const inMemoryFetch = (routes: Routes | Responder, sent: SentRequest[]): Env['fetch'] => {
  const left =
    typeof routes === 'function' ? undefined : new Map(Object.entries(routes).map(([key, answers]) => [routeKey(key), [answers].flat()]))
  return async (url, init) => {
    const { pathname, search, searchParams } = new URL(url)
    const resource = pathname.startsWith(`${API_PATH}/`) ? pathname.slice(API_PATH.length + 1) : pathname
    const path = `${resource}${search}`
    const request = {
      path,
      resource,
      query: Object.fromEntries(searchParams),
      headers: Object.fromEntries(new Headers(init.headers).entries()),
    }
    sent.push(request)
    const ours = url.startsWith(`${API}${API_PATH}/`)
    const answer = !ours ? undefined : left === undefined ? (routes as Responder)(request) : left.get(routeKey(path))?.shift()
    if (answer === undefined) throw new TypeError(`fetch failed: the in-memory API has no answer left for ${path}`)
    return new Response(JSON.stringify(answer.body), {
      status: answer.status ?? 200,
      headers: { 'content-type': 'application/json', ...answer.headers },
    })
  }
}

export interface TestEnv {
  readonly env: Env
  /** Every chunk written to stdout. */
  readonly chunks: string[]
  readonly logs: string[]
  readonly sleeps: number[]
  /** The requests the in-memory API was sent (none when the test answers with nock). */
  readonly requests: SentRequest[]
  /** Singer messages written so far, parsed. */
  messages(): Message[]
}

export const testEnv = (
  settings: Record<string, unknown> = {},
  options: {
    acceptWrites?: number
    now?: () => Date
    stop?: AbortSignal
    /** Answer from memory instead of the platform fetch (which nock intercepts). */
    routes?: Routes | Responder
  } = {},
): TestEnv => {
  const requests: SentRequest[] = []
  const chunks: string[] = []
  const logs: string[] = []
  const sleeps: number[] = []
  const log = (level: string) => (message: string) => logs.push(`${level} ${message}`)
  // A clock that sleeping moves: waits are recorded, never spent.
  let clockMs = 0
  const sleep = async (ms: number) => {
    sleeps.push(ms)
    clockMs += ms
  }
  const config = testConfig(settings)
  const now = options.now ?? (() => new Date('2026-11-21T10:00:00Z'))
  const env: Env = {
    config,
    version: '0.0.0-test',
    fetch: options.routes === undefined ? (url, init) => globalThis.fetch(url, init) : inMemoryFetch(options.routes, requests),
    now,
    clock: () => clockMs,
    sleep,
    stop: options.stop ?? new AbortController().signal,
    budget: requestBudget(config.maxRequestsPerMinute, { clock: () => clockMs, sleep, notice: log('INFO') }),
    api: apiContact(now),
    write: async (chunk) => {
      if (options.acceptWrites !== undefined && chunks.length >= options.acceptWrites) return false
      chunks.push(chunk)
      return true
    },
    log: {
      debug: log('DEBUG'),
      info: log('INFO'),
      warn: log('WARN'),
      error: log('ERROR'),
      metric: (point) => logs.push(`METRIC ${JSON.stringify(point)}`),
    },
  }
  return {
    env,
    chunks,
    logs,
    sleeps,
    requests,
    messages: () => parseMessages(chunks.join('')),
  }
}

/** Sync `streams` from `state` in the test Env. */
export const runSync = (
  t: TestEnv,
  streams: readonly SelectedStream[],
  state: State = emptyState,
): Promise<E.Either<Failure, SyncResult>> => sync(streams, state)(t.env)()

/** Sync as `runSync` does, failing the test when the sync fails. */
export const syncOk = async (t: TestEnv, streams: readonly SelectedStream[], state: State = emptyState): Promise<SyncResult> =>
  rightOf(await runSync(t, streams, state), 'the sync to succeed')
