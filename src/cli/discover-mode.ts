/**
 * `--discover`, shared by the oclif command and the tap executable's fast
 * path (src/cli/singer-fast.ts), which answers it without loading oclif or
 * the sync's modules: Meltano starts the tap for it.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { parseConfig } from '../codecs/config.js'
import { discover } from '../engine/catalog.js'
import type { LogLevel } from '../engine/env.js'
import { STREAMS } from '../streams/index.js'
import { layeredConfig } from './config-sources.js'
import { settle } from './edge.js'
import { readJsonFile } from './json-file.js'
import { edgeLines, stderrLogger, type LogFormat } from './logger.js'

/** The catalog on stdout; a config, if given, is checked and its problems logged as warnings. Resolves to the exit status. */
export const runDiscover = (configSources: readonly string[] | undefined, logLevel: LogLevel, logFormat: LogFormat): Promise<number> => {
  const log = stderrLogger(logLevel, [], undefined, logFormat)
  const checkConfig =
    configSources === undefined ? TE.right(undefined) : layeredConfig(configSources, (file) => readJsonFile('config', file), process.env)
  return settle(
    checkConfig,
    (json) => {
      if (json !== undefined) {
        const parsed = parseConfig(json, new Date())
        if (E.isLeft(parsed)) for (const p of parsed.left) log.warn(`config: ${p}`)
      }
      process.stdout.write(`${JSON.stringify(discover(STREAMS), null, 2)}\n`)
    },
    edgeLines(logFormat, (line) => process.stderr.write(line)),
  )
}
