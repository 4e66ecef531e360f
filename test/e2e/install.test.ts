/**
 * The package as a user installs it (README, Install): `npm pack` in a fresh
 * clone (no dist/: packing must build), the tarball installed into a temporary
 * prefix, and the installed executables run from another directory.
 */
import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { cp, mkdir, readdir, symlink } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { childEnv, describeRun, run, ROOT, useTempDir, PACKAGE_VERSION } from '../support/cli.js'
import { sandboxConfig, useSandbox } from '../support/sandbox.js'
import { parseMessages, recordsOf } from '../support/singer.js'

const exec = promisify(execFile)
const npmEnv = (): NodeJS.ProcessEnv => ({
  ...childEnv(),
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
})

/** The files a clone has (git's list), without dist/ or anything built: what `git clone` gives. */
const cloneInto = async (dir: string): Promise<void> => {
  const { stdout } = await exec('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, maxBuffer: 64 << 20 })
  for (const file of stdout.split('\0').filter((f) => f !== '')) {
    await mkdir(join(dir, file, '..'), { recursive: true })
    await cp(join(ROOT, file), join(dir, file)).catch((error: NodeJS.ErrnoException) => {
      // A file deleted in the worktree but still in git's index.
      if (error.code !== 'ENOENT') throw error
    })
  }
  // `npm ci`'s result, shared rather than installed again.
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir')
}

/**
 * `npm install -g --prefix` from npm's cache alone when it can; when the cache
 * lacks the dependencies' metadata (npm ci keeps only their tarballs), the
 * registry is asked for it.
 */
const installGlobal = async (tarball: string, prefix: string, cwd: string): Promise<void> => {
  const args = ['install', '-g', '--prefix', prefix, tarball, '--no-audit', '--no-fund']
  try {
    await exec('npm', [...args, '--offline'], { cwd, env: npmEnv() })
  } catch {
    await exec('npm', [...args, '--prefer-offline'], { cwd, env: npmEnv() })
  }
}

describe('e2e: npm pack and install, as the README says', function () {
  this.timeout(240_000)
  const sandbox = useSandbox({ seed: 5, agents: 20, chats: 40, timeline: 30, bans: 5 })
  const tmp = useTempDir()
  let prefix: string
  let elsewhere: string

  before(async function () {
    this.timeout(240_000)
    const clone = tmp().file('clone')
    await mkdir(clone)
    await cloneInto(clone)
    await exec('npm', ['pack', '--silent'], { cwd: clone, env: npmEnv(), maxBuffer: 64 << 20 })
    const tarballs = (await readdir(clone)).filter((f) => f.endsWith('.tgz'))
    expect(tarballs).to.deep.equal([`zchat-${PACKAGE_VERSION}.tgz`])
    prefix = tmp().file('prefix')
    elsewhere = tmp().file('elsewhere')
    await mkdir(elsewhere)
    await installGlobal(join(clone, tarballs[0]!), prefix, elsewhere)
  })

  it('installs both executables, and tap-zendesk-chat --about runs from another directory', async () => {
    const r = await run(join(prefix, 'bin', 'tap-zendesk-chat'), ['--about', '--format=json'], { cwd: elsewhere })
    expect(r.code, describeRun(r)).to.equal(0)
    expect((JSON.parse(r.stdout) as { name: string; version: string }).version).to.equal(PACKAGE_VERSION)
    const z = await run(join(prefix, 'bin', 'zchat'), ['--version'], { cwd: elsewhere })
    expect(z.code, describeRun(z)).to.equal(0)
    expect(z.stdout).to.contain(PACKAGE_VERSION)
  })

  it('the installed tap syncs the sandbox from another directory', async () => {
    const config = await tmp().write('config.json', sandboxConfig(sandbox()))
    const r = await run(join(prefix, 'bin', 'tap-zendesk-chat'), ['--config', config], { cwd: elsewhere, timeoutMs: 60_000 })
    expect(r.code, describeRun(r)).to.equal(0)
    const messages = parseMessages(r.stdout)
    expect(recordsOf(messages, 'chats').length).to.equal(sandbox().data.allChats().length)
    expect(messages.at(-1)?.type).to.equal('STATE')
  })
})
