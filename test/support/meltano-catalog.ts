/**
 * Meltano's catalog rules, emulated for tests (Meltano itself is not
 * installable here). Before every sync Meltano takes the discovered catalog,
 * deselects everything (`!*.*`), applies the project's `select` patterns
 * (default `*.*`), then its `metadata` rules, and hands the result to the tap
 * with --catalog. Facts from meltano/meltano's singer/catalog.py and tap.py:
 *
 * - A pattern is `[!]stream[.property[.sub]]`; the first unescaped dot splits
 *   stream from property, `\.` escapes a dot in a stream name. Both sides are
 *   Python fnmatch globs (`*`, `?`, `[seq]`, `[!seq]`; `*` crosses dots), and
 *   a property glob is matched against the dotted breadcrumb
 *   (`properties.a.properties.b`), so `stream.*` reaches nested properties.
 * - Inclusion rules come before exclusion rules, whatever the order written,
 *   so `!` always wins over a plain pattern. A stream-only pattern means
 *   `stream.*`; selecting `s.a.b` also selects `s` and `s.a`.
 * - Rules set `metadata[key]` on every matching metadata entry, and on the
 *   stream entry itself for breadcrumb [] (the legacy top-level `selected`,
 *   `replication_method`, with dashes turned to underscores).
 * - Schema properties without a metadata entry get one first: `inclusion:
 *   automatic` for top-level ones, `available` for nested ones.
 * - `selected: true` is never set on an `inclusion: unsupported` entry.
 * - What counts as selected (`meltano select --list`): inclusion automatic, or
 *   `selected` true, or `selected` unset and `selected-by-default` true.
 *
 * Left out: `schema` overrides (zchat reads its own schemas) and the
 * `--select`/`--exclude` filters of `meltano el`.
 */
import { sameBreadcrumb, type Catalog, type CatalogStream, type MetadataEntry } from './catalog.js'
import { isJsonObject } from './singer.js'

/** Python's fnmatch.fnmatchcase: the whole string against a glob, case-sensitively (as on POSIX). */
export const fnmatch = (name: string, pattern: string): boolean => globRegExp(pattern).test(name)

const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\]/g

const globRegExp = (pattern: string): RegExp => {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '*') source += '.*'
    else if (c === '?') source += '.'
    else if (c === '[') {
      // A set runs to the next `]`, which may not be its first character; no `]`: a literal `[`.
      let j = i + 1
      if (pattern[j] === '!') j++
      if (pattern[j] === ']') j++
      while (j < pattern.length && pattern[j] !== ']') j++
      if (j >= pattern.length) source += '\\['
      else {
        const body = pattern.slice(i + 1, j)
        const negated = body.startsWith('!')
        const members = (negated ? body.slice(1) : body).replace(/[\\\]^[]/g, '\\$&')
        source += `[${negated ? '^' : ''}${members}]`
        i = j
      }
    } else source += c.replace(REGEXP_SPECIAL, '\\$&')
  }
  return new RegExp(`^(?:${source})$`, 's')
}

export interface SelectPattern {
  readonly stream: string
  /** Undefined for a stream-only pattern. */
  readonly property: string | undefined
  readonly negated: boolean
}

const UNESCAPED_DOT = /(?<!\\)\./

export const parseSelectPattern = (raw: string): SelectPattern => {
  const negated = raw.startsWith('!')
  const pattern = negated ? raw.slice(1) : raw
  const at = pattern.search(UNESCAPED_DOT)
  const stream = at < 0 ? pattern : pattern.slice(0, at)
  return { stream: stream.replaceAll('\\.', '.'), property: at < 0 ? undefined : pattern.slice(at + 1), negated }
}

export interface MetadataRule {
  readonly stream: string
  readonly breadcrumb: readonly string[]
  readonly key: string
  readonly value: unknown
}

export const propertyBreadcrumb = (props: readonly string[]): string[] => props.flatMap((p) => ['properties', p])

const matches = (rule: MetadataRule, streamId: string, breadcrumb: readonly string[]): boolean =>
  fnmatch(streamId, rule.stream) && fnmatch(breadcrumb.join('.'), rule.breadcrumb.join('.'))

/** The metadata rules of `select` patterns: inclusions first, then exclusions. */
export const selectMetadataRules = (patterns: readonly string[]): MetadataRule[] => {
  const include: MetadataRule[] = []
  const exclude: MetadataRule[] = []
  for (const raw of patterns) {
    const { stream, property, negated } = parseSelectPattern(raw)
    const rules = negated ? exclude : include
    const select = (props: readonly string[]): MetadataRule => ({
      stream,
      breadcrumb: propertyBreadcrumb(props),
      key: 'selected',
      value: !negated,
    })
    if (!property) {
      rules.push(select([]), select(['*']))
      continue
    }
    if (!negated || property === '*') rules.push(select([]))
    const props = property.split('.')
    rules.push(select(props))
    if (!negated) for (let n = 1; n < props.length; n++) rules.push(select(props.slice(0, n)))
  }
  return [...include, ...exclude]
}

/** The rules of a `metadata:` extra, `{stream: {key: value}}` or `{stream: {property: {key: value}}}` (globs allowed). */
export const configMetadataRules = (metadata: Record<string, unknown>): MetadataRule[] =>
  Object.entries(flattenDotted(metadata)).map(([path, value]) => {
    const parts = path.split('.')
    return { stream: parts[0]!, breadcrumb: propertyBreadcrumb(parts.slice(1, -1)), key: parts.at(-1)!, value }
  })

const flattenDotted = (object: Record<string, unknown>, prefix = ''): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(object).flatMap(([k, v]) =>
      isJsonObject(v) ? Object.entries(flattenDotted(v, `${prefix}${k}.`)) : [[`${prefix}${k}`, v]],
    ),
  )

export interface CatalogRules {
  /** The `select` extra; Meltano's default is every stream and property. */
  readonly select?: readonly string[]
  /** The `metadata` extra. */
  readonly metadata?: Record<string, unknown>
}

/** The rules Meltano applies to a discovered catalog before a sync, in its order. */
export const catalogRules = ({ select = ['*.*'], metadata = {} }: CatalogRules): MetadataRule[] => [
  ...selectMetadataRules(['!*.*']),
  ...selectMetadataRules(select),
  ...configMetadataRules(metadata),
]

/** Breadcrumbs of every schema property Meltano's visitor reaches: nested `properties` only, names of word characters. */
const propertyBreadcrumbs = (schema: unknown, at: string[] = []): string[][] => {
  const properties = isJsonObject(schema) && isJsonObject(schema.properties) ? schema.properties : {}
  return Object.entries(properties).flatMap(([name, sub]) => {
    if (!/^\w*$/.test(name)) return []
    const here = [...at, 'properties', name]
    return [here, ...propertyBreadcrumbs(sub, here)]
  })
}

const setMetadata = (target: Record<string, unknown>, key: string, value: unknown) => {
  if (key === 'selected' && value === true && target.inclusion === 'unsupported') return
  target[key] = value
}

/** A copy of `catalog` with `rules` applied the way Meltano's MetadataExecutor does. */
export const applyMetadataRules = (catalog: Catalog, rules: readonly MetadataRule[]): Catalog => {
  const copy = structuredClone(catalog)
  for (const stream of copy.streams as (CatalogStream & Record<string, unknown>)[]) {
    const id = stream.tap_stream_id
    stream.metadata ??= []
    const ensure = (breadcrumb: string[]) => {
      if (stream.metadata.some((m) => sameBreadcrumb(m.breadcrumb, breadcrumb))) return
      stream.metadata.push({ breadcrumb, metadata: { inclusion: breadcrumb.length <= 2 ? 'automatic' : 'available' } })
    }
    ensure([])
    for (const rule of rules) if (matches(rule, id, [])) setMetadata(stream, rule.key.replaceAll('-', '_'), rule.value)
    // The visitor walks the stream's keys in order: entries added while walking the schema are
    // visited by the rules only when `metadata` comes after `schema`.
    for (const key of Object.keys(stream)) {
      if (key === 'schema') for (const breadcrumb of propertyBreadcrumbs(stream.schema)) ensure(breadcrumb)
      if (key === 'metadata') {
        for (const entry of stream.metadata as MetadataEntry[]) {
          for (const rule of rules) if (matches(rule, id, entry.breadcrumb)) setMetadata(entry.metadata, rule.key, rule.value)
        }
      }
    }
  }
  return copy
}

const isSelected = (metadata: Record<string, unknown>): boolean => {
  if (metadata.inclusion === 'automatic') return true
  if (metadata.inclusion === 'unsupported') return false
  return metadata.selected === true || ((metadata.selected ?? null) === null && metadata['selected-by-default'] === true)
}

/** What `meltano select --list` calls selected: per selected stream, its selected properties as dotted paths. */
export const selectedProperties = (catalog: Catalog): Map<string, Set<string>> => {
  const out = new Map<string, Set<string>>()
  for (const stream of catalog.streams) {
    const streamEntry = stream.metadata.find((m) => m.breadcrumb.length === 0)
    if (streamEntry === undefined || !isSelected(streamEntry.metadata)) continue
    const properties = stream.metadata
      .filter((m) => m.breadcrumb.length > 0 && isSelected(m.metadata))
      .map((m) => m.breadcrumb.filter((_, i) => i % 2 === 1).join('.'))
    out.set(stream.tap_stream_id, new Set(properties))
  }
  return out
}
