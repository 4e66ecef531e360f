/**
 * The demo's first step: the token, as a person gets one, from `zchat login`
 * against the demo's sandbox. The demo stands in for the person at the
 * browser: it opens the printed URL, presses Allow on the sandbox's consent
 * page and follows the redirect to zchat's listener, all on 127.0.0.1.
 */
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Sandbox } from '../sandbox/index.js'

const ZCHAT = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/zchat')
const DEMO_CLIENT = 'zchat-demo'

const freePort = async (): Promise<number> => {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((done) => server.close(() => done()))
  return port
}

/** What a person does in the browser: Allow on the consent page, then the redirect followed. */
const pressAllow = async (url: string): Promise<void> => {
  const page = await (await fetch(url)).text()
  const action = /<form method="post" action="([^"]+)">/.exec(page)?.[1]
  if (action === undefined) throw new Error('no consent form on the sandbox page')
  const form = new URLSearchParams(
    [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m): [string, string] => [
      m[1]!,
      m[2]!.replace(/&amp;/g, '&'),
    ]),
  )
  form.set('decision', 'allow')
  const decided = await fetch(new URL(action, url), { method: 'POST', body: form, redirect: 'manual' })
  const location = decided.headers.get('location')
  if (location === null || !location.startsWith('http://localhost:'))
    throw new Error(`the consent page answered ${decided.status} without a redirect to localhost`)
  await (await fetch(location)).text()
}

/** Runs `zchat login` into `configFile` with the demo pressing Allow; its exit status. */
export const demoLogin = async (sandbox: Sandbox, configFile: string, print: (line: string) => void): Promise<number> => {
  const port = await freePort()
  const secret = randomBytes(12).toString('hex')
  sandbox.oauth.register({ id: DEMO_CLIENT, secret, redirectUris: [`http://localhost:${port}`] })
  const args = [
    'login',
    '--no-open',
    '--base-url',
    sandbox.baseUrl,
    '--client-id',
    DEMO_CLIENT,
    '--port',
    String(port),
    '--config',
    configFile,
  ]
  print(`login: zchat login --client-id ${DEMO_CLIENT} (the demo presses Allow for you)`)
  const child = spawn(process.execPath, [ZCHAT, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ZCHAT_CLIENT_SECRET: secret },
  })
  let out = ''
  let pressed = false
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8')
    const url = /^\s+(http:\/\/127\.0\.0\.1:\d+\/oauth2\/\S+)$/m.exec(out)?.[1]
    if (url !== undefined && !pressed) {
      pressed = true
      pressAllow(url).catch((error: Error) => {
        print(`login: the demo could not press Allow: ${error.message}`)
        child.kill()
      })
    }
  })
  const code = await new Promise<number>((done, fail) => {
    child.on('error', fail)
    child.on('close', (status) => done(status ?? 1))
  })
  // zchat login's own words (it never prints the token) go to login.log beside the config; the terminal gets one line, or all on failure.
  const said = out.split('\n').filter((line) => line.trim() !== '')
  const logFile = join(dirname(configFile), 'login.log')
  await writeFile(logFile, `ZCHAT_CLIENT_SECRET=… zchat ${args.join(' ')}\n${said.join('\n')}\n`)
  if (code === 0 && said.some((line) => line.startsWith('OK: ')))
    print(`login: OK: token checked, stored in ${basename(configFile)} (log: ${basename(logFile)})`)
  else for (const line of said) print(`login: ${line}`)
  return code
}
