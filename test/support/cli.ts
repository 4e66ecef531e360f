/**
 * End-to-end helpers: spawn the built executables as a user (or Meltano) would,
 * in temp dirs, and read back what they printed.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '..', '..')
export const TAP = join(ROOT, 'bin', 'tap-zendesk-chat')
export const ZCHAT = join(ROOT, 'bin', 'zchat')

export const PACKAGE_VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version

export interface RunResult {
  /** Exit status; null when the process was killed by a signal. */
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
  /** True when the helper had to kill the process because it ran too long. */
  readonly timedOut: boolean
}

export interface RunOptions {
  /** Kill the process after this long (default 20 s). */
  readonly timeoutMs?: number
  readonly cwd?: string
  /** Variables added to the child's environment (childEnv). */
  readonly env?: NodeJS.ProcessEnv
}

/** The environment children run in: the parent's, minus settings that would change their output. */
export const childEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env }
  delete env.ZCHAT_LOG_LEVEL
  delete env.ZCHAT_LOG_FORMAT
  delete env.SINGER_SDK_LOG_CONFIG // Meltano's: it would switch the log format
  for (const name of Object.keys(env)) if (name.startsWith('TAP_ZENDESK_CHAT_')) delete env[name]
  delete env.NODE_OPTIONS // the test runner's tsx loader is not for the built program
  return env
}

/** Spawn one of the built executables with `process.execPath`. */
export const spawnBin = (
  bin: string,
  args: readonly string[],
  cwd = ROOT,
  extraEnv: NodeJS.ProcessEnv = {},
): ChildProcessWithoutNullStreams => spawn(process.execPath, [bin, ...args], { cwd, env: { ...childEnv(), ...extraEnv }, stdio: 'pipe' })

/** Run an executable to completion and collect its output (asynchronously, so a sandbox in this process keeps serving). */
export const run = (bin: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> =>
  new Promise((done, fail) => {
    const child = spawnBin(bin, args, options.cwd, options.env)
    child.stdin.end()
    const out: Buffer[] = []
    const err: Buffer[] = []
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, options.timeoutMs ?? 20_000)
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', (error) => {
      clearTimeout(timer)
      fail(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      done({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      })
    })
  })

export const tap = (...args: string[]): Promise<RunResult> => run(TAP, args)
export const zchat = (...args: string[]): Promise<RunResult> => run(ZCHAT, args)

/** A short description of a run, for assertion messages. */
export const describeRun = (r: RunResult): string =>
  `exit ${r.code}${r.signal ? ` (${r.signal})` : ''}${r.timedOut ? ' (timed out)' : ''}\n--- stderr ---\n${r.stderr.slice(0, 2000)}\n--- stdout (start) ---\n${r.stdout.slice(0, 500)}`

/** A fresh directory under the OS temp dir for one test's files. */
export class TempDir {
  private constructor(readonly path: string) {}

  static async create(prefix = 'zchat-e2e-'): Promise<TempDir> {
    return new TempDir(await mkdtemp(join(tmpdir(), prefix)))
  }

  file(name: string): string {
    return join(this.path, name)
  }

  /** Write `content` (a string as is, anything else as JSON) and return the file's path. */
  async write(name: string, content: unknown): Promise<string> {
    const path = this.file(name)
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2))
    return path
  }

  async remove(): Promise<void> {
    await rm(this.path, { recursive: true, force: true })
  }
}

/** Non-empty lines of a text. */
export const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '')

/** What a stack trace line looks like (`    at fn (file:1:2)`). */
export const STACK_LINE = /^\s+at\s/

/**
 * How every rejected run must look: the expected exit status, something on
 * stderr, each stderr line an `error:` line or a `WARN` log line (with `logs`,
 * any log line: a run that failed against the API has logged its progress),
 * no stack trace, and no RECORD on stdout. Returns the `error:` lines.
 */
export const expectCleanFailure = (r: RunResult, code: number, { logs = false }: { logs?: boolean } = {}): string[] => {
  const allowed = logs ? /^(error:|WARN|INFO|DEBUG)/ : /^(error:|WARN)/
  const info = describeRun(r)
  if (r.timedOut) throw new Error(`the process did not end: ${info}`)
  const errLines = lines(r.stderr)
  if (r.code !== code) throw new Error(`expected exit status ${code}: ${info}`)
  if (errLines.length === 0) throw new Error(`expected an error on stderr: ${info}`)
  for (const line of errLines) {
    if (STACK_LINE.test(line) || line.includes('    at ')) throw new Error(`stack trace on stderr: ${info}`)
    if (!allowed.test(line))
      throw new Error(`stderr line is neither an "error:" line nor a log line (${allowed.source}): ${JSON.stringify(line)}\n${info}`)
  }
  if (r.stdout.split('\n').some((l) => l.includes('"type":"RECORD"') || l.includes('"RECORD"'))) {
    throw new Error(`RECORD on stdout of a rejected run: ${info}`)
  }
  const errors = errLines.filter((l) => l.startsWith('error:'))
  if (errors.length === 0) throw new Error(`no "error:" line on stderr: ${info}`)
  return errors
}

/** A temp dir created before the suite's tests and removed after them. */
export const useTempDir = (): (() => TempDir) => {
  let dir: TempDir | undefined
  before(async () => {
    dir = await TempDir.create()
  })
  after(async () => {
    await dir?.remove()
  })
  return () => {
    if (dir === undefined) throw new Error('temp dir not created')
    return dir
  }
}

/** Run a shell command on a pseudo-terminal (script(1)); what the terminal showed. */
export const onTerminal = async (command: string): Promise<{ code: number | null; screen: string }> => {
  const child = spawn('/usr/bin/script', ['-qec', command, '/dev/null'], {
    env: { ...childEnv(), SHELL: '/bin/sh' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const chunks: Buffer[] = []
  child.stdout.on('data', (b: Buffer) => chunks.push(b))
  child.stderr.on('data', (b: Buffer) => chunks.push(b))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  return { code, screen: Buffer.concat(chunks).toString('utf8') }
}
