import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import { Account } from '../../../src/codecs/account.js'
import { Agent } from '../../../src/codecs/agent.js'
import { Ban } from '../../../src/codecs/ban.js'
import { Chat } from '../../../src/codecs/chat.js'
import { ConversionRecord } from '../../../src/codecs/conversion.js'
import { Department } from '../../../src/codecs/department.js'
import { DepartmentEvent } from '../../../src/codecs/department-event.js'
import { BoolOrInt, IdString, IntOrNumericString, Limit, Timestamp } from '../../../src/codecs/quirks.js'
import { Shortcut } from '../../../src/codecs/shortcut.js'
import { Trigger } from '../../../src/codecs/trigger.js'
import { STREAMS } from '../../../src/streams/index.js'
import { SAMPLES, zenpySample } from '../../support/samples.js'
import { rightOf } from '../../support/either.js'

const decoded = <A>(codec: t.Type<A, unknown, unknown>, value: unknown): A =>
  rightOf(codec.decode(value), `${JSON.stringify(value).slice(0, 200)} to decode`)

/** Paths where a decoded value differs from the sent one (added, removed or changed). */
const differences = (sent: unknown, decoded: unknown, path = ''): string[] => {
  if (typeof sent !== 'object' || sent === null || typeof decoded !== 'object' || decoded === null) {
    return JSON.stringify(sent) === JSON.stringify(decoded) ? [] : [path]
  }
  const keys = new Set([...Object.keys(sent), ...Object.keys(decoded)])
  return [...keys].flatMap((k) =>
    differences((sent as Record<string, unknown>)[k], (decoded as Record<string, unknown>)[k], path === '' ? k : `${path}.${k}`),
  )
}

describe('codecs accept every real sample', () => {
  // The only changes decoding may make: the quirks it exists to even out.
  const normalised: Record<string, string[]> = {
    chats: ['session.start_date', 'session.end_date'], // "+00:00Z" → "+00:00"
    department_events: ['department_id'], // "7282640316815" → 7282640316815
    shortcuts: ['id'], // 2017 shortcuts have no id: it is the name
  }
  for (const stream of STREAMS) {
    const samples = SAMPLES[stream.name] ?? []
    it(`${stream.name}: ${samples.length} samples decode, losing nothing`, () => {
      expect(samples.length).to.be.greaterThan(0)
      for (const sample of samples) {
        const changed = differences(sample, decoded(stream.codec, sample))
        expect(changed, JSON.stringify(sample).slice(0, 80)).to.satisfy((paths: string[]) =>
          paths.every((p) => (normalised[stream.name] ?? []).includes(p)),
        )
      }
    })
  }

  it('keeps plan limits that are numbers or "unlimited"', () => {
    const account = decoded(Account, zenpySample('2017-account'))
    expect(account.plan?.max_agents).to.equal(30)
    expect(account.plan?.max_departments).to.equal('unlimited')
  })

  it('repairs "+00:00Z" session dates of old offline messages', () => {
    const message = decoded(Chat, zenpySample('2017-offline_message')) as Chat
    expect(message.session?.end_date).to.equal('2017-04-24T12:45:32+00:00')
    expect(message.type).to.equal('offline_msg')
  })

  it('fills a 2017 shortcut id from its name', () => {
    expect((decoded(Shortcut, zenpySample('2017-shortcut')) as { id: string }).id).to.equal('help')
  })

  it('chat history: msg_id becomes a string, department_id an integer, microseconds kept', () => {
    const chat = decoded(Chat, {
      id: 'c1',
      type: 'chat',
      agent_ids: ['4120927', 4120928],
      history: [
        { type: 'chat.msg', msg_id: 1493008604612, timestamp: '2017-04-24T04:36:45.165000Z' },
        { type: 'chat.memberjoin', department_id: '1817719521' },
        { type: 'chat.memberjoin', department_id: 1817719522 },
      ],
    }) as Chat
    expect(chat.agent_ids).to.deep.equal(['4120927', '4120928'])
    expect(chat.history?.map((h) => h?.msg_id ?? h?.department_id)).to.deep.equal(['1493008604612', 1817719521, 1817719522])
    expect(chat.history?.[0]?.timestamp).to.equal('2017-04-24T04:36:45.165000Z')
  })

  it('bans: ids and created_at null of old bans; a ban must say its kind', () => {
    expect(decoded(Ban, { id: 1, type: 'visitor', created_at: null })).to.deep.equal({ id: 1, type: 'visitor', created_at: null })
    expect(E.isLeft(Ban.decode({ id: 1, type: 'email' }))).to.equal(true)
  })

  it('triggers keep their definition as nested JSON, not a string', () => {
    const trigger = decoded(Trigger, zenpySample('2017-trigger')) as { definition: { condition: unknown[] } }
    expect(trigger.definition.condition[0]).to.equal('and')
    expect(trigger.definition.condition[1]).to.deep.equal(['not', ['firedBefore']])
  })
})

describe('every shape API.md lists, each kept whole', () => {
  const chat = (extra: Record<string, unknown>): Record<string, unknown> =>
    decoded(Chat, { id: 'c1', type: 'chat', ...extra }) as Record<string, unknown>

  it('a webpath entry as a list of strings, integers and nulls, beside objects and nulls', () => {
    const webpath = [{ from: 'a', to: 'b', title: 'B', timestamp: '2021-04-26T13:54:02Z' }, ['https://x.example/', 1619445242, null], null]
    expect(chat({ webpath }).webpath).to.deep.equal(webpath)
    expect(E.isLeft(Chat.decode({ id: 'c1', type: 'chat', webpath: [[{}]] }))).to.equal(true)
    expect(E.isLeft(Chat.decode({ id: 'c1', type: 'chat', webpath: ['x'] }))).to.equal(true)
  })

  it('null items in history, tags, agent_ids and agent_names, kept in place', () => {
    const decodedChat = chat({
      history: [null, { type: 'chat.msg', tags: ['a', null] }],
      tags: [null, 'x'],
      agent_ids: [7, null],
      agent_names: ['A', null],
    })
    expect(decodedChat.history).to.deep.equal([null, { type: 'chat.msg', tags: ['a', null] }])
    expect(decodedChat.tags).to.deep.equal([null, 'x'])
    expect(decodedChat.agent_ids).to.deep.equal(['7', null])
    expect(decodedChat.agent_names).to.deep.equal(['A', null])
  })

  it('history nick, skills_name, prev_department_id (integer or string), rating, new_rating and conversion', () => {
    const conversion = {
      id: 'cv1',
      goal_id: '265',
      goal_name: 'Goal 3',
      timestamp: '2021-04-26T13:54:02Z',
      attribution: { agent_id: '4123471', department_id: 1817719521, chat_timestamp: '2021-04-26T13:50:11Z' },
    }
    const history = [
      { type: 'chat.memberjoin', nick: 'agent:4123471', skills_name: ['english', null], prev_department_id: '1817719521' },
      { type: 'chat.rating', rating: null, new_rating: 'good' },
      { type: 'chat.conversion', conversion },
    ]
    const entries = chat({ history }).history as Record<string, unknown>[]
    expect(entries[0]).to.deep.equal({ ...history[0], prev_department_id: 1817719521 })
    expect(entries[1]).to.deep.equal(history[1])
    expect(entries[2]!.conversion).to.deep.equal({
      ...conversion,
      goal_id: 265,
      attribution: { ...conversion.attribution, agent_id: 4123471 },
    })
  })

  it('chat conversions and engagements, as documented', () => {
    const engagement = {
      id: 'e1',
      agent_id: '4123471',
      agent_name: 'Test',
      agent_full_name: 'Test User',
      department_id: 1817719521,
      timestamp: '2021-04-26T13:50:11Z',
      duration: 120.5,
      accepted: true,
      assigned: 1,
      started_by: 'visitor',
      rating: 'good',
      comment: null,
      count: { total: 5, agent: 2, visitor: 3 },
      response_time: { first: 3, avg: 4.5, max: 6 },
      skills_requested: [1300601],
      skills_fulfilled: false,
    }
    const decodedChat = chat({ engagements: [engagement, null], conversions: [{ id: 'cv1', goal_id: 265, goal_name: 'Goal 3' }] })
    expect(decodedChat.engagements).to.deep.equal([{ ...engagement, assigned: true }, null])
    expect(decodedChat.conversions).to.deep.equal([{ id: 'cv1', goal_id: 265, goal_name: 'Goal 3' }])
  })

  it('trigger condition and actions as strings, event as an array', () => {
    const definition = { event: ['chat_requested'], condition: '["eq","@account_status","offline"]', actions: '[["setTriggered",true]]' }
    expect((decoded(Trigger, { name: 't', definition }) as { definition: unknown }).definition).to.deep.equal(definition)
    expect(E.isLeft(Trigger.decode({ name: 't', definition: { event: 5 } }))).to.equal(true)
  })

  it('ban type: the short "ip" reads as ip_address; anything else does not decode', () => {
    expect(decoded(Ban, { id: 1, type: 'ip', ip_address: '10.0.0.1' })).to.deep.equal({ id: 1, type: 'ip_address', ip_address: '10.0.0.1' })
    expect(E.isLeft(Ban.decode({ id: 1, type: 'email' }))).to.equal(true)
  })

  it('department members with null items; agents with scope', () => {
    expect((decoded(Department, { id: 1, members: [5, null] }) as { members: unknown }).members).to.deep.equal([5, null])
    expect((decoded(Agent, { id: 1, scope: 'all' }) as { scope: unknown }).scope).to.equal('all')
  })

  it('the conversions export: every documented field optional but the id; department events keep value and previous_value as any JSON', () => {
    expect(decoded(ConversionRecord, { id: 'cv1' })).to.deep.equal({ id: 'cv1' })
    expect(E.isLeft(ConversionRecord.decode({ goal_id: 1 }))).to.equal(true)
    for (const value of ['x', 5, true, null, [1, 'a'], { chat_enabled: true }]) {
      expect(decoded(DepartmentEvent, { id: 'd1', value, previous_value: value })).to.deep.equal({ id: 'd1', value, previous_value: value })
    }
  })
})

describe('quirk codecs', () => {
  it('BoolOrInt reads booleans and 0/1 as booleans, and nothing else', () => {
    expect(decoded(BoolOrInt, true)).to.equal(true)
    expect(decoded(BoolOrInt, 0)).to.equal(false)
    expect(decoded(BoolOrInt, 1)).to.equal(true)
    expect(E.isLeft(BoolOrInt.decode(2))).to.equal(true)
    expect(E.isLeft(BoolOrInt.decode('true'))).to.equal(true)
  })

  it('Timestamp keeps precision and offsets and repairs "+00:00Z"', () => {
    expect(decoded(Timestamp, '2017-04-24T04:36:44.807000Z')).to.equal('2017-04-24T04:36:44.807000Z')
    expect(decoded(Timestamp, '2017-04-24T12:45:32+00:00Z')).to.equal('2017-04-24T12:45:32+00:00')
    expect(decoded(Timestamp, '2021-04-26T13:54:02+02:00')).to.equal('2021-04-26T13:54:02+02:00')
    for (const bad of ['2017-04-24', 'yesterday', '2017-13-45T00:00:00Z', 1493008604]) {
      expect(E.isLeft(Timestamp.decode(bad)), String(bad)).to.equal(true)
    }
  })

  it('Timestamp takes only instants that exist: a day of its month, a time of day, an offset under a day', () => {
    for (const good of ['2020-02-29T00:00:00Z', '2000-02-29T23:59:59.999999Z', '2021-04-30T12:00:00-23:59', '0001-01-01T00:00:00+00:00Z']) {
      expect(E.isRight(Timestamp.decode(good)), good).to.equal(true)
    }
    const bad = ['2021-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2021-02-30T00:00:00Z', '2021-04-31T00:00:00Z', '2021-00-10T00:00:00Z']
    bad.push(
      '2021-01-00T00:00:00Z',
      '2021-01-01T24:00:00Z',
      '2021-01-01T23:60:00Z',
      '2021-01-01T23:59:60Z',
      '2021-01-01T12:00:00+24:00',
      '2021-01-01T12:00:00-05:60Z',
    )
    for (const value of bad) expect(E.isLeft(Timestamp.decode(value)), value).to.equal(true)
  })

  it('IdString and IntOrNumericString even out ids sent either way', () => {
    expect(decoded(IdString, 12)).to.equal('12')
    expect(decoded(IdString, 'a1')).to.equal('a1')
    expect(E.isLeft(IdString.decode(1.5))).to.equal(true)
    expect(decoded(IntOrNumericString, '42')).to.equal(42)
    expect(E.isLeft(IntOrNumericString.decode('sales'))).to.equal(true)
  })

  it('Limit is a number or the string "unlimited"', () => {
    expect(decoded(Limit, 5)).to.equal(5)
    expect(decoded(Limit, 'unlimited')).to.equal('unlimited')
    expect(E.isLeft(Limit.decode('many'))).to.equal(true)
  })

  it('a record keeps fields the codec does not know (the engine reports them)', () => {
    const agent = decoded(Agent, { id: 1, brand_new_field: 'x' }) as Record<string, unknown>
    expect(agent.brand_new_field).to.equal('x')
  })

  it('a known field of the wrong type does not decode', () => {
    expect(E.isLeft(Agent.decode({ id: 1, login_count: 'many' }))).to.equal(true)
    expect(E.isLeft(Agent.decode({ id: '1' }))).to.equal(true)
    expect(E.isLeft(Agent.decode({ email: 'a@b.c' }))).to.equal(true)
  })
})
