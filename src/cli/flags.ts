/** Flags several commands share, defined once. */
import { Flags } from '@oclif/core'
import { LOG_LEVELS, type LogLevel } from '../engine/env.js'
import { LOG_FORMATS } from './logger.js'

export const logLevelFlag = Flags.option({
  options: LOG_LEVELS,
  default: 'info' as LogLevel,
  description: 'Lowest level of log lines written to stderr.',
  env: 'ZCHAT_LOG_LEVEL',
})()

/** Accepted where Singer tools pass them but the command has no use for them. */
export const ignoredFileFlag = (what: string) =>
  Flags.string({ hidden: true, multiple: true, multipleNonGreedy: true, description: `Accepted and ignored (${what}).` })

/** `--config`, repeatable: files merged in order (later wins), or ENV for TAP_ZENDESK_CHAT_<SETTING> variables. */
export const configFlag = (required: boolean, what = 'Settings file (JSON)') =>
  Flags.string({
    multiple: true,
    // One value per --config: a greedy list would swallow the arguments after it.
    multipleNonGreedy: true,
    required,
    description: `${what}. Repeat to layer files (later ones win); ENV reads TAP_ZENDESK_CHAT_<SETTING> variables.`,
  })

/** No default: unset, Meltano's SINGER_SDK_LOG_CONFIG decides (src/cli/structured-log.ts), else text. */
export const logFormatFlag = Flags.option({
  options: LOG_FORMATS,
  description:
    "Log lines as plain text, or as one JSON object per line in the Meltano SDK's structured form. Default: json when Meltano's SINGER_SDK_LOG_CONFIG asks for structured logs, else text.",
  env: 'ZCHAT_LOG_FORMAT',
})()
