/** The real capabilities of this process, wired once for the commands. */
import { setTimeout as delay } from 'node:timers/promises'
import type { Config } from '../codecs/config.js'
import type { Env, LogLevel } from '../engine/env.js'
import { streamWriter } from '../engine/singer.js'
import { stderrLogger } from './logger.js'

export const realEnv = (config: Config, version: string, logLevel: LogLevel): Env => ({
  config,
  version,
  // Looked up on every call, not captured: tests replace globalThis.fetch.
  fetch: (url, init) => globalThis.fetch(url, init),
  now: () => new Date(),
  sleep: (ms) => delay(ms),
  write: streamWriter(process.stdout),
  log: stderrLogger(logLevel, [config.accessToken]),
})
