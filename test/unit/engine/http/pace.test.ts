import { expect } from 'chai'
import { NOTICE_WAIT_MS, requestBudget, WINDOW_MS, type BudgetWait } from '../../../../src/engine/http/budget.js'
import {
  allowedPerMinute,
  DECREASE,
  gapMs,
  INCREASE,
  isNews,
  LEVEL_STANDS_MS,
  SLOWEST_PER_MINUTE,
  slowedDown,
  spedUp,
  UNPACED,
  type Pace,
} from '../../../../src/engine/http/pace.js'

const event = (succeeded: number[], extra: Partial<Parameters<typeof slowedDown>[1]> = {}) => ({
  startedMs: 1000,
  nowMs: 1050,
  waitMs: 5000,
  succeeded,
  budgetPerMinute: 200,
  ...extra,
})

describe('pace: the rate zchat keeps under a rate limit it shares', () => {
  it('measures what the API allowed: the requests it answered, over the stretch from the first to the end of the Retry-After', () => {
    // Four answered from t=50, the fifth refused at t=1050 with Retry-After 5 s: 4 in 6 s.
    expect(allowedPerMinute({ nowMs: 1050, waitMs: 5000, succeeded: [50, 60, 70, 80] })).to.be.closeTo(40, 1e-9)
    expect(allowedPerMinute({ nowMs: 1050, waitMs: 5000, succeeded: [] })).to.equal(undefined)
  })

  it('the first 429 sets the pace to what the API allowed (never above the budget), or half the budget when nothing was answered', () => {
    expect(slowedDown(UNPACED, event([50, 60, 70, 80]))).to.deep.equal({ perMinute: 40, cutAt: 1050, level: { perMinute: 40, atMs: 1050 } })
    expect(slowedDown(UNPACED, event([])).perMinute).to.equal(100)
    const burst = Array.from({ length: 300 }, (_, i) => i)
    expect(slowedDown(UNPACED, event(burst, { waitMs: 0 })).perMinute, 'capped at the budget').to.equal(200)
  })

  it('a pace that still meets a 429 goes below both itself and what the API allowed; halves when nothing was answered; never below one a minute', () => {
    const paced: Pace = { perMinute: 30, cutAt: 0 }
    expect(slowedDown(paced, event([50, 60, 70, 80])).perMinute).to.be.closeTo(30 * DECREASE, 1e-9)
    expect(slowedDown({ perMinute: 60, cutAt: 0 }, event([50, 60, 70, 80])).perMinute).to.be.closeTo(40 * DECREASE, 1e-9)
    expect(slowedDown(paced, event([])).perMinute).to.equal(15)
    expect(slowedDown({ perMinute: 1.5, cutAt: 0 }, event([])).perMinute).to.equal(SLOWEST_PER_MINUTE)
  })

  it('within a window of the last measured cut, a 429 goes back to its level, never below', () => {
    const level = { perMinute: 40, atMs: 1000 }
    const climbed: Pace = { perMinute: 44, cutAt: 1000, level }
    const soon = event([50, 60, 70, 80], { nowMs: 1000 + LEVEL_STANDS_MS - 1 })
    expect(slowedDown(climbed, soon)).to.deep.equal({ perMinute: 40, cutAt: soon.nowMs, level })
    expect(slowedDown({ perMinute: 40, cutAt: 1000, level }, soon).perMinute).to.equal(40)
    const later = event([50, 60, 70, 80], { nowMs: 1000 + LEVEL_STANDS_MS, startedMs: 1000 + LEVEL_STANDS_MS - 100 })
    const cut = slowedDown(climbed, later)
    expect(cut.perMinute, 'a new measured cut').to.be.below(40)
    expect(cut.level).to.deep.equal({ perMinute: cut.perMinute, atMs: later.nowMs })
  })

  it('a 429 to a request that started before the last cut was on its way already: not news', () => {
    const pace: Pace = { perMinute: 40, cutAt: 1000 }
    expect(isNews(pace, 999)).to.equal(false)
    expect(isNews(pace, 1000)).to.equal(true)
    expect(isNews(UNPACED, 0)).to.equal(true)
  })

  it('grows slowly while requests succeed, only for requests started after the cut, never above the budget', () => {
    const pace: Pace = { perMinute: 40, cutAt: 1000 }
    expect(spedUp(pace, 1200, 200).perMinute).to.equal(40 + INCREASE)
    expect(spedUp(pace, 900, 200)).to.equal(pace)
    expect(spedUp({ perMinute: 199.8, cutAt: 0 }, 10, 200).perMinute).to.equal(200)
    expect(spedUp(UNPACED, 10, 200)).to.equal(UNPACED)
  })

  it('spaces requests evenly at the pace; unpaced, only the budget window counts', () => {
    expect(gapMs({ perMinute: 40, cutAt: 0 })).to.equal(1500)
    expect(gapMs(UNPACED)).to.equal(0)
  })
})

/** A fake clock that sleeping moves, and a budget on it. */
const fakeBudget = (perMinute: number) => {
  const clock = { now: 0 }
  const notices: string[] = []
  const budget = requestBudget(perMinute, {
    clock: () => clock.now,
    sleep: async (ms) => void (clock.now += ms),
    notice: (m) => notices.push(m),
  })
  return { clock, notices, budget }
}

/** An API that admits `requests` in any rolling `windowMs` and answers the rest 429 with the whole seconds until a slot frees. */
const slidingLimit = (requests: number, windowMs: number) => {
  const admitted: number[] = []
  return (now: number): number | undefined => {
    while (admitted.length > 0 && admitted[0]! <= now - windowMs) admitted.shift()
    if (admitted.length < requests) {
      admitted.push(now)
      return undefined
    }
    return Math.max(1, Math.ceil((admitted[0]! + windowMs - now) / 1000))
  }
}

describe('request budget under a rate limit lower than it', () => {
  it('after a 429, requests are spaced at the pace the API allowed, after its Retry-After has passed', async () => {
    const { clock, budget } = fakeBudget(200)
    const starts: number[] = []
    for (let i = 0; i < 4; i++) {
      await budget.take()
      starts.push(clock.now)
      clock.now += 10
      budget.succeeded(starts.at(-1)!)
    }
    await budget.take()
    const refused = clock.now
    budget.holdFor(5000)
    budget.rateLimited(refused, 5000)
    const after: number[] = []
    for (let i = 0; i < 3; i++) {
      await budget.take()
      after.push(clock.now)
    }
    expect(after[0], 'not before the Retry-After').to.equal(refused + 5000)
    // 4 answered from t=0 to the end of the wait at 5,040 ms: 47.6 a minute, 1,260 ms apart.
    expect(budget.perMinute()).to.be.closeTo((4 / 5040) * 60_000, 1e-9)
    expect(after[1]! - after[0]!).to.be.closeTo(1260, 1e-6)
    expect(after[2]! - after[1]!).to.be.closeTo(1260, 1e-6)
  })

  it('keeps near a limit of 4 requests in 5 s with few 429s: a long single-stream run', async () => {
    const { clock, budget, notices } = fakeBudget(200)
    const api = slidingLimit(4, 5000)
    let ok = 0
    let refused = 0
    while (ok < 400) {
      await budget.take()
      const started = clock.now
      clock.now += 40 // the request's own time
      const retryAfter = api(started)
      if (retryAfter === undefined) {
        ok += 1
        budget.succeeded(started)
        continue
      }
      refused += 1
      budget.holdFor(retryAfter * 1000)
      budget.rateLimited(started, retryAfter * 1000)
      clock.now += retryAfter * 1000
    }
    const perMinute = (ok / clock.now) * 60_000
    process.stderr.write(`      [${ok} answered, ${refused} refused, ${perMinute.toFixed(1)} a minute]\n`)
    expect(refused, `${refused} 429s for ${ok} answered`).to.be.at.most(ok / 20)
    expect(perMinute, 'close to the limit of 48 a minute').to.be.within(48 * 0.85, 48)
    expect(
      notices.filter((n) => n.includes('lowers its own rate')),
      'said once',
    ).to.have.length(1)
  })

  it('429s on every 4th request whatever the rate (not a rate limit) leave the pace where the first cut set it for a minute', async () => {
    const { clock, budget } = fakeBudget(200)
    let n = 0
    let first: number | undefined
    while (clock.now < LEVEL_STANDS_MS) {
      await budget.take()
      const started = clock.now
      clock.now += 40
      n += 1
      if (n % 4 !== 0) {
        budget.succeeded(started)
        continue
      }
      budget.holdFor(1000)
      budget.rateLimited(started, 1000)
      clock.now += 1000
      await budget.take() // the cut is made as the wait ends
      first ??= budget.perMinute()
    }
    expect(n, 'many 429s').to.be.greaterThan(40)
    expect(budget.perMinute()).to.be.at.least(first!)
  })

  it('a 429 to a request already on its way at the last cut changes nothing', async () => {
    const { clock, budget } = fakeBudget(200)
    await budget.take()
    budget.succeeded(0)
    clock.now = 100
    budget.rateLimited(50, 1000)
    clock.now = 1100
    expect(budget.perMinute()).to.equal(200) // the cut is made once the wait is over
    await budget.take()
    const pace = budget.perMinute()
    expect(pace).to.be.below(200)
    budget.rateLimited(90, 1000)
    expect(budget.perMinute(), 'started before the cut').to.equal(pace)
  })

  it('tells a caller behind others at once that it waits, and how long, with the reason', async () => {
    const { clock, budget } = fakeBudget(1)
    const heard: BudgetWait[][] = [[], [], []]
    await budget.take((w) => heard[0]!.push(w))
    expect(heard[0], 'a free slot: no wait').to.deep.equal([])
    const second = budget.take((w) => heard[1]!.push(w))
    const third = budget.take((w) => heard[2]!.push(w))
    expect(heard[2], 'told before its turn, at least until the next slot').to.deep.equal([{ reason: 'budget', untilMs: WINDOW_MS }])
    await second
    expect(heard[1]).to.deep.equal([{ reason: 'budget', untilMs: WINDOW_MS }])
    expect(clock.now).to.equal(WINDOW_MS)
    await third
    expect(heard[2]!.at(-1), 'then its own wait, at its turn').to.deep.equal({ reason: 'budget', untilMs: 2 * WINDOW_MS })

    const other = fakeBudget(10)
    other.budget.holdFor(7000)
    const held: BudgetWait[] = []
    await other.budget.take((w) => held.push(w))
    expect(held).to.deep.equal([{ reason: 'retry-after', untilMs: 7000 }])
    expect(other.clock.now).to.equal(7000)
  })

  it('says a long wait once as it starts, naming why and how long; short waits and the lengthening of one said are not said', async () => {
    const { clock, budget, notices } = fakeBudget(2)
    await budget.take()
    await budget.take()
    await budget.take()
    expect(notices).to.deep.equal([
      'waiting 61 s for the request budget: 2 requests started within the last minute (max_requests_per_minute)',
    ])
    budget.holdFor(7000)
    budget.holdFor(7200)
    expect(notices.slice(1)).to.deep.equal(['every stream waits 7 s: the API answered 429 and asked to wait (Retry-After)'])
    clock.now += 8000
    budget.holdFor(NOTICE_WAIT_MS - 1)
    expect(notices, 'under five seconds').to.have.length(2)
  })
})
