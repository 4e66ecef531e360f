/**
 * How Meltano reads a plugin's stderr, emulated for tests. Facts (the field
 * names and levels are copied into test/fixtures/meltano-log-parser.json):
 *
 * - meltano/meltano src/meltano/core/plugin/singer/base.py: every Singer
 *   plugin runs with SINGER_SDK_LOG_CONFIG, a Python logging config (JSON)
 *   written before the run (`_get_sdk_logging`); its formatter is
 *   `{"()": "singer_sdk.logging.StructuredFormatter"}` when the plugin's log
 *   parser is `singer-sdk` (the default `_log_parser`, used only when the
 *   plugin declares the `structured-logging` capability: plugin_invoker.py
 *   `get_log_parser`), else `{"format": "%(message)s"}`. The root level is
 *   Meltano's own log level.
 * - src/meltano/core/logging/parsers.py, SingerSDKLogParser: a stripped line
 *   that starts with `{` and ends with `}`, parses as a JSON object and has
 *   every required field is a structured record: its level is
 *   `logging._nameToLevel[level.upper()]` (INFO when unknown), its message,
 *   logger_name and ts are taken out, exception and extra popped, and the rest
 *   (with extra's keys) become the record's fields. Any other line falls to
 *   PassthroughLogParser: the whole line as the message, at INFO.
 */
import { readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ROOT } from './cli.js'

interface ParserFacts {
  readonly required_fields: readonly string[]
  readonly name_to_level: Readonly<Record<string, number>>
  readonly default_level: number
  readonly structured_formatter: Record<string, string>
  readonly plain_formatter: Record<string, string>
}

export const PARSER_FACTS = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'meltano-log-parser.json'), 'utf8')) as ParserFacts

export const LEVEL = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40 } as const

export interface ParsedLogRecord {
  readonly level: number
  readonly message: string
  readonly loggerName?: string
  readonly timestamp?: string
  readonly exception?: unknown
  readonly extra: Record<string, unknown>
  /** Which of Meltano's parsers took the line. */
  readonly parser: 'singer-sdk' | 'passthrough'
}

/** SingerSDKLogParser.parse: undefined when the line is not one of the SDK's structured lines. */
export const parseSdkLogLine = (raw: string): ParsedLogRecord | undefined => {
  const line = raw.trim()
  if (line === '' || !(line.startsWith('{') && line.endsWith('}'))) return undefined
  let data: unknown
  try {
    data = JSON.parse(line)
  } catch {
    return undefined
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined
  const fields = { ...(data as Record<string, unknown>) }
  if (!PARSER_FACTS.required_fields.every((f) => f in fields)) return undefined
  const { level, logger_name, ts, message, exception, extra, ...rest } = fields
  // level.upper() on a value that is not a string raises, and the parser answers None.
  if (typeof level !== 'string') return undefined
  const inner = typeof extra === 'object' && extra !== null ? (extra as Record<string, unknown>) : {}
  return {
    level: PARSER_FACTS.name_to_level[level.toUpperCase()] ?? PARSER_FACTS.default_level,
    message: String(message),
    loggerName: typeof logger_name === 'string' ? logger_name : undefined,
    timestamp: ts === undefined || ts === null || ts === 0 || ts === '' ? undefined : String(ts),
    exception: exception ?? undefined,
    extra: { ...rest, ...inner },
    parser: 'singer-sdk',
  }
}

/** LogParserFactory.parse_line with the `singer-sdk` parser (structured-logging declared): SDK lines, else the line at INFO. */
export const meltanoLogRecords = (stderr: string, structured: boolean): ParsedLogRecord[] =>
  stderr
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(
      (line) =>
        (structured ? parseSdkLogLine(line) : undefined) ?? { level: LEVEL.INFO, message: line.trim(), extra: {}, parser: 'passthrough' },
    )

/** The file SINGER_SDK_LOG_CONFIG names, as Meltano writes it (`_get_sdk_logging`). */
export const writeSdkLogConfig = async (path: string, structured: boolean, level = 'INFO'): Promise<void> => {
  await writeFile(
    path,
    JSON.stringify(
      {
        version: 1,
        disable_existing_loggers: false,
        formatters: { singer_formatter: structured ? PARSER_FACTS.structured_formatter : PARSER_FACTS.plain_formatter },
        handlers: { console: { class: 'logging.StreamHandler', formatter: 'singer_formatter', stream: 'ext://sys.stderr' } },
        root: { handlers: ['console'], level },
      },
      null,
      2,
    ),
  )
}
