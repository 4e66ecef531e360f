/**
 * `zchat demo` / `npm run demo`: a token from `zchat login`, then a full sync
 * and an incremental sync of a sandbox account through the real tap
 * executable, as Meltano would run it,
 * with a per-stream summary read back from the Singer output.
 */
import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sandboxTapConfig, startSandbox } from '../sandbox/index.js'
import { demoLogin } from './demo-login.js'

const TAP = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/tap-zendesk-chat')

export interface RunSummary {
  readonly records: ReadonlyMap<string, number>
  readonly state: { bookmarks?: Record<string, Record<string, unknown>> } | undefined
}

/** Count RECORDs per stream and keep the last STATE of a Singer output file. */
export const summarise = (singer: string): RunSummary => {
  const records = new Map<string, number>()
  let state: RunSummary['state']
  for (const line of singer.split('\n')) {
    if (line === '') continue
    const message = JSON.parse(line) as { type: string; stream?: string; value?: RunSummary['state'] }
    if (message.type === 'RECORD') records.set(message.stream!, (records.get(message.stream!) ?? 0) + 1)
    if (message.type === 'STATE') state = message.value
  }
  return { records, state }
}

/** Run the tap with its Singer output and its log each in a file, as a scheduler would. */
const runTap = (args: readonly string[], outFile: string, logFile: string): Promise<number> =>
  new Promise((done, fail) => {
    const out = createWriteStream(outFile)
    const log = createWriteStream(logFile)
    const child = spawn(process.execPath, [TAP, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.pipe(out)
    child.stderr.pipe(log)
    child.on('error', fail)
    child.on('close', (code) => out.end(() => log.end(() => done(code ?? 1))))
  })

/** The columns the demo's table may use: a terminal's 80. */
export const DEMO_WIDTH = 80

/** A time as a person reads it: `2024-05-30 08:45:00` (UTC). */
const readable = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ')

/**
 * A stream's bookmarks after a run, in words: a full-table read's version is
 * the time of that read, a timestamp loses its T and Z, an id stays an id.
 */
export const bookmarkText = (summary: RunSummary, stream: string): string => {
  const bookmark = summary.state?.bookmarks?.[stream]
  if (bookmark === undefined) return '-'
  return Object.entries(bookmark)
    .map(([key, value]) => {
      if (key === 'version' && typeof value === 'number') return `read at ${readable(value)}`
      if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)))
        return `${key} ${readable(Date.parse(value))}`
      return `${key} ${String(value)}`
    })
    .join(', ')
}

/** The tap's last log line, its summary, without level and time. */
const lastLogLine = (log: string): string =>
  (log.trimEnd().split('\n').at(-1) ?? '').replace(/^[A-Z]+ \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} /, '')

export const runDemo = async (outDir: string, print: (line: string) => void): Promise<number> => {
  await mkdir(outDir, { recursive: true })
  const sandbox = await startSandbox({ seed: 1 })
  try {
    const config = join(outDir, 'config.json')
    // Everything but the token; zchat login adds it, keeping the rest.
    const { access_token: _token, ...settings } = sandboxTapConfig(sandbox)
    await writeFile(config, JSON.stringify(settings, null, 2), { mode: 0o600 })
    print(`sandbox: ${sandbox.baseUrl}`)
    const loggedIn = await demoLogin(sandbox, config, print)
    if (loggedIn !== 0) {
      print(`login failed with exit status ${loggedIn}`)
      return loggedIn
    }
    print(`files: ${relative('.', outDir) || '.'}/ (config, Singer output, logs and state of each run)`)

    const runs: { file: string; summary: RunSummary }[] = []
    for (const [n, stateFile] of [
      [1, undefined],
      [2, join(outDir, 'state-1.json')],
    ] as const) {
      if (n === 2) {
        // Between runs the account changes: new agents join, others are edited, a ban is lifted.
        sandbox.data.addAgents(3)
        sandbox.data.editAgents(2)
        sandbox.data.liftBans(1)
        print('sandbox: since run 1, 3 agents joined, 2 were edited and a ban was lifted')
      }
      const file = join(outDir, `run-${n}.jsonl`)
      const logFile = join(outDir, `run-${n}.log`)
      // Paths inside the output folder, so the line fits the terminal wherever the folder is.
      const inside = (path: string) => relative(outDir, path)
      print(
        `run ${n}: tap-zendesk-chat --config ${inside(config)}${stateFile === undefined ? '' : ` --state ${inside(stateFile)}`} > ${inside(file)}`,
      )
      const code = await runTap(['--config', config, ...(stateFile === undefined ? [] : ['--state', stateFile])], file, logFile)
      const log = await readFile(logFile, 'utf8')
      if (code !== 0) {
        print(`run ${n} failed with exit status ${code}; its log, ${relative('.', logFile)}, ends:`)
        for (const line of log.trimEnd().split('\n').slice(-5)) print(`  ${line}`)
        return code
      }
      print(
        `  ${lastLogLine(log)
          .replace(/^sync done: /, '')
          .replace(/; state: .*$/, '')}; state: state-${n}.json`,
      )
      const summary = summarise(await readFile(file, 'utf8'))
      await writeFile(join(outDir, `state-${n}.json`), JSON.stringify(summary.state, null, 2))
      runs.push({ file, summary })
    }

    const streams = [...new Set(runs.flatMap((r) => [...r.summary.records.keys()]))]
    const rows = [
      ['stream', 'run 1', 'run 2', 'bookmark after run 2'],
      ...streams.map((s) => [
        s,
        (runs[0]!.summary.records.get(s) ?? 0).toLocaleString('en-US'),
        (runs[1]!.summary.records.get(s) ?? 0).toLocaleString('en-US'),
        bookmarkText(runs[1]!.summary, s),
      ]),
    ]
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
    print('')
    print('records per run:')
    for (const row of rows) {
      // Counts right-aligned; the bookmark cut to what is left of the 80 columns.
      const line = row
        .map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd()
      print(line.length > DEMO_WIDTH ? `${line.slice(0, DEMO_WIDTH - 3)}...` : line)
    }
    print('')
    print(`Singer output: ${relative('.', outDir) || '.'}/run-1.jsonl, run-2.jsonl; logs: run-1.log, run-2.log`)
    print('Next, a real account: zchat login --subdomain acme --client-id ID (README)')
    return 0
  } finally {
    await sandbox.close()
  }
}
