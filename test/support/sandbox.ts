/** A sandbox for one e2e test file, and configs that point the tap at it. */
import { sandboxTapConfig, startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js'
import { recordMessagesOf, type Message } from './singer.js'
import { CATALOG_ORDER } from './catalog.js'

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
export const ALL_STREAMS = [...CATALOG_ORDER].sort()

/** Key properties of a stream, by the table. */
export const keyOf = (stream: string): string[] =>
  stream === 'account'
    ? ['account_key']
    : stream === 'agent_timeline'
      ? ['agent_id', 'start_time', 'status']
      : stream === 'routing_settings'
        ? []
        : ['id']

/** Each RECORD as `stream [key values]`, for comparing runs by key. */
export const recordKeys = (messages: readonly Message[]): string[] =>
  recordMessagesOf(messages).map((m) => `${m.stream} ${JSON.stringify(keyOf(m.stream).map((k) => m.record[k]))}`)

/** How many records of each stream a complete sync emits from `sandbox` (account and routing settings are one record each). */
export const recordsHeld = (sandbox: Sandbox): Record<string, number> => {
  const d = sandbox.data
  return {
    account: 1,
    agent_timeline: d.allTimeline().length,
    agents: d.agentCount,
    bans: d.allBans().length,
    chats: d.allChats().length,
    conversions: d.allConversions().length,
    department_events: d.allDepartmentEvents().length,
    departments: d.departments().length,
    goals: d.goals().length,
    roles: d.roleRecords().length,
    routing_settings: 1,
    shortcuts: d.shortcuts().length,
    skills: d.skillRecords().length,
    triggers: d.triggers().length,
  }
}

/** A sandbox's answer to one request, read whole. */
export interface SandboxAnswer {
  status: number
  contentType: string | null
  text: string
  body: unknown
}

/** GET (or `init.method`) a path under the sandbox's base URL with its token, unless `init` gives other headers. */
export const sandboxGet = async (sandbox: Sandbox, path: string, init: RequestInit = {}): Promise<SandboxAnswer> => {
  const res = await fetch(`${sandbox.baseUrl}/${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${sandbox.token}`, ...(init.headers as Record<string, string> | undefined) },
  })
  const text = await res.text()
  return { status: res.status, contentType: res.headers.get('content-type'), text, body: text === '' ? undefined : JSON.parse(text) }
}
