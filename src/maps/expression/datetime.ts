/**
 * The part of Python's `datetime` module a map expression reaches as
 * `datetime` (the Meltano SDK hands expressions the module itself): dates,
 * datetimes (naive or with a fixed offset), timedeltas and timezone.utc, with
 * Python's attribute names, formats and arithmetic. A naive datetime's local
 * time is taken as UTC (zchat's clock is UTC).
 */
import {
  EvalProblem,
  PyFunction,
  PyModule,
  PyObject,
  typeError,
  typeName,
  valueError,
  type Arithmetic,
  type Dict,
  type Ordered,
} from './values.js'

const US_PER_DAY = 86_400_000_000
const pad = (n: number, width = 2): string => String(Math.trunc(Math.abs(n))).padStart(width, '0')

const ymdOf = (days: number): { year: number; month: number; day: number } => {
  const d = new Date(days * 86_400_000)
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }
}
const daysOf = (year: number, month: number, day: number): number => {
  if (!Number.isInteger(year) || year < 1 || year > 9999) throw valueError(`year ${year} is out of range`)
  if (!Number.isInteger(month) || month < 1 || month > 12) throw valueError('month must be in 1..12')
  const d = new Date(0)
  d.setUTCFullYear(year, month - 1, day)
  const days = d.getTime() / 86_400_000
  if (!Number.isInteger(day) || day < 1 || ymdOf(days).month !== month) throw valueError('day is out of range for month')
  return days
}

export class PyTimezone extends PyObject {
  readonly typeName = 'datetime.timezone'
  constructor(readonly offsetMinutes: number) {
    super()
  }
  override repr(): string {
    return this.offsetMinutes === 0 ? 'datetime.timezone.utc' : `datetime.timezone(${offsetText(this.offsetMinutes)})`
  }
  override str(): string {
    return this.offsetMinutes === 0 ? 'UTC' : `UTC${offsetText(this.offsetMinutes)}`
  }
}
const UTC = new PyTimezone(0)
const offsetText = (minutes: number): string => `${minutes < 0 ? '-' : '+'}${pad(Math.abs(minutes) / 60)}:${pad(Math.abs(minutes) % 60)}`

export class PyTimedelta extends PyObject implements Arithmetic, Ordered {
  readonly typeName = 'datetime.timedelta'
  constructor(readonly us: number) {
    super()
  }
  orderKey(): number {
    return this.us
  }
  override attribute(name: string): unknown {
    const days = Math.floor(this.us / US_PER_DAY)
    const rest = this.us - days * US_PER_DAY
    switch (name) {
      case 'days':
        return days
      case 'seconds':
        return Math.floor(rest / 1e6)
      case 'microseconds':
        return rest % 1e6
      case 'total_seconds':
        return new PyFunction('total_seconds', () => this.us / 1e6)
    }
    return undefined
  }
  override str(): string {
    const days = Math.floor(this.us / US_PER_DAY)
    const rest = this.us - days * US_PER_DAY
    const s = Math.floor(rest / 1e6)
    const micro = rest % 1e6
    const clock = `${Math.floor(s / 3600)}:${pad((s % 3600) / 60)}:${pad(s % 60)}${micro === 0 ? '' : `.${pad(micro, 6)}`}`
    return days === 0 ? clock : `${days} day${Math.abs(days) === 1 ? '' : 's'}, ${clock}`
  }
  override repr(): string {
    return `datetime.timedelta(microseconds=${this.us})`
  }
  arith(op: string, other: unknown): unknown {
    if (other instanceof PyTimedelta) {
      if (op === '+') return new PyTimedelta(this.us + other.us)
      if (op === '-') return new PyTimedelta(this.us - other.us)
      if (op === '/') return this.us / other.us
    }
    if (typeof other === 'number' && op === '*') return new PyTimedelta(Math.round(this.us * other))
    if (typeof other === 'number' && op === '/' && other !== 0) return new PyTimedelta(Math.round(this.us / other))
    return undefined
  }
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']

/** A date or datetime: days since 1970 (UTC), time of day in microseconds, and the offset when it is aware. */
abstract class Moment extends PyObject implements Ordered {
  constructor(
    readonly days: number,
    readonly timeUs: number,
    readonly offset: number | null,
  ) {
    super()
  }
  orderKey(): number {
    return this.days * US_PER_DAY + this.timeUs - (this.offset ?? 0) * 60e6
  }
  protected get ymd() {
    return ymdOf(this.days)
  }
  protected weekday(): number {
    return (((this.days + 3) % 7) + 7) % 7
  }
  protected fields(name: string): unknown {
    const { year, month, day } = this.ymd
    switch (name) {
      case 'year':
        return year
      case 'month':
        return month
      case 'day':
        return day
      case 'weekday':
        return new PyFunction('weekday', () => this.weekday())
      case 'isoweekday':
        return new PyFunction('isoweekday', () => this.weekday() + 1)
      case 'strftime':
        return new PyFunction('strftime', (args) => {
          if (typeof args[0] !== 'string') throw typeError('strftime() argument 1 must be str')
          return this.strftime(args[0])
        })
    }
    return undefined
  }
  protected strftime(format: string): string {
    const { year, month, day } = this.ymd
    const s = Math.floor(this.timeUs / 1e6)
    const codes: Record<string, () => string> = {
      Y: () => pad(year, 4),
      y: () => pad(year % 100),
      m: () => pad(month),
      d: () => pad(day),
      H: () => pad(s / 3600),
      I: () => pad(((Math.floor(s / 3600) + 11) % 12) + 1),
      p: () => (s < 43200 ? 'AM' : 'PM'),
      M: () => pad((s % 3600) / 60),
      S: () => pad(s % 60),
      f: () => pad(this.timeUs % 1e6, 6),
      z: () => (this.offset === null ? '' : offsetText(this.offset).replace(':', '')),
      Z: () => (this.offset === null ? '' : new PyTimezone(this.offset).str()),
      j: () => pad(this.days - daysOf(year, 1, 1) + 1, 3),
      a: () => WEEKDAYS[this.weekday()]!.slice(0, 3),
      A: () => WEEKDAYS[this.weekday()]!,
      w: () => String((this.weekday() + 1) % 7),
      b: () => MONTHS[month - 1]!.slice(0, 3),
      B: () => MONTHS[month - 1]!,
      '%': () => '%',
    }
    return format.replace(/%(.)/g, (whole, code: string) => (Object.hasOwn(codes, code) ? codes[code]!() : whole))
  }
}

export class PyDate extends Moment implements Arithmetic {
  readonly typeName = 'datetime.date'
  constructor(days: number) {
    super(days, 0, null)
  }
  override attribute(name: string): unknown {
    if (name === 'isoformat') return new PyFunction('isoformat', () => this.str())
    return this.fields(name)
  }
  override str(): string {
    const { year, month, day } = this.ymd
    return `${pad(year, 4)}-${pad(month)}-${pad(day)}`
  }
  override repr(): string {
    const { year, month, day } = this.ymd
    return `datetime.date(${year}, ${month}, ${day})`
  }
  arith(op: string, other: unknown, reflected: boolean): unknown {
    if (other instanceof PyTimedelta && (op === '+' || (op === '-' && !reflected))) {
      return new PyDate(this.days + Math.floor((op === '+' ? other.us : -other.us) / US_PER_DAY))
    }
    if (other instanceof PyDate && op === '-')
      return new PyTimedelta((reflected ? other.days - this.days : this.days - other.days) * US_PER_DAY)
    return undefined
  }
}

export class PyDateTime extends Moment implements Arithmetic {
  readonly typeName = 'datetime.datetime'
  override attribute(name: string): unknown {
    const s = Math.floor(this.timeUs / 1e6)
    switch (name) {
      case 'hour':
        return Math.floor(s / 3600)
      case 'minute':
        return Math.floor((s % 3600) / 60)
      case 'second':
        return s % 60
      case 'microsecond':
        return this.timeUs % 1e6
      case 'tzinfo':
        return this.offset === null ? null : new PyTimezone(this.offset)
      case 'date':
        return new PyFunction('date', () => new PyDate(this.days))
      case 'timestamp':
        return new PyFunction('timestamp', () => this.orderKey() / 1e6)
      case 'isoformat':
        return new PyFunction('isoformat', (args, kwargs) => {
          const sep = args[0] ?? kwargs.sep ?? 'T'
          if (typeof sep !== 'string' || [...sep].length !== 1) throw typeError('isoformat() argument 1 must be a unicode character')
          return this.isoformat(sep)
        })
      case 'astimezone':
        return new PyFunction('astimezone', (args, kwargs) => {
          const tz = args[0] ?? kwargs.tz ?? UTC
          if (!(tz instanceof PyTimezone)) throw typeError('astimezone() argument 1 must be a datetime.timezone')
          return shifted(this.orderKey(), tz.offsetMinutes)
        })
      case 'replace':
        return new PyFunction('replace', (args, kwargs) => {
          if (args.length > 0) throw typeError('replace() takes keyword arguments only here')
          const { year, month, day } = this.ymd
          const now: Dict = {
            year,
            month,
            day,
            hour: Math.floor(s / 3600),
            minute: Math.floor((s % 3600) / 60),
            second: s % 60,
            microsecond: this.timeUs % 1e6,
          }
          for (const [k, v] of Object.entries(kwargs)) {
            if (k === 'tzinfo') continue
            if (!Object.hasOwn(now, k)) throw typeError(`'${k}' is an invalid keyword argument for replace()`)
            now[k] = v
          }
          const tz = Object.hasOwn(kwargs, 'tzinfo') ? kwargs.tzinfo : this.offset === null ? null : new PyTimezone(this.offset)
          return makeDateTime([now.year, now.month, now.day, now.hour, now.minute, now.second, now.microsecond], { tzinfo: tz })
        })
    }
    return this.fields(name)
  }
  withOffset(offset: number | null): PyDateTime {
    return new PyDateTime(this.days, this.timeUs, offset)
  }
  isoformat(sep = 'T'): string {
    const s = Math.floor(this.timeUs / 1e6)
    const micro = this.timeUs % 1e6
    const { year, month, day } = this.ymd
    return `${pad(year, 4)}-${pad(month)}-${pad(day)}${sep}${pad(s / 3600)}:${pad((s % 3600) / 60)}:${pad(s % 60)}${micro === 0 ? '' : `.${pad(micro, 6)}`}${this.offset === null ? '' : offsetText(this.offset)}`
  }
  override str(): string {
    return this.isoformat(' ')
  }
  override repr(): string {
    return `datetime.datetime.fromisoformat(${JSON.stringify(this.isoformat())})`
  }
  arith(op: string, other: unknown, reflected: boolean): unknown {
    if (other instanceof PyTimedelta && (op === '+' || (op === '-' && !reflected))) {
      const at = this.days * US_PER_DAY + this.timeUs + (op === '+' ? other.us : -other.us)
      const days = Math.floor(at / US_PER_DAY)
      return new PyDateTime(days, at - days * US_PER_DAY, this.offset)
    }
    if (other instanceof PyDateTime && op === '-') {
      if ((this.offset === null) !== (other.offset === null)) throw typeError("can't subtract offset-naive and offset-aware datetimes")
      return new PyTimedelta(reflected ? other.orderKey() - this.orderKey() : this.orderKey() - other.orderKey())
    }
    return undefined
  }
}

const shifted = (utcUs: number, offset: number): PyDateTime => {
  const at = utcUs + offset * 60e6
  const days = Math.floor(at / US_PER_DAY)
  return new PyDateTime(days, at - days * US_PER_DAY, offset)
}

const intArg = (v: unknown, name: string, fallback?: number): number => {
  if (v === undefined && fallback !== undefined) return fallback
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v !== 'number' || !Number.isInteger(v)) throw typeError(`'${name}' must be an integer, not ${typeName(v)}`)
  return v
}

const TIME_PARTS = ['hour', 'minute', 'second', 'microsecond'] as const

const makeDateTime = (args: readonly unknown[], kwargs: Readonly<Dict>): PyDateTime => {
  const names = ['year', 'month', 'day', ...TIME_PARTS]
  const v = names.map((n, i) => intArg(args[i] ?? kwargs[n], n, i < 3 ? undefined : 0))
  const [hour, minute, second, micro] = v.slice(3) as [number, number, number, number]
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || micro < 0 || micro > 999_999) {
    throw valueError('a time field is out of range')
  }
  const tz = args[7] ?? kwargs.tzinfo ?? null
  if (tz !== null && !(tz instanceof PyTimezone)) throw typeError('tzinfo argument must be None or a datetime.timezone')
  return new PyDateTime(
    daysOf(v[0]!, v[1]!, v[2]!),
    ((hour * 60 + minute) * 60 + second) * 1e6 + micro,
    tz === null ? null : tz.offsetMinutes,
  )
}

const ISO = /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,6})\d*)?)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i

const fromIso = (text: unknown, dateOnly: boolean): PyDate | PyDateTime => {
  if (typeof text !== 'string') throw typeError(`fromisoformat: argument must be str, not ${typeName(text)}`)
  const m = ISO.exec(text.trim())
  if (m === null || (dateOnly && m[4] !== undefined)) throw valueError(`Invalid isoformat string: ${JSON.stringify(text)}`)
  const days = daysOf(Number(m[1]), Number(m[2]), Number(m[3]))
  if (dateOnly) return new PyDate(days)
  const micro = m[7] === undefined ? 0 : Number(m[7].padEnd(6, '0'))
  const dt = makeDateTime([Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), micro], {})
  if (m[8] === undefined) return dt
  const zone =
    m[8].toUpperCase() === 'Z'
      ? 0
      : (m[8][0] === '-' ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].replace(':', '').slice(3, 5) || 0))
  return new PyDateTime(dt.days, dt.timeUs, zone)
}

const tzArg = (v: unknown): number | null => {
  if (v === undefined || v === null) return null
  if (!(v instanceof PyTimezone)) throw typeError('tz argument must be None or a datetime.timezone')
  return v.offsetMinutes
}

const fromTimestamp = (ts: unknown, tz: unknown): PyDateTime => {
  if (typeof ts !== 'number') throw typeError(`'${typeName(ts)}' object cannot be interpreted as a timestamp`)
  if (!Number.isFinite(ts) || Math.abs(ts) > 253402300799) throw new EvalProblem('OverflowError', 'timestamp out of range')
  return shifted(Math.round(ts * 1e6), tzArg(tz) ?? 0).withOffset(tzArg(tz))
}

const nowUs = (): number => Date.now() * 1000

const makeTimedelta = (args: readonly unknown[], kwargs: Readonly<Dict>): PyTimedelta => {
  const units: [string, number][] = [
    ['days', US_PER_DAY],
    ['seconds', 1e6],
    ['microseconds', 1],
    ['milliseconds', 1e3],
    ['minutes', 60e6],
    ['hours', 3600e6],
    ['weeks', 7 * US_PER_DAY],
  ]
  for (const k of Object.keys(kwargs))
    if (!units.some(([u]) => u === k)) throw typeError(`'${k}' is an invalid keyword argument for timedelta()`)
  let us = 0
  units.forEach(([name, scale], i) => {
    const v = args[i] ?? kwargs[name] ?? 0
    if (typeof v !== 'number') throw typeError(`unsupported type for timedelta ${name} component: ${typeName(v)}`)
    us += v * scale
  })
  return new PyTimedelta(Math.round(us))
}

const fn = (name: string, call: (args: readonly unknown[], kwargs: Readonly<Dict>) => unknown) => new PyFunction(name, call)

const datetimeClass = new PyModule(
  'datetime.datetime',
  {
    fromisoformat: fn('fromisoformat', (args) => fromIso(args[0], false)),
    fromtimestamp: fn('fromtimestamp', (args, kwargs) => fromTimestamp(args[0], args[1] ?? kwargs.tz)),
    utcfromtimestamp: fn('utcfromtimestamp', (args) => fromTimestamp(args[0], undefined)),
    now: fn('now', (args, kwargs) => shifted(nowUs(), tzArg(args[0] ?? kwargs.tz) ?? 0).withOffset(tzArg(args[0] ?? kwargs.tz))),
    utcnow: fn('utcnow', () => shifted(nowUs(), 0).withOffset(null)),
  },
  makeDateTime,
)

const dateClass = new PyModule(
  'datetime.date',
  {
    fromisoformat: fn('fromisoformat', (args) => fromIso(args[0], true)),
    today: fn('today', () => new PyDate(Math.floor(Date.now() / 86_400_000))),
  },
  (args, kwargs) =>
    new PyDate(
      daysOf(intArg(args[0] ?? kwargs.year, 'year'), intArg(args[1] ?? kwargs.month, 'month'), intArg(args[2] ?? kwargs.day, 'day')),
    ),
)

const timezoneClass = new PyModule('datetime.timezone', { utc: UTC }, (args, kwargs) => {
  const offset = args[0] ?? kwargs.offset
  if (!(offset instanceof PyTimedelta)) throw typeError('timezone() argument 1 must be datetime.timedelta')
  return new PyTimezone(Math.round(offset.us / 60e6))
})

export const datetimeModule = new PyModule('datetime', {
  datetime: datetimeClass,
  date: dateClass,
  timedelta: new PyModule('datetime.timedelta', {}, makeTimedelta),
  timezone: timezoneClass,
  UTC,
})
