/**
 * Decides, request by request, which fault of a plan to inject, and counts what
 * it injected and how the client behaved (requests sent before Retry-After).
 */
import { checkFaultPlan, FAULT_DEFAULTS, FAULT_ORDER, type FaultKind, type FaultPlan, type ServerErrorStatus } from './plan.js'

/** The fault one request gets. */
export type Fault =
  | { readonly kind: 'vanish' | 'reset' | 'truncate' | 'html' }
  | { readonly kind: 'rateLimit' | 'rateLimitEvery'; readonly retryAfterSeconds: number }
  | { readonly kind: 'serverError'; readonly status: ServerErrorStatus }
  | { readonly kind: 'slow'; readonly delayMs: number }

export interface FaultDecision {
  readonly fault: Fault | undefined
  /** This is request number `vanishAfter`: the server vanishes once it is answered. */
  readonly vanishWhenAnswered: boolean
}

export interface FaultStats {
  /** API requests that reached the router since the sandbox started (control requests excluded). */
  readonly requests: number
  /**
   * Requests that arrived before the Retry-After of the latest 429 had elapsed,
   * counted from when that 429 was sent, less EARLY_TOLERANCE_MS.
   */
  readonly early: number
  /** How many requests got each fault (vanish: requests cut off when the server vanished). */
  readonly injected: Readonly<Record<FaultKind, number>>
  /** True once the server has vanished (vanishAfter). */
  readonly vanished: boolean
}

/** Timers and the client's clock are not exact: a request this close to Retry-After is on time. */
export const EARLY_TOLERANCE_MS = 50

const isMultiple = (n: number, every: number | undefined): boolean => every !== undefined && n % every === 0

/** Bursts repeat every `every + length` requests: `every` answered, then `length` failed. */
const inBurst = (n: number, bursts: { every: number; length: number }): boolean => (n - 1) % (bursts.every + bursts.length) >= bursts.every

const noFaults = (): Record<FaultKind, number> => Object.fromEntries(FAULT_ORDER.map((kind) => [kind, 0])) as Record<FaultKind, number>

export class FaultDecider {
  #plan: FaultPlan
  /** Requests since the plan was set: a new plan starts counting afresh. */
  #position = 0
  /** Arrival times of the requests `rateLimit` admitted, oldest first. */
  #admitted: number[] = []
  /** When the latest 429's Retry-After elapses (epoch ms). */
  #retryAt: number | undefined
  #requests = 0
  #early = 0
  #injected = noFaults()
  #vanished = false

  constructor(plan: FaultPlan = {}) {
    this.#plan = checkFaultPlan(plan)
  }

  get plan(): FaultPlan {
    return this.#plan
  }

  /** Replaces the plan (validated first); counting positions and the rate limit window restart. */
  setPlan(plan: FaultPlan): void {
    this.#plan = checkFaultPlan(plan)
    this.#position = 0
    this.#admitted = []
  }

  /** Called once per API request as it arrives, at `now` (epoch ms). */
  decide(now: number): FaultDecision {
    this.#requests += 1
    this.#position += 1
    if (this.#retryAt !== undefined && now < this.#retryAt - EARLY_TOLERANCE_MS) this.#early += 1
    const fault = this.#choose(this.#position, now)
    if (fault !== undefined) {
      this.#injected[fault.kind] += 1
      if ('retryAfterSeconds' in fault) this.#retryAt = now + fault.retryAfterSeconds * 1000
    }
    return { fault, vanishWhenAnswered: this.#position === this.#plan.vanishAfter }
  }

  markVanished(): void {
    this.#vanished = true
  }

  stats(): FaultStats {
    return { requests: this.#requests, early: this.#early, injected: { ...this.#injected }, vanished: this.#vanished }
  }

  /** The first matching fault in FAULT_ORDER. */
  #choose(n: number, now: number): Fault | undefined {
    const plan = this.#plan
    if (plan.vanishAfter !== undefined && n > plan.vanishAfter) return { kind: 'vanish' }
    const wait = plan.rateLimit === undefined ? undefined : this.#overLimit(plan.rateLimit, now)
    if (wait !== undefined) return { kind: 'rateLimit', retryAfterSeconds: wait }
    if (isMultiple(n, plan.rateLimitEvery)) {
      return { kind: 'rateLimitEvery', retryAfterSeconds: plan.retryAfterSeconds ?? FAULT_DEFAULTS.retryAfterSeconds }
    }
    if (plan.serverErrors !== undefined && inBurst(n, plan.serverErrors)) {
      return { kind: 'serverError', status: plan.serverErrors.status ?? FAULT_DEFAULTS.serverErrorStatus }
    }
    if (isMultiple(n, plan.resetEvery)) return { kind: 'reset' }
    if (isMultiple(n, plan.truncateEvery)) return { kind: 'truncate' }
    if (isMultiple(n, plan.slowEvery)) return { kind: 'slow', delayMs: plan.slowMs ?? FAULT_DEFAULTS.slowMs }
    if (isMultiple(n, plan.htmlEvery)) return { kind: 'html' }
    return undefined
  }

  /**
   * Admits the request into the rolling window (undefined), or gives the whole
   * seconds until the oldest admitted request leaves it. Refused requests take no slot.
   */
  #overLimit(limit: { requests: number; windowMs?: number }, now: number): number | undefined {
    const windowMs = limit.windowMs ?? FAULT_DEFAULTS.windowMs
    this.#admitted = this.#admitted.filter((at) => at > now - windowMs)
    if (this.#admitted.length < limit.requests) {
      this.#admitted.push(now)
      return undefined
    }
    return Math.max(1, Math.ceil((this.#admitted[0] + windowMs - now) / 1000))
  }
}
