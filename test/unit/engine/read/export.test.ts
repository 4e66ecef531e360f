import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { streamByName } from '../../../../src/streams/index.js'
import type { Responder, SentRequest } from '../../../support/env.js'
import { readWithStrategy } from '../../../support/stream-read.js'

const conversions = streamByName('conversions')!
const NOW = new Date('2026-11-21T10:00:00Z')
const seconds = (iso: string): number => Date.parse(iso) / 1000
const conversion = (id: string, at: string) => ({ id, timestamp: at, goal_id: 1 })
const resumingAt = (timestamp: string) => ({ bookmarks: { conversions: { timestamp } }, currently_syncing: null })

describe('the export strategy', () => {
  it('follows next_page (its cursor, never its host) until a page says it is short, and bookmarks the newest record', async () => {
    const api: Responder = ({ query }) =>
      query.start_time === String(seconds('2026-11-01T00:00:00Z'))
        ? {
            body: {
              conversions: [conversion('a', '2026-11-01T01:00:00Z'), conversion('b', '2026-11-02T00:00:00Z')],
              count: 1000,
              next_page: `https://elsewhere.example/api/v2/chat/incremental/conversions?start_time=${seconds('2026-11-02T00:00:00Z')}&limit=1000`,
            },
          }
        : { body: { conversions: [conversion('c', '2026-11-03T00:00:00Z')], count: 1, next_page: 'https://x.example/?start_time=1' } }
    const read = await readWithStrategy(conversions, api, { state: resumingAt('2026-11-01T00:00:00Z'), now: NOW })
    expect(read.requests.map((r) => r.resource)).to.deep.equal(['incremental/conversions', 'incremental/conversions'])
    expect(read.requests[1]!.query.start_time).to.equal(String(seconds('2026-11-02T00:00:00Z')))
    expect(read.records.map((r) => r.id)).to.deep.equal(['a', 'b', 'c'])
    expect(read.states.map((s) => s.bookmarks.conversions)).to.deep.equal([
      { timestamp: '2026-11-02T00:00:00Z' },
      { timestamp: '2026-11-03T00:00:00Z' },
    ])
  })

  it('drops what the bookmark says was written, and the end of the last page when the next page repeats it', async () => {
    const boundary = conversion('b', '2026-11-02T00:00:00Z')
    const api: Responder = ({ query }) =>
      query.start_time === String(seconds('2026-11-01T00:00:00Z'))
        ? {
            body: {
              conversions: [conversion('old', '2026-10-31T23:59:59Z'), conversion('a', '2026-11-01T01:00:00Z'), boundary],
              count: 1000,
              end_time: seconds('2026-11-02T00:00:00Z'),
            },
          }
        : { body: { conversions: [boundary, conversion('c', '2026-11-02T00:00:00Z')], count: 2 } }
    const read = await readWithStrategy(conversions, api, { state: resumingAt('2026-11-01T00:00:00Z'), now: NOW })
    expect(read.records.map((r) => r.id)).to.deep.equal(['a', 'b', 'c'])
  })

  it('never asks for a start_time within five minutes of the API clock: the read is held, nothing fails', async () => {
    // The bookmark is two minutes old: the API's Date, asked for first, agrees that it is too recent.
    const api: Responder = () => ({ body: { account_key: 'k' }, headers: { date: NOW.toUTCString() } })
    const read = await readWithStrategy(conversions, api, { state: resumingAt('2026-11-21T09:58:00Z'), now: NOW })
    expect(E.isRight(read.outcome) && read.outcome.right.held).to.equal(true)
    expect(
      read.requests.map((r) => r.path),
      'only the clock was asked',
    ).to.deep.equal(['account'])
    expect(read.test.logs.join('\n')).to.match(/within five minutes of the API's clock .*nothing is lost/)
  })

  it('holds, without failing, when the API refuses a start_time its own clock finds too recent', async () => {
    // By this machine's clock the bookmark is ten minutes old; the API's clock is six minutes behind it.
    const apiNow = new Date(NOW.getTime() - 6 * 60_000)
    const api: Responder = (r: SentRequest) =>
      r.path === 'account'
        ? { body: {}, headers: { date: apiNow.toUTCString() } }
        : { status: 400, body: { error: 'InvalidValue', description: 'start_time too recent' }, headers: { date: apiNow.toUTCString() } }
    const read = await readWithStrategy(conversions, api, { state: resumingAt('2026-11-21T09:50:00Z'), now: NOW })
    expect(E.isRight(read.outcome) && read.outcome.right.held, JSON.stringify(read.outcome)).to.equal(true)
    expect(read.test.logs.join('\n')).to.match(/the API refused incremental\/conversions\?start_time=\d+.* \(400\)/)
  })

  it('moves on one second, with a warning, when a full page of one instant would be asked for again', async () => {
    const at = '2026-11-01T00:00:00Z'
    const api: Responder = ({ query }) =>
      query.start_time === String(seconds(at))
        ? { body: { conversions: [conversion('a', at)], count: 1000, end_time: seconds(at) } }
        : { body: { conversions: [], count: 0 } }
    const read = await readWithStrategy(conversions, api, { state: resumingAt(at), now: NOW })
    expect(read.requests[1]!.query.start_time).to.equal(String(seconds(at) + 1))
    expect(read.test.logs.join('\n')).to.match(/would repeat; moving on one second/)
  })
})
