/** In-memory capabilities for running programs in tests (no process stdout, no real clock). */
import * as E from 'fp-ts/lib/Either.js'
import { parseConfig, type Config } from '../../src/codecs/config.js'
import { apiContact } from '../../src/engine/http/api-contact.js'
import { requestBudget } from '../../src/engine/http/budget.js'
import type { Env } from '../../src/engine/env.js'

export const TOKEN = 'test-token-5f2c9a'
export const API = 'https://acme.zendesk.com'
export const API_PATH = '/api/v2/chat'

export const testConfig = (settings: Record<string, unknown> = {}): Config => {
  const parsed = parseConfig({ access_token: TOKEN, subdomain: 'acme', ...settings }, new Date('2026-11-21T00:00:00Z'))
  if (E.isLeft(parsed)) throw new Error(parsed.left.join('; '))
  return parsed.right.config
}

export interface TestEnv {
  readonly env: Env
  /** Every chunk written to stdout. */
  readonly chunks: string[]
  readonly logs: string[]
  readonly sleeps: number[]
  /** Singer messages written so far, parsed. */
  messages(): { type: string; stream?: string; record?: Record<string, unknown>; value?: Record<string, unknown>; [k: string]: unknown }[]
}

export const testEnv = (
  settings: Record<string, unknown> = {},
  options: { acceptWrites?: number; now?: () => Date; stop?: AbortSignal } = {},
): TestEnv => {
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
    fetch: (url, init) => globalThis.fetch(url, init),
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
    messages: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as ReturnType<TestEnv['messages']>[number]),
  }
}
