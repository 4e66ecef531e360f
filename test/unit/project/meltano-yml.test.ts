import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Document, isMap, isSeq, parse, parseDocument, type YAMLMap } from 'yaml'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import { about } from '../../../src/engine/about.js'
import type { JsonSchema } from '../../../src/core/json-schema.js'
import { STREAMS } from '../../../src/streams/index.js'
import {
  meltanoKind,
  meltanoSettings,
  PLUGIN_KEY_ORDER,
  ruamelText,
  SETTING_KEY_ORDER,
  withGeneratedSettings,
} from '../../../scripts/meltano-yml.js'
import { castSettingValue, MeltanoValueError, type YmlSetting } from '../../support/meltano.js'
import { ROOT } from '../../support/cli.js'

const TEXT = readFileSync(join(ROOT, 'meltano.yml'), 'utf8')

interface Plugin {
  name: string
  namespace?: string
  executable?: string
  variant?: string
  capabilities: string[]
  settings: YmlSetting[]
  config?: Record<string, unknown>
}

const project = parse(TEXT) as {
  plugins: { extractors: Plugin[]; loaders: Plugin[] }
  environments: { name: string }[]
  default_environment: string
}
const tap = project.plugins.extractors.find((e) => e.name === 'tap-zendesk-chat')!
const info = about('0.0.0', STREAMS)
const declared = info.settings.properties as Record<string, JsonSchema>

/** Values --about allows for a setting, as a user types them after `meltano config set tap-zendesk-chat NAME`. */
const allowedTexts = (schema: JsonSchema): string[] => {
  if (Array.isArray(schema.enum)) return schema.enum.map(String)
  const low = (schema.minimum as number | undefined) ?? 1
  switch (schema.type) {
    case 'number':
      return ['2.5', '60', '0.75']
    case 'integer':
      return [String(low), String((schema.maximum as number | undefined) ?? low + 10)]
    case 'boolean':
      return ['true', 'false']
    // Empty: valid for any object or array schema without a minimum size.
    case 'object':
      return ['{}']
    case 'array':
      return ['[]']
    default:
      return schema.format === 'date-time'
        ? ['2024-01-01T00:00:00Z']
        : schema.format === 'uri'
          ? ['http://127.0.0.1:8080/api/v2/chat']
          : ['acme']
  }
}

describe('meltano.yml', () => {
  it("validates against Meltano's own JSON Schema", () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'meltano.schema.json'), 'utf8')) as object
    const ajv = new Ajv2020({ strict: false, allErrors: true })
    const validate = ajv.compile(schema)
    expect(validate(project), ajv.errorsText(validate.errors)).to.equal(true)
  })

  it('has no `version:` (deprecated in Meltano 4, which warns on every command)', () => {
    expect(project).to.not.have.property('version')
  })

  it('defines the extractor the tap says it is: capabilities and every setting as `about` declares them (npm run meltano-yml)', () => {
    expect(tap.namespace).to.equal('tap_zendesk_chat')
    expect(tap.executable).to.equal('./bin/tap-zendesk-chat')
    expect(tap.capabilities).to.deep.equal([...info.capabilities])
    expect(tap.settings.map((s) => s.name)).to.deep.equal(Object.keys(declared))
    for (const setting of tap.settings) {
      const schema = declared[setting.name]!
      expect(setting.sensitive === true, setting.name).to.equal(schema.secret === true)
      expect(setting.value, setting.name).to.deep.equal(schema.default)
      if (Array.isArray(schema.enum))
        expect(
          setting.options!.map((o) => o.value),
          setting.name,
        ).to.deep.equal(schema.enum)
    }
    expect(withGeneratedSettings(TEXT), 'meltano.yml is behind the settings: run npm run meltano-yml').to.equal(TEXT)
  })

  it("every value --about allows for a setting passes Meltano's cast by the setting's kind, into a value the tap accepts", () => {
    const ajv = new Ajv2020({ strict: false })
    // ajv-formats is CommonJS: under NodeNext its default import is the module object or the plugin itself.
    const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2020) => Ajv2020
    addFormats(ajv)
    for (const setting of tap.settings) {
      const schema = declared[setting.name]!
      const validate = ajv.compile({ ...schema, secret: undefined, writeOnly: undefined })
      for (const text of allowedTexts(schema)) {
        let value: unknown
        expect(
          () => (value = castSettingValue(setting, text)),
          `meltano config set tap-zendesk-chat ${setting.name} ${text} (kind ${setting.kind})`,
        ).to.not.throw()
        expect(validate(value), `${setting.name}=${text} cast to ${JSON.stringify(value)}`).to.equal(true)
      }
    }
  })

  it('maps each JSON Schema type --about can give to its Meltano kind, and refuses to guess', () => {
    expect(meltanoKind({ type: 'number' })).to.equal('decimal')
    expect(meltanoKind({ type: ['integer', 'null'] })).to.equal('integer')
    expect(meltanoKind({ type: 'boolean' })).to.equal('boolean')
    expect(meltanoKind({ type: 'string', format: 'date-time' })).to.equal('date_iso8601')
    expect(meltanoKind({ type: 'string', format: 'uri' })).to.equal('string')
    expect(meltanoKind({ enum: ['a', 'b'] })).to.equal('options')
    expect(meltanoKind({ type: 'object' })).to.equal('object')
    expect(meltanoKind({ type: 'array', items: { type: 'string' } })).to.equal('array')
    const odd = { ...info, settings: { properties: { mixed: { type: ['string', 'integer'] } } } }
    expect(() => meltanoSettings(odd)).to.throw(/setting mixed: .*several types/)
    expect(() => meltanoSettings({ ...info, settings: { properties: { anything: {} } } })).to.throw(/setting anything/)
  })

  it("Meltano's cast refuses what its kind refuses (the emulation is strict)", () => {
    expect(() => castSettingValue({ name: 'n', kind: 'integer' }, '2.5')).to.throw(MeltanoValueError)
    expect(castSettingValue({ name: 'n', kind: 'decimal' }, '2.5')).to.equal(2.5)
    expect(() => castSettingValue({ name: 'n', kind: 'options', options: [{ label: 'a', value: 'a' }] }, 'b')).to.throw(MeltanoValueError)
    expect(castSettingValue({ name: 'n', kind: 'boolean' }, 'FALSE')).to.equal(false)
  })

  describe("in Meltano's own layout, so its rewrite changes nothing but what a command sets", () => {
    it('is what Meltano writes back after reading it: ruamel.yaml layout, every string in its style', () => {
      expect(ruamelText(parseDocument(TEXT))).to.equal(TEXT)
    })

    it("a sequence's dashes sit at its key's column; no flow mappings", () => {
      const lines = TEXT.split('\n')
      lines.forEach((line, i) => {
        const next = lines[i + 1] ?? ''
        if (/^\s*(- )?[\w-]+:$/.test(line) && /^\s*- /.test(next)) {
          const keyColumn = line.search(/[\w-]/)
          expect(next.indexOf('-'), `line ${i + 2}: ${next}`).to.equal(keyColumn)
        }
        expect(line, `line ${i + 1}`).to.not.match(/: \{/)
      })
    })

    it("keys come in the order Meltano's plugin and setting classes write them", () => {
      const doc = parseDocument(TEXT)
      const keysOf = (node: unknown): string[] => (isMap(node) ? node.items.map((p) => String((p.key as { value: unknown }).value)) : [])
      const inOrder = (keys: string[], order: readonly string[], what: string) => {
        const known = keys.filter((k) => order.includes(k))
        expect(known, what).to.deep.equal([...known].sort((a, b) => order.indexOf(a) - order.indexOf(b)))
      }
      const extractors = doc.getIn(['plugins', 'extractors'])
      if (!isSeq(extractors)) expect.fail('plugins.extractors is not a list')
      for (const plugin of extractors.items) {
        inOrder(keysOf(plugin), PLUGIN_KEY_ORDER, 'plugin keys')
        const settings = (plugin as YAMLMap).get('settings')
        if (isSeq(settings))
          for (const setting of settings.items)
            inOrder(keysOf(setting), SETTING_KEY_ORDER, `setting ${String((setting as YAMLMap).get('name'))}`)
      }
    })

    it('comments only above the first key, where Meltano keeps them', () => {
      const first = TEXT.split('\n').findIndex((l) => !l.startsWith('#'))
      const later = TEXT.split('\n')
        .slice(first)
        .filter((l) => /^\s*#/.test(l) || / #/.test(l.replace(/'[^']*'|"[^"]*"/g, '')))
      expect(later).to.deep.equal([])
    })

    it('strings are quoted as ruamel.yaml quotes them (pairs dumped by ruamel.yaml as Meltano configures it)', () => {
      const fixture = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'ruamel-scalars.json'), 'utf8')) as {
        pairs: [string, string][]
      }
      expect(fixture.pairs.length).to.be.greaterThan(50)
      for (const [value, ruamel] of fixture.pairs)
        expect(ruamelText(new Document({ k: value })), JSON.stringify(value)).to.equal(`k: ${ruamel}\n`)
    })

    it('`meltano config set tap-zendesk-chat subdomain acme` (the dev environment) adds only its lines', () => {
      const doc = parseDocument(TEXT)
      const dev = (doc.get('environments') as { items: YAMLMap[] }).items.find((e) => e.get('name') === project.default_environment)!
      // What Meltano's update_environment_plugin writes, as its canonical form orders it.
      dev.set('config', doc.createNode({ plugins: { extractors: [{ name: 'tap-zendesk-chat', config: { subdomain: 'acme' } }] } }))
      const before = TEXT.split('\n')
      const after = ruamelText(doc).split('\n')
      const added = after.filter((l) => !before.includes(l))
      expect(
        after.filter((l) => !added.includes(l)),
        'every line it had, in order',
      ).to.deep.equal(before)
      expect(added).to.deep.equal([
        '  config:',
        '    plugins:',
        '      extractors:',
        '      - name: tap-zendesk-chat',
        '        config:',
        '          subdomain: acme',
      ])
    })
  })

  it('the example project: target-jsonl locked, its output folder there, activate_version off for it', () => {
    for (const loader of project.plugins.loaders.filter((l) => l.variant !== undefined)) {
      const lock = JSON.parse(readFileSync(join(ROOT, 'plugins', 'loaders', `${loader.name}--${loader.variant}.lock`), 'utf8')) as Record<
        string,
        unknown
      >
      expect(lock).to.include({
        plugin_type: 'loaders',
        name: loader.name,
        variant: loader.variant,
        namespace: loader.name.replaceAll('-', '_'),
      })
      const settings = (lock.settings as { name: string }[]).map((s) => s.name)
      expect(settings, 'the lock defines every setting the project sets').to.include.members(Object.keys(loader.config ?? {}))
    }
    const jsonl = project.plugins.loaders.find((l) => l.name === 'target-jsonl')!
    const folder = String(jsonl.config!.destination_path)
    expect(() => readFileSync(join(ROOT, folder, '.gitkeep')), `${folder}/ exists in the repository`).to.not.throw()
    expect(tap.config).to.deep.equal({ activate_version: false })
    const ignored = readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n')
    expect(ignored).to.include.members(['.env', '.meltano/', `${folder}/*`, `!${folder}/.gitkeep`])
  })
})
