/**
 * Reading the files named on the command line, each into a checked value or a
 * Failure that names the file and what is wrong with it.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import * as t from 'io-ts'
import { CatalogFile } from '../codecs/catalog.js'
import { parseConfig, type ParsedConfig } from '../codecs/config.js'
import { invalidInput, type Failure } from '../core/failure.js'
import { selectStreams, type SelectedStream } from '../engine/catalog.js'
import { ENV_SOURCE, layeredConfig } from './config-sources.js'
import { emptyState } from '../engine/state/bookmarks.js'
import { readState, type ReadState } from '../engine/state/state.js'
import type { StreamDef } from '../streams/stream.js'

export { readJsonFile } from './json-file.js'
import { readJsonFile } from './json-file.js'

/** The settings of every `--config` source (files, or ENV), merged in order and checked. */
export const loadConfig = (
  sources: readonly string[],
  now: Date,
  env: NodeJS.ProcessEnv = process.env,
): TE.TaskEither<Failure, ParsedConfig> =>
  pipe(
    layeredConfig(sources, (file) => readJsonFile('config', file), env),
    TE.chainEitherK((json) =>
      pipe(
        parseConfig(json, now),
        E.mapLeft((problems) => invalidInput('config', problems)),
      ),
    ),
    // One file is where refreshed tokens go back to; with several sources, no one file holds the settings.
    TE.map((parsed) =>
      sources.length === 1 && sources[0] !== ENV_SOURCE ? { ...parsed, config: { ...parsed.config, storedIn: sources[0]! } } : parsed,
    ),
  )

/** The state to resume from (none without a file), with notes on what was converted from another connector's state. */
export const loadState = (file: string | undefined, streams: readonly StreamDef[]): TE.TaskEither<Failure, ReadState> =>
  file === undefined
    ? TE.right({ state: emptyState, notes: [], warnings: [] })
    : pipe(
        readJsonFile('state', file),
        TE.chainEitherK((json) =>
          pipe(
            readState(json, streams),
            E.mapLeft((problems) => invalidInput('state', problems)),
          ),
        ),
      )

const catalogProblem = (errors: t.Errors): string => {
  const path = errors[0]?.context
    .map((c) => c.key)
    .filter((k) => k !== '' && !/^\d+$/.test(k))
    .join('.')
  return `not a Singer catalog: expected {"streams": [{"tap_stream_id": ..., "metadata": [...]}, ...]}${path ? ` (at ${path})` : ''}`
}

export const loadSelection = (file: string, streams: readonly StreamDef[]): TE.TaskEither<Failure, readonly SelectedStream[]> =>
  pipe(
    readJsonFile('catalog', file),
    TE.chainEitherK((json) =>
      pipe(
        CatalogFile.decode(json),
        E.mapLeft((errors) => invalidInput('catalog', [catalogProblem(errors)])),
        E.chain((catalog) =>
          pipe(
            selectStreams(catalog, streams),
            E.mapLeft((p) => invalidInput('catalog', p)),
          ),
        ),
      ),
    ),
  )
