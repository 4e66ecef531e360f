/**
 * Regenerates the extractor's `capabilities` and `settings` in meltano.yml
 * from `about` (`npm run meltano-yml`), in the layout Meltano itself writes, so
 * that a user's first `meltano config set` or `meltano select` changes only
 * what they set; test/unit/project/meltano-yml.test.ts fails when the file falls behind.
 *
 * Meltano rewrites the whole file on every change (meltano/meltano
 * src/meltano/core/project.py `meltano_update`, project_files.py `update`)
 * with ruamel.yaml's round-trip dumper as src/meltano/core/yaml.py sets it up:
 * block style, no line wrapping, default indents (mapping 2, sequence 2,
 * offset 0: a sequence's dashes sit at its key's column), flow sequences kept
 * as loaded, quotes not kept (a string is plain when it can be, else
 * single-quoted, double-quoted when it holds a ' or a control character). The
 * keys of a plugin and of a setting come in the order their Canonical classes
 * set them (plugin/project_plugin.py, plugin/base.py Variant,
 * setting_definition.py); comments survive only above the first key of the
 * file, so this file keeps its notes there.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { isMap, isSeq, parseDocument, Scalar, visit, type Document, type ToStringOptions, type YAMLMap } from 'yaml'
import { about, type About } from '../src/engine/about.js'
import type { JsonSchema } from '../src/core/json-schema.js'
import { STREAMS } from '../src/streams/index.js'

export const MELTANO_YML = join(import.meta.dirname, '..', 'meltano.yml')
export const EXTRACTOR = 'tap-zendesk-chat'

/** Meltano's setting kinds that zchat's settings map to (`password` is deprecated: `string` with `sensitive: true`). */
export type MeltanoKind = 'string' | 'integer' | 'decimal' | 'boolean' | 'date_iso8601' | 'options' | 'object' | 'array'

export interface MeltanoSetting {
  readonly name: string
  readonly kind: MeltanoKind
  readonly value?: unknown
  readonly label?: string
  readonly description?: string
  readonly options?: readonly { readonly label: string; readonly value: unknown }[]
  readonly sensitive?: true
}

/** The key order of a setting in meltano.yml: SettingDefinition.__init__ (setting_definition.py). */
export const SETTING_KEY_ORDER = [
  'name',
  'aliases',
  'env',
  'env_aliases',
  'kind',
  'value',
  'label',
  'documentation',
  'description',
  'tooltip',
  'options',
  'oauth',
  'placeholder',
  'env_specific',
  'hidden',
  'sensitive',
] as const

/**
 * The key order of a custom plugin (one with a namespace) in meltano.yml: its
 * embedded PluginDefinition and Variant first (name, namespace, label, then the
 * variant's keys), then the ProjectPlugin's own (config, then extras such as
 * select and metadata).
 */
export const PLUGIN_KEY_ORDER = [
  'name',
  'namespace',
  'python',
  'label',
  'logo_url',
  'variant',
  'original',
  'deprecated',
  'docs',
  'repo',
  'pip_url',
  'executable',
  'description',
  'capabilities',
  'settings_group_validation',
  'settings',
  'commands',
  'requires',
  'requires_meltano',
  'env',
  'supported_python_versions',
  'config',
] as const

const typesOf = (schema: JsonSchema): string[] =>
  schema.type === undefined
    ? []
    : (Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string]).filter((t) => t !== 'null')

/** The Meltano kind of a setting, from its JSON Schema in `about`: Meltano casts a value set on its command line by this kind. */
export const meltanoKind = (schema: JsonSchema): MeltanoKind => {
  if (Array.isArray(schema.enum)) return 'options'
  const [type, ...others] = typesOf(schema)
  if (others.length > 0) throw new Error(`a setting of several types (${JSON.stringify(schema.type)}) has no Meltano kind`)
  switch (type) {
    case 'integer':
      return 'integer'
    case 'number':
      return 'decimal'
    case 'boolean':
      return 'boolean'
    case 'object':
      return 'object'
    case 'array':
      return 'array'
    case 'string':
      return schema.format === 'date-time' || schema.format === 'date' ? 'date_iso8601' : 'string'
    default:
      throw new Error(`a setting of type ${JSON.stringify(schema.type)} has no Meltano kind`)
  }
}

/** Every setting `about` declares, as meltano.yml defines it, keys in Meltano's order. */
export const meltanoSettings = (info: About): MeltanoSetting[] =>
  Object.entries(info.settings.properties as Record<string, JsonSchema>).map(([name, schema]) => {
    let kind: MeltanoKind
    try {
      kind = meltanoKind(schema)
    } catch (error) {
      throw new Error(`setting ${name}: ${(error as Error).message}; give its declaration in src/codecs/settings.ts one JSON type`)
    }
    const setting: Record<string, unknown> = {
      name,
      kind,
      value: schema.default,
      label: schema.title,
      description: schema.description,
      options: kind === 'options' ? (schema.enum as unknown[]).map((value) => ({ label: String(value), value })) : undefined,
      sensitive: schema.secret === true ? true : undefined,
    }
    const ordered = SETTING_KEY_ORDER.filter((k) => setting[k] !== undefined).map((k) => [k, setting[k]])
    return Object.fromEntries(ordered) as unknown as MeltanoSetting
  })

/** ruamel.yaml's dump options as Meltano sets them, in the `yaml` package's terms. */
export const RUAMEL_LAYOUT: ToStringOptions = {
  indent: 2,
  indentSeq: false,
  lineWidth: 0,
  minContentWidth: 0,
  singleQuote: true,
  flowCollectionPadding: false,
}

/** A whole string that ruamel's resolver (resolver.py, tag:yaml.org,2002:timestamp) reads as a date, so it quotes it. */
const TIMESTAMP =
  /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/
/** Whole strings ruamel's YAML 1.2 resolver reads as numbers (underscores allowed), which it quotes. */
const RUAMEL_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$/
const RUAMEL_FLOAT = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|\.[0-9_]+(?:[eE][-+][0-9]+)?)$/
/** Newlines, tabs and other control characters: ruamel double-quotes a string holding one, escaped. */
const isControl = (c: number): boolean => c < 0x20 || c === 0x7f

/** The style ruamel gives a string: undefined leaves it to `yaml` (plain when it can be, else quoted as ruamel quotes). */
export const ruamelStringType = (value: string): Scalar.Type | undefined => {
  if ([...value].some((ch) => isControl(ch.charCodeAt(0)))) return Scalar.QUOTE_DOUBLE
  if (TIMESTAMP.test(value) || RUAMEL_INT.test(value) || RUAMEL_FLOAT.test(value))
    return value.includes("'") ? Scalar.QUOTE_DOUBLE : Scalar.QUOTE_SINGLE
  return undefined
}

/** The document as Meltano would write it back: every string in ruamel's style, the layout ruamel's. */
export const ruamelText = (doc: Document): string => {
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value === 'string') node.type = ruamelStringType(node.value)
    },
  })
  return doc.toString(RUAMEL_LAYOUT)
}

const extractorNode = (doc: Document): YAMLMap => {
  const extractors = doc.getIn(['plugins', 'extractors'])
  const found = isSeq(extractors) ? extractors.items.find((e) => isMap(e) && e.get('name') === EXTRACTOR) : undefined
  if (!isMap(found)) throw new Error(`meltano.yml has no extractor named ${EXTRACTOR}`)
  return found
}

/** meltano.yml with the extractor's capabilities and settings as `about` declares them, the rest as it was (in Meltano's layout). */
export const withGeneratedSettings = (text: string, info: About = about('', STREAMS)): string => {
  const doc = parseDocument(text)
  if (doc.errors.length > 0) throw new Error(`meltano.yml: ${doc.errors[0]!.message}`)
  const extractor = extractorNode(doc)
  const replace = (key: string, value: unknown) => {
    const node = doc.createNode(value)
    if (extractor.has(key)) extractor.set(key, node)
    else throw new Error(`meltano.yml: the ${EXTRACTOR} entry has no ${key}`)
  }
  replace('capabilities', [...info.capabilities])
  replace('settings', meltanoSettings(info))
  return ruamelText(doc)
}

if (process.argv[1] === import.meta.filename) {
  writeFileSync(MELTANO_YML, withGeneratedSettings(readFileSync(MELTANO_YML, 'utf8')))
}
