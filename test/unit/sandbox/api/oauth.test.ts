import { expect } from 'chai'
import { SANDBOX_CLIENT } from '../../../../src/sandbox/index.js'
import { useSandbox } from '../../../support/sandbox.js'

const REDIRECT = 'http://localhost:8080'

describe('sandbox: OAuth authorization page and token endpoint', () => {
  const sandbox = useSandbox({ chats: 5, agents: 3, bans: 2, timeline: 5 })
  const origin = () => new URL(sandbox().baseUrl).origin
  const authorizeUrl = (params: Record<string, string>, legacy = false) =>
    `${origin()}/oauth2/${legacy ? '' : 'chat/'}authorizations/new?${new URLSearchParams({ client_id: SANDBOX_CLIENT.id, redirect_uri: REDIRECT, scope: 'read chat', ...params })}`
  /** Submits the consent form as a browser would, returning the redirect. */
  const decide = async (params: Record<string, string>, decision: 'allow' | 'deny'): Promise<URL> => {
    const res = await fetch(`${origin()}/oauth2/chat/authorizations/new`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: SANDBOX_CLIENT.id, redirect_uri: REDIRECT, scope: 'read chat', ...params, decision }),
      redirect: 'manual',
    })
    expect(res.status).to.equal(302)
    return new URL(res.headers.get('location')!)
  }
  const token = (form: Record<string, string>, legacy = false) =>
    fetch(`${origin()}/oauth2/${legacy ? '' : 'chat/'}token`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: SANDBOX_CLIENT.id, client_secret: SANDBOX_CLIENT.secret, ...form }),
    })
  const api = async (accessToken: string) =>
    (await fetch(`${sandbox().baseUrl}/account`, { headers: { Authorization: `Bearer ${accessToken}` } })).status

  it('serves a consent form with Allow and Deny that carries every parameter on (integrated and legacy paths)', async () => {
    for (const legacy of [false, true]) {
      const res = await fetch(authorizeUrl({ response_type: 'code', state: 's<1>' }, legacy))
      const html = await res.text()
      expect(res.status).to.equal(200)
      expect(html)
        .to.contain('id="allow"')
        .and.contain('id="deny"')
        .and.contain('name="state" value="s&lt;1&gt;"')
        .and.contain(`value="${REDIRECT}"`)
    }
  })

  it('an unknown client or a redirect URL the client does not allow is an error page, never a redirect', async () => {
    const unknown = await fetch(authorizeUrl({ response_type: 'code', client_id: 'nobody' }), { redirect: 'manual' })
    expect(unknown.status).to.equal(400)
    expect(await unknown.text()).to.contain('invalid_client')
    const elsewhere = await fetch(authorizeUrl({ response_type: 'code', redirect_uri: 'http://localhost:9999' }), {
      redirect: 'manual',
      headers: { Accept: 'application/json' },
    })
    expect(elsewhere.status).to.equal(400)
    expect(await elsewhere.json()).to.deep.include({ error: 'invalid_redirect_uri' })
  })

  it('other errors go back in the redirect with error, error_description and state (in the fragment for the implicit grant)', async () => {
    const scope = await fetch(authorizeUrl({ response_type: 'code', scope: 'admin', state: 'st' }), { redirect: 'manual' })
    const location = new URL(scope.headers.get('location')!)
    expect(Object.fromEntries(location.searchParams)).to.deep.include({ error: 'invalid_scope', state: 'st' })
    const denied = await decide({ response_type: 'token', state: 'st2' }, 'deny')
    expect(denied.search).to.equal('')
    expect(Object.fromEntries(new URLSearchParams(denied.hash.slice(1)))).to.deep.include({ error: 'access_denied', state: 'st2' })
  })

  it('a code works once, for its redirect URL and client secret; its tokens are accepted by the API', async () => {
    const code = (await decide({ response_type: 'code', state: 'x' }, 'allow')).searchParams.get('code')!
    expect((await token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_secret: 'wrong' })).status).to.equal(401)
    expect((await token({ grant_type: 'authorization_code', code: 'made-up', redirect_uri: REDIRECT })).status).to.equal(400)
    const code2 = (await decide({ response_type: 'code' }, 'allow')).searchParams.get('code')!
    const answer = await token({ grant_type: 'authorization_code', code: code2, redirect_uri: REDIRECT })
    expect(answer.status).to.equal(200)
    const tokens = (await answer.json()) as { access_token: string; refresh_token: string; token_type: string; scope: string }
    expect(tokens).to.include({ token_type: 'Bearer', scope: 'read chat' })
    expect(await api(tokens.access_token)).to.equal(200)
    expect((await token({ grant_type: 'authorization_code', code: code2, redirect_uri: REDIRECT })).status, 'a code used again').to.equal(
      400,
    )
  })

  it('a refresh token works once and spends the access token it came with', async () => {
    const first = sandbox().oauth.issue(SANDBOX_CLIENT.id)
    const answer = await token({ grant_type: 'refresh_token', refresh_token: first.refreshToken }, true)
    expect(answer.status).to.equal(200)
    const next = (await answer.json()) as { access_token: string; refresh_token: string }
    expect(next.refresh_token).not.to.equal(first.refreshToken)
    expect(await api(first.accessToken)).to.equal(401)
    expect(await api(next.access_token)).to.equal(200)
    const again = await token({ grant_type: 'refresh_token', refresh_token: first.refreshToken })
    expect(again.status).to.equal(400)
    expect(await again.json()).to.deep.include({ error: 'invalid_grant' })
  })

  it('the implicit grant puts the token in the fragment', async () => {
    const redirect = await decide({ response_type: 'token', state: 'imp' }, 'allow')
    const fragment = new URLSearchParams(redirect.hash.slice(1))
    expect(fragment.get('state')).to.equal('imp')
    expect(await api(fragment.get('access_token')!)).to.equal(200)
    expect(fragment.has('refresh_token')).to.equal(false)
  })
})
