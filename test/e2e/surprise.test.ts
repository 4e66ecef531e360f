/**
 * A shape nobody has seen never strands a user: the run stops with a line
 * that names the stream, record, field, expected and actual, and says which
 * field to deselect (with the Meltano `select` pattern); nothing emitted is
 * lost, the STATE resumes at the failing page, and a run with that field
 * deselected (as Meltano's rules write it) goes on from there: the field is
 * not validated, and every other field and record comes through.
 */
import { expect } from 'chai'
import { parseCatalog, type Catalog } from '../support/catalog.js'
import { describeRun, lines, STACK_LINE, tap, useTempDir, type RunResult } from '../support/cli.js'
import { applyMetadataRules, catalogRules } from '../support/meltano-catalog.js'
import { sandboxConfig, useSandbox } from '../support/sandbox.js'
import { lastState, parseMessages, recordsOf, schemaOf, type Message, type StateValue } from '../support/singer.js'

describe('e2e: a shape nobody has seen (a chat whose session.end_date is a number)', () => {
  const sandbox = useSandbox({ seed: 97, chats: 2500, agents: 40, departments: 4 })
  const tmp = useTempDir()
  let config: string
  let discovered: Catalog
  let surprised: { id: string; update: string }
  let first: RunResult
  let firstMessages: Message[]
  let state: StateValue

  before(async () => {
    const chats = sandbox().data.allChats()
    // On the second export page: the first page's records are out when it comes.
    const chat = chats[1500]!
    surprised = { id: chat.id, update: chat.update_timestamp }
    expect(sandbox().data.surpriseChat(chat.id, ['session', 'end_date'], 1717171717)).to.equal(true)
    config = await tmp().write('config.json', sandboxConfig(sandbox()))
    const r = await tap('--config', config, '--discover')
    expect(r.code, describeRun(r)).to.equal(0)
    discovered = parseCatalog(r.stdout)
    first = await tap('--config', config, '--catalog', await tmp().write('catalog.json', discovered))
    firstMessages = parseMessages(first.stdout)
    state = lastState(firstMessages)
  })

  it('stops with one line naming stream, record, field, expected and actual, and how to carry on', () => {
    expect(first.code, describeRun(first)).to.equal(1)
    expect(lines(first.stderr).filter((l) => STACK_LINE.test(l))).to.deep.equal([])
    const error = lines(first.stderr).filter((l) => l.includes('error:'))
    expect(error).to.have.length(1)
    expect(error[0]).to.include(
      `stream chats, record "${surprised.id}": field session.end_date expected (date-time | null), got integer 1717171717`,
    )
    expect(error[0]).to.include('`meltano select tap-zendesk-chat --exclude chats session.end_date`')
    expect(error[0]).to.include('"!chats.session.end_date"')
    expect(error[0]).to.include('["properties","session","properties","end_date"]')
  })

  it('loses nothing emitted: every chat before the failing page is out, and the last STATE covers exactly them', () => {
    const d = sandbox().data
    const order = d.allChats().map((c) => c.id)
    const emitted = recordsOf(firstMessages, 'chats').map((c) => c.id)
    // Whole pages of 1000, none of the failing one.
    expect(emitted.length % 1000).to.equal(0)
    expect(emitted).to.deep.equal(order.slice(0, emitted.length))
    expect(emitted).to.not.include(surprised.id)
    const newest = recordsOf(firstMessages, 'chats')
      .map((c) => c.update_timestamp as string)
      .sort()
      .at(-1)
    expect(state.bookmarks.chats?.update_timestamp).to.equal(newest)
    expect(String(newest) <= surprised.update).to.equal(true)
  })

  describe('then, with `!chats.session.end_date` added to the select patterns', () => {
    let second: RunResult
    let messages: Message[]

    before(async () => {
      const catalog = applyMetadataRules(discovered, catalogRules({ select: ['*.*', '!chats.session.end_date'] }))
      second = await tap(
        '--config',
        config,
        '--catalog',
        await tmp().write('deselected.json', catalog),
        '--state',
        await tmp().write('state.json', state),
      )
      messages = parseMessages(second.stdout)
    })

    it('the run resumes at the failing page and finishes: every chat is out once over both runs', () => {
      expect(second.code, describeRun(second)).to.equal(0)
      const all = sandbox()
        .data.allChats()
        .map((c) => c.id)
      const both = [...recordsOf(firstMessages, 'chats'), ...recordsOf(messages, 'chats')].map((c) => c.id)
      expect([...new Set(both)].sort()).to.deep.equal([...all].sort())
      // Resumed at the page, not from the start: nothing older than the bookmark is read again (its own instant is: inclusive).
      const bookmark = state.bookmarks.chats!.update_timestamp as string
      expect(recordsOf(messages, 'chats').filter((c) => (c.update_timestamp as string) < bookmark)).to.deep.equal([])
      expect(recordsOf(messages, 'chats').length).to.be.lessThan(all.length)
    })

    it('the surprising chat comes without end_date and with every other session field; the SCHEMA says so', () => {
      const chat = recordsOf(messages, 'chats').find((c) => c.id === surprised.id)!
      const session = chat.session as Record<string, unknown>
      expect(session).to.not.have.property('end_date')
      expect(session).to.include.keys('id', 'browser', 'city', 'start_date', 'ip')
      const schema = schemaOf(messages, 'chats')!.schema as { properties: Record<string, { properties: Record<string, unknown> }> }
      expect(schema.properties.session!.properties).to.not.have.property('end_date')
      expect(schema.properties.session!.properties).to.have.property('start_date')
    })
  })
})
