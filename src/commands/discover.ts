import { Command } from '@oclif/core'
import * as E from 'fp-ts/lib/Either.js'
import { parseConfig } from '../codecs/config.js'
import { discover } from '../engine/catalog.js'
import { settle } from '../cli/edge.js'
import { configFlag, ignoredFileFlag, logLevelFlag } from '../cli/flags.js'
import { layeredConfig } from '../cli/config-sources.js'
import { readJsonFile } from '../cli/inputs.js'
import { stderrLogger } from '../cli/logger.js'
import { logFormatOf, logLevelOf } from '../cli/structured-log.js'
import { STREAMS } from '../streams/index.js'
import * as TE from 'fp-ts/lib/TaskEither.js'

export default class Discover extends Command {
  static override summary = 'Print the Singer catalog of every stream.'
  static override description =
    'The catalog is static: discovery makes no network call, so it is fast and works offline. A config, if given, is checked and its problems reported as warnings.'
  static override examples = ['<%= config.bin %> discover > catalog.json', 'tap-zendesk-chat --config config.json --discover']
  static override flags = {
    config: configFlag(false, 'Settings (JSON), checked but not needed'),
    state: ignoredFileFlag('discovery reads no state'),
    catalog: ignoredFileFlag('discovery writes the catalog'),
    properties: ignoredFileFlag('discovery writes the catalog'),
    'log-level': logLevelFlag,
  }

  async run(): Promise<void> {
    const { flags, metadata } = await this.parse(Discover)
    const level = logLevelOf(flags['log-level'], metadata.flags['log-level']?.setFromDefault === true)
    const log = stderrLogger(level, [], undefined, logFormatOf(undefined))
    const checkConfig = flags.config === undefined ? TE.right(undefined) : layeredConfig(flags.config, (file) => readJsonFile('config', file), process.env)
    process.exitCode = await settle(checkConfig, (json) => {
      if (json !== undefined) {
        const parsed = parseConfig(json, new Date())
        if (E.isLeft(parsed)) for (const p of parsed.left) log.warn(`config: ${p}`)
      }
      process.stdout.write(`${JSON.stringify(discover(STREAMS), null, 2)}\n`)
    })
  }
}
