/**
 * The Meltano SDK's standard tap tests and singer-io's singer-check-tap,
 * against the built tap and the sandbox, with every stream. One discovery and
 * one sync (with the discovered catalog fed back) are shared by every test;
 * a re-run from the last STATE is singer-check-tap's second pass.
 * Not here: the SDK's connection test (stream_connections), with --test.
 */
import { expect } from 'chai'
import { discover } from '../../src/engine/catalog.js'
import { STREAMS } from '../../src/streams/index.js'
import { attributesOf, breaches, instantNanos, isRfc3339DateTime, KINDS, type AttributeKind } from '../support/attributes.js'
import { parseCatalog, streamEntry, type Catalog } from '../support/catalog.js'
import { describeRun, PACKAGE_VERSION, tap, useTempDir } from '../support/cli.js'
import { ALL_STREAMS, sandboxConfig, useSandbox } from '../support/sandbox.js'
import {
  compile,
  errorsOf,
  isJsonObject,
  type JsonObject,
  lastState,
  type Message,
  newAjv,
  parseMessages,
  recordsOf,
  schemaOf,
  type StateValue,
} from '../support/singer.js'

/** The record schemas the source declares, to name one test per stream and attribute kind before anything runs. */
const DECLARED = discover(STREAMS)

const ATTRIBUTE_KINDS = Object.keys(KINDS) as AttributeKind[]

/** Streams whose key properties repeat over records today (see the uniqueness test). */
/** Paths of every key named `key` in a JSON value. */
const keyPaths = (value: unknown, key: string, at = '$'): string[] => {
  if (Array.isArray(value)) return value.flatMap((v, i) => keyPaths(v, key, `${at}[${i}]`))
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([k, v]) => [...(k === key ? [`${at}.${k}`] : []), ...keyPaths(v, key, `${at}.${k}`)])
}

/** `a` is not before `b`: numbers by value, RFC 3339 date-times by instant, to the last digit. */
const notBefore = (a: unknown, b: unknown): boolean =>
  typeof a === 'number' && typeof b === 'number' ? a >= b : instantNanos(a as string) >= instantNanos(b as string)

/** Why a line is not a message singer-python's parse_message would read, or undefined when it is. */
const parseMessageFault = (m: Message & JsonObject): string | undefined => {
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string')
  if (m.type === 'SCHEMA') {
    if (!isJsonObject(m.schema)) return 'SCHEMA without a schema object'
    if (!strings(m.key_properties)) return 'SCHEMA without key_properties (an array of strings)'
    if (m.bookmark_properties !== undefined && !strings(m.bookmark_properties))
      return 'SCHEMA with bookmark_properties that are not strings'
  }
  if (m.type === 'RECORD') {
    if (!isJsonObject(m.record)) return 'RECORD without a record object'
    if (m.time_extracted !== undefined && !isRfc3339DateTime(m.time_extracted))
      return `RECORD with time_extracted ${String(m.time_extracted)}`
  }
  if (m.type === 'STATE' && !isJsonObject(m.value)) return 'STATE without a value object'
  return undefined
}

describe('conformance: the Meltano SDK standard tap tests and singer-check-tap, every stream', () => {
  const sandbox = useSandbox({ seed: 71 })
  const tmp = useTempDir()
  let config: string
  let catalog: Catalog
  let messages: Message[]
  let finalState: StateValue
  let rerun: Message[]

  before(async () => {
    config = await tmp().write('config.json', sandboxConfig(sandbox()))
    const discovered = await tap('--config', config, '--discover')
    expect(discovered.code, describeRun(discovered)).to.equal(0)
    catalog = parseCatalog(discovered.stdout)
    const synced = await tap('--config', config, '--catalog', await tmp().write('catalog.json', discovered.stdout))
    expect(synced.code, describeRun(synced)).to.equal(0)
    messages = parseMessages(synced.stdout)
    finalState = lastState(messages)
    // singer-check-tap's second pass: the same tap, no catalog, the last STATE as --state.
    const again = await tap('--config', config, '--state', await tmp().write('state.json', finalState))
    expect(again.code, describeRun(again)).to.equal(0)
    rerun = parseMessages(again.stdout)
  })

  describe('the tap', () => {
    it('cli_prints: --version prints the version; --about prints text, markdown and JSON', async () => {
      const [version, text, markdown, json] = await Promise.all([
        tap('--version'),
        tap('--about'),
        tap('--about', '--format=markdown'),
        tap('--about', '--format=json'),
      ])
      for (const r of [version, text, markdown, json]) expect(r.code, describeRun(r)).to.equal(0)
      expect(version.stdout).to.include(PACKAGE_VERSION)
      expect(text.stdout).to.include('tap-zendesk-chat')
      expect(markdown.stdout).to.match(/^# tap-zendesk-chat/m)
      expect(JSON.parse(json.stdout)).to.include({ name: 'tap-zendesk-chat', version: PACKAGE_VERSION })
    })

    it('discovery: the discovered catalog, fed back with --catalog, syncs exactly its streams, each SCHEMA as discovered', () => {
      const ids = catalog.streams.map((s) => s.tap_stream_id).sort()
      expect(ids).to.deep.equal(ALL_STREAMS)
      const schemas = messages.flatMap((m) => (m.type === 'SCHEMA' ? [m.stream] : []))
      expect([...schemas].sort(), 'one SCHEMA per stream').to.deep.equal(ids)
      for (const id of ids) {
        const entry = streamEntry(catalog, id)
        const schema = schemaOf(messages, id)!
        expect(schema.schema, `${id} schema`).to.deep.equal(entry.schema)
        expect(schema.key_properties, `${id} key_properties`).to.deep.equal(entry.key_properties)
        expect(schema.bookmark_properties ?? [], `${id} bookmark_properties`).to.deep.equal(
          entry.replication_key === undefined ? [] : [entry.replication_key],
        )
      }
    })

    it('singer-check-tap: every line is a message singer-python reads, with an RFC 3339 time_extracted', () => {
      const faults = [...messages, ...rerun].flatMap((m, i) => {
        const fault = parseMessageFault(m as Message & JsonObject)
        return fault === undefined ? [] : [`#${i} ${fault}`]
      })
      expect(faults).to.deep.equal([])
    })

    it('valid_final_state: the last STATE has a bookmark per incremental stream, nothing in progress, no progress markers', () => {
      expect(finalState.currently_syncing).to.equal(null)
      expect(keyPaths(finalState, 'progress_markers')).to.deep.equal([])
      for (const entry of catalog.streams.filter((s) => s.replication_method === 'INCREMENTAL')) {
        expect(finalState.bookmarks[entry.tap_stream_id]?.[entry.replication_key!], `${entry.tap_stream_id} bookmark`).to.not.equal(
          undefined,
        )
      }
    })

    it('singer-check-tap: a re-run with the last STATE exits 0, emits nothing older than its bookmarks, and ends with that STATE', () => {
      for (const entry of catalog.streams.filter((s) => s.replication_method === 'INCREMENTAL')) {
        const key = entry.replication_key!
        const bookmark = finalState.bookmarks[entry.tap_stream_id]![key]
        const older = recordsOf(rerun, entry.tap_stream_id).filter((r) => !notBefore(r[key], bookmark))
        expect(
          older.map((r) => r[key]),
          `${entry.tap_stream_id} records before ${String(bookmark)}`,
        ).to.deep.equal([])
      }
      // The same bookmarks; full-table streams carry the version of their new read, a later one.
      const versions = (state: StateValue) =>
        Object.fromEntries(Object.entries(state.bookmarks).flatMap(([name, b]) => ('version' in b ? [[name, b.version]] : [])))
      const withoutVersions = (state: StateValue) => ({
        ...state,
        bookmarks: Object.fromEntries(Object.entries(state.bookmarks).map(([name, { version: _v, ...rest }]) => [name, rest])),
      })
      expect(withoutVersions(lastState(rerun))).to.deep.equal(withoutVersions(finalState))
      for (const [name, version] of Object.entries(versions(lastState(rerun)))) {
        expect(version as number, `${name} version`).to.be.greaterThan(versions(finalState)[name] as number)
      }
    })
  })

  for (const declared of DECLARED.streams) {
    const stream = declared.tap_stream_id

    describe(`stream ${stream}`, () => {
      const records = () => recordsOf(messages, stream)
      const schema = () => schemaOf(messages, stream)!.schema

      it('returns_record: at least one record', () => {
        expect(records().length).to.be.greaterThan(0)
      })

      it('singer-check-tap: its SCHEMA comes before its first RECORD', () => {
        const first = (type: string) => messages.findIndex((m) => m.type === type && m.type !== 'STATE' && m.stream === stream)
        expect(first('SCHEMA'), 'a SCHEMA').to.be.at.least(0)
        expect(first('SCHEMA')).to.be.lessThan(first('RECORD'))
      })

      it('schema_is_valid: the SCHEMA compiles as JSON Schema under Ajv strict mode', () => {
        compile(newAjv(), schema(), `${stream} SCHEMA`)
      })

      it('record_matches_stream_schema: every record (this run and the re-run) validates, formats included', () => {
        const validate = compile(newAjv(), schema(), `${stream} SCHEMA`)
        const invalid = [...records(), ...recordsOf(rerun, stream)].flatMap((r, i) => (validate(r) ? [] : [`#${i} ${errorsOf(validate)}`]))
        expect(invalid.slice(0, 5)).to.deep.equal([])
      })

      it('record_schema_matches_catalog: no record key outside the schema properties', () => {
        const properties = new Set(Object.keys(schema().properties as object))
        const outside = [...new Set(records().flatMap((r) => Object.keys(r)))].filter((k) => !properties.has(k))
        expect(outside).to.deep.equal([])
      })

      const keyList = `[${declared.key_properties.join(', ')}]`

      it(`primary_keys ${keyList}: declared in the SCHEMA, properties of it, in every record, never null`, () => {
        const keys = schemaOf(messages, stream)!.key_properties
        expect(keys, 'SCHEMA key_properties').to.deep.equal(declared.key_properties)
        expect(
          keys.filter((k) => !Object.hasOwn(schema().properties as object, k)),
          'keys outside the schema',
        ).to.deep.equal([])
        const missing = records().flatMap((r, i) => keys.filter((k) => r[k] === undefined || r[k] === null).map((k) => `#${i} ${k}`))
        expect(missing).to.deep.equal([])
      })

      it(`primary_keys ${keyList}: unique over the records`, () => {
        const ids = records().map((r) => JSON.stringify(declared.key_properties.map((k) => r[k])))
        const repeated = ids.filter((id, i) => ids.indexOf(id) !== i)
        expect(repeated.slice(0, 5), `${repeated.length} repeated keys`).to.deep.equal([])
      })

      for (const kind of ATTRIBUTE_KINDS) {
        const attributes = attributesOf(declared.schema as JsonObject, kind)
        if (attributes.length === 0) continue
        const what = kind === 'not-null' ? 'never null or missing' : `${kind} in every record`
        it(`${kind === 'not-null' ? 'not_null' : `is_${kind}`} (${attributes.join(', ')}): ${what}`, () => {
          expect(attributesOf(schema(), kind), 'the SCHEMA emitted agrees with the source').to.deep.equal(attributes)
          expect(breaches(records(), schema(), kind, attributes).slice(0, 5)).to.deep.equal([])
        })
      }
    })
  }
})
