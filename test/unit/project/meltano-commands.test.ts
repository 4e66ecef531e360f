/** Every `meltano` command the README and meltano.yml give, read as Meltano 4 (and the 3.x forms as Meltano 3.x) reads it. */
import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { documentedCommands, parseMeltano, shellWords, UsageError, type DocumentedCommand } from '../../support/meltano-cli.js'
import { ROOT } from '../../support/cli.js'

const README = readFileSync(join(ROOT, 'README.md'), 'utf8')
const MELTANO_YML = readFileSync(join(ROOT, 'meltano.yml'), 'utf8')
const project = parse(MELTANO_YML) as {
  plugins: Record<string, { name: string; settings?: { name: string; kind?: string; sensitive?: boolean }[] }[]>
}

/**
 * The README's many-accounts project: extractors inheriting tap-zendesk-chat (inherit_from), which its
 * commands name; an inheriting plugin has its parent's settings.
 */
const manyAccounts = parse(/<!-- many-accounts start -->\s*```yaml\n([\s\S]*?)```/.exec(README)![1]!) as {
  plugins: { extractors: { name: string; inherit_from?: string }[] }
}
for (const e of manyAccounts.plugins.extractors) {
  const parent = project.plugins.extractors!.find((p) => p.name === e.inherit_from)
  if (parent !== undefined) project.plugins.extractors!.push({ ...parent, name: e.name })
}

/** The plugins of the project (and the README's inheriting ones), by name, with their type. */
const PROJECT_PLUGINS = new Map(Object.entries(project.plugins).flatMap(([type, plugins]) => plugins.map((p) => [p.name, type] as const)))

const commands = [...documentedCommands(README, 'README.md'), ...documentedCommands(MELTANO_YML, 'meltano.yml')]
// A trailing `&` runs the command in the background (side by side): the shell's, not Meltano's.
const read = (c: DocumentedCommand) =>
  parseMeltano(
    c.major,
    shellWords(c.line)
      .slice(1)
      .filter((w, i, all) => !(w === '&' && i === all.length - 1)),
  )

describe('the meltano commands the README and meltano.yml give', () => {
  it('are found: Meltano 4 commands, each config command with its 3.x form beside it', () => {
    const four = commands.filter((c) => c.major === 4)
    const three = commands.filter((c) => c.major === 3)
    for (const where of ['README.md', 'meltano.yml']) {
      const here = four.filter((c) => c.where === where).map((c) => read(c).command)
      expect(here, where).to.include.members(['config set', 'config test', 'run'])
    }
    const configFour =
      four.filter((c) => c.line.startsWith('meltano config ')).length + four.filter((c) => c.line.startsWith('meltano add ')).length
    const configThree = three.filter((c) => c.line.startsWith('meltano config ') || c.line.startsWith('meltano add ')).length
    expect(configThree, 'a 3.x form beside each config and add command').to.equal(configFour)
  })

  it('each parses as its Meltano reads it, naming only plugins of this project (or the one it adds)', () => {
    for (const c of commands) {
      let parsed
      try {
        parsed = read(c)
      } catch (error) {
        return expect.fail(`${c.where}: Meltano ${c.major} refuses \`${c.line}\`: ${(error as Error).message}`)
      }
      for (const plugin of parsed.plugins) {
        if (parsed.command === 'add') {
          expect(plugin, `${c.where}: ${c.line}`).to.deep.equal({ type: 'extractors', name: 'tap-zendesk-chat' })
          continue
        }
        expect(PROJECT_PLUGINS.has(plugin.name), `${c.where}: ${c.line} names ${plugin.name}`).to.equal(true)
        if (plugin.type !== undefined) expect(plugin.type, `${c.where}: ${c.line}`).to.equal(PROJECT_PLUGINS.get(plugin.name))
      }
      if (parsed.command === 'config set') {
        const settings = project.plugins.extractors!.find((e) => e.name === parsed.plugins[0]!.name)?.settings ?? []
        expect(
          settings.map((s) => s.name),
          `${c.where}: ${c.line}`,
        ).to.include(parsed.rest[0])
      }
    }
  })

  it('the Meltano 4 and 3.x forms of a command mean the same: same command, plugin and arguments', () => {
    const lines = [...README.split('\n'), ...MELTANO_YML.split('\n').map((l) => l.replace(/^#\s+/, ''))]
    let pairs = 0
    for (const line of lines) {
      const found = documentedCommands(`\`\`\`sh\n${line}\n\`\`\``, 'line')
      const f = found.find((c) => c.major === 4)
      const t = found.find((c) => c.major === 3)
      if (f === undefined || t === undefined) continue
      pairs++
      const a = read(f)
      const b = read(t)
      expect([b.command, b.plugins.map((p) => p.name), b.rest], line).to.deep.equal([a.command, a.plugins.map((p) => p.name), a.rest])
    }
    expect(pairs).to.be.greaterThan(3)
  })

  it('the settings answer to `meltano add --custom` gives the kinds meltano.yml gives (password: sensitive)', () => {
    const row = README.split('\n').find((l) => l.startsWith('| `settings` |'))!
    const answer = /\| `settings` \| `([^`]+)`/.exec(row)![1]!
    const settings = project.plugins.extractors!.find((e) => e.name === 'tap-zendesk-chat')!.settings!
    for (const item of answer.split(',')) {
      const [name, kind = 'string'] = item.split(':')
      const setting = settings.find((s) => s.name === name)
      expect(setting, name).to.not.equal(undefined)
      if (kind === 'password') expect(setting!.sensitive, name).to.equal(true)
      else expect(setting!.kind, name).to.equal(kind)
    }
  })
})

describe("Meltano's command line, emulated", () => {
  it('Meltano 4: `config PLUGIN set` is `No such command`; `config set PLUGIN NAME VALUE` sets', () => {
    expect(() => parseMeltano(4, ['config', 'tap-zendesk-chat', 'set', 'subdomain', 'acme'])).to.throw(
      UsageError,
      "No such command 'tap-zendesk-chat'",
    )
    expect(parseMeltano(4, ['config', 'set', 'tap-zendesk-chat', 'subdomain', 'acme'])).to.deep.include({
      command: 'config set',
      rest: ['subdomain', 'acme'],
    })
    expect(parseMeltano(4, ['config', 'test', 'tap-zendesk-chat']).command).to.equal('config test')
  })

  it('Meltano 3.x: the plugin comes first, so the Meltano 4 form is `No such command`', () => {
    expect(parseMeltano(3, ['config', 'tap-zendesk-chat', 'set', 'subdomain', 'acme'])).to.deep.include({
      command: 'config set',
      rest: ['subdomain', 'acme'],
    })
    expect(() => parseMeltano(3, ['config', 'set', 'tap-zendesk-chat', 'subdomain', 'acme'])).to.throw(
      UsageError,
      "No such command 'tap-zendesk-chat'",
    )
  })

  it('Meltano 4: `add --custom extractor tap-zendesk-chat` adds a utility named extractor; --plugin-type or a tap- name adds the extractor', () => {
    expect(parseMeltano(4, ['add', '--custom', 'extractor', 'tap-zendesk-chat']).plugins).to.deep.equal([
      { type: 'utilities', name: 'extractor' },
      { type: 'extractors', name: 'tap-zendesk-chat' },
    ])
    expect(parseMeltano(4, ['add', '--custom', '--plugin-type', 'extractor', 'tap-zendesk-chat']).plugins).to.deep.equal([
      { type: 'extractors', name: 'tap-zendesk-chat' },
    ])
    expect(parseMeltano(4, ['add', '--custom', 'tap-zendesk-chat']).plugins).to.deep.equal([
      { type: 'extractors', name: 'tap-zendesk-chat' },
    ])
    expect(parseMeltano(3, ['add', '--custom', 'extractor', 'tap-zendesk-chat']).plugins).to.deep.equal([
      { type: 'extractors', name: 'tap-zendesk-chat' },
    ])
    expect(() => parseMeltano(3, ['add', '--custom', 'tap-zendesk-chat'])).to.throw(UsageError)
  })

  it('invoke hands everything after the plugin to it; select takes at most a stream and a property pattern', () => {
    expect(parseMeltano(4, ['invoke', 'tap-zendesk-chat', '--discover'])).to.deep.include({ command: 'invoke', rest: ['--discover'] })
    expect(parseMeltano(4, ['select', 'tap-zendesk-chat', 'chats']).rest).to.deep.equal(['chats'])
    expect(() => parseMeltano(4, ['select', 'tap-zendesk-chat', 'a', 'b', 'c'])).to.throw(UsageError)
  })

  it('finds commands in shell blocks and in meltano.yml comments, 3.x forms in comments', () => {
    const found = documentedCommands(
      '```sh\nmeltano run a b   # 3.x: meltano run a b\n```\n```json\nmeltano not-this\n```\n#   meltano install\n',
      'x',
    )
    expect(found.map((c) => [c.major, c.line])).to.deep.equal([
      [4, 'meltano run a b'],
      [3, 'meltano run a b'],
      [4, 'meltano install'],
    ])
  })
})
