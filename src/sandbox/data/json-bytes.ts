/**
 * A JSON body written piece by piece straight into UTF-8 bytes.
 *
 * A 1000-chat export page is about 4.6 MB. Building every record first and
 * stringifying the page at the end kept all of them alive at once, and the
 * garbage collector then cost about a third of the page; writing each record
 * as soon as it is built lets its objects and its text die young.
 *
 * The buffers themselves are kept for the next page (`pooled`, `release`): a
 * fresh buffer of several MB per page is memory outside V8's heap that V8 still
 * counts, and it made V8 run a full collection every few pages.
 */

/** A UTF-16 code unit never takes more than 3 bytes in UTF-8. */
const MAX_BYTES_PER_UNIT = 3

/** Buffers given back and not yet taken again: enough for a few pages being sent at once. */
const spares: Buffer[] = []
const MAX_SPARES = 4

export class JsonBytes {
  #buffer: Buffer
  #length = 0
  #released = false

  /** `expectedBytes`: room to start with; a larger body grows the buffer. */
  constructor(expectedBytes: number, buffer?: Buffer) {
    this.#buffer = buffer ?? Buffer.allocUnsafe(Math.max(64, expectedBytes))
  }

  /** A JsonBytes on a buffer given back earlier (`release`) when one has the room, else on a new one. */
  static pooled(expectedBytes: number): JsonBytes {
    const k = spares.findIndex((b) => b.length >= expectedBytes)
    return new JsonBytes(expectedBytes, k < 0 ? undefined : spares.splice(k, 1)[0])
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#length
  }

  /** Appends `text`, which the caller has made valid JSON in its place. */
  write(text: string): void {
    const room = text.length * MAX_BYTES_PER_UNIT
    if (this.#buffer.length - this.#length < room) {
      const grown = Buffer.allocUnsafe(Math.max(this.#buffer.length * 2, this.#length + room))
      this.#buffer.copy(grown, 0, 0, this.#length)
      this.#buffer = grown
    }
    this.#length += this.#buffer.write(text, this.#length)
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.#buffer.subarray(0, this.#length)
  }

  /**
   * Gives the buffer back for another page, once nothing reads `bytes()` any
   * more (the answer is sent, or never will be). A second call does nothing.
   */
  release(): void {
    if (this.#released) return
    this.#released = true
    if (spares.length < MAX_SPARES) spares.push(this.#buffer)
  }
}
