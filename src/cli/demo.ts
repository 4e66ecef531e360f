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

const runTap = (args: readonly string[], outFile: string): Promise<number> =>
  new Promise((done, fail) => {
    const out = createWriteStream(outFile)
    const child = spawn(process.execPath, [TAP, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    child.stdout.pipe(out)
    child.on('error', fail)
    child.on('close', (code) => out.end(() => done(code ?? 1)))
  })

const bookmarkText = (summary: RunSummary, stream: string): string => {
  const bookmark = summary.state?.bookmarks?.[stream]
  return bookmark === undefined ? '-' : Object.entries(bookmark).map(([k, v]) => `${k}=${String(v)}`).join(' ')
}

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

    const runs: { file: string; summary: RunSummary }[] = []
    for (const [n, stateFile] of [[1, undefined], [2, join(outDir, 'state-1.json')]] as const) {
      if (n === 2) {
        // Between runs the account changes: new agents join, others are edited, a ban is lifted.
        sandbox.data.addAgents(3)
        sandbox.data.editAgents(2)
        sandbox.data.liftBans(1)
        print('sandbox: since the first run 3 agents joined, 2 were edited (same ids) and a ban was lifted')
      }
      const file = join(outDir, `run-${n}.singer.jsonl`)
      print(`run ${n}: tap-zendesk-chat --config ${relative('.', config)}${stateFile === undefined ? '' : ` --state ${relative('.', stateFile)}`}`)
      const code = await runTap(['--config', config, ...(stateFile === undefined ? [] : ['--state', stateFile])], file)
      if (code !== 0) {
        print(`run ${n} failed with exit status ${code}`)
        return code
      }
      const summary = summarise(await readFile(file, 'utf8'))
      await writeFile(join(outDir, `state-${n}.json`), JSON.stringify(summary.state, null, 2))
      runs.push({ file, summary })
    }

    const streams = [...new Set(runs.flatMap((r) => [...r.summary.records.keys()]))]
    const rows = [
      ['stream', 'run 1 records', 'run 1 bookmark', 'run 2 records', 'run 2 bookmark'],
      ...streams.map((s) => [
        s,
        String(runs[0]!.summary.records.get(s) ?? 0),
        bookmarkText(runs[0]!.summary, s),
        String(runs[1]!.summary.records.get(s) ?? 0),
        bookmarkText(runs[1]!.summary, s),
      ]),
    ]
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
    print('')
    for (const row of rows) print(row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd())
    print('')
    print(`Singer output: ${runs.map((r) => relative('.', r.file)).join(', ')}`)
    print('Next: a token for a real account with zchat login --subdomain acme --client-id ID (README: OAuth clients).')
    return 0
  } finally {
    await sandbox.close()
  }
}
