/**
 * Lines of text kept as UTF-8 bytes until they are written, then read back
 * as strings of about `pieceBytes` bytes, each ending at a line's end.
 *
 * Why not an array of strings: a page's lines (megabytes) live until the page
 * is written, long enough for V8 to copy them between young spaces and move
 * them to the old generation, and a full collection to free them later. Bytes
 * outside the JS heap cost the collector nothing, and one buffer serves every
 * page of a stream.
 */
const NEWLINE = 10
const INITIAL_BYTES = 1 << 20

export class LineBuffer {
  private bytes: Buffer = Buffer.allocUnsafe(INITIAL_BYTES)
  private used = 0
  private count = 0

  /** How many lines it holds. */
  get lines(): number {
    return this.count
  }

  clear(): void {
    this.used = 0
    this.count = 0
  }

  /** Adds `line`, which ends with "\n" and has no other. */
  push(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const room = line.length * 3
    if (this.used + room > this.bytes.length) {
      const larger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + room))
      this.bytes.copy(larger, 0, 0, this.used)
      this.bytes = larger
    }
    this.used += this.bytes.write(line, this.used, 'utf8')
    this.count++
  }

  /** The lines as strings of at least `pieceBytes` bytes (the last may be shorter), each ending at a line's end. */
  *pieces(pieceBytes: number): Generator<string> {
    let from = 0
    while (from < this.used) {
      const newline = from + pieceBytes >= this.used ? -1 : this.bytes.indexOf(NEWLINE, from + pieceBytes - 1)
      const to = newline < 0 || newline >= this.used ? this.used : newline + 1
      yield this.bytes.toString('utf8', from, to)
      from = to
    }
  }
}
