/**
 * A live progress block on a terminal's stderr: one line per stream with its
 * records, pages, rate and bookmark, redrawn in place at most a few times a
 * second. Log lines are written above it. Only for a terminal: piped stderr
 * (Meltano, orchestrators, files) gets plain log lines and nothing else.
 */
import type { BudgetWait } from '../engine/http/budget.js'
import type { StreamProgress } from '../engine/env.js'

const REDRAW_EVERY_MS = 250
/** While a stream waits, its countdown is redrawn this often. */
const COUNTDOWN_EVERY_MS = 1000

interface Row {
  progress: StreamProgress
  readonly startedMs: number
  lastMs: number
  /** What the stream waits for, when it waits: shown instead of a rate that would only grow stale. */
  wait?: BudgetWait
}

export interface ProgressDisplay {
  readonly update: (progress: StreamProgress) => void
  /** The stream waits for the rate limit (until `wait.untilMs` of the clock), or (undefined) no longer. */
  readonly wait: (stream: string, wait: BudgetWait | undefined) => void
  /** Write a log line above the block. */
  readonly write: (line: string) => void
  /** Draw the block one last time and leave it on screen. */
  readonly close: () => void
}

const rate = (row: Row): string => {
  const seconds = (row.lastMs - row.startedMs) / 1000
  return seconds < 0.5 ? '' : `${Math.round(row.progress.records / seconds).toLocaleString('en-US')} rec/s`
}

/** The wait in words, with the seconds left: "waiting for the rate limit, 34 s". */
export const describeStreamWait = (wait: BudgetWait, nowMs: number): string => {
  const left = Math.max(1, Math.ceil((wait.untilMs - nowMs) / 1000))
  return `waiting for ${wait.reason === 'retry-after' ? 'Retry-After' : 'the rate limit'}, ${left.toLocaleString('en-US')} s`
}

const waitingNow = (row: Row, nowMs: number): BudgetWait | undefined =>
  row.wait !== undefined && row.wait.untilMs > nowMs ? row.wait : undefined

const lineOf = (row: Row, width: number, nowMs: number): string => {
  const p = row.progress
  const wait = waitingNow(row, nowMs)
  const cells = [
    p.stream.padEnd(17),
    `${p.records.toLocaleString('en-US')} records`.padStart(18),
    `${p.pages.toLocaleString('en-US')} pages`.padStart(12),
    wait === undefined ? rate(row).padStart(14) : `  ${describeStreamWait(wait, nowMs)}`,
    p.done ? ' done' : '',
    p.bookmark === undefined ? '' : `  at ${p.bookmark}`,
  ]
  return cells.join('').slice(0, Math.max(20, width - 1))
}

export const progressDisplay = (out: NodeJS.WriteStream, clock: () => number): ProgressDisplay => {
  const rows = new Map<string, Row>()
  let drawn = 0
  let lastDraw = -Infinity
  let timer: NodeJS.Timeout | undefined
  let countdown: NodeJS.Timeout | undefined

  const erase = () => {
    if (drawn > 0) out.write(`\r\x1b[${drawn}A\x1b[J`)
    drawn = 0
  }
  const draw = () => {
    // A pseudo-terminal without a size reports 0 columns.
    const width = out.columns > 0 ? out.columns : 120
    const now = clock()
    const lines = [...rows.values()].map((row) => lineOf(row, width, now))
    if (lines.length > 0) out.write(`${lines.join('\n')}\n`)
    drawn = lines.length
    lastDraw = now
    // A countdown on screen moves on its own; once no stream waits, the block is still again.
    const anyWaiting = [...rows.values()].some((row) => waitingNow(row, now) !== undefined)
    if (anyWaiting) countdown ??= setInterval(redraw, COUNTDOWN_EVERY_MS).unref()
    else stopCountdown()
  }
  const stopCountdown = () => {
    if (countdown !== undefined) clearInterval(countdown)
    countdown = undefined
  }
  const redraw = () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    erase()
    draw()
  }
  const soon = () => {
    const now = clock()
    if (now - lastDraw >= REDRAW_EVERY_MS) redraw()
    else timer ??= setTimeout(redraw, REDRAW_EVERY_MS - (now - lastDraw)).unref()
  }

  return {
    update: (progress) => {
      const now = clock()
      const row = rows.get(progress.stream)
      if (row === undefined) rows.set(progress.stream, { progress, startedMs: now, lastMs: now })
      else {
        row.progress = progress
        row.lastMs = now
      }
      soon()
    },
    wait: (stream, wait) => {
      const row = rows.get(stream)
      if (row === undefined) {
        // A stream that waits before its first page gets its line now, so the wait is seen.
        if (wait === undefined) return
        const now = clock()
        rows.set(stream, { progress: { stream, records: 0, pages: 0, done: false }, startedMs: now, lastMs: now, wait })
      } else if (wait === undefined) delete row.wait
      else row.wait = wait
      soon()
    },
    write: (line) => {
      erase()
      out.write(line)
      draw()
    },
    close: () => {
      for (const row of rows.values()) delete row.wait
      redraw()
      stopCountdown()
    },
  }
}
