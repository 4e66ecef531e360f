/**
 * The tap's settings: the io-ts codec that validates `--config`, the JSON Schema
 * `about` publishes (derived from the same codec), and the normalised `Config`
 * the engine runs on. Names match the singer-io tap where the meaning is the same.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { annotate, toJsonSchema } from '../core/json-schema.js'
import type { MapSettings } from '../maps/plan.js'

export const AGENTS_MAX_PAGE_SIZE = 100
export const BANS_MAX_PAGE_SIZE = 1000
export const DEFAULT_SEARCH_INTERVAL_DAYS = 14
export const DEFAULT_REQUESTS_PER_MINUTE = 200
export const DEFAULT_MAX_RETRIES = 8
export const DEFAULT_MAX_RETRY_WAIT_SECONDS = 300
export const DEFAULT_PARALLEL_STREAMS = 4

export type MetricsLogLevel = 'debug' | 'info' | 'warning' | 'error' | 'none'

/** metrics_log_level's words, in any case; WARN as Python's logging also reads it. */
const metricsLogLevelOf = (text: string): MetricsLogLevel | undefined => {
  const word = text.trim().toLowerCase()
  if (word === 'warn') return 'warning'
  return word === 'debug' || word === 'info' || word === 'warning' || word === 'error' || word === 'none' ? word : undefined
}

const NonEmptyString = t.refinement(t.string, (s) => s.trim().length > 0, 'a non-empty string')
const PositiveInt = t.refinement(t.Int, (n) => n >= 1, 'a positive integer')
const NonNegativeInt = t.refinement(t.Int, (n) => n >= 0, 'a non-negative integer')
/** An object setting; Meltano's `--config ENV` passes one as its JSON text, read by the code that uses it. */
const ObjectSetting = t.union([t.UnknownRecord, t.string])
const PositiveNumber = t.refinement(t.number, (n) => n > 0 && Number.isFinite(n), 'a positive number')
/** A page size from 1 to the API's maximum, which is also the default: fewest requests. */
const pageSizeSetting = (what: string, max: number) =>
  annotate(
    t.refinement(t.Int, (n) => n >= 1 && n <= max, `an integer from 1 to ${max}`),
    {
      title: `${what} page size`,
      description: `${what} requested per page (1 to ${max}).`,
      default: max,
      minimum: 1,
      maximum: max,
    },
  )

/** Each setting, with the words a user reads in `about`, Meltano and the README. */
export const SETTINGS = {
  access_token: annotate(NonEmptyString, {
    title: 'Access token',
    description: 'OAuth access token of a Zendesk Chat API client, with the read and chat scopes.',
    secret: true,
    writeOnly: true,
  }),
  subdomain: annotate(t.string, {
    title: 'Subdomain',
    description: 'Your Zendesk subdomain: acme, acme.zendesk.com or https://acme.zendesk.com/ (required unless base_url is set).',
  }),
  start_date: annotate(t.string, {
    title: 'Start date',
    description:
      'Earliest date to extract time-based data from (YYYY-MM-DD or RFC 3339; a date-time without an offset, e.g. 2024-01-01T00:00:00, is read as UTC), from 1970 on. Default: two years before the run.',
    format: 'date-time',
  }),
  base_url: annotate(t.string, {
    title: 'Base URL',
    description:
      'Replaces https://{subdomain}.zendesk.com/api/v2/chat, e.g. for the sandbox. Plain http:// is accepted only for loopback hosts.',
    format: 'uri',
  }),
  user_agent: annotate(t.string, {
    title: 'User agent',
    description: 'User-Agent header sent with every request.',
  }),
  request_timeout_seconds: annotate(PositiveNumber, {
    title: 'Request timeout',
    description: 'Seconds to wait for one API response before giving up on it.',
    default: 60,
    exclusiveMinimum: 0,
  }),
  max_requests_per_minute: annotate(PositiveInt, {
    title: 'Requests per minute',
    description:
      "Requests zchat makes per minute at most, over all streams, so it stays within the API's rate limit (200 a minute per account).",
    default: DEFAULT_REQUESTS_PER_MINUTE,
    minimum: 1,
  }),
  max_retries: annotate(NonNegativeInt, {
    title: 'Retries',
    description:
      'Retries of one request after a rate limit, a 5xx, a network fault, a timeout or a body that is not JSON, with exponential backoff.',
    default: DEFAULT_MAX_RETRIES,
    minimum: 0,
  }),
  max_retry_wait_seconds: annotate(PositiveNumber, {
    title: 'Longest wait',
    description: 'Longest Retry-After zchat waits for; a rate limit asking for more fails the run (its state resumes later).',
    default: DEFAULT_MAX_RETRY_WAIT_SECONDS,
    exclusiveMinimum: 0,
  }),
  max_parallel_streams: annotate(PositiveInt, {
    title: 'Parallel streams',
    description:
      'Streams read at the same time, all within the one request budget, so a full sync takes about as long as its largest stream. 1 reads them one after another (for targets that want streams unmixed).',
    default: DEFAULT_PARALLEL_STREAMS,
    minimum: 1,
  }),
  activate_version: annotate(t.boolean, {
    title: 'Activate version',
    description:
      'Send ACTIVATE_VERSION messages around each full-table read, so targets that support them replace the table (Full Refresh Overwrite). Turn off for targets that refuse the message.',
    default: true,
  }),
  agents_page_limit: pageSizeSetting('Agents', AGENTS_MAX_PAGE_SIZE),
  bans_page_limit: pageSizeSetting('Bans', BANS_MAX_PAGE_SIZE),
  chats_strategy: annotate(t.keyof({ export: null, search: null }), {
    title: 'Chats strategy',
    type: 'string',
    description:
      "How chats are read. export (default): the incremental export by update_timestamp, which also catches chats edited or deleted after they ended. search: chats/search windows by end_timestamp (offline messages by timestamp) and a bulk fetch, the singer-io tap's method; it cannot see later edits or deletions, so pair it with chats_full_sync_days.",
    default: 'export',
  }),
  chat_search_interval_days: annotate(PositiveInt, {
    title: 'Chat search window',
    description:
      'Days per chats/search window to begin with (search strategy). Windows that find few chats are widened and windows deeper than the search API allows are split.',
    default: DEFAULT_SEARCH_INTERVAL_DAYS,
    minimum: 1,
  }),
  chats_full_sync_days: annotate(PositiveInt, {
    title: 'Chats full sync every',
    description: 'Re-read all chats from start_date when the last full read is older than this many days (kept in state). Unset: never.',
    minimum: 1,
  }),
  client_id: annotate(t.string, {
    title: 'OAuth client id',
    description:
      'Identifier of the Zendesk Chat OAuth client the token came from. With client_secret and refresh_token, a token the API refuses (401) is refreshed once and the new tokens are written back to the config file.',
  }),
  client_secret: annotate(t.string, {
    title: 'OAuth client secret',
    description: 'Secret of that OAuth client (shown once when the client is created), for refreshing the token.',
    secret: true,
    writeOnly: true,
  }),
  refresh_token: annotate(t.string, {
    title: 'Refresh token',
    description: 'Refresh token from zchat login (authorization-code grant). It may work only once: zchat stores the new one it gets.',
    secret: true,
    writeOnly: true,
  }),
  stream_maps: annotate(ObjectSetting, {
    type: 'object',
    title: 'Stream maps',
    description:
      "Inline stream maps, with the Meltano SDK's meaning: per stream, properties computed by an expression, removed (null), or kept alone (__else__: null); __filter__, __alias__, __source__, __key_properties__. Nested fields as visitor.email.",
  }),
  stream_map_config: annotate(ObjectSetting, {
    type: 'object',
    title: 'Stream map config',
    description: "Values stream map expressions read as config, e.g. a hashing salt: config['salt'].",
  }),
  flattening_enabled: annotate(t.boolean, {
    title: 'Flattening',
    description: 'Nested objects become parent__child columns, up to flattening_max_depth; arrays and deeper objects become JSON text.',
    default: false,
  }),
  flattening_max_depth: annotate(NonNegativeInt, {
    title: 'Flattening depth',
    description: 'How many levels of nested objects flattening opens (required when flattening_enabled is true).',
    minimum: 0,
  }),
  metrics_log_level: annotate(
    t.refinement(t.string, (s) => metricsLogLevelOf(s) !== undefined, 'one of DEBUG, INFO, WARNING, ERROR or NONE'),
    {
      title: 'Metrics log level',
      description:
        'Level of the METRIC log lines (record_count, http_request_duration), as in Meltano SDK taps: they are logged at INFO, so DEBUG or INFO shows them and WARNING, ERROR or NONE hides them. Unset: shown in piped and JSON logs, hidden on a terminal.',
      type: 'string',
      enum: ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'NONE'],
    },
  ),
}

/** The config file as written: only access_token is required by the codec; the rest is checked below. */
export const RawConfig = t.intersection([
  t.type({ access_token: SETTINGS.access_token }),
  t.partial({
    subdomain: SETTINGS.subdomain,
    start_date: SETTINGS.start_date,
    base_url: SETTINGS.base_url,
    user_agent: SETTINGS.user_agent,
    request_timeout_seconds: SETTINGS.request_timeout_seconds,
    max_requests_per_minute: SETTINGS.max_requests_per_minute,
    max_retries: SETTINGS.max_retries,
    max_retry_wait_seconds: SETTINGS.max_retry_wait_seconds,
    max_parallel_streams: SETTINGS.max_parallel_streams,
    activate_version: SETTINGS.activate_version,
    agents_page_limit: SETTINGS.agents_page_limit,
    bans_page_limit: SETTINGS.bans_page_limit,
    chats_strategy: SETTINGS.chats_strategy,
    chat_search_interval_days: SETTINGS.chat_search_interval_days,
    chats_full_sync_days: SETTINGS.chats_full_sync_days,
    client_id: SETTINGS.client_id,
    client_secret: SETTINGS.client_secret,
    refresh_token: SETTINGS.refresh_token,
    stream_maps: SETTINGS.stream_maps,
    stream_map_config: SETTINGS.stream_map_config,
    flattening_enabled: SETTINGS.flattening_enabled,
    flattening_max_depth: SETTINGS.flattening_max_depth,
    metrics_log_level: SETTINGS.metrics_log_level,
  }),
])
export type RawConfig = t.TypeOf<typeof RawConfig>

export interface Config {
  readonly accessToken: string
  /** API root without a trailing slash, e.g. https://acme.zendesk.com/api/v2/chat */
  readonly apiBase: string
  readonly startDate: Date
  /** Sent as User-Agent; undefined means zchat's own. */
  readonly userAgent: string | undefined
  readonly requestTimeoutMs: number
  readonly maxRequestsPerMinute: number
  readonly maxRetries: number
  readonly maxRetryWaitMs: number
  readonly maxParallelStreams: number
  /** Full-table reads are wrapped in ACTIVATE_VERSION messages and their records carry the version. */
  readonly activateVersion: boolean
  readonly agentsPageLimit: number
  readonly bansPageLimit: number
  readonly chatsStrategy: 'export' | 'search'
  readonly chatSearchIntervalDays: number
  /** Undefined: chats are never re-read in full. */
  readonly chatsFullSyncDays: number | undefined
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
  /** Unset: METRIC lines are shown unless stderr is a terminal (src/cli/logger.ts, metricsShown). */
  readonly metricsLogLevel?: MetricsLogLevel
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

/** The names of the settings marked secret: never printed, scrubbed from logs. */
export const SECRET_SETTINGS: readonly string[] = Object.entries(SETTINGS)
  .filter(([, codec]) => toJsonSchema(codec).secret === true)
  .map(([name]) => name)

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
    const expected = key === 'access_token' && raw[key] === undefined ? 'it is required' : `expected ${entry?.type.name}`
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
  const c = decoded.right
  const known = new Set(Object.keys(SETTINGS))
  const warnings = Object.keys(input)
    .filter((k) => !known.has(k))
    .map((k) => `config: unknown key ${JSON.stringify(k)} ignored`)
  return E.right({
    config: {
      accessToken: c.access_token.trim(),
      apiBase,
      startDate,
      userAgent: c.user_agent?.trim() || undefined,
      requestTimeoutMs: (c.request_timeout_seconds ?? 60) * 1000,
      maxRequestsPerMinute: c.max_requests_per_minute ?? DEFAULT_REQUESTS_PER_MINUTE,
      maxRetries: c.max_retries ?? DEFAULT_MAX_RETRIES,
      maxRetryWaitMs: (c.max_retry_wait_seconds ?? DEFAULT_MAX_RETRY_WAIT_SECONDS) * 1000,
      maxParallelStreams: c.max_parallel_streams ?? DEFAULT_PARALLEL_STREAMS,
      activateVersion: c.activate_version ?? true,
      agentsPageLimit: c.agents_page_limit ?? AGENTS_MAX_PAGE_SIZE,
      bansPageLimit: c.bans_page_limit ?? BANS_MAX_PAGE_SIZE,
      chatsStrategy: c.chats_strategy ?? 'export',
      chatSearchIntervalDays: c.chat_search_interval_days ?? DEFAULT_SEARCH_INTERVAL_DAYS,
      chatsFullSyncDays: c.chats_full_sync_days,
      ...refreshOf(c, apiBase),
      maps: {
        streamMaps: c.stream_maps,
        streamMapConfig: c.stream_map_config,
        flatteningEnabled: c.flattening_enabled,
        flatteningMaxDepth: c.flattening_max_depth,
      },
      ...(c.metrics_log_level === undefined ? {} : { metricsLogLevel: metricsLogLevelOf(c.metrics_log_level) }),
    },
    warnings,
  })
}
