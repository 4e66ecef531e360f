/** The simulated Zendesk Chat API: start one with `startSandbox()`. */
export {
  API_PREFIX,
  AGENTS_MAX_LIMIT,
  SANDBOX_DEFAULTS,
  SANDBOX_HOST,
  startSandbox,
  type RequestLogEntry,
  type Sandbox,
  type SandboxOptions,
} from './server.js'
export {
  SandboxData,
  isoSeconds,
  type Account,
  type Agent,
  type Department,
  type Flag,
  type PlanLimit,
  type RoleRef,
  type SandboxDataOptions,
  type SkillRef,
} from './data.js'
export { Rng, deriveSeed, hashLabel, mix32 } from './random.js'
