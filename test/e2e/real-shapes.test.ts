/**
 * Every shape and field API.md lists, end to end: a sandbox with every quirk
 * switched on often (webpath entries as lists, null items, trigger
 * definitions as strings, bans without `type` or with the short `ip`, ids as
 * numeric strings...) synced in full by the built tap loses no record, drops
 * no field the sandbox sent, and emits records its own SCHEMA accepts; the
 * documented fields (engagements, conversions, history nick/skills_name/...)
 * and the two new exports come through as the sandbox holds them.
 */
import { expect } from 'chai'
import { parseCatalog } from '../support/catalog.js'
import { describeRun, tap, useTempDir } from '../support/cli.js'
import { SANDBOX_START_DATE } from '../../src/sandbox/index.js'
import { ALL_STREAMS, keyOf, sandboxConfig, sandboxGet, useSandbox } from '../support/sandbox.js'
import {
  compile,
  errorsOf,
  isJsonObject,
  lastState,
  type Message,
  newAjv,
  parseMessages,
  recordsOf,
  schemaOf,
  streamsWithRecords,
} from '../support/singer.js'

type Row = Record<string, unknown>

/** The one value a quirk and its normal form share: 0/1 and booleans, numeric strings and numbers, `+00:00Z` and `+00:00`. */
const normal = (v: unknown): unknown => {
  if (v === 0 || v === 1) return v === 1
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v)
  if (typeof v === 'string' && /[+-]\d{2}:\d{2}Z$/.test(v)) return v.slice(0, -1)
  return v
}

/** Paths of what the sandbox sent that the record lacks or holds differently (quirks evened out aside). */
const lost = (sent: unknown, got: unknown, at = ''): string[] => {
  if (Array.isArray(sent)) {
    if (!Array.isArray(got) || got.length !== sent.length) return [`${at} (list of ${sent.length})`]
    return sent.flatMap((s, i) => lost(s, got[i], `${at}[${i}]`))
  }
  if (isJsonObject(sent)) {
    if (!isJsonObject(got)) return [`${at} (object)`]
    return Object.keys(sent).flatMap((k) =>
      Object.hasOwn(got, k) ? lost(sent[k], got[k], at === '' ? k : `${at}.${k}`) : [`${at === '' ? k : `${at}.${k}`} (missing)`],
    )
  }
  return normal(sent) === normal(got) ? [] : [`${at}: sent ${JSON.stringify(sent)}, got ${JSON.stringify(got)}`]
}

const keyString = (stream: string, r: Row): string => JSON.stringify(keyOf(stream).map((k) => normal(r[k])))

describe('e2e: every shape and field of the real API, with the sandbox sending every quirk often', () => {
  const sandbox = useSandbox({ seed: 83, quirks: 'often', chats: 1600, agents: 60, departments: 5, bans: 200, timeline: 300 })
  const tmp = useTempDir()
  let messages: Message[]
  let second: Message[]
  let third: Message[]
  let stderr: string
  /** Every record the sandbox holds, per stream, as it serves it. */
  let held: Record<string, Row[]>

  before(async () => {
    const d = sandbox().data
    const config = await tmp().write('config.json', sandboxConfig(sandbox()))
    const discovered = await tap('--config', config, '--discover')
    expect(discovered.code, describeRun(discovered)).to.equal(0)
    const catalog = await tmp().write('catalog.json', parseCatalog(discovered.stdout))
    const run = await tap('--config', config, '--catalog', catalog)
    expect(run.code, describeRun(run)).to.equal(0)
    messages = parseMessages(run.stdout)
    stderr = run.stderr
    // An incremental run right after, then a third a second later: both fine, nothing new lost.
    const state1 = await tmp().write('state-1.json', lastState(messages))
    const run2 = await tap('--config', config, '--catalog', catalog, '--state', state1)
    expect(run2.code, describeRun(run2)).to.equal(0)
    second = parseMessages(run2.stdout)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const run3 = await tap('--config', config, '--catalog', catalog, '--state', await tmp().write('state-2.json', lastState(second)))
    expect(run3.code, describeRun(run3)).to.equal(0)
    third = parseMessages(run3.stdout)
    const bans = (await sandboxGet(sandbox(), 'bans?limit=1000')).body as { ip_address: Row[]; visitor: Row[] }
    held = {
      account: [d.account as unknown as Row],
      agents: d.agents() as unknown as Row[],
      bans: [...bans.ip_address, ...bans.visitor],
      chats: d.allChats() as unknown as Row[],
      conversions: d.allConversions() as unknown as Row[],
      // start_date bounds the exports: department events of the account's first years come before it.
      department_events: d.allDepartmentEvents().filter((e) => e.timestamp >= SANDBOX_START_DATE) as unknown as Row[],
      departments: d.departments() as unknown as Row[],
      goals: d.goals() as unknown as Row[],
      triggers: d.triggers() as unknown as Row[],
    }
  })

  it('the sandbox does send the rare shapes', () => {
    const chats = held.chats!
    const flat = (rows: Row[], field: string) => rows.flatMap((r) => (Array.isArray(r[field]) ? (r[field] as unknown[]) : []))
    expect(flat(chats, 'webpath').some(Array.isArray), 'a webpath entry as a list').to.equal(true)
    for (const field of ['webpath', 'history', 'tags', 'agent_ids', 'agent_names'])
      expect(flat(chats, field).includes(null), `null in ${field}`).to.equal(true)
    expect(flat(held.departments!, 'members').includes(null), 'null in members').to.equal(true)
    const definitions = held.triggers!.map((t) => t.definition as Row)
    expect(
      definitions.some((d) => typeof d.condition === 'string' && typeof d.actions === 'string'),
      'trigger condition/actions as strings',
    ).to.equal(true)
    expect(
      definitions.some((d) => Array.isArray(d.event)),
      'trigger event as a list',
    ).to.equal(true)
    expect(
      held.bans!.some((b) => !('type' in b)),
      'a ban without type',
    ).to.equal(true)
    expect(
      held.bans!.some((b) => b.type === 'ip'),
      'a ban with type "ip"',
    ).to.equal(true)
    const history = flat(chats, 'history').filter(isJsonObject)
    expect(
      history.some((h) => typeof h.prev_department_id === 'string'),
      'prev_department_id as a string',
    ).to.equal(true)
    expect(
      history.some((h) => typeof h.msg_id === 'number'),
      'msg_id as an integer',
    ).to.equal(true)
  })

  it('knows every field the sandbox sends: no "new to zchat ... not extracted" warning (conversions and engagements had one)', () => {
    expect(stderr.split('\n').filter((l) => l.includes('is new to zchat'))).to.deep.equal([])
  })

  it('says once what it assumes of the two new exports: start_time in seconds', () => {
    for (const stream of ['conversions', 'department_events']) {
      const said = stderr.split('\n').filter((l) => l.includes(`stream ${stream}: assumed: start_time is sent in epoch seconds`))
      expect(said, stream).to.have.length(1)
    }
  })

  it('loses no record: every stream holds exactly the sandbox records, by key', () => {
    expect(streamsWithRecords(messages)).to.deep.equal(ALL_STREAMS)
    for (const [stream, rows] of Object.entries(held)) {
      const got = recordsOf(messages, stream)
        .map((r) => keyString(stream, r))
        .sort()
      expect(got, stream).to.deep.equal(rows.map((r) => keyString(stream, r)).sort())
    }
  })

  it('drops no field the sandbox sent, nulls and lists included (the quirks evened out aside)', () => {
    for (const [stream, rows] of Object.entries(held)) {
      const byKey = new Map(recordsOf(messages, stream).map((r) => [keyString(stream, r), r]))
      const missing = rows.flatMap((sent) => {
        const got = byKey.get(keyString(stream, sent))
        // A ban's type comes from its array when it lacks one; "ip" reads as "ip_address".
        const expected = stream === 'bans' ? { ...sent, type: 'ip_address' in sent ? 'ip_address' : 'visitor' } : sent
        return lost(expected, got).map((p) => `${keyString(stream, sent)} ${p}`)
      })
      expect(missing.slice(0, 5), `${stream}: ${missing.length} fields lost`).to.deep.equal([])
    }
  })

  it('every SCHEMA accepts every record of its stream, in all three runs', () => {
    for (const stream of ALL_STREAMS) {
      const validate = compile(newAjv(), schemaOf(messages, stream)!.schema, `${stream} SCHEMA`)
      const invalid = recordsOf([...messages, ...second, ...third], stream).flatMap((r, i) =>
        validate(r) ? [] : [`#${i} ${errorsOf(validate)}`],
      )
      expect(invalid.slice(0, 3), stream).to.deep.equal([])
    }
  })

  it("chats carry engagements that agree with their agents, and conversions of the account's goals", () => {
    const chats = recordsOf(messages, 'chats').filter((c) => c.type === 'chat')
    const goals = new Map(held.goals!.map((g) => [g.id, g.name]))
    let engaged = 0
    for (const chat of chats) {
      const engagements = chat.engagements as Row[]
      const agents = (chat.agent_ids as (string | null)[]).filter((a) => a !== null)
      expect(
        engagements.map((e) => e.agent_id),
        `chat ${String(chat.id)}`,
      ).to.deep.equal(agents)
      engaged += engagements.length
      for (const c of chat.conversions as Row[]) expect(goals.get(c.goal_id), `goal ${String(c.goal_id)}`).to.equal(c.goal_name)
    }
    expect(engaged).to.be.greaterThan(chats.length / 2)
    expect(chats.filter((c) => (c.conversions as unknown[]).length > 0).length).to.be.greaterThan(10)
  })

  it('history entries carry nick, skills_name, prev_department_id, rating and conversion; agents carry scope', () => {
    const history = recordsOf(messages, 'chats').flatMap((c) => ((c.history as Row[] | undefined) ?? []).filter(isJsonObject))
    for (const field of ['nick', 'skills_name', 'prev_department_id', 'new_rating', 'conversion']) {
      expect(
        history.some((h) => h[field] !== undefined && h[field] !== null),
        field,
      ).to.equal(true)
    }
    // A first rating has nothing before it: `rating` is there, null.
    expect(history.some((h) => h.type === 'chat.rating' && 'rating' in h)).to.equal(true)
    expect(history.every((h) => typeof h.nick === 'string')).to.equal(true)
    expect(history.filter((h) => h.prev_department_id !== undefined).every((h) => Number.isInteger(h.prev_department_id))).to.equal(true)
    expect(recordsOf(messages, 'agents').some((a) => typeof a.scope === 'string')).to.equal(true)
  })

  it('conversions name real goals and chats; department events real departments, the newest of a field its current value', () => {
    const chatIds = new Set(recordsOf(messages, 'chats').map((c) => c.id))
    const goalIds = new Set(held.goals!.map((g) => g.id))
    const conversions = recordsOf(messages, 'conversions')
    expect(conversions.length).to.be.greaterThan(10)
    for (const c of conversions) {
      expect(goalIds.has(c.goal_id), `goal ${String(c.goal_id)}`).to.equal(true)
      expect(chatIds.has((c.attribution as Row).chat_id), `chat ${String((c.attribution as Row).chat_id)}`).to.equal(true)
    }
    const departments = new Map(recordsOf(messages, 'departments').map((d) => [d.id, d]))
    const events = recordsOf(messages, 'department_events')
    expect(events.length).to.be.greaterThan(3)
    const newest = new Map<string, Row>()
    for (const e of events) {
      expect(departments.has(e.department_id), `department ${String(e.department_id)}`).to.equal(true)
      newest.set(`${String(e.department_id)} ${String(e.field_name)}`, e)
    }
    for (const e of newest.values()) {
      const department = departments.get(e.department_id)!
      expect(normal(e.value), `${String(e.department_id)} ${String(e.field_name)}`).to.deep.equal(
        normal(department[e.field_name as string]),
      )
    }
  })
})
