import { chmod, readFile, stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'chai'
import { BROWSER_NAME, openBrowser, type Browser, type Decision } from '../support/browser.js'
import { describeRun, expectCleanFailure, spawnBin, ZCHAT, useTempDir, type RunResult } from '../support/cli.js'
import { useSandbox, type Sandbox } from '../support/sandbox.js'

/** A port free a moment ago, for a redirect URL the test registers before zchat listens on it. */
const freePort = async (): Promise<number> => {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

interface Login {
  /** The authorization URL, once zchat printed it (undefined when it ended first). */
  readonly url: Promise<string | undefined>
  readonly done: Promise<RunResult>
}

/** `zchat login` in the background, its authorization URL read from its output. */
const startLogin = (args: readonly string[], env: NodeJS.ProcessEnv = {}): Login => {
  const child = spawnBin(ZCHAT, ['login', '--no-open', ...args], undefined, env)
  child.stdin.end()
  let out = ''
  let err = ''
  let found: (url: string | undefined) => void = () => undefined
  const url = new Promise<string | undefined>((resolve) => (found = resolve))
  child.stdout.on('data', (b: Buffer) => {
    out += b.toString('utf8')
    const match = /^\s+(http:\/\/127\.0\.0\.1:\d+\/oauth2\/\S+)$/m.exec(out)
    if (match !== null) found(match[1])
  })
  child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')))
  const timer = setTimeout(() => child.kill('SIGKILL'), 25_000)
  const done = new Promise<RunResult>((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      found(undefined)
      resolve({ code, signal, stdout: out, stderr: err, timedOut: signal === 'SIGKILL' })
    }),
  )
  return { url, done }
}

/** The secrets a run must never print. */
const expectNoSecrets = (r: RunResult, secrets: readonly (string | undefined)[]): void => {
  for (const secret of secrets) {
    if (secret === undefined) continue
    expect(r.stdout, 'stdout shows a secret').not.to.contain(secret)
    expect(r.stderr, 'stderr shows a secret').not.to.contain(secret)
  }
}

const readJson = async (file: string): Promise<Record<string, unknown>> =>
  JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>
const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o777

const apiAccepts = async (sandbox: Sandbox, token: unknown): Promise<number> =>
  (await fetch(`${sandbox.baseUrl}/account`, { headers: { Authorization: `Bearer ${String(token)}` } })).status

const tokenRequests = (sandbox: Sandbox, grant: string) =>
  sandbox.requestLog.filter((e) => e.path.endsWith('/token') && e.query.grant_type === grant)

describe(`zchat login (browser: ${BROWSER_NAME})`, function () {
  this.timeout(60_000)
  const sandbox = useSandbox({ seed: 3, chats: 40, agents: 12, bans: 10, timeline: 30 })
  const dir = useTempDir()
  let browser: Browser
  let case_ = 0
  before(async function () {
    this.timeout(60_000)
    browser = await openBrowser()
    // Said plainly, so a run on a machine without Chromium does not pass for one with it.
    process.stdout.write(`    login tests drive the browser's part with: ${browser.name}\n`)
  })
  after(async () => {
    await browser?.close()
  })

  /** A client of the sandbox whose one redirect URL is http://localhost:PORT on a free port. */
  const client = async (secret = 'right-secret-93af'): Promise<{ id: string; secret: string; port: number; redirect: string }> => {
    const port = await freePort()
    const id = `client-${++case_}`
    const redirect = `http://localhost:${port}`
    sandbox().oauth.register({ id, secret, redirectUris: [redirect] })
    return { id, secret, port, redirect }
  }

  const loginArgs = (c: { id: string; port: number }, configFile: string, extra: readonly string[] = []) => [
    '--base-url',
    sandbox().baseUrl,
    '--client-id',
    c.id,
    '--port',
    String(c.port),
    '--config',
    configFile,
    ...extra,
  ]

  /** Runs a login through the browser: zchat's result and what its last page said. */
  const loginThroughBrowser = async (args: readonly string[], decision: Decision, env: NodeJS.ProcessEnv = {}) => {
    const login = startLogin(args, env)
    const url = await login.url
    if (url === undefined) throw new Error(`zchat login printed no URL: ${describeRun(await login.done)}`)
    const page = await browser.authorize(url, decision)
    return { result: await login.done, page }
  }

  it('authorization-code grant: the token is checked, then written with its refresh token to a new config file of mode 0600, and never printed', async () => {
    const c = await client()
    const file = dir().file('code.json')
    const { result, page } = await loginThroughBrowser(loginArgs(c, file, ['--client-secret', c.secret, '--subdomain', 'acme']), 'allow')
    expect(result.code, describeRun(result)).to.equal(0)
    expect(page).to.contain('logged in')
    const config = await readJson(file)
    expect(config).to.include({ subdomain: 'acme', base_url: sandbox().baseUrl, client_id: c.id, client_secret: c.secret })
    expect(await modeOf(file)).to.equal(0o600)
    expect(await apiAccepts(sandbox(), config.access_token)).to.equal(200)
    expect(config.refresh_token).to.be.a('string').and.not.equal('')
    expect(result.stdout).to.contain('OK: ').and.contain(`Created ${file} (mode 0600)`)
    expectNoSecrets(result, [config.access_token as string, config.refresh_token as string, c.secret])
    // The code went to the token endpoint once, form-encoded, as the grant says.
    expect(tokenRequests(sandbox(), 'authorization_code').length).to.be.greaterThan(0)
    const checked = await spawnCheck(file)
    expect(checked.code, describeRun(checked)).to.equal(0)
  })

  /** `zchat check` on a config file. */
  const spawnCheck = (
    file: string,
    env: NodeJS.ProcessEnv = {},
    args: readonly string[] = ['check', '--config', file],
  ): Promise<RunResult> =>
    new Promise((resolve) => {
      const child = spawnBin(ZCHAT, args, undefined, env)
      child.stdin.end()
      let out = ''
      let err = ''
      child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')))
      child.stderr.on('data', (b: Buffer) => (err += b.toString('utf8')))
      child.on('close', (code, signal) => resolve({ code, signal, stdout: out, stderr: err, timedOut: false }))
    })

  it('implicit grant (no client secret): the redirect page hands the token in the fragment back to zchat; no refresh token is written', async () => {
    const c = await client()
    const file = dir().file('implicit.json')
    const { result, page } = await loginThroughBrowser(loginArgs(c, file), 'allow')
    expect(result.code, describeRun(result)).to.equal(0)
    expect(page).to.contain('logged in')
    const config = await readJson(file)
    expect(config).to.have.keys('access_token', 'base_url')
    expect(await apiAccepts(sandbox(), config.access_token)).to.equal(200)
    expect(result.stdout).to.contain('implicit grant gives no refresh token')
    expectNoSecrets(result, [config.access_token as string])
  })

  it('--legacy: the zopim paths (/oauth2/authorizations/new, /oauth2/token) instead of /oauth2/chat/', async () => {
    const c = await client()
    const file = dir().file('legacy.json')
    const login = startLogin(loginArgs(c, file, ['--client-secret', c.secret, '--legacy']))
    const url = await login.url
    expect(new URL(url!).pathname).to.equal('/oauth2/authorizations/new')
    await browser.authorize(url!, 'allow')
    const result = await login.done
    expect(result.code, describeRun(result)).to.equal(0)
    expect(sandbox().requestLog.some((e) => e.path === '/oauth2/token' && e.query.grant_type === 'authorization_code')).to.equal(true)
    expect(await apiAccepts(sandbox(), (await readJson(file)).access_token)).to.equal(200)
  })

  it('keeps the other settings and the mode of an existing config file (the secret given in ZCHAT_CLIENT_SECRET)', async () => {
    const c = await client()
    const file = await dir().write('existing.json', {
      start_date: '2020-01-01',
      max_parallel_streams: 2,
      access_token: 'old-token-aaaa',
      custom: { x: 1 },
    })
    await chmod(file, 0o640)
    const { result } = await loginThroughBrowser(loginArgs(c, file), 'allow', { ZCHAT_CLIENT_SECRET: c.secret })
    expect(result.code, describeRun(result)).to.equal(0)
    const config = await readJson(file)
    expect(config).to.deep.include({ start_date: '2020-01-01', max_parallel_streams: 2, custom: { x: 1 } })
    expect(config.access_token).not.to.equal('old-token-aaaa')
    expect(config.refresh_token).to.be.a('string')
    expect(await modeOf(file)).to.equal(0o640)
    expect(result.stdout).to.contain('its other settings are kept').and.contain('chmod 600')
    expectNoSecrets(result, [config.access_token as string, config.refresh_token as string, c.secret])
  })

  it('Deny in the browser: one line saying access was denied, exit 1, nothing written', async () => {
    const c = await client()
    const file = dir().file('denied.json')
    const { result, page } = await loginThroughBrowser(loginArgs(c, file, ['--client-secret', c.secret]), 'deny')
    const [error] = expectCleanFailure(result, 1)
    expect(error).to.match(/access was denied/)
    expect(page).to.contain('denied')
    await expectMissing(file)
  })

  const expectMissing = async (file: string) => {
    const exists = await stat(file).then(
      () => true,
      () => false,
    )
    expect(exists, `${file} was written`).to.equal(false)
  }

  it('a wrong client secret: the token endpoint refuses it, one line names --client-secret, the secret is not printed', async () => {
    const c = await client()
    const file = dir().file('wrong-secret.json')
    const { result } = await loginThroughBrowser(loginArgs(c, file, ['--client-secret', 'wrong-secret-7777']), 'allow')
    const [error] = expectCleanFailure(result, 1)
    expect(error).to.contain('client secret').and.contain('--client-secret')
    expectNoSecrets(result, ['wrong-secret-7777', c.secret])
    await expectMissing(file)
  })

  it('a wrong client id: said at once, before a browser is needed', async () => {
    const c = await client()
    const login = startLogin(loginArgs({ id: 'no-such-client', port: c.port }, dir().file('wrong-id.json'), ['--client-secret', c.secret]))
    const result = await login.done
    const [error] = expectCleanFailure(result, 1)
    expect(error).to.contain('no-such-client').and.contain('--client-id')
  })

  it('a redirect URL the client does not allow: one line that says which URL to register', async () => {
    const c = await client()
    const other = await freePort()
    const login = startLogin(loginArgs({ id: c.id, port: other }, dir().file('redirect.json'), ['--client-secret', c.secret]))
    const result = await login.done
    const [error] = expectCleanFailure(result, 1)
    expect(error).to.contain(`add http://localhost:${other} to the OAuth client's Redirect URLs`)
  })

  it('the port in use: one line naming the port, exit 2', async () => {
    const c = await client()
    const blocker: Server = createServer((_req, res) => res.end('taken'))
    await new Promise<void>((resolve) => blocker.listen(c.port, '127.0.0.1', resolve))
    try {
      const result = await startLogin(loginArgs(c, dir().file('port.json'), ['--client-secret', c.secret])).done
      const [error] = expectCleanFailure(result, 2)
      expect(error).to.contain(`port ${c.port} is in use`)
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()))
    }
  })

  it('no redirect in time (--timeout): one line, exit 1, nothing written', async () => {
    const c = await client()
    const file = dir().file('timeout.json')
    const result = await startLogin(loginArgs(c, file, ['--client-secret', c.secret, '--timeout', '1'])).done
    const [error] = expectCleanFailure(result, 1)
    expect(error).to.contain(`no redirect reached ${c.redirect} within 1 s`)
    await expectMissing(file)
  })

  it('a forged redirect (wrong state) is refused and its code never exchanged; the real one then completes', async () => {
    const c = await client()
    const file = dir().file('forged.json')
    const login = startLogin(loginArgs(c, file, ['--client-secret', c.secret]))
    const url = await login.url
    expect(url, 'no URL printed').to.be.a('string')
    const before = tokenRequests(sandbox(), 'authorization_code').length
    const forged = await fetch(`${c.redirect}/?code=forged-code-1234&state=not-the-state`)
    expect(forged.status).to.equal(400)
    expect(await forged.text()).to.contain('state does not match')
    const forgedToken = await fetch(`${c.redirect}/fragment`, { method: 'POST', body: 'access_token=forged-token-5678&state=' })
    expect(forgedToken.status).to.equal(400)
    const page = await browser.authorize(url!, 'allow')
    const result = await login.done
    expect(result.code, describeRun(result)).to.equal(0)
    expect(page).to.contain('logged in')
    expect(result.stderr).to.match(/WARN .*did not carry this login's state and was ignored/)
    // Only the genuine code reached the token endpoint.
    expect(tokenRequests(sandbox(), 'authorization_code').length - before).to.equal(1)
    expect((await readJson(file)).access_token).not.to.equal('forged-token-5678')
  })

  describe('refreshing a refused token', () => {
    /** A config whose access token the API now refuses, with a refresh token that works (once). */
    const expiredConfig = (c: { id: string; secret: string }) => {
      const tokens = sandbox().oauth.issue(c.id)
      sandbox().oauth.revoke(tokens.accessToken)
      return {
        access_token: tokens.accessToken,
        refresh_token: tokens.refreshToken,
        client_id: c.id,
        client_secret: c.secret,
        base_url: sandbox().baseUrl,
        start_date: '2020-01-01',
      }
    }
    const syncTest = (configArgs: readonly string[], env: NodeJS.ProcessEnv = {}) => spawnCheck('', env, ['sync', ...configArgs, '--test'])

    it('on a 401 the token is refreshed once, every stream carries on, and the new tokens are written back to the config file (mode kept)', async () => {
      const c = await client()
      const stale = expiredConfig(c)
      const file = await dir().write('refresh.json', stale)
      await chmod(file, 0o600)
      const before = tokenRequests(sandbox(), 'refresh_token').length
      const result = await syncTest(['--config', file])
      expect(result.code, describeRun(result)).to.equal(0)
      expect(result.stdout.split('\n').filter((l) => l.includes('"type":"RECORD"')).length).to.be.greaterThan(5)
      expect(tokenRequests(sandbox(), 'refresh_token').length - before, 'refresh requests').to.equal(1)
      const written = await readJson(file)
      expect(written.access_token).not.to.equal(stale.access_token)
      expect(written.refresh_token).not.to.equal(stale.refresh_token)
      expect(written).to.include({ client_id: c.id, client_secret: c.secret, start_date: '2020-01-01' })
      expect(await modeOf(file)).to.equal(0o600)
      expect(await apiAccepts(sandbox(), written.access_token)).to.equal(200)
      expect(result.stderr).to.contain(`written to ${file}`)
      expectNoSecrets(result, [
        stale.access_token,
        stale.refresh_token,
        written.access_token as string,
        written.refresh_token as string,
        c.secret,
      ])

      // The next run uses the stored token as it is: no refresh.
      const again = await syncTest(['--config', file])
      expect(again.code, describeRun(again)).to.equal(0)
      expect(tokenRequests(sandbox(), 'refresh_token').length - before, 'refresh requests').to.equal(1)
    })

    it('a refresh token works once: a copy of the old config fails with one line saying so', async () => {
      const c = await client()
      const stale = expiredConfig(c)
      const file = await dir().write('once.json', stale)
      const copy = await dir().write('once-copy.json', stale)
      expect((await syncTest(['--config', file])).code).to.equal(0)
      const result = await syncTest(['--config', copy])
      expect(result.code, describeRun(result)).to.equal(1)
      expect(result.stderr).to.match(
        /^ERROR (?:\S+ \S+ )?refreshing the access token failed: the refresh token was refused .*used already/m,
      )
      expect(result.stderr).to.match(/^error: GET \S+ answered 401/m)
      expect(result.stderr).not.to.match(/^\s+at /m)
      expectNoSecrets(result, [stale.access_token, stale.refresh_token, c.secret])
    })

    it('settings from the environment: the run carries on and says the stored refresh token is spent and how to store a new one, printing neither', async () => {
      const c = await client()
      const stale = expiredConfig(c)
      const base = await dir().write('env-base.json', { base_url: stale.base_url, start_date: stale.start_date })
      const env = {
        TAP_ZENDESK_CHAT_ACCESS_TOKEN: stale.access_token,
        TAP_ZENDESK_CHAT_REFRESH_TOKEN: stale.refresh_token,
        TAP_ZENDESK_CHAT_CLIENT_ID: c.id,
        TAP_ZENDESK_CHAT_CLIENT_SECRET: c.secret,
      }
      const result = await syncTest(['--config', base, '--config', 'ENV'], env)
      expect(result.code, describeRun(result)).to.equal(0)
      expect(result.stderr).to.match(
        /WARN (?:\S+ \S+ )?the stored refresh token is now spent.*environment.*zchat login.*TAP_ZENDESK_CHAT_REFRESH_TOKEN/,
      )
      expect(await readJson(base)).to.deep.equal({ base_url: stale.base_url, start_date: stale.start_date })
      expectNoSecrets(result, [stale.access_token, stale.refresh_token, c.secret])
      const spentNow = await fetch(sandbox().baseUrl.replace('/api/v2/chat', '/oauth2/chat/token'), {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: stale.refresh_token,
          client_id: c.id,
          client_secret: c.secret,
        }),
      })
      expect(spentNow.status).to.equal(400)
    })
  })
})
