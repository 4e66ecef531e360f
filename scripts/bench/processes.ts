/**
 * The processes `npm run bench` runs and measures: the built CLI (a sync, or a
 * sandbox serving in its own process so that its CPU is not counted as the
 * tap's), the floor script, and the reader that plays the Singer target.
 * CPU and peak RSS come from bench-probe.mjs, preloaded into the measured
 * process; wall time from here, spawn to exit.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createInterface } from 'node:readline'

export const ROOT = join(import.meta.dirname, '..', '..')
export const ZCHAT = join(ROOT, 'bin', 'zchat')
export const FLOOR = join(ROOT, 'scripts', 'floor.mjs')
const PROBE = pathToFileURL(join(ROOT, 'scripts', 'bench-probe.mjs')).href
const READER = join(ROOT, 'scripts', 'bench-reader.mjs')

/** What a measured process cost. */
export interface Usage {
  readonly wallSeconds: number
  readonly userSeconds: number
  readonly systemSeconds: number
  readonly peakRssBytes: number
}

/** What the reader saw. */
export interface ReadCount {
  readonly bytes: number
  readonly records: number
  readonly seconds: number
}

export const cpuSeconds = (usage: Usage): number => usage.userSeconds + usage.systemSeconds

/** The parent's environment minus what would change a child's behaviour (a tsx loader, a log level). */
const childEnv = (probeFile: string | undefined): NodeJS.ProcessEnv => {
  const env = { ...process.env }
  delete env.NODE_OPTIONS
  delete env.ZCHAT_LOG_LEVEL
  if (probeFile !== undefined) env.ZCHAT_BENCH_PROBE = probeFile
  return env
}

const exited = async (child: ChildProcess): Promise<number | null> => {
  const [code] = (await once(child, 'exit')) as [number | null]
  return code
}

const readProbe = (file: string, what: string): Omit<Usage, 'wallSeconds'> => {
  if (!existsSync(file)) throw new Error(`${what}: no CPU and memory figures (killed before it could write them?)`)
  const figures = JSON.parse(readFileSync(file, 'utf8')) as Omit<Usage, 'wallSeconds'>
  rmSync(file)
  return figures
}

/** A measured node process: `script` and its arguments, stdout to `stdout` (a file path) or piped to the returned child. */
export interface MeasuredRun {
  readonly usage: Usage
  readonly stderr: string
}

/**
 * Runs `node <script> <args>` with the probe, stdout to a file, stderr kept;
 * rejects when it fails.
 */
export async function measureToFile(script: string, args: readonly string[], stdoutFile: string, workDir: string): Promise<MeasuredRun> {
  const probeFile = join(workDir, `probe-${process.hrtime.bigint()}.json`)
  const out = openSync(stdoutFile, 'w')
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', PROBE, script, ...args], { env: childEnv(probeFile), stdio: ['ignore', out, 'pipe'] })
  closeSync(out)
  const stderr = collect(child)
  const code = await exited(child)
  const wallSeconds = (performance.now() - started) / 1000
  const text = await stderr
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} exited ${code}:\n${text.slice(-2000)}`)
  return { usage: { wallSeconds, ...readProbe(probeFile, script) }, stderr: text }
}

/**
 * Runs `node <script> <args>` with the probe, its stdout read by the bench
 * reader at `bytesPerSecond` (a slow target) through a pipe between the two.
 */
export async function measureIntoReader(
  script: string,
  args: readonly string[],
  bytesPerSecond: number,
  workDir: string,
): Promise<MeasuredRun & { readonly read: ReadCount }> {
  const probeFile = join(workDir, `probe-${process.hrtime.bigint()}.json`)
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', PROBE, script, ...args], {
    env: childEnv(probeFile),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  // The reader gets the tap's end of the pipe; this process lets go of it, so the two talk directly.
  const reader = spawn(process.execPath, [READER, String(bytesPerSecond)], {
    env: childEnv(undefined),
    stdio: [child.stdout!, 'pipe', 'inherit'],
  })
  child.stdout!.destroy()
  const stderr = collect(child)
  const readerOut = collectStdout(reader)
  const [code, readerCode] = await Promise.all([exited(child), exited(reader)])
  const wallSeconds = (performance.now() - started) / 1000
  const text = await stderr
  if (code !== 0 || readerCode !== 0)
    throw new Error(`${script} ${args.join(' ')} exited ${code} (reader ${readerCode}):\n${text.slice(-2000)}`)
  return { usage: { wallSeconds, ...readProbe(probeFile, script) }, stderr: text, read: JSON.parse(await readerOut) as ReadCount }
}

/** The bytes and RECORD lines of a file of Singer messages (then deleted: they can be gigabytes). */
export async function countRecords(file: string): Promise<ReadCount> {
  const input = openSync(file, 'r')
  const reader = spawn(process.execPath, [READER], { env: childEnv(undefined), stdio: [input, 'pipe', 'inherit'] })
  closeSync(input)
  const out = collectStdout(reader)
  if ((await exited(reader)) !== 0) throw new Error(`counting ${file} failed`)
  rmSync(file)
  return JSON.parse(await out) as ReadCount
}

const collect = (child: ChildProcess): Promise<string> => {
  const chunks: Buffer[] = []
  child.stderr!.on('data', (chunk: Buffer) => chunks.push(chunk))
  return once(child.stderr!, 'end').then(() => Buffer.concat(chunks).toString('utf8'))
}

const collectStdout = (child: ChildProcess): Promise<string> => {
  const chunks: Buffer[] = []
  child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk))
  return once(child.stdout!, 'end').then(() => Buffer.concat(chunks).toString('utf8'))
}

/** `zchat sandbox` running in its own process. */
export interface SandboxProcess {
  readonly baseUrl: string
  readonly port: number
  /** Spawn to the base URL printed: how long it takes to start serving. */
  readonly startSeconds: number
  /** Stops it (SIGTERM: it closes and exits) and gives what it cost over its whole life. */
  stop(): Promise<Usage>
}

export async function startSandboxProcess(args: readonly string[], workDir: string): Promise<SandboxProcess> {
  const probeFile = join(workDir, `probe-sandbox-${process.hrtime.bigint()}.json`)
  const started = performance.now()
  const child = spawn(process.execPath, ['--import', PROBE, ZCHAT, 'sandbox', ...args], {
    env: childEnv(probeFile),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const stderr = collect(child)
  const lines = createInterface({ input: child.stdout! })
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => line as string),
    exited(child).then(async (code) => {
      throw new Error(`zchat sandbox ${args.join(' ')} exited ${code} before serving:\n${await stderr}`)
    }),
  ])
  const startSeconds = (performance.now() - started) / 1000
  const baseUrl = first.trim()
  return {
    baseUrl,
    port: Number(new URL(baseUrl).port),
    startSeconds,
    stop: async () => {
      const done = exited(child)
      child.kill('SIGTERM')
      await done
      return { wallSeconds: (performance.now() - started) / 1000, ...readProbe(probeFile, 'zchat sandbox') }
    },
  }
}
