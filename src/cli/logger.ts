/**
 * Log lines on stderr, below a chosen level: plain text by default, or one
 * JSON object per line in the Meltano SDK's structured form (`--log-format
 * json`, or when Meltano asks for it: src/cli/structured-log.ts).
 * The access token is scrubbed from every line as a last guard: no code path
 * should print it, and none can.
 */
import type { Logger, LogLevel, MetricPoint } from '../engine/env.js'
import { LOG_LEVELS } from '../engine/env.js'
import { structuredLine } from './structured-log.js'

export type LogFormat = 'text' | 'json'
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json']

export const stderrLogger = (
  level: LogLevel,
  secrets: readonly string[],
  write: (line: string) => void = (line) => process.stderr.write(line),
  format: LogFormat = 'text',
  now = () => new Date(),
): Logger => {
  const threshold = LOG_LEVELS.indexOf(level)
  const scrub = (message: string) =>
    secrets.reduce((text, secret) => (secret.length >= 4 ? text.split(secret).join('***') : text), message)
  const line = (l: LogLevel, message: string, metric?: MetricPoint): string =>
    format === 'json'
      ? `${scrub(structuredLine(l, message, now(), metric))}\n`
      : `${l.toUpperCase()} ${scrub(message)}\n`
  const enabled = (l: LogLevel) => LOG_LEVELS.indexOf(l) >= threshold
  const at = (l: LogLevel) => (message: string) => {
    if (enabled(l)) write(line(l, message))
  }
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    // singer-python's form, which log readers parse: "METRIC: {json}".
    metric: (point) => {
      if (enabled('info')) write(line('info', `METRIC: ${JSON.stringify(point)}`, point))
    },
  }
}

/**
 * How the command edge writes its last word (a failure's `error: ...` line,
 * `stopped by SIGTERM: ...`) in the chosen log format: with JSON logs it is a
 * JSON line too, so every stderr line parses.
 */
export const edgeLines = (format: LogFormat, write: (line: string) => void, now = () => new Date()): ((line: string) => void) =>
  format === 'text'
    ? write
    : (line) => {
        const error = line.startsWith('error: ')
        const message = (error ? line.slice('error: '.length) : line).trimEnd()
        write(`${structuredLine(error ? 'error' : 'warn', message, now())}\n`)
      }
