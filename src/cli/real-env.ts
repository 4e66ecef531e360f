/** The real capabilities of this process, wired once for the commands. */
import { fstatSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { setTimeout as delay } from 'node:timers/promises'
import type { Config } from '../codecs/config.js'
import { apiContact } from '../engine/http/api-contact.js'
import { requestBudget } from '../engine/http/budget.js'
import type { Env, LogLevel } from '../engine/env.js'
import { streamWriter } from '../engine/out/singer.js'
import { updateConfigFile } from './config-file.js'
import { metricsShown, stderrLogger, type LogFormat } from './logger.js'
import { progressDisplay } from './progress.js'
import { refreshingCredentials } from './token-refresh.js'

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

/** Whether stdout and stderr are one pipe or file (`2>&1`, as Meltano's `config test` runs a tap). */
const oneOutput = (): boolean => {
  try {
    const [out, err] = [fstatSync(1), fstatSync(2)]
    return out.dev === err.dev && out.ino === err.ino && !out.isCharacterDevice()
  } catch {
    return false
  }
}

/**
 * Writes a line to stderr. When stderr is the same pipe as stdout, the line
 * goes into stdout's own queue instead: the same bytes reach the same pipe,
 * but in order, so a log line never lands inside a Singer message that is
 * still being written (stdout to a pipe is written asynchronously, stderr not).
 */
export const stderrLine: (line: string) => void = oneOutput() ? (line) => process.stdout.write(line) : (line) => process.stderr.write(line)

/**
 * The process's Env, `finish` to leave the terminal's progress block drawn in
 * its final state, and `requests`: how many HTTP requests the run has made.
 */
export const realEnv = (
  config: Config,
  version: string,
  logLevel: LogLevel,
  logFormat: LogFormat = 'text',
): Env & { readonly finish: () => void; readonly requests: () => number } => {
  const stop = stopOnSignals()
  const clock = () => performance.now()
  // A person watching a terminal gets the live block; JSON logs and piped stderr are for machines.
  // With stdout on the terminal too, records would scroll through the block: no block then (the sync warns instead).
  const display = logFormat === 'text' && process.stderr.isTTY && !process.stdout.isTTY ? progressDisplay(process.stderr, clock) : undefined
  // Pushed to as tokens are renewed: the logger scrubs every one of them.
  const secrets = [config.accessToken, ...(config.refresh === undefined ? [] : [config.refresh.clientSecret, config.refresh.refreshToken])]
  const logger = stderrLogger(
    logLevel,
    secrets,
    display?.write ?? stderrLine,
    logFormat,
    undefined,
    metricsShown(config.metricsLogLevel, logFormat, process.stderr.isTTY === true),
  )
  let requests = 0
  const log = {
    ...logger,
    metric: (point: Parameters<typeof logger.metric>[0]) => {
      if (point.metric === 'http_request_duration') requests++
      logger.metric(point)
    },
  }
  const sleep = (ms: number) => delay(ms, undefined, { signal: stop }).catch(() => undefined)
  const fetch = (url: string, init: RequestInit) => globalThis.fetch(url, init)
  const credentials = refreshingCredentials(config, {
    fetch,
    log,
    secret: (token) => secrets.push(token),
    userAgent: config.userAgent ?? `zchat/${version}`,
    store: updateConfigFile,
  })
  return {
    config,
    version,
    // Looked up on every call, not captured: tests replace globalThis.fetch.
    fetch,
    now: () => new Date(),
    clock,
    sleep,
    stop,
    budget: requestBudget(config.maxRequestsPerMinute, { clock, sleep, stopped: () => stop.aborted, notice: log.info }),
    api: apiContact(() => new Date()),
    write: streamWriter(process.stdout),
    log,
    ...(display === undefined ? {} : { progress: display.update, waiting: display.wait }),
    ...(credentials === undefined ? {} : { credentials }),
    finish: () => display?.close(),
    requests: () => requests,
  }
}
