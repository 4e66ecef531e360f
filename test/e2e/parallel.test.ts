/** Streams read side by side (max_parallel_streams): what a target sees of it, and how a failure of one stream ends the run. */
import { createServer, type Server } from 'node:http'
import { expect } from 'chai'
import { toMicros } from '../../src/core/time.js'
import { streamByName } from '../../src/streams/index.js'
import { describeRun, expectCleanFailure, tap, useTempDir, type RunResult } from '../support/cli.js'
import { ALL_STREAMS, recordKeys, recordsHeld, sandboxConfig, useSandbox, type Sandbox } from '../support/sandbox.js'
import {
  completeMessages,
  lastState,
  type Message,
  messagesOf,
  parseMessages,
  recordCounts,
  recordsOf,
  statesOf,
  streamOf,
} from '../support/singer.js'
import { CATALOG_ORDER } from '../support/catalog.js'

/** Many pages for agents and bans, so streams overlap for a while. */
const SETTINGS = { agents_page_limit: 2, bans_page_limit: 25 }

/** Index of the first and last message of each stream. */
const spans = (messages: readonly Message[]): Map<string, [number, number]> => {
  const out = new Map<string, [number, number]>()
  messages.forEach((m, i) => {
    const stream = streamOf(m)
    if (stream === undefined) return
    const span = out.get(stream)
    if (span === undefined) out.set(stream, [i, i])
    else span[1] = i
  })
  return out
}

/** Pairs of streams whose messages interleave. */
const overlapping = (messages: readonly Message[]): string[] => {
  const all = [...spans(messages)]
  const pairs: string[] = []
  for (const [a, [a0, a1]] of all) for (const [b, [b0]] of all) if (a !== b && a0 < b0 && b0 < a1) pairs.push(`${a}/${b}`)
  return pairs
}

/** Replication values compare as numbers (ids) or as instants (date-times). */
const compareValues = (a: unknown, b: unknown): number =>
  typeof a === 'number' && typeof b === 'number' ? a - b : toMicros(a as string)! - toMicros(b as string)!

/**
 * Walk the messages as a target reads them: at every STATE, each stream's
 * replication bookmark must be at most the newest value among that stream's
 * records read so far, and a version bookmark must follow its ACTIVATE_VERSION.
 * Returns how many bookmarks were checked.
 */
const checkStatesNeverAhead = (messages: readonly Message[]): number => {
  const newest = new Map<string, unknown>()
  const activated = new Map<string, Set<number>>()
  let checked = 0
  messages.forEach((m, i) => {
    if (m.type === 'RECORD') {
      const replication = streamByName(m.stream)!.replication
      if (replication.method !== 'INCREMENTAL') return
      const value = m.record[replication.key]
      const seen = newest.get(m.stream)
      if (value != null && (seen === undefined || compareValues(value, seen) > 0)) newest.set(m.stream, value)
    } else if (m.type === 'ACTIVATE_VERSION') {
      if (!activated.has(m.stream)) activated.set(m.stream, new Set())
      activated.get(m.stream)!.add(m.version)
    } else if (m.type === 'STATE') {
      for (const [stream, bookmarks] of Object.entries(m.value.bookmarks)) {
        const replication = streamByName(stream)!.replication
        if (replication.method === 'INCREMENTAL' && bookmarks[replication.key] !== undefined) {
          const seen = newest.get(stream)
          expect(seen, `message ${i + 1}: STATE bookmarks ${stream} before any of its records`).to.not.equal(undefined)
          expect(
            compareValues(bookmarks[replication.key], seen),
            `message ${i + 1}: ${stream} bookmark ${String(bookmarks[replication.key])} is ahead of its records (newest ${String(seen)})`,
          ).to.be.at.most(0)
          checked++
        }
        if (bookmarks.version !== undefined) {
          expect(
            activated.get(stream)?.has(bookmarks.version as number),
            `message ${i + 1}: ${stream} version in STATE before its ACTIVATE_VERSION`,
          ).to.equal(true)
        }
      }
    }
  })
  return checked
}

/**
 * A stand-in for the API in front of a sandbox: passes requests through, but
 * answers 404 to every request of `path` after the first `after`.
 */
class FailingProxy {
  /** The sandbox's request count when the first 404 went out. */
  failedAt: number | undefined
  private readonly server: Server
  private seen = 0

  private constructor(
    private readonly sandbox: Sandbox,
    path: string,
    after: number,
  ) {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      if (url.pathname.endsWith(path) && ++this.seen > after) {
        this.failedAt ??= sandbox.requestLog.length
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Not Found', description: 'gone' }))
        return
      }
      fetch(`http://127.0.0.1:${sandbox.port}${req.url}`, { headers: { authorization: req.headers.authorization ?? '' } })
        .then(async (answer) => {
          const body = Buffer.from(await answer.arrayBuffer())
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(body)
        })
        .catch(() => res.destroy())
    })
  }

  static async start(sandbox: Sandbox, path: string, after: number): Promise<FailingProxy> {
    const proxy = new FailingProxy(sandbox, path, after)
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve))
    return proxy
  }

  /** The base URL to configure: the sandbox's API path on the proxy's port. */
  get baseUrl(): string {
    const { port } = this.server.address() as { port: number }
    return `http://127.0.0.1:${port}${new URL(this.sandbox.baseUrl).pathname}`
  }

  close(): Promise<void> {
    this.server.closeAllConnections()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}

describe('e2e: streams side by side', () => {
  const sandbox = useSandbox({ seed: 101, agents: 80, departments: 4, bans: 200, chats: 1500, timeline: 1500 })
  const tmp = useTempDir()
  let parallel: Message[]
  let serial: Message[]

  before(async () => {
    const [p, s] = [
      await tap('--config', await tmp().write('parallel.json', sandboxConfig(sandbox(), SETTINGS))),
      await tap('--config', await tmp().write('serial.json', sandboxConfig(sandbox(), { ...SETTINGS, max_parallel_streams: 1 }))),
    ]
    for (const r of [p, s]) expect(r.code, describeRun(r)).to.equal(0)
    parallel = parseMessages(p.stdout)
    serial = parseMessages(s.stdout)
  })

  it("by default streams interleave, each SCHEMA before its stream's records, every record once", () => {
    expect(overlapping(parallel).length, 'streams whose messages interleave').to.be.greaterThan(0)
    for (const stream of ALL_STREAMS) {
      const ofStream = messagesOf(parallel, stream)
      expect(ofStream[0]!.type, `${stream} opens with its SCHEMA`).to.equal('SCHEMA')
      expect(
        ofStream.filter((m) => m.type === 'SCHEMA'),
        `${stream}: one SCHEMA`,
      ).to.have.length(1)
    }
    expect(recordCounts(parallel)).to.deep.equal(recordsHeld(sandbox()))
    expect(new Set(recordKeys(parallel)).size).to.equal(recordKeys(parallel).length)
  })

  it('no STATE is ahead of the records before it: every bookmark is at most the newest value of its stream written so far', () => {
    const checked = checkStatesNeverAhead(parallel)
    expect(checked, 'bookmarks checked').to.be.greaterThan(50)
    expect(lastState(parallel).currently_syncing).to.equal(null)
  })

  it('max_parallel_streams 1: one stream after another, never interleaved, the same records and final bookmarks', () => {
    expect(overlapping(serial)).to.deep.equal([])
    expect([...spans(serial).keys()]).to.deep.equal(CATALOG_ORDER)
    checkStatesNeverAhead(serial)
    expect(recordKeys(serial).sort()).to.deep.equal(recordKeys(parallel).sort())
    const withoutVersions = (m: Message[]) =>
      Object.fromEntries(Object.entries(lastState(m).bookmarks).map(([k, { version: _v, ...rest }]) => [k, rest]))
    expect(withoutVersions(serial)).to.deep.equal(withoutVersions(parallel))
  })

  describe('one stream fails for good in the middle of the run', () => {
    let proxy: FailingProxy
    let failed: RunResult
    let seen: Message[]

    before(async () => {
      proxy = await FailingProxy.start(sandbox(), '/bans', 2)
      try {
        failed = await tap(
          '--config',
          await tmp().write('failing.json', { ...sandboxConfig(sandbox(), SETTINGS), base_url: proxy.baseUrl }),
        )
      } finally {
        await proxy.close()
      }
      seen = completeMessages(failed.stdout)
    })

    it("the run ends with that stream's one error line and exit 1", () => {
      const errors = expectCleanFailure({ ...failed, stdout: '' }, 1, { logs: true })
      expect(errors).to.have.length(1)
      expect(errors[0]).to.match(/^error: GET bans\?\S* answered 404/)
    })

    it('the other streams stop: at most the request each had in flight reaches the API after the failure', () => {
      expect(proxy.failedAt).to.not.equal(undefined)
      const after = sandbox().requestLog.slice(proxy.failedAt)
      const byPath = new Map<string, number>()
      for (const r of after) byPath.set(r.path, (byPath.get(r.path) ?? 0) + 1)
      for (const [path, n] of byPath) expect(n, `requests to ${path} after the failure`).to.be.at.most(1)
      expect(after.length, 'requests after the failure').to.be.at.most(3)
      expect(recordsOf(seen, 'agents').length, 'agents unfinished').to.be.lessThan(sandbox().data.agentCount)
    })

    it('the last STATE goes out once more as the last message, and no STATE was ahead of its records', () => {
      expect(seen.at(-1)!.type).to.equal('STATE')
      const states = statesOf(seen)
      expect(states.at(-1)).to.deep.equal(states.at(-2))
      checkStatesNeverAhead(seen)
    })

    it('a run from that STATE completes the extraction: together the two emit every record of a clean run', async () => {
      const resumed = await tap(
        '--config',
        await tmp().write('resume.json', sandboxConfig(sandbox(), SETTINGS)),
        '--state',
        await tmp().write('failed-state.json', lastState(seen)),
      )
      expect(resumed.code, describeRun(resumed)).to.equal(0)
      const union = new Set([...recordKeys(seen), ...recordKeys(parseMessages(resumed.stdout))])
      expect([...union].sort()).to.deep.equal(recordKeys(parallel).sort())
    })
  })
})
