/**
 * What the bench asks of a sandbox running in another process: its request
 * log and fault plan (control endpoints), and how long its pages take to
 * serve, measured from here end to end (request sent to body read).
 */
import { Agent, get } from 'node:http'
import {
  AGENTS_MAX_LIMIT,
  BANS_MAX_LIMIT,
  EXPORT_MAX_LIMIT,
  HISTORY_SPAN,
  HISTORY_START,
  REFERENCE_NOW,
  SANDBOX_DEFAULTS,
  type FaultPlan,
  type RequestLogEntry,
} from '../../src/sandbox/index.js'
import type { SandboxProcess } from './processes.js'

const control = (sandbox: SandboxProcess, path: string): string => `http://127.0.0.1:${sandbox.port}/_sandbox/${path}`

export async function requestLog(sandbox: SandboxProcess): Promise<RequestLogEntry[]> {
  const res = await fetch(control(sandbox, 'requests'))
  if (!res.ok) throw new Error(`GET /_sandbox/requests: ${res.status}`)
  return (await res.json()) as RequestLogEntry[]
}

/** Replaces the fault plan, which also empties the rate limit's window: every measured run starts with a full budget. */
export async function setFaults(sandbox: SandboxProcess, plan: FaultPlan): Promise<void> {
  const res = await fetch(control(sandbox, 'faults'), {
    method: 'PUT',
    body: JSON.stringify(plan),
    headers: { 'Content-Type': 'application/json' },
  })
  if (!res.ok) throw new Error(`PUT /_sandbox/faults: ${res.status} ${await res.text()}`)
}

/** Milliseconds to serve one page, and its size. */
interface PageTime {
  readonly ms: number
  readonly bytes: number
}

/** How one kind of page is served: fastest, median and slowest of a sample, and the size of the largest. */
export interface PageLatency {
  readonly what: string
  readonly pages: number
  readonly minMs: number
  readonly medianMs: number
  readonly maxMs: number
  readonly bytes: number
}

// Pages are timed with node:http rather than fetch: it adds less of its own time (about 4 ms less a 3.6 MB page here).
const agent = new Agent({ keepAlive: true })

function timePage(sandbox: SandboxProcess, path: string): Promise<PageTime & { readonly body: unknown }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const request = get(`${sandbox.baseUrl}/${path}`, { agent, headers: { Authorization: `Bearer ${SANDBOX_DEFAULTS.token}` } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => {
        const ms = performance.now() - started
        const body = Buffer.concat(chunks)
        if (res.statusCode !== 200) reject(new Error(`GET ${path}: ${res.statusCode} ${body.toString('utf8').slice(0, 200)}`))
        else resolve({ ms, bytes: body.length, body: JSON.parse(body.toString('utf8')) })
      })
    })
    request.on('error', reject)
  })
}

/**
 * A page's time and size without its body. Keeping the parsed bodies kept
 * every page timed alive in this process (about 6 MB of objects a chats page,
 * some 130 MB over a sample), whose collector then ran on the cores the
 * sandbox answers on while it was timed: medians 2-4 ms higher.
 */
const timeOnly = (page: PageTime): PageTime => ({ ms: page.ms, bytes: page.bytes })

const summary = (what: string, times: readonly PageTime[]): PageLatency => {
  const sorted = times.map((t) => t.ms).sort((a, b) => a - b)
  return {
    what,
    pages: times.length,
    minMs: sorted[0]!,
    medianMs: sorted[Math.floor((sorted.length - 1) / 2)]!,
    maxMs: sorted.at(-1)!,
    bytes: Math.max(...times.map((t) => t.bytes)),
  }
}

/** `count` pages read by following the cursor each page gives (`next`), from `first`. */
async function walk(
  sandbox: SandboxProcess,
  first: string,
  count: number,
  next: (body: unknown) => string | undefined,
): Promise<PageTime[]> {
  const times: PageTime[] = []
  for (let path: string | undefined = first; path !== undefined && times.length < count;) {
    const page = await timePage(sandbox, path)
    times.push(timeOnly(page))
    path = next(page.body)
  }
  return times
}

/** Pages served before timing starts: the first ones run before the JIT compiler has caught up, on both sides. */
export const WARM_UP_PAGES = 5

/**
 * Each paged resource at its largest page: chats and agent_timeline export
 * pages (1000) at `samples` fresh starting points spread over the history,
 * bans (1000) and agents (100) by since_id from the start.
 */
export async function pageLatencies(sandbox: SandboxProcess, samples: number): Promise<PageLatency[]> {
  for (let k = 0; k < WARM_UP_PAGES; k++) {
    await timePage(sandbox, `incremental/chats?start_time=${HISTORY_START + k * 86_400}&limit=${EXPORT_MAX_LIMIT}&fields=chats(*)`)
  }
  const chats: PageTime[] = []
  const timeline: PageTime[] = []
  for (let k = 0; k < samples; k++) {
    const seconds = HISTORY_START + Math.floor(((k + 0.5) * HISTORY_SPAN) / samples)
    chats.push(timeOnly(await timePage(sandbox, `incremental/chats?start_time=${seconds}&limit=${EXPORT_MAX_LIMIT}&fields=chats(*)`)))
    timeline.push(
      timeOnly(
        await timePage(
          sandbox,
          `incremental/agent_timeline?start_time=${seconds * 1_000_000}&limit=${EXPORT_MAX_LIMIT}&fields=agent_timeline(*)`,
        ),
      ),
    )
  }
  type Bans = { ip_address: Array<{ id: number }>; visitor: Array<{ id: number }> }
  const bans = await walk(sandbox, `bans?since_id=0&limit=${BANS_MAX_LIMIT}`, samples, (body) => {
    const ids = [...(body as Bans).ip_address, ...(body as Bans).visitor].map((b) => b.id)
    return ids.length < BANS_MAX_LIMIT ? undefined : `bans?since_id=${Math.max(...ids) + 1}&limit=${BANS_MAX_LIMIT}`
  })
  const agents = await walk(sandbox, `agents?since_id=0&limit=${AGENTS_MAX_LIMIT}`, samples, (body) => {
    const ids = (body as Array<{ id: number }>).map((a) => a.id)
    return ids.length < AGENTS_MAX_LIMIT ? undefined : `agents?since_id=${Math.max(...ids) + 1}&limit=${AGENTS_MAX_LIMIT}`
  })
  return [
    summary(`chats export, ${EXPORT_MAX_LIMIT} a page`, chats),
    summary(`agent_timeline export, ${EXPORT_MAX_LIMIT} a page`, timeline),
    summary(`bans, ${BANS_MAX_LIMIT} a page`, bans),
    summary(`agents, ${AGENTS_MAX_LIMIT} a page`, agents),
  ]
}

/** A start_date from which about `chats` of the sandbox's `total` chats remain to export (they are spread evenly over the history). */
export function startDateForLast(chats: number, total: number): string {
  const seconds = REFERENCE_NOW - Math.ceil((Math.min(chats, total) * HISTORY_SPAN) / total)
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
