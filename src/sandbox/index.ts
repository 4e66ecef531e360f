/** The simulated Zendesk Chat API: start one with `startSandbox()`. */
export {
  API_PREFIX,
  AGENTS_MAX_LIMIT,
  BANS_DEFAULT_LIMIT,
  BANS_MAX_LIMIT,
  EXPORT_MAX_LIMIT,
  SANDBOX_DEFAULTS,
  SANDBOX_HOST,
  SEARCH_MAX_PAGE,
  SEARCH_PAGE_SIZE,
  startSandbox,
  type RequestLogEntry,
  type Sandbox,
  type SandboxOptions,
} from './server.js'
export {
  DATA_DEFAULTS,
  REFERENCE_NOW,
  SandboxData,
  isoSeconds,
  type Account,
  type Agent,
  type Ban,
  type BansPage,
  type Chat,
  type ChatPosition,
  type ChatRecord,
  type ChatsExportPage,
  type Department,
  type DepartmentEvent,
  type ExportedConversion,
  type QuirkLevel,
  type Flag,
  type Goal,
  type HistoryEntry,
  type IpBan,
  type OfflineMessage,
  type PlanLimit,
  type Role,
  type RoleRef,
  type RoutingSettings,
  type SandboxDataOptions,
  type SearchField,
  type SearchHit,
  type SearchResult,
  type Session,
  type Shortcut,
  type Skill,
  type SkillRef,
  type TimelineEntry,
  type TimelinePage,
  type Trigger,
  type Visitor,
  type VisitorBan,
  type WebpathEntry,
} from './data.js'
export { Rng, deriveSeed, hashLabel, mix32 } from './random.js'
export {
  FAULT_DEFAULTS,
  FAULT_ORDER,
  SERVER_ERROR_STATUSES,
  checkFaultPlan,
  type FaultKind,
  type FaultPlan,
  type ServerErrorStatus,
} from './fault-plan.js'
export { EARLY_TOLERANCE_MS, FaultDecider, type Fault, type FaultDecision, type FaultStats } from './fault-decider.js'
export { FAULT_SPEC_EXAMPLE, FAULT_SPEC_SETTINGS, parseFaultSpec } from './fault-spec.js'
export { CONTROL_PREFIX } from './control.js'
export { UNAVAILABLE_STATUSES, checkUnavailable, parseUnavailable, type Unavailable, type UnavailableStatus } from './account-settings.js'
export { EXPORT_QUIET_MS, TOO_RECENT } from './routes-export.js'
export { SANDBOX_CLIENT, SandboxOAuth, type OAuthClient } from './oauth.js'
export { SANDBOX_START_DATE, sandboxTapConfig } from './tap-config.js'
export { rateLimitConduct, type RateLimitConduct } from './request-log.js'
