/** The real capabilities of this process, wired once for the commands. */
import { performance } from 'node:perf_hooks'
import { setTimeout as delay } from 'node:timers/promises'
import type { Config } from '../codecs/config.js'
import { requestBudget } from '../engine/budget.js'
import type { Env, LogLevel } from '../engine/env.js'
import { streamWriter } from '../engine/singer.js'
import { stderrLogger } from './logger.js'

const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const

/**
 * An AbortSignal aborted by the first SIGTERM or SIGINT (reason: its name), so
 * the run stops taking pages and ends on its own terms; a second signal ends
 * the process at once.
 */
const stopOnSignals = (): AbortSignal => {
  const controller = new AbortController()
  for (const name of ['SIGTERM', 'SIGINT'] as const) {
    process.on(name, () => {
      if (controller.signal.aborted) process.exit(128 + SIGNAL_NUMBERS[name])
      controller.abort(name)
    })
  }
  return controller.signal
}

export const realEnv = (config: Config, version: string, logLevel: LogLevel): Env => {
  const stop = stopOnSignals()
  const clock = () => performance.now()
  const sleep = (ms: number) => delay(ms, undefined, { signal: stop }).catch(() => undefined)
  return {
    config,
    version,
    // Looked up on every call, not captured: tests replace globalThis.fetch.
    fetch: (url, init) => globalThis.fetch(url, init),
    now: () => new Date(),
    clock,
    sleep,
    stop,
    budget: requestBudget(config.maxRequestsPerMinute, { clock, sleep, stopped: () => stop.aborted }),
    write: streamWriter(process.stdout),
    log: stderrLogger(logLevel, [config.accessToken]),
  }
}
