import { Command, Flags } from '@oclif/core'
import { about, aboutMarkdown, aboutText } from '../engine/about.js'
import { ignoredFileFlag } from '../cli/flags.js'
import { STREAMS } from '../streams/index.js'

export default class About extends Command {
  static override summary = 'Describe the tap: capabilities, settings and streams.'
  static override examples = ['<%= config.bin %> about --format json', 'tap-zendesk-chat --about --format=json']
  static override flags = {
    format: Flags.option({ options: ['json', 'markdown', 'text'] as const, default: 'text' as const, description: 'Output format.' })(),
    config: ignoredFileFlag('about needs no settings'),
    state: ignoredFileFlag('about reads no state'),
    catalog: ignoredFileFlag('about reads no catalog'),
    properties: ignoredFileFlag('about reads no catalog'),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(About)
    const info = about(this.config.version, STREAMS)
    const rendered = flags.format === 'json' ? `${JSON.stringify(info, null, 2)}\n` : flags.format === 'markdown' ? aboutMarkdown(info) : aboutText(info)
    process.stdout.write(rendered)
  }
}
