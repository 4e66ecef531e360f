/**
 * What a person reads around a sync's Singer output: a warning when stdout is
 * the terminal itself, and the run's last log line, its summary.
 */
import { readlinkSync } from 'node:fs'
import { basename, relative, isAbsolute } from 'node:path'
import type { SyncResult, TestMode } from '../engine/sync.js'

const quoted = (arg: string): string => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)

/** The command line this process was started with, as a shell would take it back. */
export const commandLine = (argv: readonly string[] = process.argv): string =>
  [basename(argv[1] ?? 'zchat'), ...argv.slice(2)].map(quoted).join(' ')

/** Said once when stdout is the terminal: Singer messages are for a target or a file. */
export const terminalStdoutWarning = (command: string): string =>
  `stdout is a terminal: Singer output is meant for a target or a file. Redirect it: ${command} > out.jsonl (or: ${command} | target-jsonl)`

/** Where file descriptor 1 leads: a file's path, a pipe, or the terminal (Linux's /proc; elsewhere: stdout). */
export const stdoutTarget = (
  isTerminal: boolean = process.stdout.isTTY === true,
  link: () => string = () => readlinkSync('/proc/self/fd/1'),
): string => {
  if (isTerminal) return 'on the terminal'
  let target: string
  try {
    target = link()
  } catch {
    return 'on stdout'
  }
  if (target.startsWith('pipe:') || target.startsWith('socket:')) return 'on stdout (a pipe)'
  if (target === '/dev/null') return 'discarded (stdout is /dev/null)'
  if (!isAbsolute(target)) return 'on stdout'
  const near = relative(process.cwd(), target)
  return `in ${near.startsWith('..') ? target : near}`
}

const count = (n: number): string => n.toLocaleString('en-US')
const plural = (n: number, word: string): string => `${count(n)} ${word}${n === 1 ? '' : 's'}`

/** The sync's last line: streams, records, requests, time, and where the state went. */
export const summaryLine = (result: SyncResult, requests: number, elapsedMs: number, test: TestMode | undefined, where: string): string => {
  const records = result.streams.reduce((sum, s) => sum + (s?.records ?? 0), 0)
  const state = test === undefined ? `state: last STATE ${where}` : 'no STATE (connection test)'
  return `${test === undefined ? 'sync' : 'connection test'} done: ${plural(result.streams.length, 'stream')}, ${plural(records, 'record')}, ${plural(requests, 'request')} in ${(elapsedMs / 1000).toFixed(1)} s; ${state}`
}
