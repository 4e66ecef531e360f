/**
 * A live progress block on a terminal's stderr: one line per stream with its
 * records, pages, rate and bookmark, redrawn in place at most a few times a
 * second. Log lines are written above it. Only for a terminal: piped stderr
 * (Meltano, orchestrators, files) gets plain log lines and nothing else.
 */
import type { StreamProgress } from '../engine/env.js'

const REDRAW_EVERY_MS = 250

interface Row {
  progress: StreamProgress
  readonly startedMs: number
  lastMs: number
}

export interface ProgressDisplay {
  readonly update: (progress: StreamProgress) => void
  /** Write a log line above the block. */
  readonly write: (line: string) => void
  /** Draw the block one last time and leave it on screen. */
  readonly close: () => void
}

const rate = (row: Row): string => {
  const seconds = (row.lastMs - row.startedMs) / 1000
  return seconds < 0.5 ? '' : `${Math.round(row.progress.records / seconds).toLocaleString('en-US')} rec/s`
}

const lineOf = (row: Row, width: number): string => {
  const p = row.progress
  const cells = [
    p.stream.padEnd(17),
    `${p.records.toLocaleString('en-US')} records`.padStart(18),
    `${p.pages.toLocaleString('en-US')} pages`.padStart(12),
    rate(row).padStart(14),
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

  const erase = () => {
    if (drawn > 0) out.write(`\r\x1b[${drawn}A\x1b[J`)
    drawn = 0
  }
  const draw = () => {
    // A pseudo-terminal without a size reports 0 columns.
    const width = out.columns > 0 ? out.columns : 120
    const lines = [...rows.values()].map((row) => lineOf(row, width))
    if (lines.length > 0) out.write(`${lines.join('\n')}\n`)
    drawn = lines.length
    lastDraw = clock()
  }
  const redraw = () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    erase()
    draw()
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
      if (now - lastDraw >= REDRAW_EVERY_MS) redraw()
      else timer ??= setTimeout(redraw, REDRAW_EVERY_MS - (now - lastDraw)).unref()
    },
    write: (line) => {
      erase()
      out.write(line)
      draw()
    },
    close: redraw,
  }
}
