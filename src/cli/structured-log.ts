/**
 * Structured logs as Meltano reads them. Meltano runs every Singer plugin with
 * SINGER_SDK_LOG_CONFIG naming a Python logging config (JSON); for a plugin
 * with the `structured-logging` capability its formatter is the Meltano SDK's
 * StructuredFormatter, and Meltano parses each stderr line as that formatter
 * writes it (meltano/meltano src/meltano/core/logging/parsers.py,
 * SingerSDKLogParser): a JSON object with level, pid, logger_name, ts,
 * thread_name, app_name, stream_name and message, or the line is logged as
 * plain text at INFO. The fields follow meltano/sdk singer_sdk/logging.py
 * (StructuredFormatter.format) and singer_sdk/schemas/logs.schema.json:
 * level in lower case ("warning", as Python names it), ts in epoch seconds,
 * message "METRIC" with the point in metric_info for metrics, extra an object.
 */
import { readFileSync } from 'node:fs'
import type { LogLevel, MetricPoint } from '../engine/env.js'
import type { LogFormat } from './logger.js'

export const TAP_LOGGER = 'tap-zendesk-chat'
export const METRICS_LOGGER = 'tap-zendesk-chat.metrics'
/** The SDK formatter Meltano names in SINGER_SDK_LOG_CONFIG when it parses the plugin's logs. */
export const STRUCTURED_FORMATTER = 'singer_sdk.logging.StructuredFormatter'

/** Python's level names, as the SDK writes them (lower case). */
const PYTHON_LEVEL: Record<LogLevel, string> = { debug: 'debug', info: 'info', warn: 'warning', error: 'error' }

export interface StructuredLine {
  readonly level: string
  readonly pid: number
  readonly logger_name: string
  readonly ts: number
  readonly thread_name: string
  readonly app_name: string
  readonly stream_name: string | null
  readonly message: string
  readonly metric_info?: MetricPoint
  readonly extra: Record<string, never>
}

/** One log line in the SDK's structured form, without its newline. */
export const structuredLine = (level: LogLevel, message: string, at: Date, metric?: MetricPoint): string => {
  const stream = metric?.tags.stream
  const line: StructuredLine = {
    level: PYTHON_LEVEL[level],
    pid: process.pid,
    logger_name: metric === undefined ? TAP_LOGGER : METRICS_LOGGER,
    ts: at.getTime() / 1000,
    thread_name: 'MainThread',
    app_name: TAP_LOGGER,
    stream_name: typeof stream === 'string' ? stream : null,
    message: metric === undefined ? message : 'METRIC',
    ...(metric === undefined ? {} : { metric_info: metric }),
    extra: {},
  }
  return JSON.stringify(line)
}

/** The Python logging config Meltano wrote, or undefined when it cannot be read as one. */
const sdkLogConfig = (path: string, read: (path: string) => string): Record<string, unknown> | undefined => {
  let config: unknown
  try {
    config = JSON.parse(read(path))
  } catch {
    return undefined
  }
  return typeof config === 'object' && config !== null && !Array.isArray(config) ? (config as Record<string, unknown>) : undefined
}

const readUtf8 = (path: string): string => readFileSync(path, 'utf8')

/** Python's level names as zchat's levels (CRITICAL is an error here). */
const FROM_PYTHON: Record<string, LogLevel> = {
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  WARNING: 'warn',
  ERROR: 'error',
  CRITICAL: 'error',
  FATAL: 'error',
}

/**
 * The log level of a run: the flag (or ZCHAT_LOG_LEVEL) when given, else the
 * root level of Meltano's SINGER_SDK_LOG_CONFIG (Meltano's own --log-level, as
 * an SDK tap would take it), else the flag's default.
 */
export const logLevelOf = (
  flag: LogLevel,
  fromDefault: boolean,
  env: NodeJS.ProcessEnv = process.env,
  read: (path: string) => string = readUtf8,
): LogLevel => {
  const path = env.SINGER_SDK_LOG_CONFIG
  if (!fromDefault || path === undefined || path === '') return flag
  const root = sdkLogConfig(path, read)?.root as { level?: unknown } | undefined
  return (typeof root?.level === 'string' ? FROM_PYTHON[root.level.toUpperCase()] : undefined) ?? flag
}

/**
 * Whether the Python logging config at `path` asks for the SDK's structured
 * formatter. A file that cannot be read or parsed asks for nothing: Meltano
 * writes it just before the run, and plain text is what it reads otherwise.
 */
export const asksForStructuredLogs = (path: string, read: (path: string) => string = readUtf8): boolean => {
  const formatters = sdkLogConfig(path, read)?.formatters
  if (typeof formatters !== 'object' || formatters === null) return false
  return Object.values(formatters).some((f) => (f as Record<string, unknown> | null)?.['()'] === STRUCTURED_FORMATTER)
}

/**
 * The log format of a run: the flag (or ZCHAT_LOG_FORMAT, which oclif reads
 * into it) when given, else structured when Meltano's SINGER_SDK_LOG_CONFIG
 * asks for it, else text.
 */
export const logFormatOf = (
  flag: LogFormat | undefined,
  env: NodeJS.ProcessEnv = process.env,
  read?: (path: string) => string,
): LogFormat => {
  if (flag !== undefined) return flag
  const path = env.SINGER_SDK_LOG_CONFIG
  return path !== undefined && path !== '' && asksForStructuredLogs(path, read) ? 'json' : 'text'
}
