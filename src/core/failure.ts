/**
 * Every way a zchat program can fail, as a value. Nothing below the command edge
 * throws: stages return one of these, and the edge renders it as one line on
 * stderr and an exit code.
 */

/** Bad flags or an impossible combination of them. */
export interface UsageError {
  readonly _tag: 'UsageError'
  readonly message: string
}

/** A file named on the command line is missing, unreadable or not JSON. */
export interface InputError {
  readonly _tag: 'InputError'
  readonly what: 'config' | 'catalog' | 'state'
  readonly file: string
  readonly message: string
}

/** Config, catalog or state that parsed but says something zchat cannot accept. */
export interface InvalidInput {
  readonly _tag: 'InvalidInput'
  readonly what: 'config' | 'catalog' | 'state'
  /** One line per problem, each naming the key or stream it is about. */
  readonly problems: readonly string[]
}

/** The API answered with an error status. */
export interface HttpError {
  readonly _tag: 'HttpError'
  readonly endpoint: string
  readonly status: number
  readonly message: string
}

/** No usable answer: connection refused, reset, timeout, or a body that is not JSON. */
export interface NetworkError {
  readonly _tag: 'NetworkError'
  readonly endpoint: string
  readonly message: string
}

/** A record the API sent does not match the stream's codec. */
export interface DecodeError {
  readonly _tag: 'DecodeError'
  readonly stream: string
  /** The record's key, as far as it could be read, or the page's position. */
  readonly record: string
  readonly path: string
  readonly expected: string
  readonly actual: string
  /**
   * The field to deselect to carry on without it, as catalog property names
   * (`["session", "end_date"]`); empty when the field cannot be deselected (a
   * key, or the record as a whole). Absent for a response that is not records.
   */
  readonly deselect?: readonly string[]
}

/** The process was asked to stop (SIGTERM, SIGINT) and did, after its last complete page. */
export interface Interrupted {
  readonly _tag: 'Interrupted'
  readonly signal: 'SIGTERM' | 'SIGINT'
}

/** The reader of stdout went away (EPIPE): nothing more can be delivered. */
export interface OutputClosed {
  readonly _tag: 'OutputClosed'
}

/** Getting or refreshing an OAuth token failed (denied, refused client, timeout...): the message says which and what to do. */
export interface AuthFailure {
  readonly _tag: 'AuthFailure'
  readonly message: string
}

export type Failure =
  UsageError | InputError | InvalidInput | HttpError | NetworkError | DecodeError | Interrupted | OutputClosed | AuthFailure

export const usageError = (message: string): Failure => ({ _tag: 'UsageError', message })
export const inputError = (what: InputError['what'], file: string, message: string): Failure => ({
  _tag: 'InputError',
  what,
  file,
  message,
})
export const invalidInput = (what: InvalidInput['what'], problems: readonly string[]): Failure => ({
  _tag: 'InvalidInput',
  what,
  problems,
})
export const httpError = (endpoint: string, status: number, message: string): Failure => ({
  _tag: 'HttpError',
  endpoint,
  status,
  message,
})
export const networkError = (endpoint: string, message: string): Failure => ({ _tag: 'NetworkError', endpoint, message })
export const authFailure = (message: string): Failure => ({ _tag: 'AuthFailure', message })
export const outputClosed: Failure = { _tag: 'OutputClosed' }
export const interrupted = (signal: Interrupted['signal']): Failure => ({ _tag: 'Interrupted', signal })

const SIGNAL_NUMBERS = { SIGINT: 2, SIGTERM: 15 } as const

/** Exit status: 2 for what the user gave us, 1 for a run that failed against the API. */
export const exitCode = (failure: Failure): number => {
  switch (failure._tag) {
    case 'UsageError':
    case 'InputError':
    case 'InvalidInput':
      return 2
    case 'HttpError':
    case 'NetworkError':
    case 'DecodeError':
    case 'OutputClosed':
    case 'AuthFailure':
      return 1
    case 'Interrupted':
      // The shell's convention for "ended by a signal".
      return 128 + SIGNAL_NUMBERS[failure.signal]
  }
}

/** The tap's name in a Meltano project (meltano.yml). */
const MELTANO_EXTRACTOR = 'tap-zendesk-chat'

/** How a user carries on past a record of a shape zchat does not know: deselect the field. */
const carryOn = (failure: DecodeError): string => {
  const fields = failure.deselect
  if (fields === undefined) return ''
  const resume = 'the last STATE resumes at this page'
  if (fields.length === 0) return `; this field cannot be deselected (a key or the whole record): please report this shape; ${resume}`
  const dotted = fields.join('.')
  const breadcrumb = JSON.stringify(fields.flatMap((f) => ['properties', f]))
  return (
    `; to carry on without it, deselect it in the catalog: \`meltano select ${MELTANO_EXTRACTOR} --exclude ${failure.stream} ${dotted}\`` +
    ` (select pattern "!${failure.stream}.${dotted}"), or "selected": false at breadcrumb ${breadcrumb}` +
    ` of stream ${failure.stream}; ${resume}`
  )
}

/** The lines the edge prints for a failure; one line unless several input problems were found at once. */
export const render = (failure: Failure): readonly string[] => {
  switch (failure._tag) {
    case 'UsageError':
    case 'AuthFailure':
      return [`error: ${failure.message}`]
    case 'InputError':
      return [`error: ${failure.what} file ${failure.file}: ${failure.message}`]
    case 'InvalidInput':
      return failure.problems.map((p) => `error: ${failure.what}: ${p}`)
    case 'HttpError':
      return [`error: GET ${failure.endpoint} answered ${failure.status}: ${failure.message}`]
    case 'NetworkError':
      return [`error: GET ${failure.endpoint} failed: ${failure.message}`]
    case 'DecodeError':
      return [
        `error: stream ${failure.stream}, record ${failure.record}: field ${failure.path} expected ${failure.expected}, got ${failure.actual}${carryOn(failure)}`,
      ]
    case 'OutputClosed':
      return ['error: stdout was closed by its reader (did the target stop?); the run ended early']
    case 'Interrupted':
      return [`stopped by ${failure.signal}: the last STATE written covers every record emitted; resume from it`]
  }
}
