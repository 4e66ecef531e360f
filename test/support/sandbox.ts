/** A sandbox for one e2e test file, and configs that point the tap at it. */
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js'

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
  access_token: sandbox.token,
  base_url: sandbox.baseUrl,
  ...extra,
})
