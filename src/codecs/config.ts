/**
 * The normalised `Config` the engine runs on, from the settings declared in
 * src/codecs/settings.ts: parseConfig validates `--config` with the codec
 * derived from them and makes the fields that several settings make together.
 */
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import type { MapSettings } from '../maps/plan.js'
import { settingFields, withDefaults, type Setting } from './setting.js'
import { RawConfig, SECRET_SETTINGS, SETTINGS, type SettingsConfig } from './settings.js'

export { RawConfig, SECRET_SETTINGS, SETTINGS, type MetricsLogLevel } from './settings.js'

/** The fields one setting each makes (SettingsConfig), and those made from several. */
export interface Config extends SettingsConfig {
  /** API root without a trailing slash, e.g. https://acme.zendesk.com/api/v2/chat */
  readonly apiBase: string
  readonly startDate: Date
  /** Set when client_id, client_secret and refresh_token all are: a refused token is refreshed at `tokenUrl`. */
  readonly refresh?: TokenRefresh
  /**
   * The one config file the settings came from, where refreshed tokens are
   * written back; undefined when they came from the environment or several
   * sources (set by the CLI, which knows the sources).
   */
  readonly storedIn?: string
  /** stream_maps, stream_map_config and flattening, checked against the catalog before any request (src/maps). */
  readonly maps?: MapSettings
}

export interface TokenRefresh {
  readonly clientId: string
  readonly clientSecret: string
  readonly refreshToken: string
  /** The OAuth token endpoint of the account's host (oauthEndpoints). */
  readonly tokenUrl: string
}

/** The OAuth endpoints (API.md): Support-integrated accounts under their own host, legacy Chat-only accounts under www.zopim.com. */
export interface OAuthEndpoints {
  readonly authorize: string
  readonly token: string
}

export const LEGACY_OAUTH_ORIGIN = 'https://www.zopim.com'
export const LEGACY_API_BASE = 'https://www.zopim.com/api/v2'

/**
 * The endpoints on `origin` (https://acme.zendesk.com, or a base_url's origin
 * such as the sandbox's): /oauth2/chat/... for integrated accounts, the zopim
 * paths (/oauth2/...) when `legacy` or the origin is zopim's.
 */
export const oauthEndpoints = (origin: string, legacy = false): OAuthEndpoints => {
  const root = origin.replace(/\/+$/, '')
  const zopim = legacy || new URL(root).host === new URL(LEGACY_OAUTH_ORIGIN).host
  const prefix = zopim ? `${root}/oauth2` : `${root}/oauth2/chat`
  return { authorize: `${prefix}/authorizations/new`, token: `${prefix}/token` }
}

export interface ParsedConfig {
  readonly config: Config
  /** Things worth a warning but not worth stopping for (unknown keys). */
  readonly warnings: readonly string[]
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i
/** A date-time without an offset, read as UTC (as most taps read it). */
const NO_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/
const SUBDOMAIN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i

/** `YYYY-MM-DD` (midnight UTC), RFC 3339 with any offset, or a date-time without one (UTC); undefined when none of these. */
export const parseDate = (text: string): Date | undefined => {
  const trimmed = text.trim()
  if (!DATE_ONLY.test(trimmed) && !DATE_TIME.test(trimmed)) return undefined
  const date = new Date(
    DATE_ONLY.test(trimmed) ? `${trimmed}T00:00:00Z` : NO_OFFSET.test(trimmed) ? `${trimmed.replace(' ', 'T')}Z` : trimmed,
  )
  return Number.isNaN(date.getTime()) ? undefined : date
}

/** `acme`, `acme.zendesk.com`, `https://acme.zendesk.com/` → `acme`. */
export const parseSubdomain = (text: string): string | undefined => {
  const host = text
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/.*$/, '')
    .replace(/\.zendesk\.com$/i, '')
  return SUBDOMAIN.test(host) ? host.toLowerCase() : undefined
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i

export const parseBaseUrl = (text: string): E.Either<string, string> => {
  let url: URL
  try {
    url = new URL(text.trim())
  } catch {
    return E.left(`base_url: ${JSON.stringify(text)} is not a URL`)
  }
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    return E.left(`base_url: plain http:// is refused for ${url.hostname} (the token would travel unencrypted); use https://`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return E.left(`base_url: ${url.protocol} is not http or https`)
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    return E.left('base_url: must not carry credentials, a query or a fragment')
  }
  return E.right(url.toString().replace(/\/+$/, ''))
}

const describeValue = (key: string, value: unknown): string => {
  if (SECRET_SETTINGS.includes(key)) return value === undefined ? 'nothing' : `a ${typeof value}`
  if (value === undefined) return 'nothing'
  const text = JSON.stringify(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/** io-ts errors as one line per key: "start_date: expected a date..., got 5". */
const codecProblems = (raw: Record<string, unknown>, errors: t.Errors): string[] => {
  const byKey = new Map<string, string>()
  for (const error of errors) {
    const entry = error.context.find((c, i) => i > 0 && c.key !== '' && !/^\d+$/.test(c.key))
    const key = entry?.key ?? '(config)'
    if (byKey.has(key)) continue
    const required = (SETTINGS as Readonly<Record<string, Setting>>)[key]?.required === true
    const expected = required && raw[key] === undefined ? 'it is required' : `expected ${entry?.type.name}`
    byKey.set(key, `${key}: ${expected}, got ${describeValue(key, raw[key])}`)
  }
  return [...byKey.values()]
}

const refreshOf = (c: RawConfig, apiBase: string): { refresh?: TokenRefresh } => {
  const [clientId, clientSecret, refreshToken] = [c.client_id, c.client_secret, c.refresh_token].map((v) => v?.trim() ?? '')
  if (clientId === '' || clientSecret === '' || refreshToken === '') return {}
  return {
    refresh: {
      clientId: clientId!,
      clientSecret: clientSecret!,
      refreshToken: refreshToken!,
      tokenUrl: oauthEndpoints(new URL(apiBase).origin).token,
    },
  }
}

/** Validate and normalise a parsed config file. Left: one line per problem. */
export const parseConfig = (input: unknown, now: Date): E.Either<readonly string[], ParsedConfig> => {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return E.left(['the config must be a JSON object'])
  }
  // Unset settings arrive as null from some orchestrators: treat them as absent.
  const raw = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null))
  const decoded = RawConfig.decode(raw)
  const problems = E.isLeft(decoded) ? codecProblems(raw, decoded.left) : []
  // Keys the codec refused are reported once; the checks below read the rest.
  const usable = (key: keyof RawConfig): string | undefined => {
    const value = raw[key]
    return typeof value === 'string' && !problems.some((p) => p.startsWith(`${key}:`)) ? value : undefined
  }

  let apiBase = ''
  const baseUrl = usable('base_url')
  const subdomainText = usable('subdomain')
  if (baseUrl !== undefined && baseUrl.trim() !== '') {
    const base = parseBaseUrl(baseUrl)
    if (E.isLeft(base)) problems.push(base.left)
    else apiBase = base.right
  } else if (subdomainText === undefined || subdomainText.trim() === '') {
    if (!problems.some((p) => p.startsWith('subdomain:'))) problems.push('subdomain: required (or set base_url)')
  } else {
    const subdomain = parseSubdomain(subdomainText)
    if (subdomain === undefined) problems.push(`subdomain: ${JSON.stringify(subdomainText)} is not a Zendesk subdomain`)
    else apiBase = `https://${subdomain}.zendesk.com/api/v2/chat`
  }

  let startDate = new Date(now.getTime())
  startDate.setUTCFullYear(startDate.getUTCFullYear() - 2)
  const startText = usable('start_date')
  if (startText !== undefined) {
    const parsed = parseDate(startText)
    if (parsed === undefined)
      problems.push(`start_date: ${JSON.stringify(startText)} is not a date (YYYY-MM-DD, or RFC 3339 such as 2024-01-01T00:00:00Z)`)
    else if (parsed.getTime() > now.getTime()) problems.push(`start_date: ${startText} is in the future`)
    // The API's times are seconds since 1970; before that it answers 400 about a start_time the user never set.
    else if (parsed.getTime() < 0) problems.push(`start_date: ${startText} is before 1970-01-01, earlier than the API can read from`)
    else startDate = parsed
  }

  if (problems.length > 0 || E.isLeft(decoded)) return E.left(problems)
  const c = withDefaults(SETTINGS, decoded.right)
  const known = new Set(Object.keys(SETTINGS))
  const warnings = Object.keys(input)
    .filter((k) => !known.has(k))
    .map((k) => `config: unknown key ${JSON.stringify(k)} ignored`)
  return E.right({
    config: {
      ...settingFields(SETTINGS, c),
      apiBase,
      startDate,
      ...refreshOf(c, apiBase),
      maps: {
        streamMaps: c.stream_maps,
        streamMapConfig: c.stream_map_config,
        flatteningEnabled: c.flattening_enabled,
        flatteningMaxDepth: c.flattening_max_depth,
      },
    },
    warnings,
  })
}
