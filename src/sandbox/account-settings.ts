/**
 * What the simulated account is like besides its records: its clock, which
 * may differ from the machine's (the real API judges the export's five-minute
 * rule by its own clock and says it in every Date header), and the resources
 * it does not have (a plan without skills, goals or routing answers 403 or 404
 * there: faults/unavailable.ts). Both can change while the sandbox serves.
 */
import type { Reply } from './api/reply.js'
import { checkUnavailable, refusal, type Unavailable } from './faults/unavailable.js'

export function checkClockOffset(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new RangeError(`clock offset: a whole number of milliseconds, got ${JSON.stringify(value)}`)
  return value
}

export class AccountSettings {
  private offsetMs: number
  private missing: Unavailable

  constructor(options: { readonly clockOffsetMs?: number; readonly unavailable?: Unavailable } = {}) {
    this.offsetMs = checkClockOffset(options.clockOffsetMs ?? 0)
    this.missing = checkUnavailable(options.unavailable ?? {})
  }

  /** The account's clock, in epoch milliseconds. */
  readonly nowMillis = (): number => Date.now() + this.offsetMs

  get clockOffsetMs(): number {
    return this.offsetMs
  }

  set clockOffsetMs(ms: number) {
    this.offsetMs = checkClockOffset(ms)
  }

  get unavailable(): Unavailable {
    return this.missing
  }

  set unavailable(map: Unavailable) {
    this.missing = checkUnavailable(map)
  }

  /** What `path` (below the API prefix) answers when the account lacks it; undefined when it has it. */
  refusal(path: string): Reply | undefined {
    return refusal(this.missing, path)
  }

  /** `reply` with the account clock's Date header. */
  dated(reply: Reply): Reply {
    return { ...reply, headers: { ...reply.headers, Date: new Date(this.nowMillis()).toUTCString() } }
  }
}
