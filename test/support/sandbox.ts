/** A sandbox for one e2e test file, and configs that point the tap at it. */
import { sandboxTapConfig, startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js'

export type { Sandbox }

/** Start a sandbox before the suite's tests and close it after; read it through the getter. */
export const useSandbox = (options: SandboxOptions = {}): (() => Sandbox) => {
  let sandbox: Sandbox | undefined
  before(async () => {
    sandbox = await startSandbox({ port: 0, ...options })
  })
  after(async () => {
    await sandbox?.close()
  })
  return () => {
    if (sandbox === undefined) throw new Error('sandbox not started')
    return sandbox
  }
}

/** A config that points at the sandbox with its token. */
export const sandboxConfig = (sandbox: Sandbox, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...sandboxTapConfig(sandbox),
  ...extra,
})

/** Every stream zchat has, sorted by name, as the helpers that list streams sort them. */
export const ALL_STREAMS = [
  'account',
  'agent_timeline',
  'agents',
  'bans',
  'chats',
  'departments',
  'goals',
  'roles',
  'routing_settings',
  'shortcuts',
  'skills',
  'triggers',
]

/** Key properties of a stream, by the table. */
export const keyOf = (stream: string): string[] =>
  stream === 'account' ? ['account_key'] : stream === 'agent_timeline' ? ['agent_id', 'start_time'] : stream === 'routing_settings' ? [] : ['id']
