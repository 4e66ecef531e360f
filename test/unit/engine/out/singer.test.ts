import { expect } from 'chai'
import { Writable } from 'node:stream'
import { streamWriter } from '../../../../src/engine/out/singer.js'

/** A reader that takes one chunk at a time and only when told to. */
const slowReader = () => {
  const pending: (() => void)[] = []
  const received: string[] = []
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _encoding, done) {
      received.push(chunk.toString())
      pending.push(done)
    },
  })
  return { stream, received, release: () => pending.shift()?.() }
}

const settled = async (p: Promise<unknown>): Promise<boolean> => {
  let done = false
  void p.then(() => (done = true))
  await new Promise((r) => setImmediate(r))
  return done
}

describe('stdout writer', () => {
  it('waits for the reader to drain before accepting more (backpressure)', async () => {
    const reader = slowReader()
    const write = streamWriter(reader.stream)
    const first = write('x'.repeat(64))
    expect(await settled(first)).to.equal(false)
    reader.release()
    expect(await first).to.equal(true)
    expect(reader.received).to.deep.equal(['x'.repeat(64)])
  })

  it('resolves at once while the buffer has room', async () => {
    const reader = slowReader()
    const write = streamWriter(reader.stream)
    expect(await settled(write('ab'))).to.equal(true)
  })

  it('answers false, without throwing, once the reader has gone (EPIPE)', async () => {
    const stream = new Writable({
      write(_chunk, _encoding, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))
      },
    })
    const write = streamWriter(stream)
    expect(await write('a')).to.equal(false)
    expect(await write('b')).to.equal(false)
  })

  it('answers false when the stream closes while waiting for drain', async () => {
    const reader = slowReader()
    const write = streamWriter(reader.stream)
    const pending = write('y'.repeat(64))
    reader.stream.destroy()
    expect(await pending).to.equal(false)
  })
})
