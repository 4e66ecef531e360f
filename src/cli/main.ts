/** Entry of both executables: `zchat` (commands) and `tap-zendesk-chat` (Singer flags). */
import { execute } from '@oclif/core'
import { toCommandArgv } from './singer-argv.js'

const TAP_USAGE = `Usage: tap-zendesk-chat [flags]

Singer tap for Zendesk Chat. Called by Meltano and other Singer tools with flags only.

  --config FILE          settings (JSON); required for sync
  --discover             print the catalog (no network call)
  --catalog FILE         sync the streams and fields this catalog selects
  --properties FILE      same as --catalog (older Singer tools)
  --state FILE           resume from this state
  --about                describe the tap; --format json|markdown|text
  --log-level LEVEL      debug, info (default), warn or error
  --version              print the version
  --help                 print this help

Without --discover or --about, the tap syncs: with no catalog, every stream.
The same program as commands: zchat --help
`

export const main = async (argv: readonly string[], entry: 'zchat' | 'tap'): Promise<void> => {
  if (entry === 'tap' && (argv[0] === '--help' || argv[0] === '-h')) {
    process.stdout.write(TAP_USAGE)
    return
  }
  await execute({ args: toCommandArgv(argv), dir: import.meta.url })
}
