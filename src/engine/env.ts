/**
 * What a program needs from the outside world, injected (docs-ts style): the
 * real process wires these once at the command edge, tests pass in-memory ones.
 */
import type * as RTE from 'fp-ts/lib/ReaderTaskEither.js'
import type { Config } from '../codecs/config.js'
import type { Failure } from '../core/failure.js'
import type { ApiContact } from './http/api-contact.js'
import type { BudgetWait, RequestBudget } from './http/budget.js'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']

export interface Logger {
  readonly debug: (message: string) => void
  readonly info: (message: string) => void
  readonly warn: (message: string) => void
  readonly error: (message: string) => void
  /** A Singer METRIC (logged at info, as singer-python and Meltano SDK taps do). */
  readonly metric: (point: MetricPoint) => void
}

/** A Singer metric point: `record_count` counters and `http_request_duration` timers (seconds). */
export interface MetricPoint {
  readonly type: 'counter' | 'timer'
  readonly metric: 'record_count' | 'http_request_duration'
  readonly value: number
  readonly tags: Readonly<Record<string, string | number>>
}

/** Where a stream's reading stands, after each page it wrote. */
export interface StreamProgress {
  readonly stream: string
  readonly records: number
  readonly pages: number
  /** The bookmark the stream has reached, when it keeps one. */
  readonly bookmark?: string
  readonly done: boolean
}

/**
 * The access token requests carry, when it can change during a run: a token
 * the API refuses (401) is renewed once with the refresh token.
 */
export interface Credentials {
  /** The token to send now. */
  readonly accessToken: () => string
  /**
   * Called with the token a request carried when the API answered it 401.
   * True once a newer token is in place (the request is sent again), false
   * when there is none to be had. Streams refused at once share one renewal.
   */
  readonly renew: (refused: string) => Promise<boolean>
}

export interface Capabilities {
  /** The platform fetch, looked up at call time so tests can intercept it. */
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>
  readonly now: () => Date
  /** Monotonic milliseconds, for waits and rates (the wall clock may jump). */
  readonly clock: () => number
  /** Resolves after `ms`, or early once `stop` is aborted. */
  readonly sleep: (ms: number) => Promise<void>
  /**
   * Aborted when the process is asked to stop (SIGTERM, SIGINT), its reason
   * the signal's name: no new request starts, the one in flight is abandoned.
   */
  readonly stop: AbortSignal
  /**
   * Writes a chunk of Singer lines to stdout, resolving once the reader has room
   * for more (backpressure). Resolves false when the reader has gone away.
   */
  readonly write: (chunk: string) => Promise<boolean>
  readonly log: Logger
  /** Told how each stream is getting on (a terminal's live display); absent, nobody is. */
  readonly progress?: (progress: StreamProgress) => void
  /** Absent: every request carries config.accessToken, and a 401 fails. */
  readonly credentials?: Credentials
  /** Told when a stream starts waiting for the rate limit, and (undefined) when its request may go. */
  readonly waiting?: (stream: string, wait: BudgetWait | undefined) => void
}

export interface Env extends Capabilities {
  readonly config: Config
  /** Shared by every stream of the run. */
  readonly budget: RequestBudget
  /** The API's clock and whether it has answered, as the run's responses show them (shared by every stream). */
  readonly api: ApiContact
  /** zchat's version, for the default User-Agent. */
  readonly version: string
  /** The stream this program reads, when it reads one: names its waits. */
  readonly stream?: string
}

/** A zchat program: needs an Env, fails with a Failure, or yields A. */
export type Program<A> = RTE.ReaderTaskEither<Env, Failure, A>
