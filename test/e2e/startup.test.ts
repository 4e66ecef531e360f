/**
 * Start-up (issue 14): what Meltano starts the tap for before every run
 * (`--about`, `--discover`, `--version`) loads neither oclif nor the sync's
 * modules. The time itself is measured by `npm run bench` (its start-up
 * section), never asserted here; this checks what makes it short.
 */
import { spawn } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import { expect } from 'chai'
import { childEnv, TAP, useTempDir } from '../support/cli.js'

describe('e2e: start-up loads only what each mode needs', () => {
  const tmp = useTempDir()

  /** The modules one run of the tap loaded, recorded by a resolve hook. */
  const loaded = async (name: string, args: readonly string[]): Promise<string[]> => {
    const record = tmp().file(`${name}.loaded`)
    const hook = await tmp().write(
      `${name}-hook.mjs`,
      `import { register } from 'node:module'\nregister(${JSON.stringify(
        `data:text/javascript,${encodeURIComponent(`import { appendFileSync } from 'node:fs'\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(record)}, r.url + '\\n'); return r }`)}`,
      )})\n`,
    )
    const child = spawn(process.execPath, ['--import', pathToFileURL(hook).href, TAP, ...args], {
      env: childEnv(),
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(code, `${args.join(' ')} exit status`).to.equal(0)
    return (await readFile(record, 'utf8')).split('\n').filter((l) => l !== '')
  }

  const heavy = (urls: readonly string[]) => urls.filter((u) => /@oclif|\/dist\/(engine\/(sync|http|run)|sandbox|commands)\//.test(u))

  it('--about, --discover and --version load no oclif, no command table, no sync engine and no sandbox', async () => {
    for (const args of [['--about', '--format=json'], ['--discover'], ['--version']]) {
      const urls = await loaded(args[0]!.slice(2), args)
      expect(
        urls.some((u) => u.includes('/dist/cli/main.js')),
        'the hook records',
      ).to.equal(true)
      expect(heavy(urls), args.join(' ')).to.deep.equal([])
    }
  })

  it('--about does not load what only discover needs', async () => {
    const urls = await loaded('about-only', ['--about'])
    expect(urls.filter((u) => /fp-ts\/lib\/(TaskEither|Array)|dist\/cli\/(inputs|config-sources|discover-mode)/.test(u))).to.deep.equal([])
  })

  it('a sync still loads oclif and the engine (the hook sees them)', async () => {
    const urls = await loaded('sync-schema', [
      '--config',
      await tmp().write('c.json', { access_token: 't', subdomain: 'acme' }),
      '--test=schema',
    ])
    expect(heavy(urls).length).to.be.greaterThan(0)
  })
})
