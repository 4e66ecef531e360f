/** Reading Singer output (one JSON message per line) and checking it against JSON Schema. */
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { expect } from 'chai'

export interface SchemaMessage {
  readonly type: 'SCHEMA'
  readonly stream: string
  readonly schema: JsonObject
  readonly key_properties: readonly string[]
  readonly bookmark_properties?: readonly string[]
}

export interface RecordMessage {
  readonly type: 'RECORD'
  readonly stream: string
  readonly record: Record<string, unknown>
  /** Set on the records of a full-table read when ACTIVATE_VERSION is on. */
  readonly version?: number
  readonly time_extracted?: string
}

export interface ActivateVersionMessage {
  readonly type: 'ACTIVATE_VERSION'
  readonly stream: string
  readonly version: number
}

export interface StateValue {
  readonly bookmarks: Record<string, Record<string, unknown>>
  readonly currently_syncing: string | null
}

export interface StateMessage {
  readonly type: 'STATE'
  readonly value: StateValue
}

export type Message = SchemaMessage | RecordMessage | StateMessage | ActivateVersionMessage

export type JsonObject = Record<string, unknown>

/** A JSON object: not null, not an array. */
export const isJsonObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)

const TYPES = new Set(['SCHEMA', 'RECORD', 'STATE', 'ACTIVATE_VERSION'])

/** One line of Singer output as a message; fails the test, naming `where`, on a line that is not one. */
export const parseMessage = (line: string, where: string): Message => {
  let message: unknown
  try {
    message = JSON.parse(line)
  } catch {
    expect.fail(`${where} is not JSON: ${line.slice(0, 200)}`)
  }
  expect(message, where).to.be.an('object')
  const type = (message as { type?: unknown }).type
  expect(TYPES.has(type as string), `${where} has Singer type, got ${String(type)}`).to.equal(true)
  if (type !== 'STATE') expect((message as { stream?: unknown }).stream, `${where} stream`).to.be.a('string')
  if (type === 'ACTIVATE_VERSION')
    expect(Number.isSafeInteger((message as { version?: unknown }).version), `${where} version`).to.equal(true)
  return message as Message
}

/** Every line of stdout as a Singer message; fails the test on a line that is not one. */
export const parseMessages = (stdout: string): Message[] => {
  const all = stdout.split('\n')
  expect(all[all.length - 1], 'stdout ends with a newline').to.equal('')
  return all.slice(0, -1).map((line, i) => parseMessage(line, `stdout line ${i + 1}`))
}

/** The messages of a stdout cut anywhere (a killed run): a partial last line is not a message. */
export const completeMessages = (stdout: string): Message[] => parseMessages(stdout.slice(0, stdout.lastIndexOf('\n') + 1))

/** The stream a message is about; a STATE is about none. */
export const streamOf = (m: Message): string | undefined => (m.type === 'STATE' ? undefined : m.stream)

/** The messages about one stream, in order. */
export const messagesOf = (messages: readonly Message[], stream: string): Exclude<Message, StateMessage>[] =>
  messages.filter((m): m is Exclude<Message, StateMessage> => streamOf(m) === stream)

export const typesOf = (messages: readonly Message[]): string[] => messages.map((m) => m.type)

/** The RECORD messages of one stream, or of every stream. */
export const recordMessagesOf = (messages: readonly Message[], stream?: string): RecordMessage[] =>
  messages.filter((m): m is RecordMessage => m.type === 'RECORD' && (stream === undefined || m.stream === stream))

/** The records of one stream, or of every stream. */
export const recordsOf = (messages: readonly Message[], stream?: string): Record<string, unknown>[] =>
  recordMessagesOf(messages, stream).map((m) => m.record)

/** How many RECORDs each stream has. */
export const recordCounts = (messages: readonly Message[]): Record<string, number> => {
  const counts: Record<string, number> = {}
  for (const m of recordMessagesOf(messages)) counts[m.stream] = (counts[m.stream] ?? 0) + 1
  return counts
}

/** The streams that have at least one RECORD, sorted. */
export const streamsWithRecords = (messages: readonly Message[]): string[] => Object.keys(recordCounts(messages)).sort()

export const schemaOf = (messages: readonly Message[], stream?: string): SchemaMessage | undefined =>
  messages.find((m): m is SchemaMessage => m.type === 'SCHEMA' && (stream === undefined || m.stream === stream))

export const statesOf = (messages: readonly Message[]): StateValue[] =>
  messages.filter((m): m is StateMessage => m.type === 'STATE').map((m) => m.value)

export const lastState = (messages: readonly Message[]): StateValue => {
  const states = statesOf(messages)
  expect(states.length, 'STATE messages').to.be.greaterThan(0)
  return states[states.length - 1]!
}

export const agentIds = (messages: readonly Message[]): number[] => recordsOf(messages, 'agents').map((r) => r.id as number)

// ajv-formats is CommonJS: under NodeNext its default import is the module object or the plugin itself.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv

/** A strict validator: unknown keywords and bad schemas fail compilation. `secret` is Meltano's annotation on settings. */
export const newAjv = (): Ajv => {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true })
  addFormats(ajv)
  ajv.addKeyword({ keyword: 'secret', schemaType: 'boolean' })
  return ajv
}

/** Compile a schema, failing the test with Ajv's reason when it is not valid JSON Schema. */
export const compile = (ajv: Ajv, schema: unknown, what: string): ValidateFunction => {
  try {
    return ajv.compile(schema as JsonObject)
  } catch (error) {
    return expect.fail(`${what}: not a valid JSON Schema: ${(error as Error).message}`)
  }
}

/** The errors of `validate` as one readable line. */
export const errorsOf = (validate: ValidateFunction): string => JSON.stringify(validate.errors ?? [])
