/**
 * How the `meltano` command line reads the commands the README and
 * meltano.yml give, emulated for tests, for Meltano 4 (4.2.2) and 3.x (3.7.9).
 * Facts from meltano/meltano at those tags (click commands in src/meltano/cli/):
 *
 * - config.py, 4.x: `meltano config [--safe|--unsafe] SUBCOMMAND PLUGIN_NAME ...`
 *   with subcommands print, list, reset, set (PLUGIN_NAME SETTING_NAME... VALUE),
 *   test and unset, each taking --plugin-type. A plugin name where the
 *   subcommand goes is `No such command` (exit 2).
 * - config.py, 3.x: `meltano config [OPTIONS] PLUGIN_NAME [SUBCOMMAND] ...`:
 *   the plugin first, then list, reset, set, test or unset (none: print).
 * - add.py, 4.x: `meltano add [--plugin-type TYPE] [--custom] ... PLUGIN...`:
 *   every positional is a plugin name, its type --plugin-type or, without it,
 *   inferred from the name (utils.py infer_plugin_type: tap- an extractor,
 *   target- a loader, anything else a utility).
 * - add.py, 3.x: `meltano add [OPTIONS] PLUGIN_TYPE PLUGIN_NAME...`, the type
 *   one of the plugin types, singular or plural.
 * - invoke.py: PLUGIN_NAME[:COMMAND] then the plugin's own arguments, as they
 *   are; run.py: blocks; install.py, lock.py: plugin names, optional;
 *   select_entities.py: EXTRACTOR [STREAMS [PROPERTIES]] with --list, --all,
 *   --exclude, --rm.
 */

export type MeltanoMajor = 3 | 4

export type PluginType = 'extractors' | 'loaders' | 'utilities' | 'mappers' | 'transformers' | 'orchestrators' | 'transforms' | 'files'

export interface PluginUse {
  readonly type: PluginType | undefined
  readonly name: string
}

export interface MeltanoCommand {
  /** `config set`, `add`, `run`... */
  readonly command: string
  /** The plugins the command names, with their type where the command fixes it. */
  readonly plugins: readonly PluginUse[]
  /** What is left: setting names and value, the plugin's own arguments, select patterns. */
  readonly rest: readonly string[]
  readonly options: Readonly<Record<string, string | true>>
}

/** click's usage error: Meltano prints it and exits 2. */
export class UsageError extends Error {}

const TYPES: Record<string, PluginType> = {
  extractor: 'extractors',
  extractors: 'extractors',
  loader: 'loaders',
  loaders: 'loaders',
  utility: 'utilities',
  utilities: 'utilities',
  mapper: 'mappers',
  mappers: 'mappers',
  transformer: 'transformers',
  transformers: 'transformers',
  orchestrator: 'orchestrators',
  orchestrators: 'orchestrators',
  transform: 'transforms',
  transforms: 'transforms',
  file: 'files',
  files: 'files',
}

const inferType = (name: string): PluginType =>
  name.startsWith('tap-') ? 'extractors' : name.startsWith('target-') ? 'loaders' : 'utilities'

/** Options that take a value, per command (the rest are flags). */
const VALUED: Record<string, readonly string[]> = {
  add: ['--plugin-type', '--variant', '--inherit-from', '--as', '--from-ref', '--python'],
  config: ['--plugin-type', '--format', '--store', '--from-file'],
  invoke: ['--plugin-type', '--print-var'],
  run: ['--state-id-suffix', '--state-strategy', '--run-id', '--timeout'],
  install: ['--plugin-type'],
  lock: ['--plugin-type'],
  select: [],
}

/** Split options from positionals as click does for one command: `--a=b`, `--a b` for valued options, `--` ends options. */
const split = (command: string, args: readonly string[]): { options: Record<string, string | true>; positionals: string[] } => {
  const options: Record<string, string | true> = {}
  const positionals: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--') {
      positionals.push(...args.slice(i + 1))
      break
    }
    if (arg.startsWith('--')) {
      const [name, value] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
      if ((VALUED[command] ?? []).includes(name!)) {
        const given = value ?? args[++i]
        if (given === undefined) throw new UsageError(`Option '${name}' requires an argument.`)
        options[name!] = given
      } else options[name!] = true
    } else positionals.push(arg)
  }
  return { options, positionals }
}

const CONFIG_SUBCOMMANDS = { 4: ['print', 'list', 'reset', 'set', 'test', 'unset'], 3: ['list', 'reset', 'set', 'test', 'unset'] } as const

const typeOption = (options: Record<string, string | true>): PluginType | undefined => {
  const given = options['--plugin-type']
  if (given === undefined) return undefined
  const type = TYPES[String(given)]
  if (type === undefined) throw new UsageError(`Invalid value for '--plugin-type': '${String(given)}'`)
  return type
}

/** `meltano ARGS` (ARGS without `meltano`) as that Meltano reads it; throws UsageError where Meltano exits 2. */
export const parseMeltano = (major: MeltanoMajor, argv: readonly string[]): MeltanoCommand => {
  const [command, ...args] = argv
  switch (command) {
    case 'config': {
      if (major === 4) {
        const at = args.findIndex((a) => !a.startsWith('--'))
        const sub = args[at]
        if (sub === undefined) throw new UsageError('Missing command.')
        if (!(CONFIG_SUBCOMMANDS[4] as readonly string[]).includes(sub)) throw new UsageError(`No such command '${sub}'.`)
        const { options, positionals } = split('config', args.slice(at + 1))
        const [plugin, ...rest] = positionals
        if (plugin === undefined) throw new UsageError("Missing argument 'PLUGIN_NAME'.")
        if (sub === 'set' && rest.length < 2) throw new UsageError('config set needs a setting name and a value')
        return { command: `config ${sub}`, plugins: [{ type: typeOption(options), name: plugin }], rest, options }
      }
      const { options, positionals } = split('config', args)
      const [plugin, sub, ...rest] = positionals
      if (plugin === undefined) throw new UsageError("Missing argument 'PLUGIN_NAME'.")
      if (sub !== undefined && !(CONFIG_SUBCOMMANDS[3] as readonly string[]).includes(sub))
        throw new UsageError(`No such command '${sub}'.`)
      if (sub === 'set' && rest.length < 2) throw new UsageError('config set needs a setting name and a value')
      return {
        command: sub === undefined ? 'config' : `config ${sub}`,
        plugins: [{ type: typeOption(options), name: plugin }],
        rest,
        options,
      }
    }
    case 'add': {
      const { options, positionals } = split('add', args)
      if (major === 3) {
        const [type, ...names] = positionals
        const pluginType = type === undefined ? undefined : TYPES[type]
        if (pluginType === undefined) throw new UsageError(`Invalid value for 'PLUGIN_TYPE': '${String(type)}'`)
        if (names.length === 0) throw new UsageError("Missing argument 'PLUGIN_NAME...'.")
        return { command: 'add', plugins: names.map((name) => ({ type: pluginType, name })), rest: [], options }
      }
      if (positionals.length === 0) throw new UsageError("Missing argument 'PLUGIN...'.")
      const given = typeOption(options)
      return { command: 'add', plugins: positionals.map((name) => ({ type: given ?? inferType(name), name })), rest: [], options }
    }
    case 'invoke': {
      // Everything after PLUGIN_NAME is the plugin's, options included.
      const at = args.findIndex((a) => !a.startsWith('--'))
      if (at < 0) throw new UsageError("Missing argument 'PLUGIN_NAME[:COMMAND_NAME]'.")
      const { options } = split('invoke', args.slice(0, at))
      return {
        command: 'invoke',
        plugins: [{ type: typeOption(options), name: args[at]!.split(':')[0]! }],
        rest: args.slice(at + 1),
        options,
      }
    }
    case 'run': {
      const { options, positionals } = split('run', args)
      if (positionals.length === 0) throw new UsageError("Missing argument 'BLOCKS...'.")
      return { command: 'run', plugins: positionals.map((name) => ({ type: undefined, name })), rest: [], options }
    }
    case 'install':
    case 'lock': {
      const { options, positionals } = split(command, args)
      return { command, plugins: positionals.map((name) => ({ type: typeOption(options), name })), rest: [], options }
    }
    case 'select': {
      const { options, positionals } = split('select', args)
      const [extractor, ...patterns] = positionals
      if (extractor === undefined) throw new UsageError("Missing argument 'EXTRACTOR'.")
      if (patterns.length > 2) throw new UsageError(`Got unexpected extra argument (${patterns[2]})`)
      return { command: 'select', plugins: [{ type: 'extractors', name: extractor }], rest: patterns, options }
    }
    default:
      throw new UsageError(`No such command '${String(command)}'.`)
  }
}

/** A shell line's words: spaces split, quotes group, `<token>`-style placeholders stay one word. */
export const shellWords = (line: string): string[] => [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!)

export interface DocumentedCommand {
  readonly major: MeltanoMajor
  readonly line: string
  readonly where: string
}

/**
 * The `meltano` commands a text gives: in its shell lines (a fenced sh block, or
 * a `#` comment line of meltano.yml), each `meltano ...` before a `#` is a
 * Meltano 4 command and each `3.x: meltano ...` in a comment a Meltano 3.x one.
 */
export const documentedCommands = (text: string, where: string): DocumentedCommand[] => {
  const found: DocumentedCommand[] = []
  const take = (line: string) => {
    const hash = line.indexOf('#')
    const code = (hash < 0 ? line : line.slice(0, hash)).trim()
    const comment = hash < 0 ? '' : line.slice(hash + 1)
    if (code.startsWith('meltano ')) found.push({ major: 4, line: code, where })
    for (const m of comment.matchAll(/3\.x: (meltano [^;#]*?)\s*(?:;|$)/g)) found.push({ major: 3, line: m[1]!.trim(), where })
  }
  let fenced = false
  for (const raw of text.split('\n')) {
    if (/^```/.test(raw)) {
      fenced = raw.trim() === '```sh' || raw.trim() === '```bash' || raw.trim() === '```shell'
      if (raw.trim() === '```') fenced = false
      continue
    }
    if (fenced) take(raw)
    else if (/^#\s+(meltano |.*3\.x: meltano )/.test(raw)) take(raw.replace(/^#\s+/, ''))
  }
  return found
}
