/** Flags several commands share, defined once. */
import { Flags } from '@oclif/core'
import { LOG_LEVELS, type LogLevel } from '../engine/env.js'

export const logLevelFlag = Flags.option({
  options: LOG_LEVELS,
  default: 'info' as LogLevel,
  description: 'Lowest level of log lines written to stderr.',
  env: 'ZCHAT_LOG_LEVEL',
})()

/** Accepted where Singer tools pass them but the command has no use for them. */
export const ignoredFileFlag = (what: string) =>
  Flags.string({ hidden: true, description: `Accepted and ignored (${what}).` })
