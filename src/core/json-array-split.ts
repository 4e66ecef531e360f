/**
 * Reads a JSON object as its text arrives, in chunks, and hands over the
 * elements of the array under one of its top-level fields one at a time,
 * each parsed on its own; the rest of the object is kept and parsed at the
 * end, with that array left empty.
 *
 * Why: `JSON.parse` of a whole export page (a thousand chats, megabytes) makes
 * every record of the page live at once, long enough for V8 to move them all
 * into the old generation, where they pile up as garbage until a full
 * collection. Parsed one by one and turned into output at once, records die
 * young and the page never exists as objects.
 *
 * The result is what `JSON.parse` of the whole text would give, with the
 * array's elements delivered instead of kept: anything else (not an object,
 * no such field, the field not an array) is kept whole and parsed whole at the
 * end, and text that is not JSON throws a SyntaxError, at the latest at `end`.
 */

const QUOTE = 34
const BACKSLASH = 92
const COMMA = 44
const OPEN_BRACE = 123
const CLOSE_BRACE = 125
const OPEN_BRACKET = 91
const CLOSE_BRACKET = 93

const isSpace = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9

/**
 * The index of the quote that closes the string opening at `open`, or -1 when
 * the text ends first. `from`: where an earlier search of the same string
 * stopped (the text before it holds no closing quote).
 */
const stringEnd = (text: string, open: number, from = open): number => {
  let at = Math.max(open, from - 1)
  for (;;) {
    at = text.indexOf('"', at + 1)
    if (at < 0) return -1
    // A quote after an even number of backslashes closes the string.
    let before = at - 1
    while (text.charCodeAt(before) === BACKSLASH) before--
    if ((at - 1 - before) % 2 === 0) return at
  }
}

/**
 * What is being read: the object up to the array, the array, the object after
 * it (where the field must not come again: JSON.parse would take the later
 * value, and the first one's elements are handed out already), or text kept
 * whole (a body that is not an object with the array, or what follows the
 * object, for the final parse to judge).
 */
type Mode = 'head' | 'array' | 'tail' | 'whole'

export class ArrayFieldSplitter {
  private mode: Mode = 'head'
  /** The text kept for the final parse: the head (up to and with `[`), `]`, then the tail; or the whole body. */
  private readonly kept: string[] = []
  /** Text received and not yet settled: scanning resumes in it at `at`. */
  private text = ''
  private at = 0
  // Reading the head: nesting depth (1 inside the top-level object), and the last key at that depth.
  private depth = 0
  private expectKey = false
  private lastKey: string | undefined
  // Reading the array: what comes next, and the element under way (its start in `text`, and its depth).
  private expect: 'first' | 'element' | 'separator' = 'first'
  private elementStart = -1
  private elementDepth = 0
  /** Where the search for the end of a string the text cut off resumes, so a long string is not searched again from its start. */
  private searchFrom = -1
  /**
   * Pieces put by until they add up to the text still unsettled: a record
   * much larger than a piece would otherwise be copied whole (joined to the
   * next piece) for every piece that brings a little more of it.
   */
  private pending: string[] = []
  private pendingLength = 0

  constructor(
    private readonly field: string,
    private readonly onElement: (value: unknown) => void,
  ) {}

  /** The next piece of the text. Throws a SyntaxError where the array is not JSON. */
  push(chunk: string): void {
    if (this.mode === 'whole') {
      this.kept.push(chunk)
      return
    }
    this.pending.push(chunk)
    this.pendingLength += chunk.length
    if (this.pendingLength >= this.text.length) this.scan()
  }

  /** Reads on through what has come. */
  private scan(): void {
    const added = this.pending.length === 1 ? this.pending[0]! : this.pending.join('')
    this.pending = []
    this.pendingLength = 0
    this.text = this.text.length === 0 ? added : this.text + added
    if (this.mode === 'head') this.readObject()
    if (this.mode === 'array') this.readArray()
    if (this.mode === 'tail') this.readObject()
    this.settle()
  }

  /** The body, parsed, with the array emptied when its elements went to `onElement`. Throws a SyntaxError for text that is not JSON. */
  end(): unknown {
    if (this.pendingLength > 0) this.scan()
    if (this.mode === 'array') throw new SyntaxError(`Unexpected end of JSON input in the "${this.field}" array`)
    return JSON.parse(this.kept.join('') + this.text)
  }

  /** Keeps what is done with, so that `text` holds only what scanning has yet to settle. */
  private settle(): void {
    const text = this.text
    switch (this.mode) {
      case 'whole':
        this.kept.push(text)
        this.text = ''
        this.at = 0
        return
      case 'head':
      case 'tail':
        // An unfinished string stays in `text`, to be read again whole.
        this.kept.push(text.slice(0, this.at))
        this.text = text.slice(this.at)
        this.at = 0
        return
      case 'array': {
        // Only an element (or token) under way is carried over; what went before has been handed out.
        const from = this.elementStart >= 0 ? this.elementStart : this.at
        this.text = text.slice(from)
        this.at -= from
        if (this.searchFrom >= 0) this.searchFrom -= from
        if (this.elementStart >= 0) this.elementStart = 0
        return
      }
    }
  }

  private toWhole(): void {
    this.mode = 'whole'
    this.at = this.text.length
  }

  /** The top-level object outside the array: finds the array (head), or checks the field does not come again (tail). */
  private readObject(): void {
    const text = this.text
    const n = text.length
    let i = this.at
    for (; i < n; i++) {
      const c = text.charCodeAt(i)
      if (this.depth === 0) {
        if (isSpace(c)) continue
        if (c !== OPEN_BRACE) return this.toWhole()
        this.depth = 1
        this.expectKey = true
        continue
      }
      if (c === QUOTE) {
        const close = stringEnd(text, i)
        if (close < 0) break
        if (this.depth === 1 && this.expectKey) {
          const raw = text.slice(i + 1, close)
          this.lastKey = raw.includes('\\') ? (JSON.parse(text.slice(i, close + 1)) as string) : raw
          this.expectKey = false
          if (this.mode === 'tail' && this.lastKey === this.field) throw new SyntaxError(`The field "${this.field}" comes twice`)
        }
        i = close
      } else if (c === COMMA) {
        if (this.depth === 1) {
          this.expectKey = true
          this.lastKey = undefined
        }
      } else if (c === OPEN_BRACKET && this.depth === 1 && this.lastKey === this.field && this.mode === 'head') {
        this.kept.push(text.slice(0, i + 1))
        this.text = text.slice(i + 1)
        this.at = 0
        this.mode = 'array'
        return
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.depth++
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        // The object closed: without the array (head), or after it (tail); what follows is for the final parse.
        if (--this.depth === 0) return this.toWhole()
      }
    }
    this.at = i
  }

  private readArray(): void {
    const text = this.text
    const n = text.length
    let i = this.at
    // Only the string the last piece cut off (the first one met now) resumes its search.
    let resumeFrom = this.searchFrom
    this.searchFrom = -1
    while (i < n) {
      if (this.elementStart >= 0) {
        // Inside an object or array element: find where it closes.
        let depth = this.elementDepth
        for (; i < n; i++) {
          const c = text.charCodeAt(i)
          if (c === QUOTE) {
            const close = stringEnd(text, i, resumeFrom)
            resumeFrom = -1
            if (close < 0) {
              this.searchFrom = n
              break
            }
            i = close
          } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++
          else if ((c === CLOSE_BRACE || c === CLOSE_BRACKET) && --depth === 0) break
        }
        if (i >= n || depth > 0) {
          this.elementDepth = depth
          this.at = i
          return
        }
        this.onElement(JSON.parse(text.slice(this.elementStart, i + 1)))
        this.elementStart = -1
        this.expect = 'separator'
        i++
        continue
      }
      const c = text.charCodeAt(i)
      if (isSpace(c)) {
        i++
        continue
      }
      if (this.expect === 'separator' || (this.expect === 'first' && c === CLOSE_BRACKET)) {
        if (c === CLOSE_BRACKET) {
          this.kept.push(']')
          this.text = text.slice(i + 1)
          this.at = 0
          this.mode = 'tail'
          this.lastKey = undefined
          return
        }
        if (c !== COMMA) throw new SyntaxError(`Unexpected ${JSON.stringify(text[i])} between elements of the "${this.field}" array`)
        this.expect = 'element'
        i++
        continue
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.elementStart = i
        this.elementDepth = 1
        i++
        continue
      }
      // A string, number or literal element: it ends at its closing quote, or before a comma, bracket or space.
      let end: number
      if (c === QUOTE) {
        end = stringEnd(text, i, resumeFrom)
        resumeFrom = -1
        if (end < 0) {
          this.searchFrom = n
          break
        }
        end++
      } else {
        end = i
        while (end < n) {
          const d = text.charCodeAt(end)
          if (d === COMMA || d === CLOSE_BRACKET || isSpace(d)) break
          end++
        }
        if (end === n) break
      }
      this.onElement(JSON.parse(text.slice(i, end)))
      this.expect = 'separator'
      i = end
    }
    this.at = i
  }
}
