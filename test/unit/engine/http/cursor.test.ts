import { expect } from 'chai'
import { describeRequest, requestAt } from '../../../../src/engine/http/cursor.js'

describe('HTTP cursors', () => {
  it("takes only the query of the API's cursor URL, on our own path", () => {
    expect(requestAt('chats', 'https://acme.zendesk.com/api/v2/chat/chats?cursor=abc&limit=100')).to.deep.equal({
      path: 'chats',
      query: { cursor: 'abc', limit: '100' },
    })
    expect(requestAt('agents', '/api/v2/chat/agents?since_id=42'), 'a relative cursor').to.deep.equal({
      path: 'agents',
      query: { since_id: '42' },
    })
    expect(requestAt('chats', 'https://acme.zendesk.com/api/v2/chat/chats'), 'no query: the first page again').to.deep.equal({
      path: 'chats',
      query: {},
    })
  })

  it('ignores the host and the path of a cursor that points elsewhere: the token is only ever sent to our API', () => {
    const req = requestAt('chats', 'https://collector.example/steal?cursor=abc')
    expect(req).to.deep.equal({ path: 'chats', query: { cursor: 'abc' } })
    expect(describeRequest(req!)).to.not.contain('collector')
    expect(describeRequest(req!)).to.not.contain('steal')
  })

  it('names no request for no cursor, or one that is not a URL', () => {
    for (const cursor of [undefined, null, '', 42, { url: 'https://acme.zendesk.com/?cursor=x' }, 'http://[', 'https://'])
      expect(requestAt('chats', cursor), JSON.stringify(cursor)).to.equal(undefined)
  })

  it('describes a request by its path and query, with no host and no token, its values encoded', () => {
    expect(describeRequest({ path: 'goals', query: {} })).to.equal('goals')
    expect(describeRequest({ path: 'agents', query: { limit: 100, since_id: 7 } })).to.equal('agents?limit=100&since_id=7')
    expect(describeRequest({ path: 'chats/search', query: { q: 'timestamp:[2026-01-01 TO *]' } })).to.equal(
      'chats/search?q=timestamp%3A%5B2026-01-01+TO+*%5D',
    )
    const cursor = requestAt('chats', 'https://acme.zendesk.com/api/v2/chat/chats?cursor=a%2Fb')!
    expect(describeRequest(cursor), 'a cursor goes out as it came').to.equal('chats?cursor=a%2Fb')
  })
})
