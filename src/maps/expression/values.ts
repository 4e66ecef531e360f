/**
 * Python's meaning for the values a map expression handles: JSON's values
 * (None, bool, numbers, str, list, dict) and the few objects the built-ins
 * make (functions, modules, datetimes). Equality, ordering, truth, `str()` and
 * arithmetic follow Python, so an expression written for the Meltano SDK
 * means the same here; errors carry Python's names and words.
 */

/** An expression that failed on a value: Python's exception name and message. */
export class EvalProblem extends Error {
  constructor(
    readonly pyType: string,
    message: string,
  ) {
    super(`${pyType}: ${message}`)
  }
}

export const typeError = (message: string): EvalProblem => new EvalProblem('TypeError', message)
export const valueError = (message: string): EvalProblem => new EvalProblem('ValueError', message)

export type Dict = Record<string, unknown>

/** What an expression can do besides read JSON values: each object says which attributes it has. */
export abstract class PyObject {
  abstract readonly typeName: string
  /** The attribute, or undefined when it has none of that name. */
  attribute(_name: string): unknown {
    return undefined
  }
  repr(): string {
    return `<${this.typeName}>`
  }
  str(): string {
    return this.repr()
  }
}

type Call = (args: readonly unknown[], kwargs: Readonly<Dict>) => unknown

export class PyFunction extends PyObject {
  readonly typeName = 'builtin_function_or_method'
  constructor(
    readonly name: string,
    readonly call: Call,
  ) {
    super()
  }
  override repr(): string {
    return `<built-in function ${this.name}>`
  }
}

/** A module (json, datetime) or a class-like namespace: only the members listed are there. */
export class PyModule extends PyObject {
  readonly typeName: string = 'module'
  constructor(
    readonly name: string,
    private readonly members: Readonly<Record<string, unknown>>,
    private readonly construct?: Call,
  ) {
    super()
  }
  override attribute(name: string): unknown {
    return Object.hasOwn(this.members, name) ? this.members[name] : undefined
  }
  get callable(): Call | undefined {
    return this.construct
  }
  override repr(): string {
    return `<module '${this.name}'>`
  }
}

export const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof PyObject)

/** A dict's value for `key`: JSON leaves out what is undefined, so undefined is no key at all. */
export const dictGet = (d: Dict, key: string): unknown => (Object.hasOwn(d, key) ? d[key] : undefined)

export const typeName = (v: unknown): string => {
  if (v === null || v === undefined) return 'NoneType'
  switch (typeof v) {
    case 'boolean':
      return 'bool'
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float'
    case 'string':
      return 'str'
  }
  if (Array.isArray(v)) return 'list'
  if (v instanceof PyObject) return v.typeName
  return 'dict'
}

export const truthy = (v: unknown): boolean => {
  if (v === null || v === undefined) return false
  switch (typeof v) {
    case 'boolean':
      return v
    case 'number':
      return v !== 0
    case 'string':
      return v.length > 0
  }
  if (Array.isArray(v)) return v.length > 0
  if (v instanceof PyObject) return true
  for (const k in v as Dict) if ((v as Dict)[k] !== undefined) return true
  return false
}

const reprNumber = (n: number): string => {
  if (Number.isNaN(n)) return 'nan'
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf'
  return String(n)
}

const reprString = (s: string): string => {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'"
  let out = quote
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (ch < ' ' || ch === '\x7f') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`
    else out += ch
  }
  return out + quote
}

export const repr = (v: unknown): string => {
  if (v === null || v === undefined) return 'None'
  switch (typeof v) {
    case 'boolean':
      return v ? 'True' : 'False'
    case 'number':
      return reprNumber(v)
    case 'string':
      return reprString(v)
  }
  if (Array.isArray(v)) return `[${v.map(repr).join(', ')}]`
  if (v instanceof PyObject) return v.repr()
  return `{${Object.entries(v as Dict)
    .filter(([, x]) => x !== undefined)
    .map(([k, x]) => `${reprString(k)}: ${repr(x)}`)
    .join(', ')}}`
}

/** Python's `str(v)`. */
export const str = (v: unknown): string => {
  if (typeof v === 'string') return v
  if (v instanceof PyObject) return v.str()
  return repr(v)
}

const isNumberLike = (v: unknown): v is number | boolean => typeof v === 'number' || typeof v === 'boolean'
const num = (v: number | boolean): number => (typeof v === 'boolean' ? (v ? 1 : 0) : v)

/** Python's `==`: numbers and bools by value, lists and dicts deeply. */
export const equal = (a: unknown, b: unknown): boolean => {
  if (a === undefined) a = null
  if (b === undefined) b = null
  if (a === b) return true
  if (isNumberLike(a) && isNumberLike(b)) return num(a) === num(b)
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]))
  if (a instanceof PyObject || b instanceof PyObject)
    return a instanceof PyObject && b instanceof PyObject && comparable(a, b) && compareObjects(a, b) === 0
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined)
    const kb = Object.keys(b).filter((k) => b[k] !== undefined)
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]))
  }
  return false
}

/** Objects that order themselves (datetimes): a number whose sign says which is larger. */
export interface Ordered {
  orderKey(): number
  readonly typeName: string
}
const isOrdered = (v: unknown): v is Ordered & PyObject => v instanceof PyObject && typeof (v as unknown as Ordered).orderKey === 'function'
const comparable = (a: PyObject, b: PyObject): boolean => isOrdered(a) && isOrdered(b) && a.typeName === b.typeName
const compareObjects = (a: PyObject, b: PyObject): number => (a as unknown as Ordered).orderKey() - (b as unknown as Ordered).orderKey()

/** Python's ordering (`<`): numbers, strings, lists element by element, datetimes; anything else is a TypeError. */
export const compare = (a: unknown, b: unknown, op: string): number => {
  if (isNumberLike(a) && isNumberLike(b)) return num(a) - num(b)
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!equal(a[i], b[i])) return compare(a[i], b[i], op)
    }
    return a.length - b.length
  }
  if (a instanceof PyObject && b instanceof PyObject && comparable(a, b)) return compareObjects(a, b)
  throw typeError(`'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`)
}

/** simpleeval's limits, so one expression cannot take the process's memory or time. */
export const MAX_STRING_LENGTH = 100_000
export const MAX_POWER = 4_000_000
export const MAX_COMPREHENSION_LENGTH = 10_000

const checkLength = <T extends string | unknown[]>(v: T): T => {
  if (v.length > MAX_STRING_LENGTH)
    throw new EvalProblem('MemoryError', `result longer than ${MAX_STRING_LENGTH} (a limit of map expressions)`)
  return v
}

const unsupported = (op: string, a: unknown, b: unknown): EvalProblem =>
  typeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`)

/** Objects that take part in arithmetic (datetimes, timedeltas) answer for themselves; undefined: not with that operand. */
export interface Arithmetic {
  arith(op: string, other: unknown, reflected: boolean): unknown
}
const arithOf = (v: unknown): Arithmetic | undefined =>
  v instanceof PyObject && typeof (v as unknown as Arithmetic).arith === 'function' ? (v as unknown as Arithmetic) : undefined

const objectArith = (op: string, a: unknown, b: unknown): unknown => {
  const left = arithOf(a)?.arith(op, b, false)
  if (left !== undefined) return left
  const right = arithOf(b)?.arith(op, a, true)
  if (right !== undefined) return right
  throw unsupported(op, a, b)
}

const repeat = (seq: string | unknown[], times: number | boolean): string | unknown[] => {
  const n = Math.max(0, Math.trunc(num(times)))
  if (seq.length * n > MAX_STRING_LENGTH)
    throw new EvalProblem('MemoryError', `result longer than ${MAX_STRING_LENGTH} (a limit of map expressions)`)
  if (typeof seq === 'string') return seq.repeat(n)
  const out: unknown[] = []
  for (let i = 0; i < n; i++) out.push(...seq)
  return out
}

export const binary = (op: string, a: unknown, b: unknown): unknown => {
  if (a === undefined) a = null
  if (b === undefined) b = null
  const numbers = isNumberLike(a) && isNumberLike(b)
  switch (op) {
    case '+':
      if (numbers) return num(a as number) + num(b as number)
      if (typeof a === 'string' && typeof b === 'string') return checkLength(a + b)
      if (typeof a === 'string') throw typeError(`can only concatenate str (not "${typeName(b)}") to str`)
      if (Array.isArray(a) && Array.isArray(b)) return checkLength([...a, ...b])
      if (Array.isArray(a)) throw typeError(`can only concatenate list (not "${typeName(b)}") to list`)
      return objectArith(op, a, b)
    case '-':
      return numbers ? num(a as number) - num(b as number) : objectArith(op, a, b)
    case '*':
      if (numbers) return num(a as number) * num(b as number)
      if ((typeof a === 'string' || Array.isArray(a)) && isNumberLike(b) && Number.isInteger(num(b as number))) return repeat(a, b)
      if ((typeof b === 'string' || Array.isArray(b)) && isNumberLike(a) && Number.isInteger(num(a as number))) return repeat(b, a)
      if (typeof a === 'string' || typeof b === 'string')
        throw typeError(`can't multiply sequence by non-int of type '${typeName(typeof a === 'string' ? b : a)}'`)
      return objectArith(op, a, b)
    case '/':
      if (!numbers) return objectArith(op, a, b)
      if (num(b as number) === 0) throw new EvalProblem('ZeroDivisionError', 'division by zero')
      return num(a as number) / num(b as number)
    case '//':
      if (!numbers) return objectArith(op, a, b)
      if (num(b as number) === 0) throw new EvalProblem('ZeroDivisionError', 'integer division or modulo by zero')
      return Math.floor(num(a as number) / num(b as number))
    case '%': {
      if (!numbers) throw unsupported(op, a, b)
      const d = num(b as number)
      if (d === 0) throw new EvalProblem('ZeroDivisionError', 'integer modulo by zero')
      const r = num(a as number) % d
      return r !== 0 && r < 0 !== d < 0 ? r + d : r
    }
    case '**': {
      if (!numbers) throw unsupported('** or pow()', a, b)
      if (Math.abs(num(a as number)) > MAX_POWER || Math.abs(num(b as number)) > MAX_POWER) {
        throw new EvalProblem('NumberTooHigh', `a power with an operand above ${MAX_POWER} (a limit of map expressions)`)
      }
      if (num(a as number) === 0 && num(b as number) < 0)
        throw new EvalProblem('ZeroDivisionError', '0.0 cannot be raised to a negative power')
      return num(a as number) ** num(b as number)
    }
  }
  throw unsupported(op, a, b)
}

export const negate = (v: unknown, op: '-' | '+'): number => {
  if (!isNumberLike(v)) throw typeError(`bad operand type for unary ${op}: '${typeName(v)}'`)
  return op === '-' ? -num(v) : num(v)
}

/** Python's `x in container`. */
export const contains = (container: unknown, item: unknown): boolean => {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw typeError(`'in <string>' requires string as left operand, not ${typeName(item)}`)
    return container.includes(item)
  }
  if (Array.isArray(container)) return container.some((x) => equal(x, item))
  if (isDict(container)) return typeof item === 'string' && dictGet(container, item) !== undefined
  throw typeError(`argument of type '${typeName(container)}' is not iterable`)
}

/** An index as Python reads it (bools are ints), or a TypeError naming the sequence. */
export const toIndex = (v: unknown, what: string): number => {
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v !== 'number' || !Number.isInteger(v)) throw typeError(`${what} indices must be integers or slices, not ${typeName(v)}`)
  return v
}

/** What a `for` in a comprehension walks: list items, a string's characters, a dict's keys. */
export const iterate = (v: unknown): readonly unknown[] => {
  if (Array.isArray(v)) return v
  if (typeof v === 'string') return Array.from(v)
  if (isDict(v)) return Object.keys(v).filter((k) => v[k] !== undefined)
  throw typeError(`'${typeName(v)}' object is not iterable`)
}
