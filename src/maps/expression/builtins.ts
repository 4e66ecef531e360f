/**
 * What a map expression may call: the Meltano SDK's functions (simpleeval's
 * int, float, str; the SDK's md5, sha256, bool, json, datetime; the compound
 * types list, tuple, dict) and len, plus the methods of str, dict and list
 * that work on values alone. Each is written here; nothing else is reachable.
 */
import { createHash } from 'node:crypto'
import { datetimeModule, PyDate, PyDateTime, PyTimedelta } from './datetime.js'
import {
  EvalProblem,
  MAX_STRING_LENGTH,
  PyFunction,
  PyModule,
  PyObject,
  dictGet,
  equal,
  isDict,
  iterate,
  repr,
  str,
  truthy,
  typeError,
  typeName,
  valueError,
  type Dict,
} from './values.js'

type Args = readonly unknown[]
type Kwargs = Readonly<Dict>

const arity = (name: string, args: Args, kwargs: Kwargs, min: number, max: number, keywords: readonly string[] = []): void => {
  for (const k of Object.keys(kwargs)) if (!keywords.includes(k)) throw typeError(`${name}() got an unexpected keyword argument '${k}'`)
  if (args.length < min || args.length > max) {
    throw typeError(
      `${name}() takes ${min === max ? `exactly ${min}` : `from ${min} to ${max}`} argument${max === 1 ? '' : 's'} (${args.length} given)`,
    )
  }
}

const INT_TEXT = /^[+-]?\d(_?\d)*$/
const FLOAT_TEXT = /^[+-]?((\d(_?\d)*)?\.?\d(_?\d)*([eE][+-]?\d+)?|\d(_?\d)*\.|inf(inity)?|nan)$/i

const toInt = (args: Args, kwargs: Kwargs): number => {
  arity('int', args, kwargs, 0, 2, ['base'])
  const [v = 0] = args
  const base = args[1] ?? kwargs.base
  if (base !== undefined) {
    if (typeof v !== 'string') throw typeError("int() can't convert non-string with explicit base")
    if (typeof base !== 'number' || !Number.isInteger(base) || base < 2 || base > 36) throw valueError('int() base must be >= 2 and <= 36')
    const digits = v
      .trim()
      .toLowerCase()
      .replace(/^([+-]?)0[xob]/, '$1')
    const n = parseInt(digits, base)
    if (
      Number.isNaN(n) ||
      !/^[+-]?[0-9a-z_]+$/.test(digits) ||
      [...digits.replace(/^[+-]/, '').replace(/_/g, '')].some((c) => parseInt(c, base) >= base || Number.isNaN(parseInt(c, base)))
    ) {
      throw valueError(`invalid literal for int() with base ${base}: ${repr(v)}`)
    }
    return n
  }
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'number') {
    if (!Number.isFinite(v))
      throw new EvalProblem(Number.isNaN(v) ? 'ValueError' : 'OverflowError', `cannot convert float ${repr(v)} to integer`)
    return Math.trunc(v)
  }
  if (typeof v === 'string') {
    const text = v.trim()
    if (!INT_TEXT.test(text)) throw valueError(`invalid literal for int() with base 10: ${repr(v)}`)
    return Number(text.replace(/_/g, ''))
  }
  throw typeError(`int() argument must be a string, a bytes-like object or a real number, not '${typeName(v)}'`)
}

const toFloat = (args: Args, kwargs: Kwargs): number => {
  arity('float', args, kwargs, 0, 1)
  const [v = 0] = args
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'number') return v
  if (typeof v === 'string') {
    const text = v.trim()
    if (!FLOAT_TEXT.test(text)) throw valueError(`could not convert string to float: ${repr(v)}`)
    const lower = text.toLowerCase().replace(/_/g, '')
    if (lower.endsWith('nan')) return Number.NaN
    if (lower.includes('inf')) return lower.startsWith('-') ? -Infinity : Infinity
    return Number(lower)
  }
  throw typeError(`float() argument must be a string or a real number, not '${typeName(v)}'`)
}

const hashOf =
  (algorithm: 'md5' | 'sha256') =>
  (args: Args, kwargs: Kwargs): string => {
    arity(algorithm, args, kwargs, 1, 1)
    const [v] = args
    // The SDK calls string.encode("utf-8"): anything but a str has no encode.
    if (typeof v !== 'string')
      throw new EvalProblem('AttributeError', `'${typeName(v)}' object has no attribute 'encode' (${algorithm}() takes a str)`)
    return createHash(algorithm).update(v, 'utf8').digest('hex')
  }

const length = (args: Args, kwargs: Kwargs): number => {
  arity('len', args, kwargs, 1, 1)
  const [v] = args
  if (typeof v === 'string') {
    let n = 0
    for (const _ of v) n++
    return n
  }
  if (Array.isArray(v)) return v.length
  if (isDict(v)) return iterate(v).length
  throw typeError(`object of type '${typeName(v)}' has no len()`)
}

const toList =
  (name: string) =>
  (args: Args, kwargs: Kwargs): unknown[] => {
    arity(name, args, kwargs, 0, 1)
    return args.length === 0 ? [] : [...iterate(args[0])]
  }

const toDict = (args: Args, kwargs: Kwargs): Dict => {
  if (args.length > 1) throw typeError(`dict expected at most 1 argument, got ${args.length}`)
  const out: Dict = {}
  const [source] = args
  if (isDict(source)) Object.assign(out, source)
  else if (source !== undefined) {
    for (const pair of iterate(source)) {
      if (!Array.isArray(pair) || pair.length !== 2) throw valueError('dictionary update sequence element has length other than 2')
      setKey(out, pair[0], pair[1])
    }
  }
  for (const [k, v] of Object.entries(kwargs)) setKey(out, k, v)
  return out
}

/** Records are JSON: a dict's keys are strings, so other keys are written as `str()` would. */
export const dictKey = (k: unknown): string => {
  if (typeof k === 'string') return k
  if (k === null || typeof k === 'number' || typeof k === 'boolean') return str(k)
  throw typeError(`unhashable type: '${typeName(k)}'`)
}

/** `d[k] = v` for any key, `__proto__` too: as an own property, never the object's prototype. */
export const setKey = (d: Dict, k: unknown, v: unknown): void => {
  const key = dictKey(k)
  if (key === '__proto__') Object.defineProperty(d, key, { value: v, enumerable: true, writable: true, configurable: true })
  else d[key] = v
}

// --- json, as Python's module writes and reads it (json.dumps's default ", " and ": " separators, ASCII only).

const asciiJson = (s: string): string =>
  JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

const dumps = (args: Args, kwargs: Kwargs): string => {
  arity('json.dumps', args, kwargs, 1, 1, ['sort_keys', 'default', 'ensure_ascii', 'separators', 'indent'])
  if (kwargs.indent !== undefined && kwargs.indent !== null) throw typeError('json.dumps(): indent is not supported in a map expression')
  const ascii = kwargs.ensure_ascii === undefined ? true : truthy(kwargs.ensure_ascii)
  const sortKeys = truthy(kwargs.sort_keys)
  const fallback = kwargs.default
  let item = ', '
  let key = ': '
  if (kwargs.separators !== undefined && kwargs.separators !== null) {
    const seps = kwargs.separators
    if (!Array.isArray(seps) || seps.length !== 2 || typeof seps[0] !== 'string' || typeof seps[1] !== 'string')
      throw typeError('separators must be a pair of strings')
    ;[item, key] = seps as [string, string]
  }
  const text = (s: string): string => (ascii ? asciiJson(s) : JSON.stringify(s))
  let size = 0
  const write = (v: unknown): string => {
    if (++size > MAX_STRING_LENGTH) throw new EvalProblem('MemoryError', 'value too large for json.dumps in a map expression')
    if (v === null || v === undefined) return 'null'
    if (typeof v === 'boolean') return v ? 'true' : 'false'
    if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : !Number.isFinite(v) ? (v > 0 ? 'Infinity' : '-Infinity') : String(v)
    if (typeof v === 'string') return text(v)
    if (Array.isArray(v)) return `[${v.map(write).join(item)}]`
    if (isDict(v)) {
      const keys = Object.keys(v).filter((k) => v[k] !== undefined)
      if (sortKeys) keys.sort()
      return `{${keys.map((k) => `${text(k)}${key}${write(v[k])}`).join(item)}}`
    }
    if (fallback instanceof PyFunction) return write(fallback.call([v], {}))
    throw typeError(`Object of type ${typeName(v).replace(/^datetime\./, '')} is not JSON serializable`)
  }
  return write(args[0])
}

const loads = (args: Args, kwargs: Kwargs): unknown => {
  arity('json.loads', args, kwargs, 1, 1)
  const [v] = args
  if (typeof v !== 'string') throw typeError(`the JSON object must be str, bytes or bytearray, not ${typeName(v)}`)
  try {
    return JSON.parse(v, (_k, value: unknown) => value)
  } catch (error) {
    throw new EvalProblem('json.decoder.JSONDecodeError', (error as Error).message)
  }
}

const jsonModule = new PyModule('json', { dumps: new PyFunction('dumps', dumps), loads: new PyFunction('loads', loads) })

export const FUNCTIONS: Readonly<Record<string, unknown>> = {
  int: new PyFunction('int', toInt),
  float: new PyFunction('float', toFloat),
  str: new PyFunction('str', (args, kwargs) => {
    arity('str', args, kwargs, 0, 1)
    return args.length === 0 ? '' : str(args[0])
  }),
  bool: new PyFunction('bool', (args, kwargs) => {
    arity('bool', args, kwargs, 0, 1)
    return truthy(args[0])
  }),
  len: new PyFunction('len', length),
  md5: new PyFunction('md5', hashOf('md5')),
  sha256: new PyFunction('sha256', hashOf('sha256')),
  list: new PyFunction('list', toList('list')),
  tuple: new PyFunction('tuple', toList('tuple')),
  dict: new PyFunction('dict', toDict),
  json: jsonModule,
  datetime: datetimeModule,
}

// --- methods of str, dict and list.

const strArg = (method: string, v: unknown, position = 1): string => {
  if (typeof v !== 'string') throw typeError(`${method}() argument ${position} must be str, not ${typeName(v)}`)
  return v
}

// Python's str.strip() also strips the separators \x1c-\x1f and \x85.
const SPACE = '[\\s\\u001c-\\u001f\\u0085]+'
const WHITESPACE = new RegExp(`^${SPACE}|${SPACE}$`, 'g')
const LEADING = new RegExp(`^${SPACE}`)
const TRAILING = new RegExp(`${SPACE}$`)

const stripChars = (s: string, chars: unknown, left: boolean, right: boolean, method: string): string => {
  if (chars === undefined || chars === null) {
    if (left && right) return s.replace(WHITESPACE, '')
    return left ? s.replace(LEADING, '') : s.replace(TRAILING, '')
  }
  const set = new Set(strArg(method, chars))
  const cs = Array.from(s)
  let from = 0
  let to = cs.length
  if (left) while (from < to && set.has(cs[from]!)) from++
  if (right) while (to > from && set.has(cs[to - 1]!)) to--
  return cs.slice(from, to).join('')
}

const split = (s: string, sep: unknown, maxsplit: unknown, fromRight: boolean): string[] => {
  const max = maxsplit === undefined || maxsplit === null ? -1 : Number(maxsplit)
  if (sep === undefined || sep === null) {
    const words = s.trim() === '' ? [] : s.trim().split(/\s+/)
    if (max < 0 || words.length <= max + 1) return words
    if (fromRight) {
      const tail = words.splice(words.length - max)
      return [s.trim().replace(new RegExp(`(\\s+\\S+){${max}}$`), ''), ...tail]
    }
    const head = words.slice(0, max)
    return [...head, s.trim().replace(new RegExp(`^(\\S+\\s+){${max}}`), '')]
  }
  const by = strArg('split', sep)
  if (by === '') throw valueError('empty separator')
  const parts = s.split(by)
  if (max < 0 || parts.length <= max + 1) return parts
  return fromRight
    ? [parts.slice(0, parts.length - max).join(by), ...parts.slice(parts.length - max)]
    : [...parts.slice(0, max), parts.slice(max).join(by)]
}

const affix = (method: string, s: string, arg: unknown, test: (s: string, a: string) => boolean): boolean => {
  if (Array.isArray(arg)) return arg.some((a) => test(s, strArg(method, a)))
  if (typeof arg !== 'string') throw typeError(`${method} first arg must be str or a tuple of str, not ${typeName(arg)}`)
  return test(s, arg)
}

type Method = (self: never, args: Args, kwargs: Kwargs) => unknown
const m = <S>(
  name: string,
  min: number,
  max: number,
  body: (self: S, args: Args, kwargs: Kwargs) => unknown,
  keywords: readonly string[] = [],
): [string, Method] => [
  name,
  ((self: S, args: Args, kwargs: Kwargs) => {
    arity(name, args, kwargs, min, max, keywords)
    return body(self, args, kwargs)
  }) as Method,
]

const capitalize = (s: string): string => (s === '' ? s : s[0]!.toUpperCase() + s.slice(1).toLowerCase())

const STR_METHODS = new Map<string, Method>([
  m<string>('lower', 0, 0, (s) => s.toLowerCase()),
  m<string>('upper', 0, 0, (s) => s.toUpperCase()),
  m<string>('casefold', 0, 0, (s) => s.toLowerCase()),
  m<string>('swapcase', 0, 0, (s) => Array.from(s, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('')),
  m<string>('capitalize', 0, 0, capitalize),
  m<string>('title', 0, 0, (s) => s.toLowerCase().replace(/(^|[^A-Za-z])([a-z])/g, (_w, p: string, c: string) => p + c.toUpperCase())),
  m<string>('strip', 0, 1, (s, a) => stripChars(s, a[0], true, true, 'strip')),
  m<string>('lstrip', 0, 1, (s, a) => stripChars(s, a[0], true, false, 'lstrip')),
  m<string>('rstrip', 0, 1, (s, a) => stripChars(s, a[0], false, true, 'rstrip')),
  m<string>('split', 0, 2, (s, a, k) => split(s, a[0] ?? k.sep, a[1] ?? k.maxsplit, false), ['sep', 'maxsplit']),
  m<string>('rsplit', 0, 2, (s, a, k) => split(s, a[0] ?? k.sep, a[1] ?? k.maxsplit, true), ['sep', 'maxsplit']),
  m<string>('splitlines', 0, 0, (s) => (s === '' ? [] : s.replace(/(\r\n|\r|\n)$/, '').split(/\r\n|\r|\n/))),
  m<string>('replace', 2, 3, (s, a) => {
    const from = strArg('replace', a[0], 1)
    const to = strArg('replace', a[1], 2)
    const count = a[2] === undefined ? -1 : Number(a[2])
    const parts = s.split(from)
    if (s.length + (parts.length - 1) * (to.length - from.length) > MAX_STRING_LENGTH) {
      throw new EvalProblem('MemoryError', `result longer than ${MAX_STRING_LENGTH} (a limit of map expressions)`)
    }
    if (count < 0) return parts.join(to)
    return parts.length - 1 <= count ? parts.join(to) : parts.slice(0, count + 1).join(to) + from + parts.slice(count + 1).join(from)
  }),
  m<string>('startswith', 1, 1, (s, a) => affix('startswith', s, a[0], (x, p) => x.startsWith(p))),
  m<string>('endswith', 1, 1, (s, a) => affix('endswith', s, a[0], (x, p) => x.endsWith(p))),
  m<string>('find', 1, 1, (s, a) => s.indexOf(strArg('find', a[0]))),
  m<string>('rfind', 1, 1, (s, a) => s.lastIndexOf(strArg('rfind', a[0]))),
  m<string>('index', 1, 1, (s, a) => {
    const at = s.indexOf(strArg('index', a[0]))
    if (at < 0) throw valueError('substring not found')
    return at
  }),
  m<string>('count', 1, 1, (s, a) => {
    const sub = strArg('count', a[0])
    return sub === '' ? Array.from(s).length + 1 : s.split(sub).length - 1
  }),
  m<string>('join', 1, 1, (s, a) => {
    const items = iterate(a[0])
    items.forEach((x, i) => {
      if (typeof x !== 'string') throw typeError(`sequence item ${i}: expected str instance, ${typeName(x)} found`)
    })
    const joined = items.join(s)
    if (joined.length > MAX_STRING_LENGTH)
      throw new EvalProblem('MemoryError', `result longer than ${MAX_STRING_LENGTH} (a limit of map expressions)`)
    return joined
  }),
  m<string>('zfill', 1, 1, (s, a) => {
    const width = Number(a[0])
    if (width > MAX_STRING_LENGTH)
      throw new EvalProblem('MemoryError', `result longer than ${MAX_STRING_LENGTH} (a limit of map expressions)`)
    const sign = /^[+-]/.test(s) ? s[0]! : ''
    return sign + s.slice(sign.length).padStart(width - sign.length, '0')
  }),
  m<string>('removeprefix', 1, 1, (s, a) => (s.startsWith(strArg('removeprefix', a[0])) ? s.slice((a[0] as string).length) : s)),
  m<string>('removesuffix', 1, 1, (s, a) => {
    const suffix = strArg('removesuffix', a[0])
    return suffix !== '' && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s
  }),
  m<string>('partition', 1, 1, (s, a) => {
    const sep = strArg('partition', a[0])
    const at = s.indexOf(sep)
    return at < 0 ? [s, '', ''] : [s.slice(0, at), sep, s.slice(at + sep.length)]
  }),
  m<string>('isdigit', 0, 0, (s) => /^\d+$/.test(s)),
  m<string>('isnumeric', 0, 0, (s) => /^\d+$/.test(s)),
  m<string>('isalpha', 0, 0, (s) => /^\p{L}+$/u.test(s)),
  m<string>('isalnum', 0, 0, (s) => /^[\p{L}\d]+$/u.test(s)),
  m<string>('isspace', 0, 0, (s) => /^\s+$/.test(s)),
  m<string>('islower', 0, 0, (s) => /\p{Ll}/u.test(s) && s === s.toLowerCase()),
  m<string>('isupper', 0, 0, (s) => /\p{Lu}/u.test(s) && s === s.toUpperCase()),
])

const DICT_METHODS = new Map<string, Method>([
  m<Dict>('get', 1, 2, (d, a) => {
    const v = typeof a[0] === 'string' ? dictGet(d, a[0]) : undefined
    return v === undefined ? (a[1] ?? null) : v
  }),
  m<Dict>('keys', 0, 0, (d) => iterate(d)),
  m<Dict>('values', 0, 0, (d) => iterate(d).map((k) => d[k as string])),
  m<Dict>('items', 0, 0, (d) => iterate(d).map((k) => [k, d[k as string]])),
])

const LIST_METHODS = new Map<string, Method>([
  m<unknown[]>('count', 1, 1, (l, a) => l.filter((x) => equal(x, a[0])).length),
  m<unknown[]>('index', 1, 1, (l, a) => {
    const at = l.findIndex((x) => equal(x, a[0]))
    if (at < 0) throw valueError(`${repr(a[0])} is not in list`)
    return at
  }),
])

/** Names of every method, for the check that runs before any request. */
export const METHOD_NAMES: ReadonlySet<string> = new Set([...STR_METHODS.keys(), ...DICT_METHODS.keys(), ...LIST_METHODS.keys()])

/** `target.name`: a method of a str, dict or list, or an object's attribute; an AttributeError otherwise. */
export const attribute = (target: unknown, name: string): unknown => {
  let method: Method | undefined
  if (typeof target === 'string') method = STR_METHODS.get(name)
  else if (Array.isArray(target)) method = LIST_METHODS.get(name)
  else if (isDict(target)) method = DICT_METHODS.get(name)
  if (method !== undefined) {
    const bound = method
    return new PyFunction(name, (args, kwargs) => bound(target as never, args, kwargs))
  }
  if (target instanceof PyObject) {
    const found = target.attribute(name)
    if (found !== undefined) return found
  }
  const shown = target instanceof PyModule ? `module '${target.name}'` : `'${typeName(target)}' object`
  throw new EvalProblem('AttributeError', `${shown} has no attribute '${name}'`)
}

/** A value as a record carries it: datetimes as ISO text (the SDK's JSON encoder does the same), tuples as lists. */
export const toJson = (v: unknown): unknown => {
  if (typeof v !== 'object' || v === null) return v
  if (v instanceof PyDateTime) return v.isoformat()
  if (v instanceof PyDate || v instanceof PyTimedelta) return v.str()
  if (v instanceof PyObject) throw typeError(`Object of type ${typeName(v)} is not JSON serializable`)
  if (Array.isArray(v)) {
    let copy: unknown[] | undefined
    for (let i = 0; i < v.length; i++) {
      const x = toJson(v[i])
      if (x !== v[i]) (copy ??= [...v])[i] = x
    }
    return copy ?? v
  }
  let copy: Dict | undefined
  for (const k in v as Dict) {
    const x = (v as Dict)[k]
    const y = toJson(x)
    if (y !== x) (copy ??= { ...(v as Dict) })[k] = y
  }
  return copy ?? v
}
