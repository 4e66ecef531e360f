/**
 * What Meltano does around a tap, emulated for tests (Meltano itself is not
 * installable here). Facts from meltano/meltano (plugin/singer/tap.py,
 * plugin_invoker.py, plugin_test_service.py, state_service.py, job_state.py,
 * plugin/singer/target.py):
 *
 * - Every invocation is `<executable> --config C`, then `--catalog K` (or
 *   `--properties K` when the extractor declares `properties` but not
 *   `catalog`) when the catalog file has data, then `--state S` when the state
 *   file has data and `state` is declared, then the caller's own arguments
 *   (`--discover`, or `meltano invoke`'s).
 * - A sync (`meltano run`, `meltano invoke` without arguments, `meltano config
 *   test`) first looks up the state (deletes state.json, then writes the stored
 *   `singer_state` there when a job has one), then runs discovery (the catalog
 *   file is emptied first, so discovery gets no --catalog, but does get --state),
 *   then applies the catalog rules, then runs the tap.
 * - The state Meltano keeps is what the target echoes on its stdout, each line
 *   stored as a job payload `{"singer_state": <line>}`; the next run reads it
 *   back and passes the inner value with --state. A complete state replaces
 *   the previous one (partial states, from `--merge-state`, are left out here).
 * - `meltano config <tap> test` runs that sync with stderr merged into stdout,
 *   reads lines until one parses as a JSON object whose `type` is RECORD or
 *   BATCH, sends SIGTERM, and waits for the exit. Since meltano/meltano#8212
 *   (late 2023) the verdict is only whether such a line was seen; before it,
 *   the verdict was `abs(returncode) == 15`, i.e. the tap had to die of the
 *   signal (Python's returncode -15) or exit with status 15.
 * - Every invocation runs with SINGER_SDK_LOG_CONFIG naming
 *   .meltano/run/<name>/tap.singer_sdk_logging.json (plugin/singer/base.py
 *   exec_env, tap.py), written before each run: structured (the SDK's
 *   StructuredFormatter) when the extractor declares `structured-logging`,
 *   and its stderr is then read by Meltano's SDK log parser (meltano-logs.ts).
 * - `meltano config set` casts a value typed on its command line (or from an
 *   environment variable) by the setting's kind (setting_definition.py
 *   cast_value): integer with Python's int(), decimal with Decimal(), boolean
 *   by utils.truthy, options must be one of the listed values.
 */
import { spawn } from 'node:child_process'
import { constants } from 'node:os'
import { readFileSync } from 'node:fs'
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'yaml'
import { parseCatalog, type Catalog } from './catalog.js'
import { childEnv, ROOT, run, TAP, type RunResult } from './cli.js'
import { applyMetadataRules, catalogRules, type CatalogRules } from './meltano-catalog.js'
import { meltanoLogRecords, writeSdkLogConfig, type ParsedLogRecord } from './meltano-logs.js'
import { type Message, parseMessages, statesOf, type StateValue } from './singer.js'

export interface YmlSetting {
  readonly name: string
  readonly kind?: string
  readonly value?: unknown
  readonly sensitive?: boolean
  readonly options?: readonly { readonly label: string; readonly value: unknown }[]
}

/** Python's ValueError, as Meltano raises it for a value its kind refuses. */
export class MeltanoValueError extends Error {}

const PYTHON_INT = /^\s*[+-]?\d+(_\d+)*\s*$/
const PYTHON_DECIMAL = /^\s*[+-]?(\d+(_\d+)*(\.(\d+(_\d+)*)?)?|\.\d+(_\d+)*)([eE][+-]?\d+(_\d+)*)?\s*$/
const TRUTHY = ['true', '1', 'yes', 'on']

/** SettingDefinition.cast_value for a value given as text (`meltano config set`, an environment variable). */
export const castSettingValue = (setting: YmlSetting, text: string): unknown => {
  let value: unknown = text
  switch (setting.kind) {
    case 'boolean':
      return TRUTHY.includes(text.toLowerCase())
    case 'integer':
      if (!PYTHON_INT.test(text)) throw new MeltanoValueError(`invalid literal for int() with base 10: '${text}'`)
      return Number(text.replaceAll('_', ''))
    case 'decimal':
      if (!PYTHON_DECIMAL.test(text)) throw new MeltanoValueError(`[<class 'decimal.ConversionSyntax'>]`)
      return Number(text.replaceAll('_', ''))
    case 'object':
    case 'array':
      value = JSON.parse(text) as unknown
      break
  }
  if (setting.kind === 'options' && !(setting.options ?? []).some((o) => o.value === value)) {
    throw new MeltanoValueError(`'${text}' is not a valid choice for '${setting.name}'`)
  }
  return value
}

export interface ExtractorDefinition {
  readonly name: string
  readonly namespace: string
  readonly executable: string
  readonly capabilities: readonly string[]
  readonly settings: readonly YmlSetting[]
}

/** The extractor as the project's meltano.yml defines it. */
export const projectExtractor = (): ExtractorDefinition => {
  const project = parse(readFileSync(join(ROOT, 'meltano.yml'), 'utf8')) as { plugins: { extractors: ExtractorDefinition[] } }
  return project.plugins.extractors.find((e) => e.name === 'tap-zendesk-chat')!
}

/** An extractor of a project's meltano.yml, as written: its own keys, and `inherit_from` when it inherits. */
export interface YmlExtractor {
  readonly name: string
  readonly inherit_from?: string
  readonly config?: Record<string, unknown>
  readonly [key: string]: unknown
}

/**
 * A plugin that inherits (`inherit_from`), as Meltano resolves it
 * (plugin/project_plugin.py): the parent's definition (namespace, executable,
 * capabilities, settings) under the child's own name, and the parent's config
 * values under the child's own, key by key.
 */
export const resolveInherited = (
  child: YmlExtractor,
  parent: ExtractorDefinition,
  parentValues: Record<string, unknown>,
): { readonly definition: ExtractorDefinition; readonly values: Record<string, unknown> } => {
  if (child.inherit_from !== parent.name) throw new Error(`${child.name} inherits from ${String(child.inherit_from)}, not ${parent.name}`)
  return { definition: { ...parent, name: child.name }, values: { ...parentValues, ...(child.config ?? {}) } }
}

/** Meltano's state ID of `meltano run <extractor> <loader>`: one per extractor name, so each inherited extractor has its own state. */
export const stateIdOf = (environment: string, extractor: string, loader: string): string => `${environment}:${extractor}-to-${loader}`

/** The config file Meltano writes: every setting with a value, meltano.yml defaults first, then the user's. */
export const meltanoConfig = (definition: ExtractorDefinition, values: Record<string, unknown>): Record<string, unknown> => ({
  ...Object.fromEntries(definition.settings.filter((s) => s.value !== undefined).map((s) => [s.name, s.value])),
  ...values,
})

const fileHasData = async (path: string): Promise<boolean> => {
  try {
    return (await stat(path)).size > 0
  } catch {
    return false
  }
}

/** A state backend (the local filesystem one): what it stores, and what the next run gets. */
export class MeltanoStateBackend {
  /** The stored form: `{"completed": {"singer_state": ...}, "partial": {}}`. */
  stored: { completed: Record<string, unknown>; partial: Record<string, unknown> } = { completed: {}, partial: {} }

  /** One line the target wrote on stdout, as Meltano's BookmarkWriter stores it; a line that is not JSON is ignored. */
  bookmark(line: string): void {
    let state: unknown
    try {
      state = JSON.parse(line)
    } catch {
      return
    }
    this.stored = { completed: { singer_state: state }, partial: {} }
  }

  /** The Singer state a run gets, unwrapped: undefined when there is none. */
  singerState(): StateValue | undefined {
    const merged = { ...this.stored.completed, ...this.stored.partial } as { singer_state?: StateValue }
    return merged.singer_state
  }
}

/** A target that takes every record at once and echoes each STATE value, as targets report what they committed. */
export const echoedStateLines = (messages: readonly Message[]): string[] => statesOf(messages).map((value) => JSON.stringify(value))

export interface ExtractorOptions extends CatalogRules {
  readonly definition: ExtractorDefinition
  readonly config: Record<string, unknown>
  /** Meltano's own log level (`meltano --log-level`), the root level of the logging config it hands the tap; INFO by default. */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR'
}

export interface SyncRun {
  /** Discovery's arguments, then the sync's. */
  readonly discoveryArgs: readonly string[]
  readonly syncArgs: readonly string[]
  /** The catalog discovery printed, before Meltano's rules. */
  readonly discovered: Catalog
  readonly result: RunResult
  readonly messages: Message[]
}

export interface ConfigTestResult {
  /** Meltano's verdict since meltano/meltano#8212: a RECORD (or BATCH) line was read. */
  readonly valid: boolean
  /** Meltano's verdict before it: the tap died of SIGTERM (or exited with status 15). */
  readonly validBefore8212: boolean
  /** Meltano's returncode: the exit status, or minus the signal number. */
  readonly returncode: number
  /** What Meltano prints on failure: the last line read, or that no RECORD came. */
  readonly message: string
  /** Every line Meltano read (stdout and stderr merged), up to the RECORD. */
  readonly linesRead: readonly string[]
  /** Everything printed after the line that stopped the tap. */
  readonly afterStop: string
  /** The tap did not end within 20 s of the signal and was killed. */
  readonly timedOut: boolean
}

/** An extractor in a Meltano project: its run directory (.meltano/run/<name>), its files and every invocation made. */
export class MeltanoExtractor {
  readonly configPath: string
  readonly catalogPath: string
  readonly statePath: string
  readonly logConfigPath: string
  /** The arguments of every invocation, in order. */
  readonly invocations: string[][] = []

  private constructor(
    readonly runDir: string,
    readonly options: ExtractorOptions,
  ) {
    this.configPath = join(runDir, 'tap.5f0c1e3a-7d2b-4c19-9a4e-0b8f6d2e1c47.config.json')
    this.catalogPath = join(runDir, 'tap.properties.json')
    this.statePath = join(runDir, 'state.json')
    this.logConfigPath = join(runDir, 'tap.singer_sdk_logging.json')
  }

  /** Meltano reads the tap's stderr with its SDK log parser when the tap declares structured-logging. */
  get structuredLogs(): boolean {
    return this.has('structured-logging')
  }

  /** The tap's stderr as Meltano logs it. */
  logRecords(stderr: string): ParsedLogRecord[] {
    return meltanoLogRecords(stderr, this.structuredLogs)
  }

  /** What Meltano adds to the environment of every invocation, the logging config written first. */
  private async execEnv(): Promise<NodeJS.ProcessEnv> {
    await writeSdkLogConfig(this.logConfigPath, this.structuredLogs, this.options.logLevel)
    return { SINGER_SDK_LOG_CONFIG: this.logConfigPath }
  }

  static async create(runDir: string, options: ExtractorOptions): Promise<MeltanoExtractor> {
    await mkdir(runDir, { recursive: true })
    const extractor = new MeltanoExtractor(runDir, options)
    await writeFile(extractor.configPath, JSON.stringify(options.config))
    return extractor
  }

  private has(capability: string): boolean {
    return this.options.definition.capabilities.includes(capability)
  }

  /** The arguments Meltano's invoker passes: the plugin's own, then `extra`. */
  async execArgs(...extra: string[]): Promise<string[]> {
    const args = ['--config', this.configPath]
    if (await fileHasData(this.catalogPath)) {
      if (this.has('catalog')) args.push('--catalog', this.catalogPath)
      else if (this.has('properties')) args.push('--properties', this.catalogPath)
    }
    if ((await fileHasData(this.statePath)) && this.has('state')) args.push('--state', this.statePath)
    return [...args, ...extra]
  }

  /** `meltano invoke <tap> ARGS`: no hooks run, so leftover catalog and state files are passed too. */
  async invoke(...userArgs: string[]): Promise<RunResult> {
    const args = await this.execArgs(...userArgs)
    this.invocations.push(args)
    return run(TAP, args, { env: await this.execEnv() })
  }

  /** The state lookup of a sync: state.json removed, then rewritten from the backend when it holds a state. */
  async lookUpState(backend?: MeltanoStateBackend): Promise<void> {
    await rm(this.statePath, { force: true })
    const state = backend?.singerState()
    if (state !== undefined && Object.keys(state).length > 0) await writeFile(this.statePath, JSON.stringify(state, null, 2))
  }

  /** Discovery into the catalog file; a failed discovery removes it and throws with its stderr. */
  async discover(): Promise<string[]> {
    await writeFile(this.catalogPath, '')
    const args = await this.execArgs('--discover')
    this.invocations.push(args)
    const r = await run(TAP, args, { env: await this.execEnv() })
    if (r.code !== 0) {
      await rm(this.catalogPath, { force: true })
      throw new Error(`Catalog discovery failed: ${args.join(' ')} returned ${r.code} with stderr:\n${r.stderr}`)
    }
    parseCatalog(r.stdout)
    await writeFile(this.catalogPath, r.stdout)
    return args
  }

  async catalog(): Promise<Catalog> {
    return parseCatalog(await readFile(this.catalogPath, 'utf8'))
  }

  async applyCatalogRules(): Promise<void> {
    const rules = catalogRules(this.options)
    await writeFile(this.catalogPath, JSON.stringify(applyMetadataRules(await this.catalog(), rules), null, 2))
  }

  /** The hooks before a sync, in Meltano's order; returns what discovery was called with and printed, and the sync's arguments. */
  private async prepareSync(backend?: MeltanoStateBackend): Promise<{ discoveryArgs: string[]; discovered: Catalog; syncArgs: string[] }> {
    await this.lookUpState(backend)
    const discoveryArgs = await this.discover()
    const discovered = await this.catalog()
    await this.applyCatalogRules()
    return { discoveryArgs, discovered, syncArgs: await this.execArgs() }
  }

  /** `meltano run <tap> <target>` with a target that echoes every STATE, stored in `backend`. */
  async sync(backend: MeltanoStateBackend): Promise<SyncRun> {
    const { discoveryArgs, discovered, syncArgs } = await this.prepareSync(backend)
    this.invocations.push(syncArgs)
    const result = await run(TAP, syncArgs, { timeoutMs: 60_000, env: await this.execEnv() })
    const messages = result.code === 0 ? parseMessages(result.stdout) : []
    for (const line of echoedStateLines(messages)) backend.bookmark(line)
    return { discoveryArgs, syncArgs, discovered, result, messages }
  }

  /** `meltano config <tap> test`, outside a job (so no state). */
  async configTest(): Promise<ConfigTestResult> {
    const { syncArgs } = await this.prepareSync()
    this.invocations.push(syncArgs)
    return stopAtFirstRecord(syncArgs, await this.execEnv())
  }
}

/** Python's returncode for a Node exit: the status, or minus the signal's number. */
const returncodeOf = (code: number | null, signal: NodeJS.Signals | null): number =>
  code ?? -(signal === null ? 0 : constants.signals[signal])

/**
 * Meltano's reading of one line: JSON that is not an object makes it crash
 * (it indexes the parsed value with "type"); other lines are skipped.
 */
const isRecordLine = (line: string): boolean => {
  let message: unknown
  try {
    message = JSON.parse(line)
  } catch {
    return false
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    throw new Error(`meltano config test would crash on this line: ${line.slice(0, 200)}`)
  }
  const type = (message as { type?: unknown }).type
  return type === 'RECORD' || type === 'BATCH'
}

/** Run the tap with stderr merged into stdout (one pipe, as Meltano does) and SIGTERM it after the first RECORD line. */
const stopAtFirstRecord = (args: readonly string[], env: NodeJS.ProcessEnv): Promise<ConfigTestResult> =>
  new Promise((done, fail) => {
    const child = spawn('/bin/sh', ['-c', 'exec "$@" 2>&1', 'sh', process.execPath, TAP, ...args], {
      env: { ...childEnv(), ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const linesRead: string[] = []
    let pending = ''
    let afterStop = ''
    let stopped = false
    let timedOut = false
    let guard: NodeJS.Timeout | undefined
    child.stdout.on('data', (chunk: Buffer) => {
      if (stopped) {
        afterStop += chunk.toString('utf8')
        return
      }
      pending += chunk.toString('utf8')
      let end: number
      while (!stopped && (end = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, end).trim()
        pending = pending.slice(end + 1)
        if (line === '') continue
        linesRead.push(line)
        let record: boolean
        try {
          record = isRecordLine(line)
        } catch (error) {
          child.kill('SIGKILL')
          fail(error)
          return
        }
        if (record) {
          stopped = true
          afterStop = pending
          child.kill('SIGTERM')
          guard = setTimeout(() => {
            timedOut = true
            child.kill('SIGKILL')
          }, 20_000)
        }
      }
    })
    child.on('error', fail)
    child.on('close', (code, signal) => {
      clearTimeout(guard)
      const returncode = returncodeOf(code, signal)
      done({
        valid: stopped,
        validBefore8212: Math.abs(returncode) === constants.signals.SIGTERM,
        returncode,
        message: returncode !== 0 ? (linesRead.at(-1) ?? '') : 'No RECORD or BATCH message received',
        linesRead,
        afterStop,
        timedOut,
      })
    })
  })
