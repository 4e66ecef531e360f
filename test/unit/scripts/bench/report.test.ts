import { expect } from 'chai'
import { flatnessReference, mergeDocument, readSections, sharedLimitSection, type Section } from '../../../../scripts/bench/report.js'
import type { SharedLimitResult } from '../../../../scripts/bench/scenarios.js'

const HEADER = '# Benchmarks\n\nHow it measures.'
const section = (key: string, text: string, chats?: number): Section => ({
  key,
  markdown: `## ${text}`,
  ...(chats === undefined ? {} : { data: { chats, date: text, tapPeakRssBytes: chats } }),
})

describe('bench report: docs/BENCHMARKS.md', () => {
  it('a run replaces the sections it measured and keeps the others, chats sections by size, then the rest', () => {
    const first = mergeDocument(HEADER, '', [section('rate-limit', 'limited'), section('chats-1000000', 'large, first run', 1_000_000)])
    const second = mergeDocument(HEADER, first, [
      section('chats-200000', 'small', 200_000),
      section('chats-1000000', 'large, second run', 1_000_000),
    ])
    expect(second.startsWith(`${HEADER}\n\n`)).to.equal(true)
    const sections = readSections(second)
    expect([...sections.keys()]).to.deep.equal(['chats-200000', 'chats-1000000', 'rate-limit'])
    expect(sections.get('chats-1000000')).to.deep.equal(section('chats-1000000', 'large, second run', 1_000_000))
    expect(sections.get('rate-limit')).to.deep.equal(section('rate-limit', 'limited'))
    expect(mergeDocument(HEADER, second, [])).to.equal(second)
  })

  it('compares a size with the smallest smaller one measured, and the smallest with none', () => {
    const known = [1_000_000, 200_000, 500_000].map((n) => section(`chats-${n}`, String(n), n).data!)
    expect(flatnessReference(1_000_000, known)?.chats).to.equal(200_000)
    expect(flatnessReference(500_000, known)?.chats).to.equal(200_000)
    expect(flatnessReference(200_000, known)).to.equal(undefined)
  })

  it('the shared-limit section marks each target met or not from the figures', () => {
    const machine = { date: '2026-12-02 00:00 UTC', cpu: 'cpu', cores: 2, ramGb: 8, node: 'v20', os: 'Linux', load: 1 }
    const result = (refused: number, early: number, written: number): SharedLimitResult => ({
      limit: { requests: 4, windowMs: 5000 },
      parallel: 4,
      held: { agents: 60, chats: 3000 },
      run: {
        usage: { wallSeconds: 21, userSeconds: 1, systemSeconds: 0.2, peakRssBytes: 1 },
        records: 60 + written,
        bytes: 1,
        requests: [],
      },
      written: { agents: 60, chats: written },
      conduct: {
        succeeded: 16,
        refused,
        inFlight: 2,
        early: Array.from({ length: early }, () => ({ method: 'GET', path: '/x', query: {}, status: 200, at: 0 })),
      },
      slowdownLines: 1,
    })
    const good = sharedLimitSection(result(3, 0, 3000), machine)
    expect(good.key).to.equal('rate-limit-shared')
    expect(good.markdown).to.not.contain('not met')
    const rows = (md: string) => md.split('\n').filter((l) => l.includes('**not met**'))
    const bad = sharedLimitSection(result(5, 1, 2999), machine).markdown
    expect(rows(bad).map((r) => r.split(' | ')[0])).to.deep.equal([
      '| Every record extracted',
      '| No request sent after a 429 and before its Retry-After passed',
      '| 429s at most a quarter of the answered requests',
    ])
  })
})

describe('bench report: start-up', () => {
  it("shows each command beside node -e 0 and checks --about and --discover against the Python tap's start", async () => {
    const { startupSection, PYTHON_TAP_START_MS } = await import('../../../../scripts/bench/report.js')
    const machine = { date: 'd', cpu: 'c', cores: 2, ramGb: 8, node: 'v20', os: 'Linux', load: 0.5 }
    const figure = (label: string, medianMs: number) => ({ label, medianMs, minMs: medianMs - 5, maxMs: medianMs + 5 })
    const fast = startupSection(
      { runs: 10, figures: [figure('node -e 0', 80), figure('tap-zendesk-chat --about', 150), figure('tap-zendesk-chat --discover', 200)] },
      machine,
    )
    expect(fast.key).to.equal('startup')
    expect(fast.markdown).to.include('| tap-zendesk-chat --discover | 200 | 195 | 205 | +120 |')
    expect(fast.markdown).to.include(`≤ ${PYTHON_TAP_START_MS} ms`).and.not.include('not met')
    const slow = startupSection(
      { runs: 10, figures: [figure('node -e 0', 80), figure('tap-zendesk-chat --about', 150), figure('tap-zendesk-chat --discover', 380)] },
      machine,
    )
    expect(slow.markdown.match(/not met/g)).to.have.length(1)
  })
})
