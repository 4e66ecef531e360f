/**
 * One page of a stream, folded record by record as its records arrive:
 * decode → keep or drop (the strategy's rule) → RECORD line. A page is held
 * as its lines and how many records the API sent, never as the API's parsed
 * objects, so each record's objects die young (and its lines are bytes
 * outside the JS heap, see LineBuffer); and a record that does not fit stops
 * the page before any of its lines is written. The fold knows no paging.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Failure } from '../../core/failure.js'
import type { LineBuffer } from '../../core/line-buffer.js'
import type { ApiRecord } from '../out/projection.js'
import { mapFailure } from '../out/stream-maps.js'

/** What a page came to once all its records are in. */
export interface FoldedPage {
  /** The RECORD lines to write. */
  readonly lines: LineBuffer
  /** How many records the API sent. */
  readonly fetched: number
}

export interface FoldRules {
  /** A record as the API sent it, decoded; or the failure that names it (`index`: its place in the page). */
  readonly decode: (raw: unknown, index: number) => E.Either<Failure, ApiRecord>
  /** Whether a decoded record is written (a strategy also watches the records here). */
  readonly keep: (record: ApiRecord) => boolean
  /** The record as selected in the catalog. */
  readonly select: (record: ApiRecord) => ApiRecord
  /** A record's RECORD line(s). */
  readonly line: (record: ApiRecord) => string
  /** Where the page's lines go (emptied first): one buffer serves all the pages of a stream. */
  readonly out: LineBuffer
  /** At most this many lines (a connection test's sample). */
  readonly limit: number
  /** `line` goes through stream maps: it may drop a record ('') or throw on one (RecordMapFailure). */
  readonly mapped?: boolean
}

export class PageFold {
  private fetched = 0
  private failure: Failure | undefined
  // The rules' functions, held on the fold itself: they run once or more per record.
  private readonly decode: FoldRules['decode']
  private readonly keep: FoldRules['keep']
  private readonly select: FoldRules['select']
  private readonly line: FoldRules['line']
  private readonly out: LineBuffer

  constructor(private readonly rules: FoldRules) {
    this.decode = rules.decode
    this.keep = rules.keep
    this.select = rules.select
    this.line = rules.line
    this.out = rules.out
    rules.out.clear()
  }

  /** Takes the page's next record as the API sent it. */
  readonly add = (raw: unknown): void => {
    if (this.failure !== undefined) return
    const decoded = this.decode(raw, this.fetched++)
    if (E.isLeft(decoded)) {
      this.failure = decoded.left
      return
    }
    if (this.keep(decoded.right)) this.write(decoded.right)
  }

  private write(record: ApiRecord): void {
    const { out, line, select } = this
    const { limit, mapped } = this.rules
    if (out.lines >= limit) return
    if (mapped !== true) return out.push(line(select(record)))
    try {
      const text = line(select(record))
      if (text !== '') out.push(text)
    } catch (error) {
      const failure = mapFailure(error)
      if (failure === undefined) throw error
      this.failure = failure
    }
  }

  /** The page, or the first record that did not fit. */
  finish(): E.Either<Failure, FoldedPage> {
    return this.failure === undefined ? E.right({ lines: this.rules.out, fetched: this.fetched }) : E.left(this.failure)
  }
}
