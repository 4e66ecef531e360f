/**
 * An in-memory Zendesk Chat API for the test Env's `fetch`: each request is
 * answered by `answer` from its path (under the API root) and query, and
 * recorded, so a unit test reads as a table of requests and answers.
 */
import { API_PATH } from './env.js'

export interface FakeAnswer {
  readonly status?: number
  readonly body: unknown
  /** The API's clock, sent as the Date header. */
  readonly date?: Date
}

export interface FakeRequest {
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  /** `path?query` as the engine describes requests. */
  readonly url: string
}

export interface FakeApi {
  readonly fetch: typeof globalThis.fetch
  readonly requests: FakeRequest[]
}

export const fakeApi = (answer: (request: FakeRequest) => FakeAnswer): FakeApi => {
  const requests: FakeRequest[] = []
  const fetch = async (input: string | URL | Request): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url)
    const path = url.pathname.startsWith(`${API_PATH}/`) ? url.pathname.slice(API_PATH.length + 1) : url.pathname
    const request: FakeRequest = { path, query: Object.fromEntries(url.searchParams), url: `${path}${url.search}` }
    requests.push(request)
    const { status = 200, body, date } = answer(request)
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (date !== undefined) headers.date = date.toUTCString()
    return new Response(JSON.stringify(body), { status, headers })
  }
  return { fetch: fetch as typeof globalThis.fetch, requests }
}
