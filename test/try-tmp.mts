import { startSandbox, sandboxTapConfig } from '../src/sandbox/index.js'
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { promisify } from 'node:util'
async function main() {
  const s = await startSandbox({ port: 0, quirks: (process.env.Q ?? 'often') as 'often', chats: 3000 })
  writeFileSync('/tmp/fid-shapes/cfg.json', JSON.stringify(sandboxTapConfig(s)))
  let out = '', err = '', status = 0
  try {
    const r = await promisify(execFile)('bin/tap-zendesk-chat', ['--config', '/tmp/fid-shapes/cfg.json'], { encoding: 'utf8', maxBuffer: 1e9 })
    out = r.stdout; err = r.stderr
  } catch (e: any) { out = e.stdout; err = e.stderr; status = e.code }
  console.log(status, err.split('\n').slice(-30).join('\n'))
  const counts: Record<string, number> = {}
  for (const l of out.split('\n')) { if (!l) continue; const m = JSON.parse(l); if (m.type === 'RECORD') counts[m.stream] = (counts[m.stream] ?? 0) + 1 }
  console.log(counts, s.data.allConversions().length, s.data.allDepartmentEvents().length)
  await s.close()
}
main().catch((e) => { console.error(e); process.exit(1) })
