import { Command } from '@oclif/core'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { settle } from '../cli/edge.js'
import { configFlag, logFormatFlag, logLevelFlag } from '../cli/flags.js'
import { loadConfig } from '../cli/inputs.js'
import { edgeLines } from '../cli/logger.js'
import { logFormatOf, logLevelOf } from '../cli/structured-log.js'
import { realEnv } from '../cli/real-env.js'
import { check } from '../engine/check.js'

export default class Check extends Command {
  static override summary = 'Check in plain words that the subdomain, token and scopes work, with one request.'
  static override description =
    'Asks the API for the account, once, and says what works or what to fix. Exit status 0 when the connection works, 1 when it does not, 2 when the config itself is wrong.'
  static override examples = [
    '<%= config.bin %> check --config config.json',
    'TAP_ZENDESK_CHAT_ACCESS_TOKEN=... <%= config.bin %> check --config base.json --config ENV',
  ]
  static override flags = {
    config: configFlag(true),
    'log-level': logLevelFlag,
    'log-format': logFormatFlag,
  }

  async run(): Promise<void> {
    const { flags, metadata } = await this.parse(Check)
    const logFormat = logFormatOf(flags['log-format'])
    const logLevel = logLevelOf(flags['log-level'], metadata.flags['log-level']?.setFromDefault === true)
    const program = pipe(
      loadConfig(flags.config ?? [], new Date()),
      TE.chain((parsed) => {
        // A person is waiting: one retry at most, and no long Retry-After.
        const config = {
          ...parsed.config,
          maxRetries: Math.min(parsed.config.maxRetries, 1),
          maxRetryWaitMs: Math.min(parsed.config.maxRetryWaitMs, 10_000),
        }
        const real = realEnv(config, this.config.version, logLevel, logFormat)
        // Metrics are for pipelines' logs; a person checking a connection reads the answer.
        const env = { ...real, log: { ...real.log, metric: () => undefined } }
        for (const warning of parsed.warnings) env.log.warn(warning)
        return check(env)
      }),
    )
    let ok = false
    const code = await settle(
      program,
      (result) => {
        ok = result.ok
        process.stdout.write(result.lines.map((l) => `${l}\n`).join(''))
      },
      edgeLines(logFormat, (line) => process.stderr.write(line)),
    )
    process.exitCode = code === 0 && !ok ? 1 : code
  }
}
