import { Command, Flags } from '@oclif/core'
import { ignoredFileFlag, logFormatFlag, logLevelFlag } from '../cli/flags.js'
import { ABOUT_FORMATS, runAbout } from '../cli/about-mode.js'

export default class About extends Command {
  static override summary = 'Describe the tap: capabilities, settings and streams.'
  static override examples = ['<%= config.bin %> about --format json', 'tap-zendesk-chat --about --format=json']
  static override flags = {
    format: Flags.option({ options: ABOUT_FORMATS, default: 'text' as const, description: 'Output format.' })(),
    config: ignoredFileFlag('about needs no settings'),
    state: ignoredFileFlag('about reads no state'),
    catalog: ignoredFileFlag('about reads no catalog'),
    properties: ignoredFileFlag('about reads no catalog'),
    // about logs nothing; accepted so every flag --help lists works in every mode.
    'log-level': logLevelFlag,
    'log-format': logFormatFlag,
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(About)
    process.exitCode = runAbout(this.config.version, flags.format)
  }
}
