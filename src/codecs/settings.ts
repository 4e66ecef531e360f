/**
 * The tap's settings, each declared once (src/codecs/setting.ts says what a
 * declaration holds), in the order `about`, meltano.yml and the README list
 * them. Names match the singer-io tap where the meaning is the same.
 */
import * as t from 'io-ts'
import { configCodec, part, setting, type SettingFields } from './setting.js'

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

const AGENTS_MAX_PAGE_SIZE = 100
const BANS_MAX_PAGE_SIZE = 1000

/** A page size from 1 to the API's maximum, which is also the default: fewest requests. */
const pageSize = (what: string, max: number) => ({
  codec: t.refinement(t.Int, (n) => n >= 1 && n <= max, `an integer from 1 to ${max}`),
  title: `${what} page size`,
  description: `${what} requested per page (1 to ${max}).`,
  default: max,
  schema: { minimum: 1, maximum: max },
})

const seconds = (value: number): number => value * 1000

export const SETTINGS = {
  access_token: setting({
    codec: NonEmptyString,
    title: 'Access token',
    description: 'OAuth access token of a Zendesk Chat API client, with the read and chat scopes.',
    required: true,
    secret: true,
    field: 'accessToken',
    normalise: (token) => token.trim(),
  }),
  subdomain: part('apiBase', {
    codec: t.string,
    title: 'Subdomain',
    description: 'Your Zendesk subdomain: acme, acme.zendesk.com or https://acme.zendesk.com/ (required unless base_url is set).',
  }),
  start_date: part('startDate', {
    codec: t.string,
    title: 'Start date',
    description:
      'Earliest date to extract time-based data from (YYYY-MM-DD or RFC 3339; a date-time without an offset, e.g. 2024-01-01T00:00:00, is read as UTC), from 1970 on. Default: two years before the run.',
    schema: { format: 'date-time' },
  }),
  base_url: part('apiBase', {
    codec: t.string,
    title: 'Base URL',
    description:
      'Replaces https://{subdomain}.zendesk.com/api/v2/chat, e.g. for the sandbox. Plain http:// is accepted only for loopback hosts.',
    schema: { format: 'uri' },
  }),
  user_agent: setting({
    codec: t.string,
    title: 'User agent',
    description: 'User-Agent header sent with every request.',
    // Undefined: zchat's own User-Agent.
    field: 'userAgent',
    normalise: (agent) => agent?.trim() || undefined,
  }),
  request_timeout_seconds: setting({
    codec: PositiveNumber,
    title: 'Request timeout',
    description: 'Seconds to wait for one API response before giving up on it.',
    default: 60,
    schema: { exclusiveMinimum: 0 },
    field: 'requestTimeoutMs',
    normalise: seconds,
  }),
  max_requests_per_minute: setting({
    codec: PositiveInt,
    title: 'Requests per minute',
    description:
      "Requests zchat makes per minute at most, over all streams, so it stays within the API's rate limit (200 a minute per account).",
    default: 200,
    schema: { minimum: 1 },
    field: 'maxRequestsPerMinute',
  }),
  max_retries: setting({
    codec: NonNegativeInt,
    title: 'Retries',
    description:
      'Retries of one request after a rate limit, a 5xx, a network fault, a timeout or a body that is not JSON, with exponential backoff.',
    default: 8,
    schema: { minimum: 0 },
    field: 'maxRetries',
  }),
  max_retry_wait_seconds: setting({
    codec: PositiveNumber,
    title: 'Longest wait',
    description: 'Longest Retry-After zchat waits for; a rate limit asking for more fails the run (its state resumes later).',
    default: 300,
    schema: { exclusiveMinimum: 0 },
    field: 'maxRetryWaitMs',
    normalise: seconds,
  }),
  max_parallel_streams: setting({
    codec: PositiveInt,
    title: 'Parallel streams',
    description:
      'Streams read at the same time, all within the one request budget, so a full sync takes about as long as its largest stream. 1 reads them one after another (for targets that want streams unmixed).',
    default: 4,
    schema: { minimum: 1 },
    field: 'maxParallelStreams',
  }),
  activate_version: setting({
    codec: t.boolean,
    title: 'Activate version',
    description:
      'Send ACTIVATE_VERSION messages around each full-table read, so targets that support them replace the table (Full Refresh Overwrite). Turn off for targets that refuse the message.',
    default: true,
    // Full-table reads are wrapped in ACTIVATE_VERSION messages and their records carry the version.
    field: 'activateVersion',
  }),
  agents_page_limit: setting({ ...pageSize('Agents', AGENTS_MAX_PAGE_SIZE), stream: 'agents', field: 'agentsPageLimit' }),
  bans_page_limit: setting({ ...pageSize('Bans', BANS_MAX_PAGE_SIZE), stream: 'bans', field: 'bansPageLimit' }),
  chats_strategy: setting({
    codec: t.keyof({ export: null, search: null }),
    title: 'Chats strategy',
    description:
      "How chats are read. export (default): the incremental export by update_timestamp, which also catches chats edited or deleted after they ended. search: chats/search windows by end_timestamp (offline messages by timestamp) and a bulk fetch, the singer-io tap's method; it cannot see later edits or deletions, so pair it with chats_full_sync_days.",
    default: 'export',
    schema: { type: 'string' },
    stream: 'chats',
    field: 'chatsStrategy',
  }),
  chat_search_interval_days: setting({
    codec: PositiveInt,
    title: 'Chat search window',
    description:
      'Days per chats/search window to begin with (search strategy). Windows that find few chats are widened and windows deeper than the search API allows are split.',
    default: 14,
    schema: { minimum: 1 },
    stream: 'chats',
    field: 'chatSearchIntervalDays',
  }),
  chats_full_sync_days: setting({
    codec: PositiveInt,
    title: 'Chats full sync every',
    description: 'Re-read all chats from start_date when the last full read is older than this many days (kept in state). Unset: never.',
    schema: { minimum: 1 },
    stream: 'chats',
    // Undefined: chats are never re-read in full.
    field: 'chatsFullSyncDays',
  }),
  client_id: part('refresh', {
    codec: t.string,
    title: 'OAuth client id',
    description:
      'Identifier of the Zendesk Chat OAuth client the token came from. With client_secret and refresh_token, a token the API refuses (401) is refreshed once and the new tokens are written back to the config file.',
  }),
  client_secret: part('refresh', {
    codec: t.string,
    title: 'OAuth client secret',
    description: 'Secret of that OAuth client (shown once when the client is created), for refreshing the token.',
    secret: true,
  }),
  refresh_token: part('refresh', {
    codec: t.string,
    title: 'Refresh token',
    description: 'Refresh token from zchat login (authorization-code grant). It may work only once: zchat stores the new one it gets.',
    secret: true,
  }),
  stream_maps: part('maps', {
    codec: ObjectSetting,
    title: 'Stream maps',
    description:
      "Inline stream maps, with the Meltano SDK's meaning: per stream, properties computed by an expression, removed (null), or kept alone (__else__: null); __filter__, __alias__, __source__, __key_properties__. Nested fields as visitor.email.",
    schema: { type: 'object' },
  }),
  stream_map_config: part('maps', {
    codec: ObjectSetting,
    title: 'Stream map config',
    description: "Values stream map expressions read as config, e.g. a hashing salt: config['salt'].",
    schema: { type: 'object' },
  }),
  flattening_enabled: part('maps', {
    codec: t.boolean,
    title: 'Flattening',
    description: 'Nested objects become parent__child columns, up to flattening_max_depth; arrays and deeper objects become JSON text.',
    default: false,
  }),
  flattening_max_depth: part('maps', {
    codec: NonNegativeInt,
    title: 'Flattening depth',
    description: 'How many levels of nested objects flattening opens (required when flattening_enabled is true).',
    schema: { minimum: 0 },
  }),
  metrics_log_level: setting({
    codec: t.refinement(t.string, (s) => metricsLogLevelOf(s) !== undefined, 'one of DEBUG, INFO, WARNING, ERROR or NONE'),
    title: 'Metrics log level',
    description:
      'Level of the METRIC log lines (record_count, http_request_duration), as in Meltano SDK taps: they are logged at INFO, so DEBUG or INFO shows them and WARNING, ERROR or NONE hides them. Unset: shown in piped and JSON logs, hidden on a terminal.',
    schema: { type: 'string', enum: ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'NONE'] },
    // Undefined: METRIC lines are shown unless stderr is a terminal (src/cli/logger.ts, metricsShown).
    field: 'metricsLogLevel',
    normalise: (level) => (level === undefined ? undefined : metricsLogLevelOf(level)),
  }),
}

/** The config file as written: only the required settings are required by the codec; parseConfig checks the rest. */
export const RawConfig = configCodec(SETTINGS)
export type RawConfig = t.TypeOf<typeof RawConfig>

/** The Config fields that one setting each makes. */
export type SettingsConfig = SettingFields<typeof SETTINGS>

/** The names of the settings marked secret: never printed, scrubbed from logs. */
export const SECRET_SETTINGS: readonly string[] = Object.entries(SETTINGS)
  .filter(([, s]) => s.secret === true)
  .map(([name]) => name)
