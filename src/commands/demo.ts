import { Command, Flags } from '@oclif/core'
import { runDemo } from '../cli/demo.js'

export default class Demo extends Command {
  static override summary = 'Sync a sandbox account twice (full, then incremental) and summarise.'
  static override description =
    'Starts a sandbox on 127.0.0.1, runs tap-zendesk-chat against it, adds data, runs it again with the state of the first run, and prints records and bookmarks per stream. The Singer output goes to files in --out.'
  static override flags = {
    out: Flags.string({ default: 'demo-output', description: 'Folder for the config, Singer output and state files.' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Demo)
    process.exitCode = await runDemo(flags.out, (line) => process.stdout.write(`${line}\n`))
  }
}
