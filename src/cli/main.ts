/**
 * Entry of both executables: `zchat` (commands) and `tap-zendesk-chat` (Singer
 * flags). What Meltano starts most (`--about`, `--discover`, `--version`) is
 * answered without oclif; everything else loads it, and each command loads
 * only its own modules (src/commands/index.ts).
 */
import { readFileSync } from 'node:fs'
import { stripVTControlCharacters } from 'node:util'
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
                         stream, no STATE; =schema (or --test schema): SCHEMA
                         messages only, no request
  --about                describe the tap; --format json|markdown|text
  --log-level LEVEL      debug, info (default), warn or error
  --log-format FORMAT    text or json: one JSON object per log line (Meltano SDK
                         form); default json when SINGER_SDK_LOG_CONFIG asks for it
  --version              print the version
  --help                 print this help

Without --discover or --about, the tap syncs: with no catalog, every stream.
The same program as commands: zchat --help
`

const EXECUTABLES = { zchat: 'zchat', tap: 'tap-zendesk-chat' } as const

const packageVersion = (): string =>
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version

/** `tap-zendesk-chat/0.1.0 linux-x64 node-v20.12.0`: oclif's form, naming the executable that was run. */
export const versionLine = (entry: 'zchat' | 'tap', version: string): string =>
  `${EXECUTABLES[entry]}/${version} ${process.platform}-${process.arch} node-${process.version}`

export const main = async (argv: readonly string[], entry: 'zchat' | 'tap'): Promise<void> => {
  if (entry === 'tap' && (argv.length === 0 || asksForHelp(argv))) {
    process.stdout.write(TAP_USAGE)
    return
  }
  const command = toCommandArgv(argv)
  if (command.length === 1 && command[0] === '--version') {
    process.stdout.write(`${versionLine(entry, packageVersion())}\n`)
    return
  }
  // Singer flags only (as Meltano calls): about and discover without oclif.
  if (argv[0]?.startsWith('-') && (command[0] === 'about' || command[0] === 'discover')) {
    const { runSingerFast } = await import('./singer-fast.js')
    process.exitCode = await runSingerFast(argv, packageVersion())
    return
  }
  const { flush, run } = await import('@oclif/core')
  try {
    await run(command, import.meta.url)
    await flush()
  } catch (error) {
    // oclif's own failures (unknown or missing flags, unknown commands): one line, like ours.
    const exit = (error as { oclif?: { exit?: number } }).oclif?.exit
    const message = error instanceof Error ? error.message : String(error)
    const suggestion = await didYouMean(message)
    process.stderr.write(`error: ${suggestion ?? oneLine(message)}\n`)
    process.exitCode = exit === undefined || exit === 0 ? 2 : exit
  }
}

/** For `command X not found`: the nearest command's name, as oclif's not-found plugin suggests it. */
const didYouMean = async (message: string): Promise<string | undefined> => {
  const typed = /command (\S+) not found/.exec(stripVTControlCharacters(message))?.[1]
  if (typed === undefined) return undefined
  const { COMMANDS } = await import('../commands/index.js')
  const [best] = Object.keys(COMMANDS)
    .map((name) => [name, editDistance(typed.toLowerCase(), name)] as const)
    .sort((a, b) => a[1] - b[1])
  return best !== undefined && best[1] <= Math.max(2, Math.floor(typed.length / 3))
    ? `command ${typed} not found. Did you mean ${best[0]}? (see zchat ${best[0]} --help)`
    : `command ${typed} not found (see zchat --help)`
}

/** Levenshtein distance: insertions, deletions and substitutions. */
const editDistance = (a: string, b: string): number => {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    row = next
  }
  return row[b.length]!
}

/** oclif's multi-line messages ("The following error occurred: ... See more help") as one line. */
const oneLine = (message: string): string =>
  stripVTControlCharacters(message)
    .split('\n')
    .map((line) => line.replace(/^[\s›]+/, '').trim())
    .filter((line) => line !== '' && !/^The following errors? occurred/i.test(line) && !/^See more help/i.test(line))
    .join('; ') + ' (see --help)'
