/**
 * The simulated Zendesk Chat API: start one with `startSandbox()`. What the
 * CLI, the bench and the tests outside src/sandbox use; the sandbox's own
 * unit tests import the modules they test.
 *
 *   server.ts, control.ts, request-log.ts, account-settings.ts, tap-config.ts: the server, its control endpoints and log
 *   api/         the API's routes, replies, OAuth, and how a reply goes on the wire
 *   faults/      the fault plan and its decider, `--faults` specs, resources an account lacks
 *   data/        the account's records, generated from a seed (sandbox-data.ts is their one entry)
 *   vocabulary/  the names, places and phrases the generators draw from
 */
export {
  API_PREFIX,
  SANDBOX_DEFAULTS,
  SANDBOX_HOST,
  startSandbox,
  type RequestLogEntry,
  type Sandbox,
  type SandboxOptions,
} from './server.js'
export { AGENTS_MAX_LIMIT, BANS_MAX_LIMIT } from './api/routes.js'
export { EXPORT_MAX_LIMIT } from './api/routes-export.js'
export { SANDBOX_CLIENT } from './api/oauth.js'
export { CONTROL_PREFIX } from './control.js'
export { IN_FLIGHT_MS, rateLimitConduct, type RateLimitConduct } from './request-log.js'
export { SANDBOX_START_DATE, sandboxTapConfig } from './tap-config.js'
export { HISTORY_SPAN, HISTORY_START, REFERENCE_NOW } from './data/common.js'
export type { QuirkLevel } from './data/quirks.js'
export type { FaultPlan } from './faults/plan.js'
export { FAULT_SPEC_EXAMPLE, parseFaultSpec } from './faults/spec.js'
export { parseUnavailable, type Unavailable } from './faults/unavailable.js'
