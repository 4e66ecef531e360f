import { Command } from '@oclif/core'
import { configFlag, ignoredFileFlag, logFormatFlag, logLevelFlag } from '../cli/flags.js'
import { runDiscover } from '../cli/discover-mode.js'
import { logFormatOf, logLevelOf } from '../cli/structured-log.js'

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
    'log-format': logFormatFlag,
  }

  async run(): Promise<void> {
    const { flags, metadata } = await this.parse(Discover)
    const logLevel = logLevelOf(flags['log-level'], metadata.flags['log-level']?.setFromDefault === true)
    process.exitCode = await runDiscover(flags.config, logLevel, logFormatOf(flags['log-format']))
  }
}
