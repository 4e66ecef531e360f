import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { Chat } from '../../../src/codecs/chat.js'
import { nullable, optionalFields, record, Timestamp } from '../../../src/codecs/quirks.js'
import { codecWithout } from '../../../src/core/codec-prune.js'
import { INVALID, quickDecoder } from '../../../src/core/quick-decode.js'
import { defaultSelection, selectStreams } from '../../../src/engine/catalog.js'
import { selectedCodec } from '../../../src/engine/read/selected-codec.js'
import { streamByName } from '../../../src/streams/index.js'
import { rightOf } from '../../support/either.js'

const Codec = record({ id: t.string }, { session: optionalFields({ start: Timestamp, end: Timestamp }), tags: t.array(t.string) })

/** io-ts and the quick decoder, which must agree: the decoded value, or undefined when invalid. */
const both = (codec: t.Mixed, value: unknown): unknown => {
  const slow = codec.decode(value)
  const quick = quickDecoder(codec)(value)
  expect(quick === INVALID, 'io-ts and the quick decoder agree').to.equal(E.isLeft(slow))
  return E.isRight(slow) ? slow.right : undefined
}

describe('codecWithout: a codec that no longer validates a deselected field', () => {
  it('a top-level field is not validated at all (its value passes through untouched)', () => {
    const pruned = codecWithout(Codec, ['tags'])
    expect(both(Codec, { id: 'a', tags: 5 })).to.equal(undefined)
    expect(both(pruned, { id: 'a', tags: 5 })).to.deep.equal({ id: 'a', tags: 5 })
    expect(both(pruned, { id: 'a', session: { start: 'never' } })).to.equal(undefined)
  })

  it('a field inside a nullable object, the object and its other fields still checked and normalised', () => {
    const pruned = codecWithout(Codec, ['session', 'end'])
    expect(both(pruned, { id: 'a', session: { start: '2017-04-24T12:45:32+00:00Z', end: 17 } })).to.deep.equal({
      id: 'a',
      session: { start: '2017-04-24T12:45:32+00:00', end: 17 },
    })
    expect(both(pruned, { id: 'a', session: null })).to.deep.equal({ id: 'a', session: null })
    expect(both(pruned, { id: 'a', session: { start: 3 } })).to.equal(undefined)
  })

  it('a path the codec does not have leaves the very same codec (and its quick decoder)', () => {
    expect(codecWithout(Codec, ['nothing'])).to.equal(Codec)
    expect(codecWithout(Codec, ['tags', 'inner'])).to.equal(Codec)
    expect(codecWithout(nullable(t.string), ['x'])).to.not.equal(undefined)
  })

  it("a selection's codec leaves out what its catalog deselects, top-level and nested", () => {
    const chats = streamByName('chats')!
    expect(selectedCodec(defaultSelection([chats])[0]!)).to.equal(Chat)
    const catalog = {
      streams: [
        {
          tap_stream_id: 'chats',
          metadata: [
            { breadcrumb: [], metadata: { selected: true } },
            { breadcrumb: ['properties', 'webpath'], metadata: { selected: false } },
            { breadcrumb: ['properties', 'session', 'properties', 'end_date'], metadata: { selected: false } },
          ],
        },
      ],
    }
    const selected = rightOf(selectStreams(catalog as never, [chats]), 'a selection')
    const codec = selectedCodec(selected[0]!)
    const odd = { id: 'c1', type: 'chat', webpath: 'not a list', session: { end_date: 5, start_date: '2021-04-26T13:54:02Z' } }
    expect(both(Chat, odd)).to.equal(undefined)
    expect(both(codec, odd)).to.deep.equal(odd)
    expect(both(codec, { ...odd, session: { start_date: 5 } })).to.equal(undefined)
  })
})
