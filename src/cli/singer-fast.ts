/**
 * The tap executable's `--about` and `--discover`, parsed with node's own
 * parseArgs: what Meltano runs before every sync, answered without loading
 * oclif or the sync's modules. The flags are those of the `about` and
 * `discover` commands, so either way of asking accepts the same ones.
 */
import { parseArgs } from 'node:util'
import { LOG_LEVELS, type LogLevel } from '../engine/env.js'
import { LOG_FORMATS, type LogFormat } from './logger.js'
import { logFormatOf, logLevelOf } from './structured-log.js'

const OPTIONS = {
  about: { type: 'boolean' },
  discover: { type: 'boolean' },
  config: { type: 'string', multiple: true },
  // What Singer tools pass along and these modes do not read.
  state: { type: 'string', multiple: true },
  catalog: { type: 'string', multiple: true },
  properties: { type: 'string', multiple: true },
  format: { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
} as const

/** The choices of --format, here so that parsing loads nothing about needs. */
type AboutFormat = 'json' | 'markdown' | 'text'
const ABOUT_FORMATS: readonly AboutFormat[] = ['json', 'markdown', 'text']

const oneOf = <A extends string>(flag: string, value: string | undefined, choices: readonly A[], fallback: A): A => {
  if (value === undefined || value === '') return fallback
  if ((choices as readonly string[]).includes(value)) return value as A
  throw new Error(`Expected --${flag}=${value} to be one of: ${choices.join(', ')}`)
}

/** Answers `--about`/`--discover` and resolves to the exit status. */
export const runSingerFast = async (argv: readonly string[], version: string): Promise<number> => {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true; allowPositionals: false }>>['values']
  let logLevel: LogLevel
  let logFormat: LogFormat
  let format: AboutFormat
  try {
    values = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }).values
    const levelGiven = values['log-level'] ?? process.env.ZCHAT_LOG_LEVEL
    const formatGiven = values['log-format'] ?? process.env.ZCHAT_LOG_FORMAT
    // Unset, Meltano's SINGER_SDK_LOG_CONFIG decides, as for the oclif commands (structured-log.ts).
    logLevel = logLevelOf(oneOf('log-level', levelGiven, LOG_LEVELS, 'info'), levelGiven === undefined || levelGiven === '')
    logFormat = logFormatOf(
      formatGiven === undefined || formatGiven === '' ? undefined : oneOf('log-format', formatGiven, LOG_FORMATS, 'text'),
    )
    format = oneOf('format', values.format, ABOUT_FORMATS, 'text')
  } catch (error) {
    const message = (error as Error).message.replace(/^Unknown option '([^']+)'.*$/s, 'Nonexistent flag: $1')
    process.stderr.write(`error: ${message.split('\n')[0]} (see --help)\n`)
    return 2
  }
  // Each mode loads only its own modules.
  if (values.about === true) return (await import('./about-mode.js')).runAbout(version, format)
  return (await import('./discover-mode.js')).runDiscover(values.config, logLevel, logFormat)
}
