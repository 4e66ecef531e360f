import { expect } from 'chai'
import { toCommandArgv } from '../../../src/cli/singer-argv.js'

describe('Singer flags to zchat commands', () => {
  const cases: [string[], string[]][] = [
    [
      ['--config', 'c.json', '--discover'],
      ['discover', '--config', 'c.json'],
    ],
    [
      ['--config=c.json', '--discover'],
      ['discover', '--config=c.json'],
    ],
    [
      ['--config', 'c.json', '--state', 's.json', '--discover'],
      ['discover', '--config', 'c.json'],
    ],
    [['--discover', '--catalog=k.json', '--properties', 'p.json'], ['discover']],
    [
      ['--config', 'c.json', '--catalog', 'k.json'],
      ['sync', '--config', 'c.json', '--catalog', 'k.json'],
    ],
    [
      ['--config', 'c.json', '--catalog', 'k.json', '--state', 's.json'],
      ['sync', '--config', 'c.json', '--catalog', 'k.json', '--state', 's.json'],
    ],
    [
      ['--config', 'c.json', '--properties', 'k.json'],
      ['sync', '--config', 'c.json', '--properties', 'k.json'],
    ],
    [
      ['--about', '--format=json'],
      ['about', '--format=json'],
    ],
    [
      ['--config', 'c.json', '--about', '--format', 'markdown'],
      ['about', '--config', 'c.json', '--format', 'markdown'],
    ],
    [['--version'], ['--version']],
    [['--help'], ['--help']],
    // meltano invoke puts its own flags first.
    [['--config', 'c.json', '--version'], ['--version']],
    [['--config', 'c.json', '--catalog', 'k.json', '--help'], ['--help']],
    [
      ['--config', 'c.json', '--config', 'ENV', '--test'],
      ['sync', '--config', 'c.json', '--config', 'ENV', '--test=records'],
    ],
    [
      ['--config', 'c.json', '--test=schema'],
      ['sync', '--config', 'c.json', '--test=schema'],
    ],
    [
      ['sync', '--config', 'c.json', '--test'],
      ['sync', '--config', 'c.json', '--test=records'],
    ],
    [
      ['--config', 'c.json', '--test', 'schema'],
      ['sync', '--config', 'c.json', '--test=schema'],
    ],
    [
      ['--test', 'records', '--config', 'c.json'],
      ['sync', '--test=records', '--config', 'c.json'],
    ],
    [
      ['sync', '--test', 'schema', '--config', 'c.json'],
      ['sync', '--test=schema', '--config', 'c.json'],
    ],
    [
      ['--config', 'c.json', '--test', '--state', 's.json'],
      ['sync', '--config', 'c.json', '--test=records', '--state', 's.json'],
    ],
    [['help'], ['--help']],
    [
      ['help', 'sync'],
      ['sync', '--help'],
    ],
    [
      ['sync', '--config', 'c.json'],
      ['sync', '--config', 'c.json'],
    ],
    [['discover'], ['discover']],
    [
      ['nosuch', '--config', 'c.json'],
      ['nosuch', '--config', 'c.json'],
    ],
    [[], []],
  ]
  for (const [input, expected] of cases) {
    it(`${input.join(' ') || '(nothing)'} → ${expected.join(' ') || '(nothing)'}`, () => {
      expect(toCommandArgv(input)).to.deep.equal(expected)
    })
  }
})
