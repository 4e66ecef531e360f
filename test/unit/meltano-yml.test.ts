import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { about } from '../../src/engine/about.js'
import { STREAMS } from '../../src/streams/index.js'

const ROOT = join(import.meta.dirname, '..', '..')

interface Setting {
  name: string
  kind?: string
  sensitive?: boolean
  value?: unknown
}

describe('meltano.yml', () => {
  const project = parse(readFileSync(join(ROOT, 'meltano.yml'), 'utf8')) as {
    plugins: { extractors: { name: string; namespace: string; executable: string; capabilities: string[]; settings: Setting[] }[] }
  }
  const tap = project.plugins.extractors.find((e) => e.name === 'tap-zendesk-chat')!

  it("validates against Meltano's own JSON Schema", () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'meltano.schema.json'), 'utf8')) as object
    const ajv = new Ajv2020({ strict: false, allErrors: true })
    const validate = ajv.compile(schema)
    expect(validate(project), ajv.errorsText(validate.errors)).to.equal(true)
  })

  it('defines the extractor the tap says it is, with every setting, secrets sensitive', () => {
    const info = about('0.0.0', STREAMS)
    expect(tap.namespace).to.equal('tap_zendesk_chat')
    expect(tap.executable).to.equal('./bin/tap-zendesk-chat')
    expect(tap.capabilities).to.have.members([...info.capabilities])
    const properties = info.settings.properties as Record<string, { secret?: boolean; default?: unknown; type?: string }>
    expect(tap.settings.map((s) => s.name)).to.deep.equal(Object.keys(properties))
    for (const setting of tap.settings) {
      const declared = properties[setting.name]!
      expect(setting.sensitive === true, setting.name).to.equal(declared.secret === true)
      expect(setting.value, setting.name).to.deep.equal(declared.default)
      if (declared.type === 'integer') expect(setting.kind, setting.name).to.equal('integer')
    }
  })
})
