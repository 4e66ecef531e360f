import { Command, Flags } from '@oclif/core'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { settle } from '../cli/edge.js'
import { configFlag, logFormatFlag, logLevelFlag } from '../cli/flags.js'
import { loadConfig, loadSelection, loadState } from '../cli/inputs.js'
import { edgeLines } from '../cli/logger.js'
import { logFormatOf, logLevelOf } from '../cli/structured-log.js'
import { realEnv, stderrLine } from '../cli/real-env.js'
import { commandLine, stdoutTarget, summaryLine, terminalStdoutWarning } from '../cli/run-report.js'
import { performance } from 'node:perf_hooks'
import { defaultSelection } from '../engine/catalog.js'
import { clampFutureBookmarks } from '../engine/state/state.js'
import { invalidInput } from '../core/failure.js'
import { sync } from '../engine/sync.js'
import { STREAMS } from '../streams/index.js'

export default class Sync extends Command {
  static override summary = 'Extract the selected streams as Singer messages on stdout.'
  static override description =
    'Writes SCHEMA, RECORD and STATE messages to stdout and logs to stderr. Every STATE is complete, so a run stopped at any point resumes from the last STATE a target received.'
  static override examples = [
    '<%= config.bin %> sync --config config.json > out.jsonl',
    '<%= config.bin %> sync --config config.json --catalog catalog.json --state state.json',
    '<%= config.bin %> sync --config defaults.json --config ENV --test',
    'tap-zendesk-chat --config config.json --catalog catalog.json --state state.json',
  ]
  static override flags = {
    config: configFlag(true),
    catalog: Flags.string({ description: 'Catalog whose selection to sync; without one, every stream.', aliases: ['properties'] }),
    state: Flags.string({ description: 'State to resume from (the value of the last STATE message).' }),
    test: Flags.option({
      options: ['records', 'schema'] as const,
      description:
        "Connection test. records (a bare --test): each selected stream's SCHEMA and one RECORD, no STATE, then exit 0. schema: SCHEMA messages only, without a request.",
    })(),
    'log-level': logLevelFlag,
    'log-format': logFormatFlag,
  }

  async run(): Promise<void> {
    const { flags, metadata } = await this.parse(Sync)
    const logFormat = logFormatOf(flags['log-format'])
    const logLevel = logLevelOf(flags['log-level'], metadata.flags['log-level']?.setFromDefault === true)
    const program = pipe(
      TE.Do,
      TE.bind('parsed', () => loadConfig(flags.config ?? [], new Date())),
      TE.bind('streams', () => (flags.catalog === undefined ? TE.right(defaultSelection(STREAMS)) : loadSelection(flags.catalog, STREAMS))),
      TE.bind('state', () => loadState(flags.state, STREAMS)),
      TE.chain(({ parsed, streams, state }) => {
        const env = realEnv(parsed.config, this.config.version, logLevel, logFormat)
        if (process.stdout.isTTY) env.log.warn(terminalStdoutWarning(commandLine()))
        for (const warning of parsed.warnings) env.log.warn(warning)
        for (const note of state.notes) env.log.info(note)
        for (const warning of state.warnings ?? []) env.log.warn(warning)
        const clamped = clampFutureBookmarks(state.state, STREAMS, env.now())
        for (const warning of clamped.warnings) env.log.warn(warning)
        if (streams.length === 0) {
          const nothing =
            'the catalog selects no stream: nothing to sync (mark streams "selected": true in their metadata, or run without --catalog for every stream)'
          // A connection test that tests nothing has not passed.
          if (flags.test !== undefined) return TE.left(invalidInput('catalog', [nothing]))
          env.log.warn(nothing)
        }
        return async () => {
          const result = await sync(streams, clamped.state, flags.test)(env)()
          // Before the block's last drawing, so the block stays the last thing on a terminal.
          if (result._tag === 'Right')
            env.log.info(summaryLine(result.right, env.requests(), performance.now(), flags.test, stdoutTarget()))
          env.finish()
          return result
        }
      }),
    )
    process.exitCode = await settle(program, () => undefined, edgeLines(logFormat, stderrLine))
  }
}
