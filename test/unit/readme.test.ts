import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { README, withGeneratedSection } from '../../scripts/readme.js'

describe('README', () => {
  const readme = readFileSync(README, 'utf8')

  it('settings and streams tables match what the tap says about itself (npm run readme)', () => {
    expect(readme).to.equal(withGeneratedSection(readme))
  })

  it('its first screen gives the two set-up commands, and they exist', () => {
    const firstScreen = readme.split('\n').slice(0, 30).join('\n')
    expect(firstScreen).to.contain('npm ci && npm run demo').and.contain('npm ci && npm test')
    const scripts = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> }).scripts
    expect(scripts).to.include.keys('demo', 'test')
  })
})
