/**
 * `npm run bench`: measures zchat extracting chats from a sandbox at scale
 * against a floor script that does the least any tap must, under the API's
 * rate limit, and with a slow target; prints the figures and writes them to
 * docs/BENCHMARKS.md (a run replaces the sections it measured). Not part of
 * `npm test`: it takes minutes, and its figures depend on the machine.
 *
 *   npm run bench                                # 200,000 chats
 *   npm run bench -- --chats 200000,1000000      # both sizes the docs show
 *   npm run bench -- --chats 1000000 --skip rate-limit
 *   npm run bench -- --only shared-limit         # a limit shared with another app (half a minute)
 *   npm run bench -- --only stream-maps --maps-chats 60000     # stream maps only
 *
 * It runs the built CLI (`npm run bench` builds first).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ROOT } from './bench/processes.js'
import {
  flatnessReference,
  mergeDocument,
  rateLimitSection,
  readSections,
  scaleSection,
  sharedLimitSection,
  startupSection,
  streamMapsSection,
  type Machine,
  type Section,
  type SectionData,
} from './bench/report.js'
import { measureRateLimit, measureScale, measureSharedLimit, measureStreamMaps } from './bench/scenarios.js'
import { measureStartup } from './bench/startup.js'

const DOC = join(ROOT, 'docs', 'BENCHMARKS.md')
const PARTS = ['scale', 'rate-limit', 'shared-limit', 'stream-maps', 'startup'] as const

const HEADER = `# Benchmarks

Written by \`npm run bench\` (scripts/bench.ts): each section is replaced by the
run that measures it, so sections may come from different runs; each says
when and where it was measured. Run it yourself with \`npm run bench\`
(200,000 chats), \`npm run bench -- --chats 200000,1000000\`, or
\`npm run bench -- --help\`.

How it measures:

- The sandbox (\`zchat sandbox\`) runs in its own process, so its CPU is not
  counted as the tap's; the bench's own requests (page timings) are not
  counted as the tap's requests.
- zchat is the built CLI, \`node bin/zchat sync\`, writing to a file. CPU
  seconds (user + system) and peak RSS are the measured process's own, from
  getrusage at its exit (scripts/bench-probe.mjs, preloaded); wall time is from
  spawn to exit, startup included. MB are 10^6 bytes.
- The floor (scripts/floor.mjs) does the least any tap must: it fetches the
  same export pages the same way, \`JSON.parse\`s each and writes one Singer
  RECORD line per chat. zchat also validates every record with its codecs,
  keeps state and writes SCHEMA and STATE messages.
- zchat reads each export page as it arrives, a chat at a time, and sets two
  of V8's collector heuristics as it starts (src/cli/heap.ts); the floor holds
  each page whole, parsed, with Node's defaults, which is why its peak RSS is
  the higher of the two.
- The stream-maps section (\`--maps-chats N\`, default 100,000) runs the chats
  sync without maps, with the README's PII map, and with that map and
  flattening; a map's cost is its CPU per record above the run without one.
- Start-up: \`node -e 0\` and the tap's \`--version\`, \`--about\` and
  \`--discover\`, in rounds (each command once per round), median wall time;
  the Python singer-io tap's figure is issue 14's measurement (not installed
  here).
- Requests are counted in the sandbox's request log (\`GET /_sandbox/requests\`).
- The machine may be shared with other work: compare figures of one run with
  each other rather than across runs, and see the load average of each section.
  Wall times and page times grow with the load; CPU seconds much less. Peak RSS
  depends on when the garbage collector runs, which varies from run to run:
  identical runs can differ by 20% or more.`

const USAGE = `npm run bench -- [--chats N[,N...]] [--budget R] [--rate-limited-chats N] [--slow-chats N] [--slow-mb-per-s X] [--page-samples K] [--maps-chats N] [--startup-runs N] [--skip scale,rate-limit,shared-limit,stream-maps,startup] [--only PART[,PART...]] [--no-write]`

function options() {
  const { values } = parseArgs({
    options: {
      chats: { type: 'string', default: '200000' },
      budget: { type: 'string', default: '200' },
      'rate-limited-chats': { type: 'string', default: '200000' },
      'slow-chats': { type: 'string', default: '30000' },
      'slow-mb-per-s': { type: 'string', default: '4' },
      'page-samples': { type: 'string', default: '20' },
      'maps-chats': { type: 'string', default: '100000' },
      'startup-runs': { type: 'string', default: '20' },
      skip: { type: 'string', default: '' },
      only: { type: 'string', default: '' },
      'no-write': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    process.exit(0)
  }
  const whole = (name: string, text: string): number => {
    const n = Number(text.replaceAll('_', ''))
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`--${name} takes a whole number of at least 1, got ${text}`)
    return n
  }
  const only = values.only.split(',').filter((s) => s !== '')
  for (const part of only)
    if (!(PARTS as readonly string[]).includes(part)) throw new RangeError(`--only takes ${PARTS.join(', ')}, got ${part}`)
  // --only PART: every other part is skipped.
  const skip = [...values.skip.split(',').filter((s) => s !== ''), ...(only.length === 0 ? [] : PARTS.filter((p) => !only.includes(p)))]
  for (const part of skip)
    if (!(PARTS as readonly string[]).includes(part)) throw new RangeError(`--skip takes ${PARTS.join(', ')}, got ${part}`)
  const rate = Number(values['slow-mb-per-s'])
  if (!(rate > 0)) throw new RangeError(`--slow-mb-per-s takes a positive number, got ${values['slow-mb-per-s']}`)
  return {
    chats: values.chats
      .split(',')
      .map((c) => whole('chats', c))
      .sort((a, b) => a - b),
    budget: whole('budget', values.budget),
    rateLimitedChats: whole('rate-limited-chats', values['rate-limited-chats']),
    slowChats: whole('slow-chats', values['slow-chats']),
    slowBytesPerSecond: rate * 1_000_000,
    pageSamples: whole('page-samples', values['page-samples']),
    mapsChats: whole('maps-chats', values['maps-chats']),
    startupRuns: whole('startup-runs', values['startup-runs']),
    skip: new Set(skip),
    write: !values['no-write'],
  }
}

const machine = (): Machine => ({
  date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
  cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
  cores: cpus().length,
  ramGb: totalmem() / 1e9,
  node: process.version,
  os: `${type()} ${release()}`,
  load: loadavg()[0]!,
})

const log = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`)
}

async function main(): Promise<void> {
  const opts = options()
  const workDir = mkdtempSync(join(tmpdir(), 'zchat-bench-'))
  const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : ''
  const known: SectionData[] = [...readSections(doc).values()].flatMap((s) => (s.data === undefined ? [] : [s.data]))
  const fresh: Section[] = []
  const publish = (section: Section): void => {
    fresh.push(section)
    process.stdout.write(`\n${section.markdown}\n\n`)
    if (opts.write) writeFileSync(DOC, mergeDocument(HEADER, existsSync(DOC) ? readFileSync(DOC, 'utf8') : '', [section]))
  }
  try {
    if (!opts.skip.has('scale')) {
      for (const chats of opts.chats) {
        const at = machine()
        const result = await measureScale(chats, {
          workDir,
          log,
          pageSamples: opts.pageSamples,
          slowChats: opts.slowChats,
          slowBytesPerSecond: opts.slowBytesPerSecond,
        })
        // Figures of this run win over older ones of the same size.
        const others = [
          ...fresh.flatMap((s) => (s.data === undefined ? [] : [s.data])),
          ...known.filter((k) => !fresh.some((s) => s.data?.chats === k.chats)),
        ]
        publish(scaleSection(result, at, flatnessReference(chats, others)))
      }
    }
    if (!opts.skip.has('rate-limit')) {
      const at = machine()
      publish(rateLimitSection(await measureRateLimit(opts.rateLimitedChats, opts.budget, { workDir, log }), at))
    }
    if (!opts.skip.has('shared-limit')) {
      const at = machine()
      publish(sharedLimitSection(await measureSharedLimit({ workDir, log }), at))
    }
    if (!opts.skip.has('stream-maps')) {
      const at = machine()
      publish(streamMapsSection(await measureStreamMaps(opts.mapsChats, { workDir, log }), at))
    }
    if (!opts.skip.has('startup')) {
      const at = machine()
      log(`start-up: ${opts.startupRuns} runs of each command`)
      publish(startupSection(measureStartup(ROOT, opts.startupRuns), at))
    }
    if (opts.write) log(`wrote ${DOC}`)
  } finally {
    rmSync(workDir, { recursive: true, force: true })
  }
}

await main()
