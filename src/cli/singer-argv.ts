/**
 * Meltano and other Singer tools call a tap with flags only, never a
 * subcommand (`--config C --discover`, `--config C --catalog K --state S`,
 * `--about --format=json`). This turns such an argument list into the
 * equivalent zchat command line; a list that already names a command is kept.
 */

/** Flags that only matter to sync: accepted and dropped when discovering or describing. */
const SYNC_ONLY = ['--state', '--catalog', '--properties']

const isFlag = (arg: string, name: string) => arg === name || arg.startsWith(`${name}=`)

/** Remove `names` (and, for the `--flag value` form, their value) from `args`. */
const without = (args: readonly string[], names: readonly string[]): string[] => {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    const name = names.find((n) => isFlag(arg, n))
    if (name === undefined) out.push(arg)
    else if (arg === name && SYNC_ONLY.includes(name) && i + 1 < args.length) i++
  }
  return out
}

/** Whether a flags-only argument list asks for help anywhere (`meltano invoke tap --help` puts --config first). */
export const asksForHelp = (argv: readonly string[]): boolean =>
  argv[0] !== undefined && argv[0].startsWith('-') && argv.some((a) => a === '--help' || a === '-h')

const TEST_VALUES = ['records', 'schema']

/**
 * The Singer `--test` flag takes an optional value, as `--test=schema` or
 * `--test schema`; a bare one means a record per stream.
 */
const withTestValue = (args: readonly string[]): string[] => {
  const out: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg !== '--test') out.push(arg)
    else if (TEST_VALUES.includes(args[i + 1] ?? '')) out.push(`--test=${args[++i]!}`)
    else out.push('--test=records')
  }
  return out
}

export const toCommandArgv = (argv: readonly string[]): string[] => {
  const first = argv[0]
  // `zchat help [command]`: oclif's help, as its help plugin gives it.
  if (first === 'help') return argv.length > 1 ? [...argv.slice(1), '--help'] : ['--help']
  // Anything but a flag first is a command (known or not): oclif handles it.
  if (first === undefined || !first.startsWith('-')) return first === 'sync' ? withTestValue(argv) : [...argv]
  const has = (name: string) => argv.some((a) => isFlag(a, name))
  if (has('--version') || has('-v')) return ['--version']
  if (has('--help') || has('-h')) return ['--help']
  if (has('--about')) return ['about', ...without(argv, ['--about', '--discover', ...SYNC_ONLY])]
  if (has('--discover')) return ['discover', ...without(argv, ['--discover', ...SYNC_ONLY])]
  return ['sync', ...withTestValue(argv)]
}
