/** Entry of both executables: `zchat` (commands) and `tap-zendesk-chat` (Singer flags). */
import { stripVTControlCharacters } from 'node:util'
import { flush, run } from '@oclif/core'
import { asksForHelp, toCommandArgv } from './singer-argv.js'

const TAP_USAGE = `Usage: tap-zendesk-chat [flags]

Singer tap for Zendesk Chat. Called by Meltano and other Singer tools with flags only.

  --config FILE|ENV      settings (JSON); required for sync. Repeat to layer
                         files (later ones win); ENV reads TAP_ZENDESK_CHAT_<SETTING>
  --discover             print the catalog (no network call)
  --catalog FILE         sync the streams and fields this catalog selects
  --properties FILE      same as --catalog (older Singer tools)
  --state FILE           resume from this state
  --test[=schema]        connection test: a SCHEMA and one RECORD per selected
                         stream, no STATE; =schema: SCHEMA messages only, no request
  --about                describe the tap; --format json|markdown|text
  --log-level LEVEL      debug, info (default), warn or error
  --log-format FORMAT    text or json: one JSON object per log line (Meltano SDK
                         form); default json when SINGER_SDK_LOG_CONFIG asks for it
  --version              print the version
  --help                 print this help

Without --discover or --about, the tap syncs: with no catalog, every stream.
The same program as commands: zchat --help
`

export const main = async (argv: readonly string[], entry: 'zchat' | 'tap'): Promise<void> => {
  if (entry === 'tap' && (argv.length === 0 || asksForHelp(argv))) {
    process.stdout.write(TAP_USAGE)
    return
  }
  try {
    await run(toCommandArgv(argv), import.meta.url)
    await flush()
  } catch (error) {
    // oclif's own failures (unknown or missing flags, unknown commands): one line, like ours.
    const exit = (error as { oclif?: { exit?: number } }).oclif?.exit
    process.stderr.write(`error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`)
    process.exitCode = exit === undefined || exit === 0 ? 2 : exit
  }
}

/** oclif's multi-line messages ("The following error occurred: ... See more help") as one line. */
const oneLine = (message: string): string =>
  stripVTControlCharacters(message)
    .split('\n')
    .map((line) => line.replace(/^[\s›]+/, '').trim())
    .filter((line) => line !== '' && !/^The following errors? occurred/i.test(line) && !/^See more help/i.test(line))
    .join('; ') + ' (see --help)'
