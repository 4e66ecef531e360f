import { mkdir } from 'node:fs/promises'
import { expect } from 'chai'
import { expectCleanFailure, tap, useTempDir } from '../support/cli.js'
import { parseCatalog, withMetadata, type Catalog } from '../support/catalog.js'
import { sandboxConfig, useSandbox, type Sandbox } from '../support/sandbox.js'

/** One rejected invocation: the files it gets and what its error must name. */
interface Case {
  readonly title: string
  /** Files to write (name → content; a string as is, anything else as JSON). */
  readonly files: (sandbox: Sandbox, catalog: Catalog) => Record<string, unknown>
  /** Arguments; `{dir}` is replaced by the temp dir of the case. */
  readonly args: readonly string[]
  /** Text an `error:` line must contain; `{dir}` as above. */
  readonly names: string
}

const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10)

const configCase = (title: string, config: (s: Sandbox) => unknown, names: string): Case => ({
  title,
  files: (s) => ({ 'config.json': config(s) }),
  args: ['--config', '{dir}/config.json'],
  names,
})

const CASES: readonly Case[] = [
  {
    title: 'a config file that does not exist',
    files: () => ({}),
    args: ['--config', '{dir}/missing-config.json'],
    names: '{dir}/missing-config.json',
  },
  configCase('a config file that is not JSON', () => '{"access_token": "abc",', '{dir}/config.json'),
  configCase('a config without access_token', (s) => ({ base_url: s.baseUrl }), 'access_token'),
  configCase('an empty subdomain and no base_url', (s) => ({ access_token: s.token, subdomain: '' }), 'subdomain'),
  configCase('start_date "yesterday"', (s) => sandboxConfig(s, { start_date: 'yesterday' }), 'start_date'),
  configCase('a start_date in the future', (s) => sandboxConfig(s, { start_date: tomorrow }), 'start_date'),
  configCase('agents_page_limit 0', (s) => sandboxConfig(s, { agents_page_limit: 0 }), 'agents_page_limit'),
  configCase('agents_page_limit 101', (s) => sandboxConfig(s, { agents_page_limit: 101 }), 'agents_page_limit'),
  configCase('bans_page_limit -5', (s) => sandboxConfig(s, { bans_page_limit: -5 }), 'bans_page_limit'),
  configCase('bans_page_limit 1001', (s) => sandboxConfig(s, { bans_page_limit: 1001 }), 'bans_page_limit'),
  configCase('max_requests_per_minute 0', (s) => sandboxConfig(s, { max_requests_per_minute: 0 }), 'max_requests_per_minute'),
  configCase('chats_strategy "scan"', (s) => sandboxConfig(s, { chats_strategy: 'scan' }), 'chats_strategy'),
  configCase('a config that is a JSON array', () => '[]', 'config'),
  {
    title: 'a config path that is a directory (unreadable as a file)',
    files: () => ({}),
    args: ['--config', '{dir}'],
    names: '{dir}',
  },
  configCase('a plain-http base_url on a public host', (s) => ({ access_token: s.token, base_url: 'http://example.com/api' }), 'base_url'),
  {
    title: 'a state file that is not JSON',
    files: (s) => ({ 'config.json': sandboxConfig(s), 'state.json': 'bookmarks: {}' }),
    args: ['--config', '{dir}/config.json', '--state', '{dir}/state.json'],
    names: '{dir}/state.json',
  },
  {
    title: 'a state that is not an object ([1])',
    files: (s) => ({ 'config.json': sandboxConfig(s), 'state.json': [1] }),
    args: ['--config', '{dir}/config.json', '--state', '{dir}/state.json'],
    names: 'state',
  },
  {
    title: 'a state whose agents bookmark is not an integer',
    files: (s) => ({ 'config.json': sandboxConfig(s), 'state.json': { bookmarks: { agents: { id: 'abc' } }, currently_syncing: null } }),
    args: ['--config', '{dir}/config.json', '--state', '{dir}/state.json'],
    names: 'agents',
  },
  {
    title: 'a state of an unknown shape ({"cursor": 5})',
    files: (s) => ({ 'config.json': sandboxConfig(s), 'state.json': { cursor: 5 } }),
    args: ['--config', '{dir}/config.json', '--state', '{dir}/state.json'],
    names: 'cursor',
  },
  {
    title: 'a state whose chats bookmark is not a date-time',
    files: (s) => ({ 'config.json': sandboxConfig(s), 'state.json': { bookmarks: { chats: { update_timestamp: 17 } } } }),
    args: ['--config', '{dir}/config.json', '--state', '{dir}/state.json'],
    names: 'bookmarks.chats.update_timestamp',
  },
  {
    title: 'a catalog file that is not JSON',
    files: (s) => ({ 'config.json': sandboxConfig(s), 'catalog.json': '{"streams": [' }),
    args: ['--config', '{dir}/config.json', '--catalog', '{dir}/catalog.json'],
    names: '{dir}/catalog.json',
  },
  {
    title: 'a catalog naming the unknown stream "nope"',
    files: (s, catalog) => ({
      'config.json': sandboxConfig(s),
      'catalog.json': { streams: [...catalog.streams, { ...structuredClone(catalog.streams[0]!), tap_stream_id: 'nope', stream: 'nope' }] },
    }),
    args: ['--config', '{dir}/config.json', '--catalog', '{dir}/catalog.json'],
    names: 'nope',
  },
  {
    title: 'a catalog selecting the unknown agents field "nope"',
    files: (s, catalog) => ({
      'config.json': sandboxConfig(s),
      'catalog.json': withMetadata(catalog, 'agents', ['properties', 'nope'], { selected: true, inclusion: 'available' }),
    }),
    args: ['--config', '{dir}/config.json', '--catalog', '{dir}/catalog.json'],
    names: 'nope',
  },
]

describe('e2e: bad input is refused with exit 2 and one error line per problem', () => {
  const sandbox = useSandbox({ agents: 3, departments: 1 })
  const tmp = useTempDir()
  let catalog: Catalog

  before(async () => {
    const r = await tap('--discover')
    expect(r.code).to.equal(0)
    catalog = parseCatalog(r.stdout)
  })

  CASES.forEach((c, i) => {
    it(`refuses ${c.title}`, async () => {
      const dir = tmp().file(`case-${i}`)
      await mkdir(dir)
      for (const [name, content] of Object.entries(c.files(sandbox(), catalog))) await tmp().write(`case-${i}/${name}`, content)
      const fill = (s: string) => s.split('{dir}').join(dir)
      const before = sandbox().requestLog.length
      const r = await tap(...c.args.map(fill))
      const errors = expectCleanFailure(r, 2)
      expect(
        errors.some((line) => line.includes(fill(c.names))),
        `an error line names ${fill(c.names)}:\n${r.stderr}`,
      ).to.equal(true)
      expect(sandbox().requestLog.length - before, 'no request to the API for bad input').to.equal(0)
    })
  })

  it('reports every config problem at once, one line each', async () => {
    const file = await tmp().write('many.json', sandboxConfig(sandbox(), { start_date: 'yesterday', agents_page_limit: 0 }))
    const errors = expectCleanFailure(await tap('--config', file), 2)
    expect(errors.some((l) => l.includes('start_date'))).to.equal(true)
    expect(errors.some((l) => l.includes('agents_page_limit'))).to.equal(true)
  })

  it('refuses a sync without --config with an error line naming --config', async () => {
    const catalogFile = await tmp().write('no-config-catalog.json', catalog)
    const errors = expectCleanFailure(await tap('--catalog', catalogFile), 2)
    expect(
      errors.some((l) => l.includes('config')),
      'names --config',
    ).to.equal(true)
  })

  it('refuses an unknown flag with an error line naming it', async () => {
    const file = await tmp().write('flag-config.json', sandboxConfig(sandbox()))
    const errors = expectCleanFailure(await tap('--config', file, '--bogus'), 2)
    expect(
      errors.some((l) => l.includes('--bogus')),
      'names --bogus',
    ).to.equal(true)
  })
})
