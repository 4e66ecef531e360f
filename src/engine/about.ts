/**
 * What the tap says about itself (`about`, `--about`): the same facts as JSON
 * for tools, Markdown for a README, and plain text for a terminal.
 */
import { RawConfig, SETTINGS } from '../codecs/config.js'
import type { Setting } from '../codecs/setting.js'
import { toJsonSchema, type JsonSchema } from '../core/json-schema.js'
import { defaultMethodOf, type StreamDef } from '../streams/stream.js'

export const TAP_NAME = 'tap-zendesk-chat'
export const TAP_DESCRIPTION =
  'Zendesk Chat extractor for Singer and Meltano: chats, agents, timelines and account settings, incrementally.'
export const CAPABILITIES = [
  'catalog',
  'discover',
  'properties',
  'state',
  'about',
  'activate-version',
  'test',
  'structured-logging',
  'stream-maps',
  'schema-flattening',
] as const

export interface About {
  readonly name: string
  readonly description: string
  readonly version: string
  /** Where Meltano SDK taps name their singer-sdk release; zchat is not built on it. */
  readonly sdk_version: null
  readonly capabilities: readonly string[]
  readonly settings: JsonSchema
  readonly streams: readonly {
    readonly name: string
    readonly description: string
    readonly key_properties: readonly string[]
    readonly replication_method: string
    readonly replication_key?: string
    /** A stream read in full by default that a catalog can switch to INCREMENTAL on this key. */
    readonly incremental_key?: string
  }[]
}

export const about = (version: string, streams: readonly StreamDef[]): About => ({
  name: TAP_NAME,
  description: TAP_DESCRIPTION,
  version,
  sdk_version: null,
  capabilities: CAPABILITIES,
  settings: toJsonSchema(RawConfig),
  streams: streams.map((s) => ({
    name: s.name,
    description: s.description,
    key_properties: s.keyProperties,
    replication_method: defaultMethodOf(s),
    ...(s.replication.method !== 'INCREMENTAL'
      ? {}
      : defaultMethodOf(s) === 'INCREMENTAL'
        ? { replication_key: s.replication.key }
        : { incremental_key: s.replication.key }),
  })),
})

interface SettingRow {
  readonly name: string
  readonly type: string
  readonly required: boolean
  readonly default: string
  readonly secret: boolean
  readonly description: string
  /** The stream the setting tunes, as its declaration says; undefined for the tap's own settings. */
  readonly stream: string | undefined
}

const settingRows = (info: About): SettingRow[] => {
  const properties = info.settings.properties as Record<string, JsonSchema>
  const required = new Set((info.settings.required as string[] | undefined) ?? [])
  return Object.entries(properties).map(([name, s]) => ({
    name,
    // A setting with choices shows them: `export or search`.
    type: Array.isArray(s.enum) ? choices(s.enum as unknown[]) : String(s.type ?? 'any'),
    required: required.has(name),
    default: s.default === undefined ? '' : JSON.stringify(s.default),
    secret: s.secret === true,
    description: String(s.description ?? ''),
    stream: (SETTINGS as Readonly<Record<string, Setting>>)[name]?.stream,
  }))
}

const tapSettings = (info: About) => settingRows(info).filter((r) => r.stream === undefined)
const streamSettings = (info: About) => settingRows(info).filter((r) => r.stream !== undefined)

const choices = (values: readonly unknown[]): string =>
  values.length <= 1 ? values.map(String).join('') : `${values.slice(0, -1).map(String).join(', ')} or ${String(values.at(-1))}`

const cell = (text: string) => text.replace(/\|/g, '\\|')

const settingCells = (r: SettingRow): string =>
  `${r.type}${r.secret ? ' (secret)' : ''} | ${r.required ? 'yes' : 'no'} | ${cell(r.default)} | ${cell(r.description)}`

const settingLine = (r: SettingRow): string =>
  `  ${r.name}${r.required ? ' (required)' : ''}${r.secret ? ' (secret)' : ''}: ${r.type}${r.default === '' ? '' : `, default ${r.default}`}${r.stream === undefined ? '' : `; ${r.stream} stream`}\n      ${r.description}`

export const aboutMarkdown = (info: About): string =>
  [
    `# ${info.name} ${info.version}`,
    '',
    info.description,
    '',
    '## Capabilities',
    '',
    ...info.capabilities.map((c) => `- \`${c}\``),
    '',
    '## Settings',
    '',
    '| Setting | Type | Required | Default | Description |',
    '|---|---|---|---|---|',
    ...tapSettings(info).map((r) => `| \`${r.name}\` | ${settingCells(r)} |`),
    '',
    '## Stream settings',
    '',
    'Each tunes how one stream is read.',
    '',
    '| Stream | Setting | Type | Required | Default | Description |',
    '|---|---|---|---|---|---|',
    ...streamSettings(info).map((r) => `| \`${r.stream}\` | \`${r.name}\` | ${settingCells(r)} |`),
    '',
    '## Streams',
    '',
    '| Stream | Key | Replication | Description |',
    '|---|---|---|---|',
    ...info.streams.map(
      (s) =>
        `| \`${s.name}\` | ${s.key_properties.map((k) => `\`${k}\``).join(', ') || '(none)'} | ${s.replication_method}${s.replication_key === undefined ? '' : ` on \`${s.replication_key}\``}${s.incremental_key === undefined ? '' : ` (INCREMENTAL on \`${s.incremental_key}\` selectable)`} | ${cell(s.description)} |`,
    ),
    '',
  ].join('\n')

export const aboutText = (info: About): string =>
  [
    `${info.name} ${info.version}`,
    info.description,
    '',
    `Capabilities: ${info.capabilities.join(', ')}`,
    '',
    'Settings:',
    ...tapSettings(info).map(settingLine),
    '',
    'Stream settings:',
    ...streamSettings(info).map(settingLine),
    '',
    'Streams:',
    ...info.streams.map(
      (s) =>
        `  ${s.name}: key ${s.key_properties.join(', ') || '(none)'}; ${s.replication_method}${s.replication_key === undefined ? '' : ` on ${s.replication_key}`}${s.incremental_key === undefined ? '' : ` (INCREMENTAL on ${s.incremental_key} selectable)`}`,
    ),
    '',
  ].join('\n')
