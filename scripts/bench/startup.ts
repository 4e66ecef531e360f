/**
 * Start-up: how long the tap takes for what Meltano starts it for before and
 * around every run (`--about`, `--discover`, `--version`), side by side with
 * `node -e 0` (Node's own start, which no Node program can beat). Each command
 * is run `runs` times after two warm-up runs, in rounds; the median wall time counts.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

export interface StartupCommand {
  readonly label: string
  readonly args: readonly string[]
}

export interface StartupFigure {
  readonly label: string
  readonly medianMs: number
  readonly minMs: number
  readonly maxMs: number
}

export interface StartupResult {
  readonly runs: number
  readonly figures: readonly StartupFigure[]
}

export const startupCommands = (root: string): readonly StartupCommand[] => {
  const tap = join(root, 'bin', 'tap-zendesk-chat')
  return [
    { label: 'node -e 0', args: ['-e', '0'] },
    { label: 'tap-zendesk-chat --version', args: [tap, '--version'] },
    { label: 'tap-zendesk-chat --about', args: [tap, '--about', '--format=json'] },
    { label: 'tap-zendesk-chat --discover', args: [tap, '--discover'] },
  ]
}

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const once = (args: readonly string[]): number => {
  const started = process.hrtime.bigint()
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] })
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}`)
  return Number(process.hrtime.bigint() - started) / 1e6
}

export const measureStartup = (root: string, runs: number): StartupResult => {
  const commands = startupCommands(root)
  for (const { args } of commands) {
    once(args)
    once(args)
  }
  // Rounds of every command in turn: a machine whose load changes slows them all alike.
  const times = commands.map(() => [] as number[])
  for (let round = 0; round < runs; round++) commands.forEach(({ args }, i) => times[i]!.push(once(args)))
  return {
    runs,
    figures: commands.map(({ label }, i) => ({
      label,
      medianMs: median(times[i]!),
      minMs: Math.min(...times[i]!),
      maxMs: Math.max(...times[i]!),
    })),
  }
}
