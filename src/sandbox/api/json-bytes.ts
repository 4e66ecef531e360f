/**
 * A JSON body written piece by piece straight into UTF-8 bytes.
 *
 * A 1000-chat export page is about 3.6 MB. Building every record first and
 * stringifying the page at the end kept all of them alive at once, and the
 * garbage collector then cost about a third of the page; writing each record
 * as soon as it is built lets its objects and its text die young.
 */

/** A UTF-16 code unit never takes more than 3 bytes in UTF-8. */
const MAX_BYTES_PER_UNIT = 3

export class JsonBytes {
  #buffer: Buffer
  #length = 0

  /** `expectedBytes`: room to start with; a larger body grows the buffer. */
  constructor(expectedBytes: number) {
    this.#buffer = Buffer.allocUnsafe(Math.max(64, expectedBytes))
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
}
