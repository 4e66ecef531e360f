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
import type { MetricsLogLevel } from '../codecs/config.js'

export type LogFormat = 'text' | 'json'
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json']

export const stderrLogger = (
  level: LogLevel,
  secrets: readonly string[],
  write: (line: string) => void = (line) => process.stderr.write(line),
  format: LogFormat = 'text',
  now = () => new Date(),
  metrics = true,
): Logger => {
  const threshold = LOG_LEVELS.indexOf(level)
  const scrub = (message: string) => secrets.reduce((text, secret) => (secret.length >= 4 ? text.split(secret).join('***') : text), message)
  const line = (l: LogLevel, message: string, metric?: MetricPoint): string =>
    format === 'json' ? `${scrub(structuredLine(l, message, now(), metric))}\n` : `${textLine(l, scrub(message), now())}\n`
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
      if (metrics && enabled('info')) write(line('info', `METRIC: ${JSON.stringify(point)}`, point))
    },
  }
}

/** `2024-01-01 12:00:00,123`: Python logging's asctime (singer-python's log lines carry it), in UTC. */
export const asctime = (date: Date): string => {
  const iso = date.toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`
}

/** A text log line as singer-python writes it (level, then time, then message): `INFO 2024-01-01 12:00:00,123 message`. */
export const textLine = (level: LogLevel, message: string, at: Date): string => `${level.toUpperCase()} ${asctime(at)} ${message}`

/**
 * Whether METRIC lines are written. metrics_log_level, as Meltano SDK taps
 * read it, is the level of the metrics logger: metrics are logged at INFO, so
 * DEBUG or INFO shows them and WARNING, ERROR or NONE hides them. Unset, they
 * are shown where a machine reads the log (a pipe, a file, JSON logs) and
 * hidden on a terminal, where they would bury everything else.
 */
export const metricsShown = (setting: MetricsLogLevel | undefined, format: LogFormat, stderrIsTerminal: boolean): boolean =>
  setting === undefined ? format === 'json' || !stderrIsTerminal : setting === 'debug' || setting === 'info'

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
