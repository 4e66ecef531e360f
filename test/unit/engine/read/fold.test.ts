import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import { LineBuffer } from '../../../../src/core/line-buffer.js'
import { render } from '../../../../src/core/failure.js'
import { recordDecoder } from '../../../../src/engine/read/decode.js'
import { PageFold, type FoldRules } from '../../../../src/engine/read/fold.js'
import { RecordMapFailure } from '../../../../src/maps/stream-map.js'
import { streamByName } from '../../../../src/streams/index.js'

const agents = streamByName('agents')!
const linesOf = (buffer: LineBuffer): string[] =>
  [...buffer.pieces(1 << 20)]
    .join('')
    .split('\n')
    .filter((l) => l !== '')

const fold = (rules: Partial<FoldRules> = {}): PageFold =>
  new PageFold({
    decode: recordDecoder(agents),
    keep: () => true,
    select: (r) => r,
    line: (r) => `${JSON.stringify(r)}\n`,
    out: new LineBuffer(),
    limit: Infinity,
    ...rules,
  })

describe('folding a page', () => {
  it('writes a line per record kept, and counts every record the API sent', () => {
    const page = fold({ keep: (r) => (r.id as number) % 2 === 1, select: (r) => ({ id: r.id }) })
    for (const id of [1, 2, 3]) page.add({ id, display_name: `A${id}` })
    const folded = page.finish()
    if (E.isLeft(folded)) return expect.fail(render(folded.left).join())
    expect(folded.right.fetched).to.equal(3)
    expect(linesOf(folded.right.lines)).to.deep.equal(['{"id":1}', '{"id":3}'])
  })

  it('a record that does not fit fails the page, naming it: none of its lines is handed on', () => {
    const out = new LineBuffer()
    const page = fold({ out })
    page.add({ id: 1 })
    page.add({ id: 'not a number' })
    page.add({ id: 3 })
    const folded = page.finish()
    if (E.isRight(folded)) return expect.fail('folded a bad page')
    expect(render(folded.left)[0]).to.match(/stream agents, record .*field id expected/)
  })

  it('stops writing at its limit (a connection test), still counting what came', () => {
    const page = fold({ limit: 1 })
    page.add({ id: 1 })
    page.add({ id: 2 })
    const folded = page.finish()
    if (E.isLeft(folded)) return expect.fail('failed')
    expect(linesOf(folded.right.lines)).to.deep.equal(['{"id":1}'])
    expect(folded.right.fetched).to.equal(2)
  })

  it("through stream maps: a dropped record writes nothing, and a map's failure fails the page", () => {
    const dropping = fold({ mapped: true, line: (r) => (r.id === 2 ? '' : `${JSON.stringify(r)}\n`) })
    dropping.add({ id: 1 })
    dropping.add({ id: 2 })
    const kept = dropping.finish()
    expect(E.isRight(kept) && linesOf(kept.right.lines)).to.deep.equal(['{"id":1}'])
    const failing = fold({
      mapped: true,
      line: () => {
        throw new RecordMapFailure('stream_maps.agents.x: cannot divide by zero')
      },
    })
    failing.add({ id: 1 })
    const failed = failing.finish()
    expect(E.isLeft(failed) && failed.left._tag).to.equal('InvalidInput')
  })

  it('one buffer serves every page: a new fold empties it', () => {
    const out = new LineBuffer()
    const first = fold({ out })
    first.add({ id: 1 })
    first.finish()
    const second = fold({ out })
    second.add({ id: 2 })
    const folded = second.finish()
    expect(E.isRight(folded) && linesOf(folded.right.lines)).to.deep.equal(['{"id":2}'])
  })
})
