import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { render } from '../../../../src/core/failure.js'
import * as A from 'fp-ts/lib/ReadonlyArray.js'
import { pipe } from 'fp-ts/lib/function.js'
import { rawRecords, recordDecoder } from '../../../../src/engine/read/decode.js'
import { streamByName } from '../../../../src/streams/index.js'
import type { StreamDef } from '../../../../src/streams/stream.js'

/** Every record of an export page decoded as a sync decodes it, or the first that does not fit. */
const decodePage = (stream: StreamDef) => (body: unknown) => {
  const decode = recordDecoder(stream)
  return pipe(
    rawRecords(stream, { kind: 'arrayIn', field: stream.name }, body),
    E.chain(A.traverseWithIndex(E.Applicative)((i, raw) => decode(raw, i))),
  )
}
import { rightOf } from '../../../support/either.js'

const chats = streamByName('chats')!

const chat = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  id,
  type: 'chat',
  update_timestamp: '2024-01-01T10:00:00Z',
  history: [
    { type: 'chat.msg', msg_id: '1', timestamp: '2024-01-01T09:59:00Z' },
    { type: 'chat.msg', msg_id: '2', timestamp: '2024-01-01T10:00:00Z' },
  ],
  ...extra,
})

/** The one-line error for a page whose second chat carries `bad`. */
const errorFor = (bad: Record<string, unknown>): string => {
  const decoded = decodePage(chats)({ chats: [chat('c1'), chat('c2', bad)] })
  if (E.isRight(decoded)) return expect.fail(`decoded: ${JSON.stringify(bad)}`)
  return render(decoded.left)[0]!
}

/** The error line without its advice on carrying on. */
const faultOf = (bad: Record<string, unknown>): string => errorFor(bad).replace(/; (to carry on|this field cannot).*$/, '')

describe('decodePage', () => {
  it('hands on valid records as they came, quirks evened out', () => {
    const plain = chat('c1')
    const quirky = chat('c2', {
      unread: 1,
      agent_ids: [7, '8'],
      session: { end_date: '2017-04-24T12:45:32+00:00Z' },
      history: [{ msg_id: 9 }],
    })
    const decoded = rightOf(decodePage(chats)({ chats: [plain, quirky] }))
    expect(decoded[0]).to.deep.equal(plain)
    expect(decoded[1]).to.deep.equal({
      ...quirky,
      unread: true,
      agent_ids: ['7', '8'],
      session: { end_date: '2017-04-24T12:45:32+00:00' },
      history: [{ msg_id: '9' }],
    })
    // The page as sent is left as it was.
    expect(quirky.unread).to.equal(1)
  })

  it('a record that does not fit still fails with the line that says where and why', () => {
    expect(errorFor({ history: [{ msg_id: '1' }, { msg_id: 1.5 }] })).to.equal(
      'error: stream chats, record "c2": field history[1].msg_id expected (string (or integer) | null), got number 1.5' +
        '; to carry on without it, deselect it in the catalog: `meltano select tap-zendesk-chat --exclude chats history`' +
        ' (select pattern "!chats.history"), or "selected": false at breadcrumb ["properties","history"] of stream chats;' +
        ' the last STATE resumes at this page',
    )
    expect(faultOf({ history: [{ msg_id: '1' }, { timestamp: '2024-13-01T10:00:00Z' }] })).to.equal(
      'error: stream chats, record "c2": field history[1].timestamp expected (date-time | null), got string "2024-13-01T10:00:00Z"',
    )
    expect(faultOf({ unread: 2 })).to.equal(
      'error: stream chats, record "c2": field unread expected (boolean (or 0/1) | null), got integer 2',
    )
    expect(faultOf({ session: { start_date: 5 } })).to.equal(
      'error: stream chats, record "c2": field session.start_date expected (date-time | null), got integer 5',
    )
    expect(faultOf({ type: 'voice' })).to.equal(
      'error: stream chats, record "c2": field type expected "chat" | "offline_msg", got string "voice"',
    )
    // A null item is a shape the API sends (kept); an object is not.
    expect(faultOf({ agent_ids: ['1', {}] })).to.equal(
      'error: stream chats, record "c2": field agent_ids[1] expected (string (or integer) | null), got object',
    )
    expect(errorFor({ type: 'voice' })).to.match(
      /; to carry on without it, deselect it in the catalog: `meltano select tap-zendesk-chat --exclude chats type`/,
    )
    expect(errorFor({ id: 5 })).to.match(/; this field cannot be deselected \(a key or the whole record\)/)
  })
})
