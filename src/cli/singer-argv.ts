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

export const toCommandArgv = (argv: readonly string[]): string[] => {
  const first = argv[0]
  // Anything but a flag first is a command (known or not): oclif handles it.
  if (first === undefined || !first.startsWith('-')) return [...argv]
  const has = (name: string) => argv.some((a) => isFlag(a, name))
  if (has('--about')) return ['about', ...without(argv, ['--about', '--discover', ...SYNC_ONLY])]
  if (has('--discover')) return ['discover', ...without(argv, ['--discover', ...SYNC_ONLY])]
  if (has('--help') || has('-h') || has('--version') || has('-v')) return [...argv]
  return ['sync', ...argv]
}
