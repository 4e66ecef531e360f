/**
 * `--about` and `--discover`, shared by the oclif commands and the fast path
 * of the tap executable (src/cli/singer-fast.ts), which answers them without
 * loading oclif: Meltano starts the tap for each of them.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { parseConfig } from '../codecs/config.js'
import { about, aboutMarkdown, aboutText } from '../engine/about.js'
import { discover } from '../engine/catalog.js'
import type { LogLevel } from '../engine/env.js'
import { STREAMS } from '../streams/index.js'
import { layeredConfig } from './config-sources.js'
import { settle } from './edge.js'
import { readJsonFile } from './inputs.js'
import { edgeLines, stderrLogger, type LogFormat } from './logger.js'

export type AboutFormat = 'json' | 'markdown' | 'text'
export const ABOUT_FORMATS: readonly AboutFormat[] = ['json', 'markdown', 'text']

export const runAbout = (version: string, format: AboutFormat): number => {
  const info = about(version, STREAMS)
  process.stdout.write(format === 'json' ? `${JSON.stringify(info, null, 2)}\n` : format === 'markdown' ? aboutMarkdown(info) : aboutText(info))
  return 0
}

/** The catalog on stdout; a config, if given, is checked and its problems logged as warnings. Resolves to the exit status. */
export const runDiscover = (configSources: readonly string[] | undefined, logLevel: LogLevel, logFormat: LogFormat): Promise<number> => {
  const log = stderrLogger(logLevel, [], undefined, logFormat)
  const checkConfig = configSources === undefined ? TE.right(undefined) : layeredConfig(configSources, (file) => readJsonFile('config', file), process.env)
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
