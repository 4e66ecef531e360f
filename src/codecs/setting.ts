/**
 * What a setting is, said once: its codec, the words `about`, Meltano and the
 * README show, its default, whether it is secret, the stream it tunes, and the
 * Config field it becomes. The config codec, the published JSON Schema, the
 * secret names and the defaults are all derived from these declarations
 * (src/codecs/settings.ts holds them).
 */
import * as t from 'io-ts'
import { annotate, toJsonSchema, type JsonSchema } from '../core/json-schema.js'

/** The streams that have settings of their own (names as in src/streams; a test checks each is a stream). */
export type SettingOwner = 'agents' | 'bans' | 'chats'

/** Config fields made from several settings together, by parseConfig (src/codecs/config.ts). */
export type CombinedField = 'apiBase' | 'startDate' | 'refresh' | 'maps'

/** A setting's value as the config file may hold it (a branded Int is a number there). */
export type ValueOf<C extends t.Mixed> = t.OutputOf<C>

interface Words<C extends t.Mixed> {
  readonly codec: C
  readonly title: string
  readonly description: string
  /** Never printed, scrubbed from logs; published as secret and write-only. */
  readonly secret?: true
  /** The stream this setting tunes; absent for the settings of the whole tap. */
  readonly stream?: SettingOwner
  /** JSON Schema keywords the codec cannot say: bounds, a format, the JSON type of a closed set of words. */
  readonly schema?: JsonSchema
}

interface Presence<C extends t.Mixed> {
  /** The codec refuses a config without it. */
  readonly required?: true
  /** Taken when the setting is unset, and published as the schema's default. */
  readonly default?: ValueOf<C>
}

/** A setting that becomes one Config field by itself. */
export interface FieldSetting<C extends t.Mixed = t.Mixed, K extends string = string, F = unknown> extends Words<C>, Presence<C> {
  readonly field: K
  /** The field's value from the setting's value (its default when unset: withDefaults). */
  read(value: ValueOf<C> | undefined): F
}

/** A setting parseConfig reads together with others into one Config field. */
export interface PartSetting<C extends t.Mixed = t.Mixed> extends Words<C>, Presence<C> {
  readonly partOf: CombinedField
}

export type Setting = FieldSetting | PartSetting

type Normalised<K extends string, F, V> = { readonly field: K; readonly normalise?: (value: V) => F }

/** A setting the config must hold: the field always gets its value. */
export function setting<C extends t.Mixed, K extends string, F = ValueOf<C>>(
  declared: Words<C> & { readonly required: true } & Normalised<K, F, ValueOf<C>>,
): FieldSetting<C, K, F> & { readonly required: true }
/** A setting with a default: the field gets the default when it is unset. */
export function setting<C extends t.Mixed, K extends string, F = ValueOf<C>>(
  declared: Words<C> & { readonly default: ValueOf<C> } & Normalised<K, F, ValueOf<C>>,
): FieldSetting<C, K, F>
/** A setting that may be unset: the field gets undefined then (unless normalise says otherwise). */
export function setting<C extends t.Mixed, K extends string, F = ValueOf<C> | undefined>(
  declared: Words<C> & Normalised<K, F, ValueOf<C> | undefined>,
): FieldSetting<C, K, F>
export function setting(
  declared: Words<t.Mixed> & Presence<t.Mixed> & Normalised<string, unknown, unknown>,
): FieldSetting<t.Mixed, string, unknown> {
  const { normalise = (value: unknown) => value, ...rest } = declared
  return { ...rest, read: normalise }
}

/** A setting read together with others into one Config field (`partOf`). */
export const part = <C extends t.Mixed>(partOf: CombinedField, declared: Words<C> & Presence<C>): PartSetting<C> => ({
  ...declared,
  partOf,
})

/** The JSON Schema a setting is published with (about, meltano.yml, the README). */
export const schemaOf = (s: Setting): JsonSchema => ({
  ...toJsonSchema(s.codec),
  title: s.title,
  description: s.description,
  ...(s.default === undefined ? {} : { default: s.default }),
  ...(s.secret === true ? { secret: true, writeOnly: true } : {}),
  ...s.schema,
})

type Names<S, Required extends boolean> = {
  [N in keyof S]: S[N] extends { readonly required: true } ? (Required extends true ? N : never) : Required extends true ? never : N
}[keyof S]
type CodecsOf<S extends Record<string, Setting>, N extends keyof S> = { [K in N]: S[K]['codec'] }

/** The config file's codec: the required settings, then the rest; each codec carries its published schema. */
export const configCodec = <S extends Record<string, Setting>>(settings: S) => {
  const annotated = (required: boolean) =>
    Object.fromEntries(
      Object.entries(settings)
        .filter(([, s]) => (s.required === true) === required)
        .map(([name, s]) => [name, annotate(s.codec, schemaOf(s))]),
    )
  return t.intersection([
    t.type(annotated(true) as CodecsOf<S, Names<S, true>>),
    t.partial(annotated(false) as CodecsOf<S, Names<S, false>>),
  ])
}

/** The settings' defaults, filled in where a decoded config leaves them unset. */
export const withDefaults = <R extends Record<string, unknown>>(settings: Record<string, Setting>, decoded: R): R =>
  Object.fromEntries(Object.entries(settings).map(([name, s]) => [name, decoded[name] ?? s.default])) as R

/** The Config fields the settings make one by one, keyed by field name. */
export type SettingFields<S> = {
  readonly [N in keyof S as S[N] extends { readonly field: infer K extends string } ? K : never]: S[N] extends {
    readonly read: (value: never) => infer F
  }
    ? F
    : never
}

/** Each one-setting field of a decoded config, defaults applied. */
export const settingFields = <S extends Record<string, Setting>>(settings: S, decoded: Record<string, unknown>): SettingFields<S> => {
  const values = withDefaults(settings, decoded)
  return Object.fromEntries(
    Object.entries(settings).flatMap(([name, s]) => ('field' in s ? [[s.field, s.read(values[name])]] : [])),
  ) as SettingFields<S>
}
