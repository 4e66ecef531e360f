import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import nock from 'nock'
import { render } from '../../../../src/core/failure.js'
import { getJson } from '../../../../src/engine/http/request.js'
import { API, API_PATH, testEnv } from '../../../support/env.js'

describe("HTTP: the API's clock, and hosts that do not exist", () => {
  beforeEach(() => nock.disableNetConnect())
  afterEach(() => {
    nock.cleanAll()
    nock.enableNetConnect()
  })

  it("takes the API's clock from the Date header of every answer, errors included; the local clock until then", async () => {
    const t = testEnv()
    expect(t.env.api.now().toISOString()).to.equal('2026-11-21T10:00:00.000Z')
    expect(t.env.api.dated()).to.equal(false)
    nock(API)
      .get(`${API_PATH}/goals`)
      .reply(200, [], { Date: 'Sat, 21 Nov 2026 13:00:00 GMT' })
      .get(`${API_PATH}/roles`)
      .reply(400, { error: 'Bad Request' }, { Date: 'Sat, 21 Nov 2026 09:58:00 GMT' })
    await getJson({ path: 'goals', query: {} })(t.env)()
    expect(t.env.api.now().toISOString()).to.equal('2026-11-21T13:00:00.000Z')
    expect(t.env.api.answered()).to.equal(true)
    await getJson({ path: 'roles', query: {} })(t.env)()
    expect(t.env.api.now().toISOString()).to.equal('2026-11-21T09:58:00.000Z')
  })

  it('a name that does not resolve (ENOTFOUND) fails at once with the subdomain hint; EAI_AGAIN is retried', async () => {
    nock(API).get(`${API_PATH}/goals`).replyWithError({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND acme.zendesk.com' })
    const t = testEnv()
    const result = await getJson({ path: 'goals', query: {} })(t.env)()
    expect(E.isLeft(result) && render(result.left)[0]).to.match(
      /no such host acme\.zendesk\.com; check subdomain \(acme for acme\.zendesk\.com\) or base_url$/,
    )
    expect(t.sleeps).to.deep.equal([])

    nock(API)
      .get(`${API_PATH}/goals`)
      .replyWithError({ code: 'EAI_AGAIN', message: 'getaddrinfo EAI_AGAIN acme.zendesk.com' })
      .get(`${API_PATH}/goals`)
      .reply(200, [])
    const again = testEnv()
    expect(E.isRight(await getJson({ path: 'goals', query: {} })(again.env)())).to.equal(true)
    expect(again.sleeps).to.have.length(1)
  })

  it('once the host has answered, ENOTFOUND is a resolver hiccup and is retried like other network faults', async () => {
    nock(API)
      .get(`${API_PATH}/roles`)
      .reply(200, [])
      .get(`${API_PATH}/goals`)
      .replyWithError({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND acme.zendesk.com' })
      .get(`${API_PATH}/goals`)
      .reply(200, [])
    const t = testEnv()
    await getJson({ path: 'roles', query: {} })(t.env)()
    expect(E.isRight(await getJson({ path: 'goals', query: {} })(t.env)())).to.equal(true)
    expect(t.sleeps).to.have.length(1)
  })
})
