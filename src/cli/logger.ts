/**
 * Log lines on stderr, below a chosen level. The access token is scrubbed from
 * every line as a last guard: no code path should print it, and none can.
 */
import type { Logger, LogLevel } from '../engine/env.js'
import { LOG_LEVELS } from '../engine/env.js'

export const stderrLogger = (level: LogLevel, secrets: readonly string[], write = (line: string) => process.stderr.write(line)): Logger => {
  const threshold = LOG_LEVELS.indexOf(level)
  const scrub = (message: string) =>
    secrets.reduce((text, secret) => (secret.length >= 4 ? text.split(secret).join('***') : text), message)
  const at = (l: LogLevel) => (message: string) => {
    if (LOG_LEVELS.indexOf(l) >= threshold) write(`${l.toUpperCase()} ${scrub(message)}\n`)
  }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}
