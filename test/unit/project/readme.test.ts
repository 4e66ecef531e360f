import { expect } from 'chai'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { README, withGeneratedSection } from '../../../scripts/readme.js'
import { ROOT } from '../../support/cli.js'

describe('README', () => {
  const readme = readFileSync(README, 'utf8')

  it('settings and streams tables match what the tap says about itself (npm run readme)', () => {
    expect(readme).to.equal(withGeneratedSection(readme))
  })

  it('its first screen gives the two set-up commands, and they exist', () => {
    const firstScreen = readme.split('\n').slice(0, 30).join('\n')
    expect(firstScreen).to.contain('npm ci && npm run demo').and.contain('npm ci && npm test')
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
    expect(scripts).to.include.keys('demo', 'test')
  })

  it('its install commands name the tarball npm pack writes, and packing builds dist/ first', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      name: string
      version: string
      license: string
      scripts: Record<string, string>
    }
    const install = readme.slice(readme.indexOf('## Install'), readme.indexOf('\n## ', readme.indexOf('## Install') + 1))
    const tarball = `${pkg.name}-${pkg.version}.tgz`
    expect(install).to.contain('npm pack').and.contain(`npm install -g ./${tarball}`)
    for (const named of install.match(/\S+\.tgz/g) ?? []) expect(named.replace(/^\.\//, '')).to.equal(tarball)
    expect(pkg.scripts.prepack, 'npm pack runs prepack: it must build').to.match(/npm run build/)
    const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8')
    expect(pkg.license).to.equal('MIT')
    expect(license).to.match(/^MIT License/)
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8').split('\n')).to.include('*.tgz')
  })

  it('its Development layout names folders and files that exist, and every way of reading in src/engine/read', () => {
    const dev = readme.slice(readme.indexOf('## Development'))
    const block = dev.slice(dev.indexOf('Layout ('), dev.indexOf('```', dev.indexOf('```', dev.indexOf('Layout (')) + 3))
    let parent = ''
    for (const line of block.split('\n')) {
      const top = line.match(/^((?:bin|src|test)\/[\w/-]*)\s/)
      const sub = line.match(/^ {2}([\w-]+\/|[\w-]+\.ts)\s/)
      if (top !== null) parent = top[1]!
      const path = top !== null ? top[1]! : sub !== null ? join(parent, sub[1]!) : undefined
      if (path !== undefined) expect(existsSync(join(ROOT, path)), `${path} (README's layout)`).to.equal(true)
    }
    // A strategy is a file of src/engine/read that defines one (`export const exportStrategy = ...`).
    const strategies = readdirSync(join(ROOT, 'src/engine/read')).filter((f) =>
      /^export const \w+Strategy = /m.test(readFileSync(join(ROOT, 'src/engine/read', f), 'utf8')),
    )
    for (const file of strategies) expect(block, `src/engine/read/${file} in the layout`).to.contain(file.replace(/\.ts$/, ''))
    expect(strategies, 'single, since_id, export, search').to.have.length.of.at.least(4)
  })
})
