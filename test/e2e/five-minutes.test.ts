/**
 * The export's five-minute rule (API.md): a start_time less than five minutes
 * before the API's clock is refused, on the first request and on every
 * next_page. zchat judges by the API's clock (its Date header), never sends
 * such a request, ends the stream there and leaves the rest to the next run.
 */
import { expect } from 'chai'
import { describeRun, tap, useTempDir, type RunResult } from '../support/cli.js'
import { sandboxConfig, useSandbox, type Sandbox } from '../support/sandbox.js'
import { lastState, parseMessages, recordsOf, type Message, type StateValue } from '../support/singer.js'
import { LAG } from '../../src/sandbox/data/chat-layout.js'

const HOUR_MS = 3600_000
const exportsOnly = {
  streams: ['chats', 'agent_timeline'].map((s) => ({
    tap_stream_id: s,
    stream: s,
    schema: {},
    metadata: [{ breadcrumb: [], metadata: { selected: true } }],
  })),
}

const timelineKey = (e: Record<string, unknown>) => `${String(e.agent_id)}|${String(e.start_time)}|${String(e.status)}`
const chatKeys = (messages: readonly Message[]) => recordsOf(messages, 'chats').map((c) => String(c.id))
const timelineKeys = (messages: readonly Message[]) => recordsOf(messages, 'agent_timeline').map(timelineKey)
const sandboxNowSeconds = (sandbox: Sandbox) => Math.floor(sandbox.nowMillis() / 1000)

/** The account's newest changes within minutes of its clock: 5 chats up to 200 s before it, then 5 timeline entries up to about 50 s before it. */
const recentChanges = (sandbox: Sandbox): void => {
  const d = sandbox.data
  // Added chats start LAG after the latest change and take a minute each.
  d.quietUntil(sandboxNowSeconds(sandbox) - LAG - 1 - 5 * 60 - 200)
  d.addChats(5)
  d.addTimelineEntries(5)
}

/**
 * An account whose first export page is full and ends inside the window:
 * exactly 1000 chats (200 plus 800 added, the last about three minutes before
 * the sandbox's clock) and 1000 timeline entries (996 plus 4 added after them,
 * the last about half a minute before it).
 */
const lastFullPageInTheWindow = (sandbox: Sandbox): void => {
  const d = sandbox.data
  d.quietUntil(sandboxNowSeconds(sandbox) - LAG - 1 - 800 * 60 - 150)
  d.addChats(800)
  d.addTimelineEntries(4)
}

const setup = (options: { clockOffsetMs?: number; timeline?: number }) => {
  const sandbox = useSandbox({ seed: 61, agents: 10, departments: 2, chats: 200, bans: 3, timeline: 996, ...options })
  const tmp = useTempDir()
  let args: string[]
  const sync = async (state?: StateValue, name = 'state'): Promise<{ r: RunResult; messages: Message[]; refused: number }> => {
    args ??= [
      '--config',
      await tmp().write('config.json', sandboxConfig(sandbox())),
      '--catalog',
      await tmp().write('catalog.json', exportsOnly),
    ]
    const from = sandbox().requestLog.length
    const extra = state === undefined ? [] : ['--state', await tmp().write(`${name}-${Math.random()}.json`, state)]
    const r = await tap(...args, ...extra)
    const refused = sandbox()
      .requestLog.slice(from)
      .filter((q) => q.status === 400).length
    return { r, messages: parseMessages(r.stdout), refused }
  }
  return { sandbox, sync }
}

const ok = (run: { r: RunResult }) => expect(run.r.code, describeRun(run.r)).to.equal(0)

describe("e2e: the five-minute rule, by the API's clock", () => {
  describe('back-to-back runs on an account whose newest changes are minutes old', () => {
    const { sandbox, sync } = setup({ timeline: 200 })

    it('the second run, right after the first, sends no refused request, exits 0 and keeps the bookmarks; a later run reads on and nothing is lost', async () => {
      recentChanges(sandbox())
      const run1 = await sync()
      ok(run1)
      expect(run1.refused).to.equal(0)
      const state1 = lastState(run1.messages)
      expect(chatKeys(run1.messages)).to.have.length(sandbox().data.chatCount)
      expect(timelineKeys(run1.messages)).to.have.length(sandbox().data.timelineCount)

      const run2 = await sync(state1)
      ok(run2)
      expect(run2.refused, 'requests refused as too recent').to.equal(0)
      expect(recordsOf(run2.messages, 'chats')).to.deep.equal([])
      expect(recordsOf(run2.messages, 'agent_timeline')).to.deep.equal([])
      expect(lastState(run2.messages).bookmarks).to.deep.equal(state1.bookmarks)
      expect(run2.r.stderr).to.match(
        /INFO .*stream chats: start_time \S+ is within five minutes of the API's clock .*the rest is left to the next run/,
      )
      expect(run2.r.stderr).to.match(/stream agent_timeline: start_time \S+ is within five minutes/)

      // Ten minutes on (the sandbox's clock moved), more entries arrived; the next run reads from the bookmarks.
      sandbox().setClockOffset(10 * 60_000)
      const added = sandbox()
        .data.addTimelineEntries(4)
        .map((e) => timelineKey(e as unknown as Record<string, unknown>))
      const run3 = await sync(lastState(run2.messages))
      ok(run3)
      expect(timelineKeys(run3.messages)).to.include.members(added)
      const chats = new Set([...chatKeys(run1.messages), ...chatKeys(run3.messages)])
      expect(chats.size).to.equal(sandbox().data.chatCount)
      const timeline = new Set([...timelineKeys(run1.messages), ...timelineKeys(run3.messages)])
      expect(timeline).to.deep.equal(
        new Set(
          sandbox()
            .data.allTimeline()
            .map((e) => timelineKey(e as unknown as Record<string, unknown>)),
        ),
      )
    })
  })

  describe('an account whose last full page ends inside the window', () => {
    const { sandbox, sync } = setup({})

    it('the next_page inside the window is not followed: exit 0, every record read so far emitted and covered by the STATE; the next run resumes', async () => {
      lastFullPageInTheWindow(sandbox())
      const d = sandbox().data
      expect(d.chatCount).to.equal(1000)
      expect(d.timelineCount).to.equal(1000)
      const run1 = await sync()
      ok(run1)
      expect(run1.refused).to.equal(0)
      expect(new Set(chatKeys(run1.messages)).size).to.equal(1000)
      expect(new Set(timelineKeys(run1.messages)).size).to.equal(1000)
      const state1 = lastState(run1.messages)
      const newestChat = d
        .allChats()
        .map((c) => c.update_timestamp)
        .sort()
        .at(-1)
      expect(state1.bookmarks.chats!.update_timestamp).to.equal(newestChat)
      expect(run1.r.stderr).to.match(/stream chats: start_time \S+ is within five minutes of the API's clock/)

      sandbox().setClockOffset(10 * 60_000)
      const run2 = await sync(state1)
      ok(run2)
      expect(run2.refused).to.equal(0)
      // Only the records at the bookmarked instants come again (the cursor is inclusive).
      for (const c of recordsOf(run2.messages, 'chats')) expect(c.update_timestamp).to.equal(state1.bookmarks.chats!.update_timestamp)
      for (const e of recordsOf(run2.messages, 'agent_timeline')) expect(e.start_time).to.equal(state1.bookmarks.agent_timeline!.start_time)
    })
  })

  for (const [where, offset] of [
    ['ahead of', 3 * HOUR_MS],
    ['behind', -3 * HOUR_MS],
  ] as const) {
    describe(`a sandbox clock three hours ${where} this machine's`, () => {
      const { sandbox, sync } = setup({ clockOffsetMs: offset })

      it('a full sync, a run right after it and one a second later all exit 0 and lose nothing; the last full page ends in the window', async () => {
        lastFullPageInTheWindow(sandbox())
        const run1 = await sync()
        ok(run1)
        expect(run1.refused).to.equal(0)
        const run2 = await sync(lastState(run1.messages))
        ok(run2)
        // Before any answer zchat can only go by this machine's clock: at most the first request of each export is refused, and that ends it cleanly.
        expect(run2.refused).to.be.at.most(2)
        expect(lastState(run2.messages).bookmarks).to.deep.equal(lastState(run1.messages).bookmarks)
        await new Promise((resolve) => setTimeout(resolve, 1000))
        const run3 = await sync(lastState(run2.messages))
        ok(run3)
        const chats = new Set([...chatKeys(run1.messages), ...chatKeys(run2.messages), ...chatKeys(run3.messages)])
        expect(chats.size).to.equal(sandbox().data.chatCount)
        const timeline = new Set([...timelineKeys(run1.messages), ...timelineKeys(run2.messages), ...timelineKeys(run3.messages)])
        expect(timeline.size).to.equal(
          new Set(
            sandbox()
              .data.allTimeline()
              .map((e) => timelineKey(e as unknown as Record<string, unknown>)),
          ).size,
        )
      })
    })
  }
})
