import { expect } from 'chai'
import { setTimeout as delay } from 'node:timers/promises'
import { progressDisplay, type ProgressDisplay } from '../../../src/cli/progress.js'
import type { StreamProgress } from '../../../src/engine/env.js'

/** A terminal's stderr as far as the display uses it: its size and what was written to it. */
class FakeTerminal {
  readonly isTTY = true
  readonly chunks: string[] = []
  constructor(public columns = 100) {}
  write(chunk: string): boolean {
    this.chunks.push(chunk)
    return true
  }
  get written(): string {
    return this.chunks.join('')
  }
}

/**
 * What a person sees: the written bytes played on a screen that understands
 * the few controls the display uses (carriage return, cursor up, erase below).
 */
const screenOf = (text: string): string[] => {
  const rows: string[] = ['']
  let row = 0
  let col = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (ch === '\x1b') {
      // eslint-disable-next-line no-control-regex -- the escape sequences are what this reads
      const control = /^\x1b\[(\d*)([A-Za-z])/.exec(text.slice(i))
      if (control === null) throw new Error(`unknown escape at ${i}: ${JSON.stringify(text.slice(i, i + 8))}`)
      const [all, n, op] = control
      if (op === 'A') row = Math.max(0, row - Number(n || 1))
      else if (op === 'J') {
        rows.length = row + 1
        rows[row] = rows[row]!.slice(0, col)
      } else throw new Error(`unexpected control ${JSON.stringify(all)}`)
      i += all.length - 1
    } else if (ch === '\r') col = 0
    else if (ch === '\n') {
      row++
      col = 0
      if (rows[row] === undefined) rows[row] = ''
    } else {
      const line = rows[row]!.padEnd(col)
      rows[row] = line.slice(0, col) + ch + line.slice(col + 1)
      col++
    }
  }
  return rows.filter((r, i) => !(i === rows.length - 1 && r === ''))
}

const progress = (stream: string, records: number, pages: number, extra: Partial<StreamProgress> = {}): StreamProgress => ({
  stream,
  records,
  pages,
  done: false,
  ...extra,
})

describe('progress display', () => {
  let term: FakeTerminal
  let nowMs: number
  let display: ProgressDisplay

  beforeEach(() => {
    term = new FakeTerminal()
    nowMs = 1_000
    display = progressDisplay(term as unknown as NodeJS.WriteStream, () => nowMs)
  })
  afterEach(() => display.close())

  it('draws a line per stream with its records, pages and bookmark', () => {
    display.update(progress('agents', 1200, 12, { bookmark: '360000001234' }))
    nowMs += 300
    display.update(progress('chats', 5000, 5, { bookmark: '2024-05-27T21:52:00Z' }))
    const screen = screenOf(term.written)
    expect(screen).to.have.length(2)
    expect(screen[0]).to.match(/^agents\s+1,200 records\s+12 pages.*at 360000001234$/)
    expect(screen[1]).to.match(/^chats\s+5,000 records\s+5 pages.*at 2024-05-27T21:52:00Z$/)
  })

  it('redraws the block in place: the previous block is erased (cursor up over its lines, erase below), not repeated', () => {
    display.update(progress('agents', 100, 1))
    display.update(progress('bans', 50, 1))
    nowMs += 300
    display.update(progress('agents', 200, 2))
    const erase = term.chunks.filter((c) => c.includes('\x1b['))
    expect(erase, 'one redraw after the first draw').to.deep.equal(['\r\x1b[1A\x1b[J'])
    nowMs += 300
    display.update(progress('bans', 80, 2, { done: true }))
    expect(term.chunks.filter((c) => c.includes('\x1b[')).at(-1), 'erases the two lines drawn last').to.equal('\r\x1b[2A\x1b[J')
    const screen = screenOf(term.written)
    expect(screen).to.have.length(2)
    expect(screen[0]).to.match(/^agents\s+200 records\s+2 pages/)
    expect(screen[1]).to.match(/^bans\s+80 records\s+2 pages.*done/)
  })

  it('writes log lines above the block, which stays at the bottom', () => {
    display.update(progress('agents', 100, 1))
    display.update(progress('chats', 10, 1))
    nowMs += 300
    display.update(progress('chats', 20, 2))
    display.write('INFO stream agents: 100 records in 1 pages\n')
    display.write('WARN something to know\n')
    const screen = screenOf(term.written)
    expect(screen).to.have.length(4)
    expect(screen.slice(0, 2)).to.deep.equal(['INFO stream agents: 100 records in 1 pages', 'WARN something to know'])
    expect(screen[2]).to.match(/^agents\s+100 records/)
    expect(screen[3]).to.match(/^chats\s+20 records\s+2 pages/)
  })

  it('draws at most every 250 ms of its clock: updates in between wait for one later redraw with the newest figures', async () => {
    display.update(progress('agents', 100, 1))
    const drawn = term.chunks.length
    nowMs += 240
    display.update(progress('agents', 200, 2))
    nowMs += 5
    display.update(progress('agents', 300, 3))
    expect(term.chunks.length, 'nothing written within 250 ms of the last draw').to.equal(drawn)
    // The redraw is due 250 ms after the last one by the display's clock: 10 ms after the second update.
    await delay(60)
    expect(term.chunks.length, 'one redraw: erase and block').to.equal(drawn + 2)
    const screen = screenOf(term.written)
    expect(screen).to.have.length(1)
    expect(screen[0]).to.match(/^agents\s+300 records\s+3 pages/)
  })

  it('close draws the last figures at once and cancels the pending redraw', async () => {
    display.update(progress('agents', 100, 1))
    nowMs += 10
    display.update(progress('agents', 250, 3, { done: true }))
    display.close()
    const written = term.chunks.length
    expect(screenOf(term.written)[0]).to.match(/^agents\s+250 records\s+3 pages.*done/)
    await delay(300)
    expect(term.chunks.length, 'nothing after close').to.equal(written)
  })

  it('shows the rate once half a second has passed for a stream', () => {
    display.update(progress('agents', 0, 0))
    nowMs += 2_000
    display.update(progress('agents', 1_000, 10))
    expect(screenOf(term.written)[0]).to.match(/500 rec\/s/)
  })

  it('marks a waiting stream with what it waits for and the seconds left, in place of a rate that would go stale; the mark goes when its request does', () => {
    display.update(progress('agents', 0, 0))
    display.update(progress('chats', 0, 0))
    nowMs += 2_000
    display.update(progress('chats', 1_000, 1))
    display.wait('chats', { reason: 'budget', untilMs: nowMs + 34_000 })
    display.wait('agents', { reason: 'retry-after', untilMs: nowMs + 5_000 })
    nowMs += 300
    display.update(progress('agents', 100, 1))
    let screen = screenOf(term.written)
    expect(screen[0]).to.match(/^agents\s+100 records\s+1 pages\s+waiting for Retry-After, 5 s$/)
    expect(screen[1]).to.match(/^chats\s+1,000 records\s+1 pages\s+waiting for the rate limit, 34 s$/)
    expect(screen[1]).to.not.match(/rec\/s/)
    nowMs += 4_000
    display.wait('agents', undefined)
    screen = screenOf(term.written)
    expect(screen[1], 'counting down').to.match(/waiting for the rate limit, 30 s$/)
    expect(screen[0]).to.not.match(/waiting/)
    expect(screen[0]).to.match(/rec\/s/)
  })

  it('a stream that waits before its first page gets its line at once; the countdown redraws on its own, and stops when no stream waits', async () => {
    display.wait('bans', { reason: 'budget', untilMs: nowMs + 61_000 })
    expect(screenOf(term.written)).to.deep.equal([screenOf(term.written)[0]])
    expect(screenOf(term.written)[0]).to.match(/^bans\s+0 records\s+0 pages\s+waiting for the rate limit, 61 s$/)
    nowMs += 1_000
    const before = term.chunks.length
    await delay(1_100)
    expect(term.chunks.length, 'redrawn without an update').to.be.greaterThan(before)
    expect(screenOf(term.written)[0]).to.match(/waiting for the rate limit, 60 s$/)
    display.wait('bans', undefined)
    await delay(300)
    const still = term.chunks.length
    await delay(1_100)
    expect(term.chunks.length, 'nothing to count down: no redraw').to.equal(still)
  })

  it('keeps each line within the terminal width (120 columns when the terminal reports none)', () => {
    const narrow = new FakeTerminal(40)
    const d = progressDisplay(narrow as unknown as NodeJS.WriteStream, () => nowMs)
    d.update(progress('agent_timeline', 123_456, 99, { bookmark: '2024-05-22T01:37:49.439617Z' }))
    d.close()
    for (const line of screenOf(narrow.written)) expect(line.length, line).to.be.at.most(39)

    const sizeless = new FakeTerminal(0)
    const e = progressDisplay(sizeless as unknown as NodeJS.WriteStream, () => nowMs)
    e.update(progress('agent_timeline', 123_456, 99, { bookmark: '2024-05-22T01:37:49.439617Z' }))
    e.close()
    expect(screenOf(sizeless.written)[0]).to.match(/at 2024-05-22T01:37:49.439617Z$/)
  })
})
