import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import nock from 'nock'
import { oauthEndpoints, parseConfig } from '../../../src/codecs/config.js'
import type { Tokens } from '../../../src/codecs/oauth.js'
import { authFailure, type Failure } from '../../../src/core/failure.js'
import { updateConfigFile } from '../../../src/cli/config-file.js'
import { refreshingCredentials, type RefreshDeps } from '../../../src/cli/token-refresh.js'
import { emptyState } from '../../../src/engine/state/bookmarks.js'
import { sync } from '../../../src/engine/sync.js'
import { leftOf } from '../../support/either.js'
import { API, API_PATH, TOKEN, testConfig, testEnv } from '../../support/env.js'
import { useNock } from '../../support/nock.js'
import { recordMessagesOf } from '../../support/singer.js'
import { defaultStreams } from '../../support/selection.js'

const REFRESH = { client_id: 'cid-1', client_secret: 'client-secret-4d2e', refresh_token: 'refresh-token-77aa' }

interface Harness {
  readonly deps: RefreshDeps
  readonly logs: string[]
  readonly stored: { file: string; updates: Record<string, unknown> }[]
  exchanges: number
}

const harness = (answer: () => Promise<E.Either<Failure, Tokens>>, store: RefreshDeps['store'] | undefined = undefined): Harness => {
  const logs: string[] = []
  const stored: Harness['stored'] = []
  const h: Harness = {
    logs,
    stored,
    exchanges: 0,
    deps: {
      fetch: () => Promise.reject(new Error('no network in this test')),
      log: {
        debug: (m) => logs.push(`DEBUG ${m}`),
        info: (m) => logs.push(`INFO ${m}`),
        warn: (m) => logs.push(`WARN ${m}`),
        error: (m) => logs.push(`ERROR ${m}`),
        metric: () => undefined,
      },
      secret: () => undefined,
      userAgent: 'zchat/test',
      store:
        store ??
        (async (file, updates) => {
          stored.push({ file, updates })
          return E.right({ file, created: false, mode: 0o600 })
        }),
      exchange: () => {
        h.exchanges++
        return answer()
      },
    },
  }
  return h
}

const NEW: Tokens = { accessToken: 'new-access-9f9f', refreshToken: 'new-refresh-8e8e' }

describe('settings: client_id, client_secret, refresh_token', () => {
  it('refresh is on only when all three are set, at the token endpoint of the account host', () => {
    expect(testConfig({}).refresh).to.equal(undefined)
    expect(testConfig({ client_id: 'a', client_secret: 'b' }).refresh).to.equal(undefined)
    expect(testConfig(REFRESH).refresh).to.deep.equal({
      clientId: 'cid-1',
      clientSecret: REFRESH.client_secret,
      refreshToken: REFRESH.refresh_token,
      tokenUrl: 'https://acme.zendesk.com/oauth2/chat/token',
    })
    expect(testConfig({ ...REFRESH, subdomain: undefined, base_url: 'http://127.0.0.1:9/api/v2/chat' }).refresh?.tokenUrl).to.equal(
      'http://127.0.0.1:9/oauth2/chat/token',
    )
    expect(testConfig({ ...REFRESH, base_url: 'https://www.zopim.com/api/v2' }).refresh?.tokenUrl).to.equal(
      'https://www.zopim.com/oauth2/token',
    )
  })

  it('the OAuth endpoints: integrated accounts under /oauth2/chat/, legacy ones at zopim', () => {
    expect(oauthEndpoints('https://acme.zendesk.com')).to.deep.equal({
      authorize: 'https://acme.zendesk.com/oauth2/chat/authorizations/new',
      token: 'https://acme.zendesk.com/oauth2/chat/token',
    })
    expect(oauthEndpoints('https://www.zopim.com', true)).to.deep.equal({
      authorize: 'https://www.zopim.com/oauth2/authorizations/new',
      token: 'https://www.zopim.com/oauth2/token',
    })
  })

  it('never repeats a client secret or refresh token in a problem', () => {
    const parsed = parseConfig(
      { access_token: TOKEN, subdomain: 'acme', client_secret: 12345678, refresh_token: ['refresh-token-77aa'] },
      new Date(),
    )
    const text = leftOf(parsed).join('\n')
    expect(text).to.contain('client_secret').and.contain('refresh_token')
    expect(text).not.to.contain('12345678').and.not.to.contain('refresh-token-77aa')
  })
})

describe('refreshing credentials', () => {
  it('renews once for streams refused together, and then refuses a new refusal of the new token', async () => {
    const h = harness(async () => E.right(NEW))
    const credentials = refreshingCredentials({ ...testConfig(REFRESH), storedIn: '/x/config.json' }, h.deps)!
    const renewals = await Promise.all([credentials.renew(TOKEN), credentials.renew(TOKEN), credentials.renew(TOKEN)])
    expect(renewals).to.deep.equal([true, true, true])
    expect(h.exchanges).to.equal(1)
    expect(credentials.accessToken()).to.equal(NEW.accessToken)
    // A stale token from before the renewal: the request goes again with the new one.
    expect(await credentials.renew(TOKEN)).to.equal(true)
    expect(await credentials.renew(NEW.accessToken)).to.equal(false)
    expect(h.exchanges).to.equal(1)
    expect(h.stored).to.deep.equal([
      { file: '/x/config.json', updates: { access_token: NEW.accessToken, refresh_token: NEW.refreshToken } },
    ])
    expect(h.logs.join('\n')).to.contain('written to /x/config.json')
  })

  it("no config file of its own (environment, several sources, Meltano's run file): says the stored refresh token is spent and what to do, printing no token", async () => {
    for (const storedIn of [undefined, '/project/.meltano/run/tap-zendesk-chat/tap.9f.config.json']) {
      const h = harness(async () => E.right(NEW))
      const config = { ...testConfig(REFRESH), ...(storedIn === undefined ? {} : { storedIn }) }
      const credentials = refreshingCredentials(config, h.deps)!
      expect(await credentials.renew(TOKEN)).to.equal(true)
      const text = h.logs.join('\n')
      expect(text)
        .to.match(/WARN the stored refresh token is now spent/)
        .and.contain('zchat login')
      for (const secret of [TOKEN, NEW.accessToken, NEW.refreshToken!, REFRESH.client_secret, REFRESH.refresh_token])
        expect(text).not.to.contain(secret)
      expect(h.stored).to.deep.equal([])
    }
  })

  it('a file that cannot be written: says so, and that the refresh token is spent', async () => {
    const h = harness(
      async () => E.right(NEW),
      async () => E.left('could not write /ro/config.json: permission denied'),
    )
    const credentials = refreshingCredentials({ ...testConfig(REFRESH), storedIn: '/ro/config.json' }, h.deps)!
    expect(await credentials.renew(TOKEN)).to.equal(true)
    expect(h.logs.join('\n')).to.match(/spent.*permission denied/)
  })

  it('a refused refresh: one error line, no renewal', async () => {
    const h = harness(async () => E.left(authFailure('the refresh token was refused (invalid_grant)')))
    const credentials = refreshingCredentials(testConfig(REFRESH), h.deps)!
    expect(await credentials.renew(TOKEN)).to.equal(false)
    expect(await credentials.renew(TOKEN)).to.equal(false)
    expect(h.exchanges).to.equal(1)
    expect(h.logs.filter((l) => l.startsWith('ERROR'))).to.deep.equal([
      'ERROR refreshing the access token failed: the refresh token was refused (invalid_grant)',
    ])
  })

  it('without all three settings there is nothing to renew with', () => {
    expect(refreshingCredentials(testConfig({}), harness(async () => E.right(NEW)).deps)).to.equal(undefined)
  })
})

describe('HTTP: a 401 with renewable credentials', () => {
  useNock()

  it('sends the request again with the new token, without spending a retry', async () => {
    const api = nock(API)
      .get(`${API_PATH}/goals`)
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .reply(401, { error: 'Unauthorized', description: 'no' })
      .get(`${API_PATH}/goals`)
      .matchHeader('authorization', `Bearer ${NEW.accessToken}`)
      .reply(200, [{ id: 1, name: 'g' }])
    const t = testEnv({ ...REFRESH, max_retries: 0 })
    const h = harness(async () => E.right(NEW))
    const env = { ...t.env, credentials: refreshingCredentials(t.env.config, h.deps)! }
    const result = await sync(defaultStreams('goals'), emptyState)(env)()
    expect(E.isRight(result), JSON.stringify(result)).to.equal(true)
    expect(api.isDone()).to.equal(true)
    expect(recordMessagesOf(t.messages())).to.have.length(1)
  })
})

describe('config file updates', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'zchat-config-file-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('creates a missing file with mode 0600', async () => {
    const file = join(dir, 'new.json')
    const written = await updateConfigFile(file, { access_token: 'x' })
    expect(written).to.deep.equal(E.right({ file, created: true, mode: 0o600 }))
    expect((await stat(file)).mode & 0o777).to.equal(0o600)
    expect(JSON.parse(await readFile(file, 'utf8'))).to.deep.equal({ access_token: 'x' })
  })

  it('keeps the other keys, their order and the mode; leaves no temp file', async () => {
    const file = join(dir, 'c.json')
    await writeFile(file, JSON.stringify({ a: 1, access_token: 'old', b: [2] }))
    await chmod(file, 0o640)
    expect(E.isRight(await updateConfigFile(file, { access_token: 'new', refresh_token: 'r' }))).to.equal(true)
    expect(await readFile(file, 'utf8')).to.equal(`${JSON.stringify({ a: 1, access_token: 'new', b: [2], refresh_token: 'r' }, null, 2)}\n`)
    expect((await stat(file)).mode & 0o777).to.equal(0o640)
    const { readdir } = await import('node:fs/promises')
    expect(await readdir(dir)).to.deep.equal(['c.json'])
  })

  it('refuses, unchanged, a file that is not a JSON object', async () => {
    const file = join(dir, 'bad.json')
    await writeFile(file, '[1, 2]')
    expect(await updateConfigFile(file, { access_token: 'x' })).to.deep.equal(E.left(`${file} is not a JSON object; left unchanged`))
    await writeFile(file, '{"a": ')
    const broken = await updateConfigFile(file, { access_token: 'x' })
    expect(E.isLeft(broken) && broken.left).to.match(/not valid JSON/)
    expect(await readFile(file, 'utf8')).to.equal('{"a": ')
  })
})
