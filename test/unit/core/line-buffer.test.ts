import { expect } from 'chai'
import { LineBuffer } from '../../../src/core/line-buffer.js'

describe('LineBuffer', () => {
  it('gives back exactly the lines it was given, in pieces that each end at a line end', () => {
    const buffer = new LineBuffer()
    const lines = Array.from({ length: 5000 }, (_, i) => `{"n":${i},"text":"${'ü✓𝄞x'.repeat(i % 97)}"}\n`)
    for (const line of lines) buffer.push(line)
    expect(buffer.lines).to.equal(5000)
    const pieces = [...buffer.pieces(4096)]
    expect(pieces.join('')).to.equal(lines.join(''))
    for (const piece of pieces) expect(piece.endsWith('\n')).to.equal(true)
    // Grown past its first megabyte, and cut into pieces of at least the size asked for.
    expect(Buffer.byteLength(pieces.join(''))).to.be.greaterThan(1 << 20)
    for (const piece of pieces.slice(0, -1)) expect(Buffer.byteLength(piece)).to.be.at.least(4096)
  })

  it('starts over when cleared, and holds one line larger than itself', () => {
    const buffer = new LineBuffer()
    buffer.push('old\n')
    buffer.clear()
    expect([...buffer.pieces(10)]).to.deep.equal([])
    const big = `${'é'.repeat(3 << 20)}\n`
    buffer.push('a\n')
    buffer.push(big)
    expect(buffer.lines).to.equal(2)
    expect([...buffer.pieces(1)]).to.deep.equal(['a\n', big])
  })
})
