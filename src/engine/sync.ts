/**
 * The sync program: every selected stream, page by page, through the stages
 * fetch → decode → bookmark → emit. After each page one chunk goes to stdout:
 * the page's RECORDs followed by a complete STATE, so whatever a target has
 * read, the last STATE it saw covers exactly the records before it.
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as RTE from 'fp-ts/lib/ReaderTaskEither.js'
import { outputClosed } from '../core/failure.js'
import type { StreamDef } from '../streams/stream.js'
import { propertiesOf, type SelectedStream } from './catalog.js'
import { decodePage } from './decode.js'
import type { Program } from './env.js'
import { getJson, type PageRequest } from './http.js'
import { firstRequest, nextRequest } from './paging.js'
import { recordLine, schemaLine, stateLine } from './singer.js'
import { BOOKMARKS, bookmarkOf, withBookmark, withCurrentlySyncing, type State } from './state.js'

export interface StreamSummary {
  readonly stream: string
  readonly records: number
  readonly pages: number
  /** The bookmark after the run, for incremental streams. */
  readonly bookmark?: unknown
}

export interface SyncResult {
  readonly streams: readonly StreamSummary[]
  readonly state: State
}

/** What one run carries from page to page and stream to stream. */
interface Run {
  state: State
  /** Unknown fields already reported, as `stream.field`: one warning per run each. */
  readonly warned: Set<string>
}

interface Page {
  /** The response as sent: paging reads its cursor fields (count, next_page). */
  readonly body: unknown
  /** Every record the API sent: paging reads these. */
  readonly fetched: readonly Record<string, unknown>[]
  /** The records to emit: those past the bookmark. */
  readonly records: readonly Record<string, unknown>[]
  readonly extractedAt: string
}

const emit =
  (chunk: string): Program<void> =>
  (env) =>
  async () =>
    (await env.write(chunk)) ? E.right(undefined) : E.left(outputClosed)

/** The record with only the selected fields; fields the codec does not know are reported once and left out. */
const project = (run: Run, sel: SelectedStream, known: ReadonlySet<string>, warn: (m: string) => void) => {
  return (record: Record<string, unknown>): Record<string, unknown> => {
    for (const field in record) {
      if (!known.has(field) && !run.warned.has(`${sel.def.name}.${field}`)) {
        run.warned.add(`${sel.def.name}.${field}`)
        warn(`stream ${sel.def.name}: field ${JSON.stringify(field)} is new to zchat and is not extracted`)
      }
    }
    const out: Record<string, unknown> = {}
    for (const p of sel.properties) if (record[p] !== undefined) out[p] = record[p]
    return out
  }
}

const bookmarkKey = (def: StreamDef): string | undefined =>
  def.replication.method === 'INCREMENTAL' ? def.replication.key : undefined

/** Keep what is past the bookmark and move the bookmark to the newest record. */
const bookmarkPage = (run: Run, sel: SelectedStream, start: unknown) => (page: Page): Page => {
  const replication = sel.def.replication
  if (sel.method !== 'INCREMENTAL' || replication.method !== 'INCREMENTAL') return page
  const { key } = replication
  const ops = BOOKMARKS[replication.bookmark]
  const records = start === undefined ? page.fetched : page.fetched.filter((r) => r[key] == null || ops.keep(r[key], start))
  let newest = bookmarkOf(run.state, sel.def)
  for (const r of records) {
    const value = r[key]
    if (value != null && (newest === undefined || ops.compare(value, newest) > 0)) newest = value
  }
  if (newest !== undefined) run.state = withBookmark(run.state, sel.def.name, key, newest)
  return { ...page, records }
}

/** A record's identity: its key and replication value. */
const identity = (def: StreamDef, record: Record<string, unknown>): string =>
  JSON.stringify([...def.keyProperties.map((k) => record[k]), def.replication.method === 'INCREMENTAL' ? record[def.replication.key] : null])

/** The last replication value of a page and the identities of the records that carry it. */
interface Boundary {
  readonly value: unknown
  readonly ids: ReadonlySet<string>
}

const noBoundary: Boundary = { value: undefined, ids: new Set() }

/**
 * The records at the end of a page that share its last replication value: a
 * cursor that resumes at that value (inclusively) sends them again.
 * Replication values are ids or timestamps: primitives, compared with ===.
 */
const boundaryOf = (def: StreamDef, fetched: readonly Record<string, unknown>[]): Boundary => {
  const replication = def.replication
  const last = fetched.at(-1)
  if (replication.method !== 'INCREMENTAL' || last === undefined) return noBoundary
  const value = last[replication.key]
  const ids = new Set<string>()
  for (let i = fetched.length - 1; i >= 0 && fetched[i]![replication.key] === value; i--) ids.add(identity(def, fetched[i]!))
  return { value, ids }
}

/**
 * Drop records of a page that the previous page already emitted at its
 * boundary: whether a cursor's boundary is inclusive is not always documented,
 * and a record emitted twice in one run helps no one. Only records at the
 * boundary value can repeat, so only those pay for an identity.
 */
const dropRepeatedBoundary = (def: StreamDef, previous: Boundary) => (page: Page): Page => {
  const replication = def.replication
  if (previous.ids.size === 0 || replication.method !== 'INCREMENTAL') return page
  const key = replication.key
  return { ...page, records: page.records.filter((r) => r[key] !== previous.value || !previous.ids.has(identity(def, r))) }
}

const emitPage =
  (run: Run, sel: SelectedStream, toRecord: (r: Record<string, unknown>) => Record<string, unknown>) =>
  (page: Page): Program<void> => {
    let chunk = ''
    for (const record of page.records) chunk += recordLine(sel.def.name, toRecord(record), page.extractedAt)
    return emit(chunk + stateLine(run.state))
  }

const syncStream =
  (run: Run, sel: SelectedStream): Program<StreamSummary> =>
  (env) =>
  async () => {
    const { def } = sel
    const toRecord = project(run, sel, new Set(propertiesOf(def)), env.log.warn)
    const start = sel.method === 'INCREMENTAL' ? bookmarkOf(run.state, def) : undefined
    run.state = withCurrentlySyncing(run.state, def.name)
    env.log.info(`stream ${def.name}: ${start === undefined ? 'reading all records' : `resuming from ${bookmarkKey(def)} ${String(start)}`}`)

    const opened = await emit(schemaLine(def.name, sel.schema, def.keyProperties, sel.method === 'INCREMENTAL' ? [bookmarkKey(def)!] : []))(env)()
    if (E.isLeft(opened)) return opened

    let records = 0
    let pages = 0
    let previousBoundary = noBoundary
    let req: PageRequest | undefined = firstRequest(def, env.config, { bookmark: start, now: env.now() })
    while (req !== undefined) {
      const current: PageRequest = req
      const outcome = await pipe(
        getJson(current),
        RTE.chainEitherK((body) =>
          E.map((decoded: readonly Record<string, unknown>[]): Page => ({
            body,
            fetched: decoded,
            records: decoded,
            extractedAt: env.now().toISOString(),
          }))(decodePage(def)(body)),
        ),
        RTE.map(bookmarkPage(run, sel, start)),
        RTE.map(dropRepeatedBoundary(def, previousBoundary)),
        RTE.chainFirst(emitPage(run, sel, toRecord)),
      )(env)()
      if (E.isLeft(outcome)) {
        const skip = def.skipOn
        const failure = outcome.left
        if (pages === 0 && skip !== undefined && failure._tag === 'HttpError' && skip.statuses.includes(failure.status)) {
          env.log.warn(`stream ${def.name}: skipped, the API answered ${failure.status} (${skip.reason})`)
          break
        }
        return outcome
      }
      previousBoundary = boundaryOf(def, outcome.right.fetched)
      records += outcome.right.records.length
      pages += 1
      const next = nextRequest(def, env.config, current, outcome.right.body, outcome.right.fetched)
      if (next.warning !== undefined) env.log.warn(`stream ${def.name}: ${next.warning}`)
      req = next.request
    }
    const bookmark = sel.method === 'INCREMENTAL' ? bookmarkOf(run.state, def) : undefined
    env.log.info(`stream ${def.name}: ${records} records in ${pages} pages${bookmark === undefined ? '' : `, bookmark ${bookmarkKey(def)} ${String(bookmark)}`}`)
    return E.right({ stream: def.name, records, pages, ...(bookmark === undefined ? {} : { bookmark }) })
  }

/** Sync the selected streams in order, from `state`; ends with a STATE that has nothing in progress. */
export const sync =
  (streams: readonly SelectedStream[], state: State): Program<SyncResult> =>
  (env) =>
  async () => {
    const run: Run = { state, warned: new Set() }
    const summaries: StreamSummary[] = []
    for (const sel of streams) {
      const result = await syncStream(run, sel)(env)()
      if (E.isLeft(result)) return result
      summaries.push(result.right)
    }
    run.state = withCurrentlySyncing(run.state, null)
    const closed = await emit(stateLine(run.state))(env)()
    return E.isLeft(closed) ? closed : E.right({ streams: summaries, state: run.state })
  }
