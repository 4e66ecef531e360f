/**
 * The runs `npm run bench` measures, each against a sandbox in its own process:
 * a chats sync at scale (tap, floor, slow target) and the runs under a rate
 * limit (chats alone, the other streams alone, all streams).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { rateLimitConduct, sandboxTapConfig, type FaultPlan, type RateLimitConduct, type RequestLogEntry } from '../../src/sandbox/index.js'
import {
  countRecords,
  FLOOR,
  measureIntoReader,
  measureToFile,
  startSandboxProcess,
  ZCHAT,
  type SandboxProcess,
  type Usage,
} from './processes.js'
import { pageLatencies, requestLog, setFaults, startDateForLast, type PageLatency } from './sandbox-client.js'
import { readmePiiSettings } from '../../test/support/readme-pii.js'

/** One measured extraction. */
export interface SyncFigures {
  readonly usage: Usage
  readonly records: number
  readonly bytes: number
  /** API requests the sandbox answered during the run. */
  readonly requests: RequestLogEntry[]
}

export interface ScaleResult {
  readonly chats: number
  readonly sandbox: { readonly args: string; readonly startSeconds: number; readonly usage: Usage; readonly pages: PageLatency[] }
  readonly tap: SyncFigures
  readonly floor: SyncFigures
  readonly slow: { readonly bytesPerSecond: number; readonly startDate: string; readonly fast: SyncFigures; readonly slow: SyncFigures }
}

export interface RateLimitResult {
  readonly chats: number
  readonly budget: number
  readonly chatsAlone: SyncFigures
  readonly otherStreams: SyncFigures
  readonly allStreams: SyncFigures
}

/** A run under a limit far below zchat's budget, as when another app uses most of the account's limit. */
export interface SharedLimitResult {
  readonly limit: { readonly requests: number; readonly windowMs: number }
  readonly parallel: number
  /** Records the sandbox holds of each stream read. */
  readonly held: Readonly<Record<string, number>>
  readonly run: SyncFigures
  /** Records of each stream the run wrote. */
  readonly written: Readonly<Record<string, number>>
  readonly conduct: RateLimitConduct
  /** zchat's log lines that say it lowers its rate. */
  readonly slowdownLines: number
}

/** A chats sync without maps, with the README's PII map, and with that map and flattening. */
export interface StreamMapsResult {
  readonly chats: number
  readonly plain: SyncFigures
  readonly pii: SyncFigures
  readonly piiFlat: SyncFigures
}

/** The README's PII example: hash the visitor's email and phone with a salt, drop the IP and what was typed. */
export const PII_STREAM_MAPS = readmePiiSettings('bench-salt')

export interface ScaleOptions {
  readonly workDir: string
  readonly pageSamples: number
  readonly slowChats: number
  readonly slowBytesPerSecond: number
  readonly log: (line: string) => void
}

type Catalog = { streams: Array<{ tap_stream_id: string }> }

class Workspace {
  private discovered: Catalog | undefined

  constructor(
    readonly dir: string,
    private readonly sandbox: SandboxProcess,
  ) {}

  /** A config file for the tap and the floor: the sandbox's, plus `extra`. */
  config(name: string, extra: Record<string, unknown>): string {
    const file = join(this.dir, `${name}.json`)
    writeFileSync(file, JSON.stringify({ ...sandboxTapConfig({ token: 'sandbox-token', baseUrl: this.sandbox.baseUrl }), ...extra }))
    return file
  }

  /** A catalog file of the discovered streams that `keep` accepts. */
  async catalog(name: string, keep: (stream: string) => boolean): Promise<string> {
    if (this.discovered === undefined) {
      const file = join(this.dir, 'discovered.json')
      await measureToFile(ZCHAT, ['discover', '--config', this.config('discover', {})], file, this.dir)
      this.discovered = JSON.parse(readFileSync(file, 'utf8')) as Catalog
    }
    const catalog = this.discovered
    const file = join(this.dir, `catalog-${name}.json`)
    writeFileSync(file, JSON.stringify({ ...catalog, streams: catalog.streams.filter((s) => keep(s.tap_stream_id)) }))
    return file
  }

  /** Runs `script args` with stdout to a file, then counts what it wrote and the requests it made. */
  async toFile(name: string, script: string, args: readonly string[]): Promise<SyncFigures> {
    const before = (await requestLog(this.sandbox)).length
    const out = join(this.dir, `${name}.jsonl`)
    const { usage } = await measureToFile(script, args, out, this.dir)
    const requests = (await requestLog(this.sandbox)).slice(before)
    const { bytes, records } = await countRecords(out)
    return { usage, records, bytes, requests }
  }

  /** Runs `script args` into the slow reader. */
  async intoReader(script: string, args: readonly string[], bytesPerSecond: number): Promise<SyncFigures> {
    const before = (await requestLog(this.sandbox)).length
    const { usage, read } = await measureIntoReader(script, args, bytesPerSecond, this.dir)
    const requests = (await requestLog(this.sandbox)).slice(before)
    return { usage, records: read.records, bytes: read.bytes, requests }
  }
}

/** Sandbox sizes for N chats: the agent timeline and bans grow with them. */
const scaleArgs = (chats: number): string[] => [
  '--chats',
  String(chats),
  '--timeline',
  String(Math.floor(chats / 2)),
  '--bans',
  String(Math.floor(chats / 10)),
]

/** A budget that never binds: these runs measure work, not waiting. */
const UNLIMITED = { max_requests_per_minute: 1_000_000 }

export async function measureScale(chats: number, options: ScaleOptions): Promise<ScaleResult> {
  const { log, workDir } = options
  const args = scaleArgs(chats)
  const sandbox = await startSandboxProcess(args, workDir)
  try {
    log(`sandbox ${args.join(' ')}: serving after ${sandbox.startSeconds.toFixed(2)} s; timing pages`)
    const pages = await pageLatencies(sandbox, options.pageSamples)
    const space = new Workspace(workDir, sandbox)
    const chatsOnly = await space.catalog('chats', (s) => s === 'chats')
    const config = space.config('scale', UNLIMITED)

    log(`tap: chats sync of ${chats} chats to a file`)
    const tap = await space.toFile('tap', ZCHAT, ['sync', '--config', config, '--catalog', chatsOnly])
    log(`floor: the same pages to a file`)
    const floor = await space.toFile('floor', FLOOR, [config])

    const startDate = startDateForLast(options.slowChats, chats)
    const recent = space.config('recent', { ...UNLIMITED, start_date: startDate })
    log(`tap: chats since ${startDate}, fast target (a file), then a reader taking ${options.slowBytesPerSecond / 1e6} MB/s`)
    const fast = await space.toFile('recent', ZCHAT, ['sync', '--config', recent, '--catalog', chatsOnly])
    const slow = await space.intoReader(ZCHAT, ['sync', '--config', recent, '--catalog', chatsOnly], options.slowBytesPerSecond)
    const usage = await sandbox.stop()
    return {
      chats,
      sandbox: { args: args.join(' '), startSeconds: sandbox.startSeconds, usage, pages },
      tap,
      floor,
      slow: { bytesPerSecond: options.slowBytesPerSecond, startDate, fast, slow },
    }
  } catch (error) {
    await sandbox.stop().catch(() => undefined)
    throw error
  }
}

export async function measureRateLimit(
  chats: number,
  budget: number,
  options: Pick<ScaleOptions, 'workDir' | 'log'>,
): Promise<RateLimitResult> {
  const { log, workDir } = options
  const plan: FaultPlan = { rateLimit: { requests: budget, windowMs: 60_000 } }
  // Default sizes for everything but chats.
  const sandbox = await startSandboxProcess(['--chats', String(chats), '--faults', `rate-limit=${budget}/60000`], workDir)
  try {
    const space = new Workspace(workDir, sandbox)
    const config = space.config('limited', { max_requests_per_minute: budget })
    const run = async (name: string, catalog: string): Promise<SyncFigures> => {
      await setFaults(sandbox, plan)
      log(`tap under ${budget} requests a minute: ${name}`)
      return space.toFile(name, ZCHAT, ['sync', '--config', config, '--catalog', catalog])
    }
    const chatsAlone = await run('chats alone', await space.catalog('chats', (s) => s === 'chats'))
    const otherStreams = await run('every stream but chats', await space.catalog('others', (s) => s !== 'chats'))
    const allStreams = await run('all streams', await space.catalog('all', () => true))
    await sandbox.stop()
    return { chats, budget, chatsAlone, otherStreams, allStreams }
  } catch (error) {
    await sandbox.stop().catch(() => undefined)
    throw error
  }
}

/** The sizes of the shared-limit run: four streams of four pages each (agents and bans at 20 a page, the exports at 1000). */
export const SHARED_LIMIT = {
  limit: { requests: 4, windowMs: 5000 },
  parallel: 4,
  sizes: { agents: 60, bans: 60, chats: 3000, agent_timeline: 3000 },
  settings: { agents_page_limit: 20, bans_page_limit: 20 },
} as const

export async function measureSharedLimit(options: Pick<ScaleOptions, 'workDir' | 'log'>): Promise<SharedLimitResult> {
  const { log, workDir } = options
  const { limit, parallel, sizes, settings } = SHARED_LIMIT
  const args = [
    '--agents',
    String(sizes.agents),
    '--bans',
    String(sizes.bans),
    '--chats',
    String(sizes.chats),
    '--timeline',
    String(sizes.agent_timeline),
  ]
  const sandbox = await startSandboxProcess(args, workDir)
  try {
    const space = new Workspace(workDir, sandbox)
    const streams = Object.keys(sizes)
    const catalog = await space.catalog('shared', (s) => streams.includes(s))
    const config = space.config('shared', { ...settings, max_parallel_streams: parallel })
    await setFaults(sandbox, { rateLimit: limit })
    log(`tap under the sandbox's limit of ${limit.requests} requests in ${limit.windowMs / 1000} s, ${parallel} streams`)
    const before = (await requestLog(sandbox)).length
    const out = join(workDir, 'shared-limit.jsonl')
    const { usage, stderr } = await measureToFile(ZCHAT, ['sync', '--config', config, '--catalog', catalog], out, workDir)
    const requests = (await requestLog(sandbox)).slice(before)
    const text = readFileSync(out, 'utf8')
    rmSync(out)
    const written: Record<string, number> = {}
    for (const line of text.split('\n')) {
      if (!line.startsWith('{"type":"RECORD"')) continue
      const stream = (JSON.parse(line) as { stream: string }).stream
      written[stream] = (written[stream] ?? 0) + 1
    }
    const records = Object.values(written).reduce((a, b) => a + b, 0)
    const run: SyncFigures = { usage, records, bytes: Buffer.byteLength(text), requests }
    await sandbox.stop()
    return {
      limit,
      parallel,
      held: sizes,
      run,
      written,
      conduct: rateLimitConduct(requests),
      slowdownLines: stderr.match(/zchat lowers its own rate/g)?.length ?? 0,
    }
  } catch (error) {
    await sandbox.stop().catch(() => undefined)
    throw error
  }
}

export async function measureStreamMaps(chats: number, options: Pick<ScaleOptions, 'workDir' | 'log'>): Promise<StreamMapsResult> {
  const { log, workDir } = options
  const sandbox = await startSandboxProcess(['--chats', String(chats)], workDir)
  try {
    const space = new Workspace(workDir, sandbox)
    const catalog = await space.catalog('maps-chats', (s) => s === 'chats')
    const run = (name: string, extra: Record<string, unknown>): Promise<SyncFigures> => {
      log(`tap: chats sync of ${chats} chats, ${name}`)
      return space.toFile(`maps-${name.replace(/\W+/g, '-')}`, ZCHAT, [
        'sync',
        '--config',
        space.config(`maps-${name.replace(/\W+/g, '-')}`, { ...UNLIMITED, ...extra }),
        '--catalog',
        catalog,
      ])
    }
    const plain = await run('no maps', {})
    const pii = await run('PII map', PII_STREAM_MAPS)
    const piiFlat = await run('PII map and flattening', { ...PII_STREAM_MAPS, flattening_enabled: true, flattening_max_depth: 1 })
    await sandbox.stop()
    return { chats, plain, pii, piiFlat }
  } catch (error) {
    await sandbox.stop().catch(() => undefined)
    throw error
  }
}
