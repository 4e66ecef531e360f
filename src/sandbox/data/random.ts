/**
 * Seeded randomness for the sandbox.
 *
 * Every record gets its own generator, seeded from (account seed, label, index),
 * so record #999,999 costs the same as record #0 and nothing forces generating
 * the records before it. Adding a field to one kind of record never shifts the
 * values of another kind, because each label has its own stream.
 */

/** murmur3's 32-bit finaliser: spreads every input bit over the output. */
export function mix32(x: number): number {
  let h = x >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** FNV-1a over UTF-16 code units: turns a label into 32 bits. */
export function hashLabel(label: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** Low and high 32-bit halves of a safe integer, so seeds above 2^32 stay distinct. */
function halves(n: number): [number, number] {
  return [n >>> 0, Math.floor(n / 0x1_0000_0000) >>> 0]
}

/**
 * A 32-bit seed for one record: the same (seed, label, index) always gives the
 * same value; changing any one of them gives an unrelated value.
 */
export function deriveSeed(seed: number, label: string, index = 0): number {
  const [seedLo, seedHi] = halves(seed)
  const [indexLo, indexHi] = halves(index)
  let h = mix32(seedLo ^ 0x9e3779b9)
  h = mix32(h ^ seedHi)
  h = mix32(h ^ hashLabel(label))
  h = mix32(h ^ indexLo)
  h = mix32(h ^ indexHi ^ 0x632be5ab)
  return h
}

/** mulberry32: tiny, fast, and good enough for test data (not for secrets). */
export class Rng {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** A generator for one record; see `deriveSeed`. */
  static derive(seed: number, label: string, index = 0): Rng {
    return new Rng(deriveSeed(seed, label, index))
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000
  }

  /** Integer in [min, max], both inclusive. Ranges wider than 2^32 use two draws. */
  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new RangeError(`Rng.int: bad range [${min}, ${max}]`)
    }
    const span = max - min + 1
    if (span <= 0x1_0000_0000) return min + Math.floor(this.next() * span)
    const wide = Math.floor(this.next() * 0x20_0000) * 0x1_0000_0000 + Math.floor(this.next() * 0x1_0000_0000)
    return min + (wide % span)
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p
  }

  /** One element of a non-empty array. */
  pick<T>(items: ReadonlyArray<T>): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty array')
    return items[this.int(0, items.length - 1)] as T
  }

  /** Up to `count` distinct elements, kept in their original order. */
  sample<T>(items: ReadonlyArray<T>, count: number): T[] {
    const k = Math.max(0, Math.min(count, items.length))
    const chosen: T[] = []
    let needed = k
    // Selection sampling (Knuth's algorithm S): one pass, order preserved.
    for (let i = 0; i < items.length && needed > 0; i++) {
      if (this.next() * (items.length - i) < needed) {
        chosen.push(items[i] as T)
        needed--
      }
    }
    return chosen
  }

  /** A string of `length` characters drawn from `alphabet`. */
  string(length: number, alphabet: string): string {
    let out = ''
    for (let i = 0; i < length; i++) out += alphabet.charAt(this.int(0, alphabet.length - 1))
    return out
  }
}
