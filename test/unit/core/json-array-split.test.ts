import { expect } from 'chai'
import { ArrayFieldSplitter } from '../../../src/core/json-array-split.js'

interface Split {
  readonly elements: unknown[]
  readonly body?: unknown
  readonly threw?: boolean
}

/** Feeds `text` to a splitter in the given pieces. */
const split = (field: string, pieces: readonly string[]): Split => {
  const elements: unknown[] = []
  const splitter = new ArrayFieldSplitter(field, (e) => elements.push(e))
  try {
    for (const piece of pieces) splitter.push(piece)
    return { elements, body: splitter.end() }
  } catch (error) {
    expect(error, 'only SyntaxErrors').to.be.instanceOf(SyntaxError)
    return { elements, threw: true }
  }
}

/** `text` cut at `cuts` (sorted positions). */
const cutAt = (text: string, cuts: readonly number[]): string[] => {
  const pieces: string[] = []
  let from = 0
  for (const cut of cuts) {
    pieces.push(text.slice(from, cut))
    from = cut
  }
  pieces.push(text.slice(from))
  return pieces
}

/** A small deterministic generator, so a failure names a reproducible case. */
const random = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff
  return seed / 0x7fffffff
}

/** What JSON.parse makes of `text`, with the field's array emptied when it is one: what the splitter must answer. */
const expected = (field: string, text: string): Split => {
  let whole: unknown
  try {
    whole = JSON.parse(text)
  } catch {
    return { elements: [], threw: true }
  }
  if (typeof whole === 'object' && whole !== null && !Array.isArray(whole) && Array.isArray((whole as Record<string, unknown>)[field])) {
    return { elements: (whole as Record<string, unknown[]>)[field]!, body: { ...whole, [field]: [] } }
  }
  return { elements: [], body: whole }
}

const EXPORT_PAGE = JSON.stringify({
  chats: [
    { id: 'a', tags: ['x', ']', '}'], history: [{ msg: 'say "hi" \\ then {leave}', nested: { deep: [[1], [2, { k: null }]] } }] },
    { id: 'b', msg: 'ünïcødé ✓ 𝄞 and \\"escaped\\"', n: -1.5e3, t: true, f: false, z: null },
    { id: 'c' },
  ],
  count: 3,
  end_time: 1717200000,
  next_page: 'https://x.zendesk.com/api/v2/chat/incremental/chats?start_time=1717200000&start_id=c',
})

describe('ArrayFieldSplitter', () => {
  it('hands over each element of the array, parsed, and returns the rest of the body with the array empty', () => {
    const result = split('chats', [EXPORT_PAGE])
    expect(result.elements).to.deep.equal(JSON.parse(EXPORT_PAGE).chats)
    expect(result.body).to.deep.equal({ ...JSON.parse(EXPORT_PAGE), chats: [] })
  })

  it('gives the same answer however the text is cut into pieces (every single cut, and many random ones)', () => {
    const want = expected('chats', EXPORT_PAGE)
    for (let cut = 0; cut <= EXPORT_PAGE.length; cut++) {
      expect(split('chats', cutAt(EXPORT_PAGE, [cut])), `cut at ${cut}`).to.deep.equal(want)
    }
    const next = random(7)
    for (let round = 0; round < 300; round++) {
      const cuts = Array.from({ length: 1 + Math.floor(next() * 12) }, () => Math.floor(next() * EXPORT_PAGE.length)).sort((a, b) => a - b)
      expect(split('chats', cutAt(EXPORT_PAGE, cuts)), `cuts ${cuts.join(',')}`).to.deep.equal(want)
    }
    expect(split('chats', [...EXPORT_PAGE]), 'one character at a time').to.deep.equal(want)
  })

  it('finds the field wherever it is among the keys, after nested values, spaces and an escaped key', () => {
    const texts = [
      '{"count": 2, "meta": {"chats": [9], "x": "[{"}, "chats" : [ {"id":1} , {"id":2} ] , "end": [1]}',
      '\n {\n "ch\\u0061ts":\n[\n{"id":1},\n{"id":2}\n]\n}\n ',
      '{"chats":[]}',
      '{"chats":[1, "two", null, true, [3], {"four":4}, -5.5e-1]}',
    ]
    for (const text of texts) {
      const want = expected('chats', text)
      expect(want.threw, text).to.equal(undefined)
      for (let cut = 0; cut <= text.length; cut++) expect(split('chats', cutAt(text, [cut])), `${text} cut at ${cut}`).to.deep.equal(want)
    }
  })

  it('keeps anything else whole and parses it whole: no such field, the field not an array, not an object', () => {
    for (const text of [
      '{"count":0}',
      '{"chats":null,"count":0}',
      '{"chats":{"id":1}}',
      '[{"id":1}]',
      '"chats"',
      '{"other":[{"chats":[1]}]}',
    ]) {
      const result = split('chats', cutAt(text, [Math.floor(text.length / 2)]))
      expect(result, text).to.deep.equal({ elements: [], body: JSON.parse(text) })
    }
  })

  it('refuses the field a second time after its array, whose elements are handed out already; a first value that is not an array is no matter', () => {
    expect(split('chats', ['{"chats":[{"id":1}],"count":1,"chats":[{"id":2}]}']).threw).to.equal(true)
    expect(split('chats', ['{"chats":[{"id":1}],"more":{"chats":[2]},"ch\\u0061ts":[]}']).threw).to.equal(true)
    const text = '{"chats":null,"count":1,"chats":[{"id":2}],"more":{"chats":[3]}}'
    expect(split('chats', cutAt(text, [20]))).to.deep.equal(expected('chats', text))
  })

  it('reads records and strings much longer than a piece, escapes and all', () => {
    const long = 'x\\\\y\\"'.repeat(200_000)
    const text = `{"chats":[{"transcript":"${long}","n":[${'1,'.repeat(100_000)}2]},"${long}",{"id":3}],"count":3}`
    for (const size of [1, 1024, 65_536]) {
      const pieces = size === 1 ? [...text.slice(0, 100_000)].concat(text.slice(100_000)) : text.match(new RegExp(`[^]{1,${size}}`, 'g'))!
      expect(split('chats', pieces), `pieces of ${size}`).to.deep.equal(expected('chats', text))
    }
  })

  it('refuses text that is not JSON, as JSON.parse would: truncated, HTML, bad separators, bad elements', () => {
    const texts = [
      EXPORT_PAGE.slice(0, EXPORT_PAGE.length / 2),
      EXPORT_PAGE.slice(0, -1),
      '<html><body>Service Unavailable</body></html>',
      '{"chats":[{"id":1}{"id":2}]}',
      '{"chats":[{"id":1},]}',
      '{"chats":[,{"id":1}]}',
      '{"chats":[{"id":1};{"id":2}]}',
      '{"chats":[{"id":tru}]}',
      '{"chats":[{"id":1}]',
      '{"chats" [{"id":1}]}',
      '{"chats":[{"id":1}]} trailing',
      '{"chats":[{"id":"unterminated}]}',
      '',
    ]
    for (const text of texts) expect(split('chats', cutAt(text, [Math.floor(text.length / 3)])).threw, text).to.equal(true)
  })

  it('agrees with JSON.parse on a thousand damaged copies of a page: it throws exactly when JSON.parse does', () => {
    const next = random(11)
    const alphabet = '{}[]",:\\ 0a-e'
    for (let round = 0; round < 1000; round++) {
      const at = Math.floor(next() * EXPORT_PAGE.length)
      const damaged =
        next() < 0.5
          ? EXPORT_PAGE.slice(0, at) + EXPORT_PAGE.slice(at + 1)
          : EXPORT_PAGE.slice(0, at) + alphabet[Math.floor(next() * alphabet.length)] + EXPORT_PAGE.slice(at)
      const want = expected('chats', damaged)
      const got = split('chats', cutAt(damaged, [Math.floor(next() * damaged.length)]))
      if (want.threw === true) expect(got.threw, damaged).to.equal(true)
      else expect(got, damaged).to.deep.equal(want)
    }
  })
})
