import { expect } from 'chai'
import { JsonBytes } from '../../../../src/sandbox/api/json-bytes.js'

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
