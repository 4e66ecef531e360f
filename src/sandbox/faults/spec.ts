/**
 * The text form of a fault plan, as `zchat sandbox --faults` takes it:
 * comma-separated NAME=VALUE settings, e.g. FAULT_SPEC_EXAMPLE.
 */
import { checkFaultPlan, minimumOf, SERVER_ERROR_STATUSES, type FaultPlan, type ServerErrorStatus } from './plan.js'

export const FAULT_SPEC_EXAMPLE =
  'rate-limit-every=5,retry-after=2,server-errors=10x3,server-error-status=502,reset-every=7,truncate-every=9,' +
  'slow-every=11,slow-ms=3000,html-every=13,vanish-after=40,rate-limit=200/60000'

/** Settings that are one whole number: spec name to plan key. */
const NUMBERS = {
  'rate-limit-every': 'rateLimitEvery',
  'retry-after': 'retryAfterSeconds',
  'reset-every': 'resetEvery',
  'truncate-every': 'truncateEvery',
  'slow-every': 'slowEvery',
  'slow-ms': 'slowMs',
  'html-every': 'htmlEvery',
  'vanish-after': 'vanishAfter',
} as const

/** Every setting the spec knows, with the form of its value. */
export const FAULT_SPEC_SETTINGS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.keys(NUMBERS).map((name) => [name, 'N'])),
  'server-errors': 'EVERYxLENGTH',
  'server-error-status': SERVER_ERROR_STATUSES.join('|'),
  'rate-limit': 'REQUESTS[/WINDOW_MS]',
}

/** Settings that only mean something beside another. */
const NEEDS: Readonly<Record<string, string>> = {
  'retry-after': 'rate-limit-every',
  'slow-ms': 'slow-every',
  'server-error-status': 'server-errors',
}

function fail(message: string): never {
  throw new RangeError(`invalid fault spec: ${message}`)
}

function whole(text: string, name: string, min: number): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    fail(`${name} takes a whole number of at least ${min}, got '${text}'`)
  }
  return Number(text)
}

function shaped(text: string, name: string, pattern: RegExp): RegExpExecArray {
  return pattern.exec(text) ?? fail(`${name} takes ${FAULT_SPEC_SETTINGS[name]}, got '${text}'`)
}

function serverErrors(text: string, statusText: string | undefined): NonNullable<FaultPlan['serverErrors']> {
  const [, every, length] = shaped(text, 'server-errors', /^(\d+)x(\d+)$/)
  const bursts = {
    every: whole(every, 'server-errors EVERY', minimumOf('serverErrors.every')),
    length: whole(length, 'server-errors LENGTH', 1),
  }
  if (statusText === undefined) return bursts
  const status = Number(statusText) as ServerErrorStatus
  if (!SERVER_ERROR_STATUSES.includes(status))
    fail(`server-error-status takes ${FAULT_SPEC_SETTINGS['server-error-status']}, got '${statusText}'`)
  return { ...bursts, status }
}

function rateLimit(text: string): NonNullable<FaultPlan['rateLimit']> {
  const [, requests, windowMs] = shaped(text, 'rate-limit', /^(\d+)(?:\/(\d+))?$/)
  const limit = { requests: whole(requests, 'rate-limit REQUESTS', 1) }
  return windowMs === undefined ? limit : { ...limit, windowMs: whole(windowMs, 'rate-limit WINDOW_MS', 1) }
}

/** The plan a spec describes, or a one-line RangeError saying what is wrong with it. */
export function parseFaultSpec(spec: string): FaultPlan {
  if (spec.trim() === '') fail(`it is empty; give NAME=VALUE settings separated by commas, e.g. ${FAULT_SPEC_EXAMPLE}`)
  const values = new Map<string, string>()
  for (const item of spec.split(',')) {
    if (item.trim() === '') fail(`empty setting in '${spec}' (a stray comma?)`)
    const [name, value] = item.split('=').map((part) => part.trim())
    if (!Object.hasOwn(FAULT_SPEC_SETTINGS, name)) fail(`unknown setting '${name}' (known: ${Object.keys(FAULT_SPEC_SETTINGS).join(', ')})`)
    if (value === undefined || value === '' || item.split('=').length > 2)
      fail(`'${item.trim()}' is not ${name}=${FAULT_SPEC_SETTINGS[name]}`)
    if (values.has(name)) fail(`${name} is given twice`)
    values.set(name, value)
  }
  for (const [name, needed] of Object.entries(NEEDS)) if (values.has(name) && !values.has(needed)) fail(`${name} needs ${needed}`)

  const plan: Record<string, unknown> = {}
  for (const [name, key] of Object.entries(NUMBERS)) {
    const value = values.get(name)
    if (value !== undefined) plan[key] = whole(value, name, minimumOf(key))
  }
  const bursts = values.get('server-errors')
  if (bursts !== undefined) plan.serverErrors = serverErrors(bursts, values.get('server-error-status'))
  const limit = values.get('rate-limit')
  if (limit !== undefined) plan.rateLimit = rateLimit(limit)
  return checkFaultPlan(plan)
}
