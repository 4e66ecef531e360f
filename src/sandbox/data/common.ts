/**
 * Helpers and time constants shared by the sandbox's record generators.
 *
 * Generated history ends at a fixed reference date (wall-clock time would break
 * byte-identical output); only the data changes made between runs move past it,
 * through one `ChangeClock`, and never past the real current time.
 */
import type { Rng } from './random.js'

/** `enabled` is documented as an integer but real payloads mostly send booleans. */
export type Flag = boolean | 0 | 1

export const DAY = 86_400
/** Fixed "now" for generated history. */
export const REFERENCE_NOW = Date.UTC(2024, 5, 1) / 1000
/** Chats, bans and the agent timeline span the three years before REFERENCE_NOW. */
export const HISTORY_SPAN = 3 * 365 * DAY
export const HISTORY_START = REFERENCE_NOW - HISTORY_SPAN

/** How often a record carries `enabled`/`unread` as 0/1 instead of a boolean. */
export const INTEGER_FLAG_RATE = 0.06

export const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** '00' to '59': the two-digit fields of a time of day. */
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'))
/** '000' to '999': milliseconds, and each half of the microseconds. */
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'))
/**
 * `YYYY-MM-DDT` by day since the epoch. Formatting dates through Date dominated
 * page generation; the records span a few thousand days, so the cache stays small.
 */
const dayPrefixes = new Map<number, string>()

function dayPrefix(day: number): string {
  let prefix = dayPrefixes.get(day)
  if (prefix === undefined) {
    const iso = new Date(day * DAY * 1000).toISOString()
    prefix = iso.slice(0, iso.indexOf('T') + 1)
    dayPrefixes.set(day, prefix)
  }
  return prefix
}

/**
 * `YYYY-MM-DDTHH:MM:` of the minute formatted last: a chat's dozen history
 * timestamps fall in a few minutes, so most of them take only the seconds.
 */
let lastMinute = Number.NaN
let lastMinutePrefix = ''

/** `YYYY-MM-DDTHH:MM:SS` of a whole number of seconds since the epoch. */
function dateTime(seconds: number): string {
  const minute = Math.floor(seconds / 60)
  if (minute !== lastMinute) {
    const day = Math.floor(minute / 1440)
    const inDay = minute - day * 1440
    const hours = Math.floor(inDay / 60)
    lastMinutePrefix = dayPrefix(day) + TWO_DIGITS[hours] + ':' + TWO_DIGITS[inDay - hours * 60] + ':'
    lastMinute = minute
  }
  return lastMinutePrefix + TWO_DIGITS[seconds - minute * 60]
}

/** Seconds since the epoch to the API's format: second precision, `Z` (a fraction is dropped). */
export function isoSeconds(epochSeconds: number): string {
  if (!Number.isFinite(epochSeconds)) throw new RangeError(`sandbox: no date at ${epochSeconds} seconds`)
  return dateTime(Math.floor(epochSeconds)) + 'Z'
}

/** Microseconds since the epoch to `2022-01-01T00:00:00.147584Z` (agent_timeline). */
export function isoMicros(epochMicros: number): string {
  const seconds = Math.floor(epochMicros / 1_000_000)
  const micros = epochMicros - seconds * 1_000_000
  if (!Number.isInteger(micros)) return dateTime(seconds) + '.' + String(micros).padStart(6, '0') + 'Z'
  const millis = Math.floor(micros / 1000)
  return dateTime(seconds) + '.' + THREE_DIGITS[millis] + THREE_DIGITS[micros - millis * 1000] + 'Z'
}

/** Milliseconds to the chat history's format: microseconds that are always `...000`. */
export function isoMillisAsMicros(epochMillis: number): string {
  if (!Number.isSafeInteger(epochMillis)) return isoMicros(epochMillis * 1000)
  const seconds = Math.floor(epochMillis / 1000)
  return dateTime(seconds) + '.' + THREE_DIGITS[epochMillis - seconds * 1000] + '000Z'
}

/** Most records say true/false; a few say 1/0 like the documentation. */
export function flag(rng: Rng, value: boolean): Flag {
  return rng.chance(INTEGER_FLAG_RATE) ? (value ? 1 : 0) : value
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
}

/** Objects handed out may be shared with a cache; freezing stops callers corrupting it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}

export function checkCount(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`sandbox: ${name} must be an integer from ${min} to ${max}, got ${value}`)
  }
}

/** First index in [lo, hi) where the monotone predicate holds, or hi. */
export function firstIndex(lo: number, hi: number, holds: (index: number) => boolean): number {
  let a = lo
  let b = hi
  while (a < b) {
    const mid = a + Math.floor((b - a) / 2)
    if (holds(mid)) b = mid
    else a = mid + 1
  }
  return a
}

/** The items from the first index below `total` where `holds` is true (ascending), at most `limit` of them. */
export function pageFrom<T>(total: number, holds: (index: number) => boolean, limit: number, item: (index: number) => T): T[] {
  const from = firstIndex(0, total, holds)
  const to = Math.min(total, from + Math.max(0, limit))
  const out: T[] = []
  for (let i = from; i < to; i++) out.push(item(i))
  return out
}

/**
 * The latest moment any record of the account carries (seconds). Every data
 * change takes times after it, so a run that starts from the previous run's
 * end finds exactly the changes; none may pass the real current time.
 */
export class ChangeClock {
  private latest: number

  constructor(
    start: number,
    private readonly realNow: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.latest = start
  }

  /** The latest time used so far. */
  get now(): number {
    return this.latest
  }

  /** Throws, changing nothing, when a change would be stamped after the real current time. */
  check(until: number): void {
    if (until > this.realNow()) {
      throw new RangeError(`sandbox: this change would be stamped ${isoSeconds(until)}, after the real current time`)
    }
  }

  /** Marks everything up to `until` as used (call after `check`). */
  advanceTo(until: number): void {
    this.latest = Math.max(this.latest, until)
  }
}
