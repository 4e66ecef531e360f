import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import type { SelectedStream } from '../../../src/engine/catalog.js'
import { emptyState, type State } from '../../../src/engine/state/bookmarks.js'
import { SANDBOX_START_DATE, startSandbox, type Sandbox } from '../../../src/sandbox/index.js'
import { runSync, syncOk, testEnv, type TestEnv } from '../../support/env.js'
import { defaultStreams, selectWith } from '../../support/selection.js'
import { lastState, messagesOf, recordMessagesOf, statesOf, typesOf } from '../../support/singer.js'

const only = defaultStreams
const T1 = new Date('2026-11-21T10:00:00Z')
const T2 = new Date('2026-11-22T10:00:00Z')

const lastStateOf = (t: TestEnv): State => lastState(t.messages())
const ofStream = (t: TestEnv, stream: string) => messagesOf(t.messages(), stream)

describe('ACTIVATE_VERSION around full-table reads', () => {
  let sandbox: Sandbox
  before(async () => {
    sandbox = await startSandbox({ port: 0, seed: 71, agents: 12, departments: 5, chats: 20, bans: 5, timeline: 10 })
  })
  after(() => sandbox.close())

  const syncAt = async (
    now: Date,
    streams: readonly SelectedStream[],
    state: State = emptyState,
    settings: Record<string, unknown> = {},
  ): Promise<TestEnv> => {
    const t = testEnv(
      { base_url: sandbox.baseUrl, access_token: sandbox.token, start_date: SANDBOX_START_DATE, ...settings },
      { now: () => now },
    )
    await syncOk(t, streams, state)
    return t
  }

  describe('a first run (no version in the state), then a run from its state', () => {
    let run1: TestEnv
    let run2: TestEnv
    before(async () => {
      run1 = await syncAt(T1, only('account', 'agent_timeline', 'departments'))
      run2 = await syncAt(T2, only('account', 'agent_timeline', 'departments'), lastStateOf(run1))
    })

    it('first run: each full-table stream has SCHEMA, ACTIVATE_VERSION at once, its RECORDs, then ACTIVATE_VERSION again', () => {
      for (const [stream, records] of [
        ['departments', 5],
        ['account', 1],
      ] as const) {
        expect(typesOf(ofStream(run1, stream)), stream).to.deep.equal([
          'SCHEMA',
          'ACTIVATE_VERSION',
          ...Array<string>(records).fill('RECORD'),
          'ACTIVATE_VERSION',
        ])
        // It goes out with the first page, so a stream the account turns out not to have announces nothing.
        expect(ofStream(run1, stream)[1], `${stream}: ACTIVATE_VERSION before its records`).to.deep.equal({
          type: 'ACTIVATE_VERSION',
          stream,
          version: T1.getTime(),
        })
        expect(ofStream(run1, stream).at(-1)).to.deep.equal({ type: 'ACTIVATE_VERSION', stream, version: T1.getTime() })
      }
    })

    it("first run: every RECORD of a full-table stream carries the read's version", () => {
      for (const stream of ['departments', 'account']) {
        for (const m of recordMessagesOf(run1.messages(), stream)) expect(m.version, stream).to.equal(T1.getTime())
      }
    })

    it('the STATE after the closing ACTIVATE_VERSION, and the final STATE, hold the version', () => {
      const all = run1.messages()
      const closing = all.findLastIndex((m) => m.type === 'ACTIVATE_VERSION' && m.stream === 'departments')
      const after = all[closing + 1]!
      expect(after.type).to.equal('STATE')
      expect(statesOf([after])[0]!.bookmarks.departments).to.deep.equal({ version: T1.getTime() })
      const final = lastStateOf(run1)
      expect(final.bookmarks.departments).to.deep.equal({ version: T1.getTime() })
      expect(final.bookmarks.account).to.deep.equal({ version: T1.getTime() })
      // No STATE holds a version before its ACTIVATE_VERSION: a target that resumes must have seen it.
      for (const s of statesOf(all.slice(0, closing))) expect(s.bookmarks.departments?.version).to.equal(undefined)
    })

    it('incremental streams get no ACTIVATE_VERSION and no version', () => {
      const timeline = ofStream(run1, 'agent_timeline')
      expect(recordMessagesOf(timeline)).to.have.length(10)
      expect(timeline.filter((m) => m.type === 'ACTIVATE_VERSION')).to.deep.equal([])
      for (const m of recordMessagesOf(timeline)) expect(m).to.not.have.property('version')
      expect(lastStateOf(run1).bookmarks.agent_timeline).to.not.have.property('version')
    })

    it('second run: no ACTIVATE_VERSION before the records, one after them with the newer version, which the records carry', () => {
      for (const [stream, records] of [
        ['departments', 5],
        ['account', 1],
      ] as const) {
        const messages = ofStream(run2, stream)
        expect(typesOf(messages), stream).to.deep.equal(['SCHEMA', ...Array<string>(records).fill('RECORD'), 'ACTIVATE_VERSION'])
        expect(messages.at(-1)).to.deep.include({ version: T2.getTime() })
        for (const m of recordMessagesOf(messages)) expect(m.version).to.equal(T2.getTime())
        expect(lastStateOf(run2).bookmarks[stream]).to.deep.equal({ version: T2.getTime() })
      }
    })
  })

  it('activate_version false: no ACTIVATE_VERSION, no version on records or in the state', async () => {
    const t = await syncAt(T1, only('account', 'departments'), emptyState, { activate_version: false })
    const messages = t.messages()
    expect(recordMessagesOf(messages)).to.have.length(6)
    expect(messages.filter((m) => m.type === 'ACTIVATE_VERSION')).to.deep.equal([])
    for (const m of recordMessagesOf(messages)) expect(m).to.not.have.property('version')
    expect(lastStateOf(t).bookmarks).to.deep.equal({})
  })

  it('an incremental stream forced FULL_TABLE by catalog metadata is read as a version too', async () => {
    const selection = selectWith(['agents'], { agents: 'FULL_TABLE' })
    expect(selection.map((s) => s.method)).to.deep.equal(['FULL_TABLE'])

    const t = await syncAt(T1, selection)
    const agents = ofStream(t, 'agents')
    expect(typesOf(agents)).to.deep.equal(['SCHEMA', 'ACTIVATE_VERSION', ...Array<string>(12).fill('RECORD'), 'ACTIVATE_VERSION'])
    for (const m of recordMessagesOf(agents)) expect(m.version).to.equal(T1.getTime())
    expect(lastStateOf(t).bookmarks.agents).to.deep.equal({ version: T1.getTime() })
  })
})

describe('ACTIVATE_VERSION when a full-table stream is not read whole', () => {
  const OLD = 1_700_000_000_000
  const before: State = { bookmarks: { account: { version: OLD } }, currently_syncing: null }
  // The account's other resources answer: agents (which every account has) is where zchat looks.
  const forbidden = {
    account: { status: 403, body: { error: 'Forbidden', description: 'no access' } },
    'agents?limit=1': { body: [] },
  }

  it('a stream skipped on a 403 its definition allows gets no closing ACTIVATE_VERSION and keeps its old version', async () => {
    const t = testEnv({}, { now: () => T1, routes: forbidden })
    await syncOk(t, only('account'), before)
    expect(t.logs.some((l) => l.startsWith('WARN stream account: skipped'))).to.equal(true)
    expect(typesOf(ofStream(t, 'account'))).to.deep.equal(['SCHEMA'])
    expect(t.messages().filter((m) => m.type === 'ACTIVATE_VERSION')).to.deep.equal([])
    expect(lastStateOf(t).bookmarks.account).to.deep.equal({ version: OLD })
  })

  it('on a first run, a skipped stream has no ACTIVATE_VERSION at all (an empty one would empty its table), and no version is kept', async () => {
    const t = testEnv({}, { now: () => T1, routes: forbidden })
    await syncOk(t, only('account'), emptyState)
    expect(typesOf(ofStream(t, 'account'))).to.deep.equal(['SCHEMA'])
    expect(lastStateOf(t).bookmarks.account).to.equal(undefined)
  })

  it('a full-table stream that fails gets no closing ACTIVATE_VERSION', async () => {
    const t = testEnv({}, { now: () => T1, routes: { departments: { status: 400, body: { error: 'Bad Request', description: 'no' } } } })
    const result = await runSync(t, only('departments'), { bookmarks: { departments: { version: OLD } }, currently_syncing: null })
    expect(E.isLeft(result)).to.equal(true)
    expect(t.messages().filter((m) => m.type === 'ACTIVATE_VERSION')).to.deep.equal([])
    expect(lastStateOf(t).bookmarks.departments).to.deep.equal({ version: OLD })
  })
})
