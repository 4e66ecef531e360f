import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import type { Env } from '../../../../src/engine/env.js'
import { defaultSelection } from '../../../../src/engine/catalog.js'
import { RecordCounter } from '../../../../src/engine/metrics.js'
import { outputTo } from '../../../../src/engine/out/output.js'
import { projection, type ApiRecord as Row } from '../../../../src/engine/out/projection.js'
import { recordLines } from '../../../../src/engine/out/singer.js'
import { commit, recordsWanted, send, type Run, type StateChange } from '../../../../src/engine/run.js'
import { streamByName } from '../../../../src/streams/index.js'
import { testEnv } from '../../../support/env.js'
import { parseMessages, streamOf, typesOf } from '../../../support/singer.js'

const EXTRACTED_AT = '2026-11-21T10:00:00.000Z'

/** `n` records of about a kilobyte each: a page of them is written in several pieces. */
const bigRows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, text: `${i} ${'é'.repeat(1000)}` }))

/** An env whose writes take a while and are all kept, in the order they are made. */
const slowEnv = (): { env: Env; chunks: string[] } => {
  const chunks: string[] = []
  const write = async (chunk: string) => {
    await new Promise((resolve) => setTimeout(resolve, 1))
    chunks.push(chunk)
    return true
  }
  return { env: { ...testEnv().env, write }, chunks }
}

/** A run whose output writes with `write`. */
const runOf = (write: Env['write'] = testEnv().env.write): Run => {
  const env = testEnv().env
  return {
    state: { bookmarks: { s: { id: 1 } }, currently_syncing: 's' },
    output: outputTo(write),
    warned: new Set(),
    counter: new RecordCounter(env.clock, env.log),
  }
}

/** A page of `rows` committed as a stream commits it: their RECORD lines, then the STATE `change` makes. */
const emitRecords = (run: Run, stream: string, rows: readonly Row[], change?: StateChange) => {
  const line = recordLines(stream, EXTRACTED_AT)
  const wanted = rows.slice(0, recordsWanted(run, stream))
  return commit(run, stream, wanted.map(line), wanted.length, change)
}

describe('emitting a page', () => {
  it('writes every RECORD line as JSON.stringify would, in whole lines, with the STATE last', async () => {
    const { env, chunks } = slowEnv()
    const rows = bigRows(300)
    const result = await emitRecords(runOf(env.write), 's', rows)(env)()
    expect(E.isRight(result)).to.equal(true)
    expect(chunks.length, 'a page of 300 kB goes out in pieces').to.be.greaterThan(1)
    for (const chunk of chunks) expect(chunk.endsWith('\n'), 'each piece ends a line').to.equal(true)
    const expected = rows
      .map((record) => `${JSON.stringify({ type: 'RECORD', stream: 's', record, time_extracted: EXTRACTED_AT })}\n`)
      .join('')
    const state = `${JSON.stringify({ type: 'STATE', value: runOf().state })}\n`
    expect(chunks.join('')).to.equal(expected + state)
  })

  it("another write waits until the page and its STATE are out: a page's pieces are never split", async () => {
    const { env, chunks } = slowEnv()
    const run = runOf(env.write)
    const page = emitRecords(run, 's', bigRows(300))(env)()
    const other = send(run, '{"type":"STATE","value":{"other":true}}\n')(env)()
    await Promise.all([page, other])
    expect(chunks.at(-1)).to.equal('{"type":"STATE","value":{"other":true}}\n')
    expect(chunks.at(-2)!.endsWith(`${JSON.stringify({ type: 'STATE', value: runOf().state })}\n`)).to.equal(true)
  })

  it('stops at the first piece the reader refuses', async () => {
    const chunks: string[] = []
    const env: Env = { ...testEnv().env, write: async (chunk) => (chunks.push(chunk), chunks.length < 2) }
    const result = await emitRecords(runOf(env.write), 's', bigRows(300))(env)()
    expect(result).to.deep.equal(E.left({ _tag: 'OutputClosed' }))
    expect(chunks).to.have.length(2)
  })

  it("a page's bookmark moves when its turn comes: a STATE written before it never carries it", async () => {
    const { env, chunks } = slowEnv()
    const run = runOf(env.write)
    const withId = (stream: string, id: number) => (state: Run['state']) => ({
      ...state,
      bookmarks: { ...state.bookmarks, [stream]: { id } },
    })
    // Stream a's page is handed over first, then stream b's: b's STATE may name a's bookmark only after a's records.
    const a = emitRecords(run, 'a', bigRows(100), withId('a', 5))(env)()
    const b = emitRecords(run, 'b', bigRows(3), withId('b', 7))(env)()
    await Promise.all([a, b])
    const states = parseMessages(chunks.join(''))
    const lastA = states.map(streamOf).lastIndexOf('a')
    const firstB = states.findIndex((m) => streamOf(m) === 'b')
    expect(states[lastA + 1]).to.deep.equal({ type: 'STATE', value: { bookmarks: { s: { id: 1 }, a: { id: 5 } }, currently_syncing: 'a' } })
    expect(firstB).to.be.greaterThan(lastA + 1)
    expect(states.at(-1)).to.deep.equal({
      type: 'STATE',
      value: { bookmarks: { s: { id: 1 }, a: { id: 5 }, b: { id: 7 } }, currently_syncing: 'b' },
    })
    expect(run.counter.total('a')).to.equal(100)
  })

  it('a connection test writes at most its sample per stream, and no STATE', async () => {
    const { env, chunks } = slowEnv()
    const run: Run = { ...runOf(env.write), sample: 1 }
    await emitRecords(run, 's', bigRows(5))(env)()
    await emitRecords(run, 's', bigRows(5))(env)()
    expect(typesOf(parseMessages(chunks.join('')))).to.deep.equal(['RECORD'])
  })
})

describe('projecting a record', () => {
  const agents = defaultSelection([streamByName('agents')!])[0]!
  const known = new Set(agents.properties)

  it("serialises to the selected fields it has, in the catalog's order; new fields are left out and reported once", () => {
    const warnings: string[] = []
    const toRecord = projection({ ...agents, properties: ['id', 'email', 'display_name', 'enabled'] }, known, new Set(), (m) =>
      warnings.push(m),
    )
    const line = (record: Row) => JSON.stringify(toRecord(record))
    expect(line({ enabled: true, brand_new: 1, email: 'a@x.example', id: 7, login_count: 3 })).to.equal(
      '{"id":7,"email":"a@x.example","enabled":true}',
    )
    expect(line({ id: 8, brand_new: 2 })).to.equal('{"id":8}')
    expect(warnings).to.deep.equal(['stream agents: field "brand_new" is new to zchat and is not extracted'])
  })

  it('records of one selection do not share anything', () => {
    const toRecord = projection(agents, known, new Set(), () => undefined)
    const first = toRecord({ id: 1, email: 'one@x.example' })
    toRecord({ id: 2 })
    expect(JSON.stringify(first)).to.equal('{"id":1,"email":"one@x.example"}')
  })
})
