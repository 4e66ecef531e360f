import { expect } from 'chai'
import * as E from 'fp-ts/lib/Either.js'
import type * as t from 'io-ts'
import { Account } from '../../src/codecs/account.js'
import { Agent } from '../../src/codecs/agent.js'
import { Department } from '../../src/codecs/department.js'
import { BoolOrInt, Limit, Timestamp } from '../../src/codecs/quirks.js'
import { airbyteRecords, zenpySample } from '../support/samples.js'

const decoded = <A>(codec: t.Type<A, unknown, unknown>, value: unknown): A => {
  const result = codec.decode(value)
  if (E.isLeft(result)) throw new Error(`did not decode: ${JSON.stringify(value).slice(0, 200)}`)
  return result.right
}

describe('codecs accept every real sample', () => {
  const cases: [string, t.Mixed, unknown[]][] = [
    ['account', Account, [zenpySample('2017-account'), ...airbyteRecords('account')]],
    ['agents', Agent, [zenpySample('2017-agent'), ...airbyteRecords('agents')]],
    ['departments', Department, [zenpySample('2017-department'), ...airbyteRecords('departments')]],
  ]
  for (const [stream, codec, samples] of cases) {
    it(`${stream}: ${samples.length} samples decode, keeping every known value`, () => {
      expect(samples.length).to.be.greaterThan(1)
      for (const sample of samples) {
        const record = decoded(codec, sample) as Record<string, unknown>
        // Nothing known is dropped or changed: the samples hold no quirk that needs normalising.
        expect(record).to.deep.equal(sample)
      }
    })
  }

  it('keeps plan limits that are numbers or "unlimited"', () => {
    const account = decoded(Account, zenpySample('2017-account'))
    expect(account.plan?.max_agents).to.equal(30)
    expect(account.plan?.max_departments).to.equal('unlimited')
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
