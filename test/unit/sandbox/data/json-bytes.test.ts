import { expect } from 'chai'
import { JsonBytes } from '../../../../src/sandbox/data/json-bytes.js'

describe('sandbox: JsonBytes', () => {
  it('holds the UTF-8 of every piece in order, growing past its first room, multi-byte characters too', () => {
    const pieces = ['{"a":[', '"héllo"', ',', '"😀 €"', ',', JSON.stringify('x'.repeat(300)), ']}']
    const out = new JsonBytes(8)
    for (const piece of pieces) out.write(piece)
    const expected = Buffer.from(pieces.join(''))
    expect(out.length).to.equal(expected.length)
    expect(out.bytes().equals(expected)).to.equal(true)
  })

  it('is empty before the first write', () => {
    const out = new JsonBytes(0)
    expect(out.length).to.equal(0)
    expect(out.bytes().length).to.equal(0)
  })
})

describe('sandbox: JsonBytes pool', () => {
  const page = (text: string): JsonBytes => {
    const out = JsonBytes.pooled(1 << 16)
    out.write(text)
    return out
  }

  it('never hands out a buffer still in use, and reuses one once it is given back (once, however often it is given back)', () => {
    const a = page('"a"')
    const b = page('"b"')
    expect(a.bytes().buffer).to.not.equal(b.bytes().buffer)
    expect(a.bytes().toString()).to.equal('"a"')
    a.release()
    a.release()
    // The pool is the process's: other tests may have left buffers in it. Take more pages than it can hold.
    const taken = Array.from({ length: 8 }, (_, k) => page(`"${k}"`))
    const buffers = taken.map((o) => o.bytes().buffer)
    expect(
      buffers.filter((x) => x === a.bytes().buffer),
      'a given-back buffer is taken again, once',
    ).to.have.length(1)
    expect(new Set(buffers).size, 'no two pages share a buffer').to.equal(taken.length)
    expect(buffers).to.not.include(b.bytes().buffer)
    expect([b, ...taken].map((o) => o.bytes().toString())).to.deep.equal(['"b"', ...taken.map((_, k) => `"${k}"`)])
    for (const o of [b, ...taken]) o.release()
  })
})
