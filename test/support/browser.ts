/**
 * The browser's part of an OAuth login, for end-to-end tests: a real headless
 * Chromium (Debian's /usr/bin/chromium, driven by playwright-core) where the
 * machine has one; otherwise a plain HTTP client that follows the same
 * redirects and does what the redirect page's script does. Only 127.0.0.1
 * and localhost are ever visited.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export type Decision = 'allow' | 'deny'

export interface Browser {
  /** What drives the pages, for test titles and the log. */
  readonly name: string
  /** Opens the authorization URL, presses Allow or Deny, and resolves with the text zchat's last page shows. */
  authorize(url: string, decision: Decision): Promise<string>
  close(): Promise<void>
}

const LOOPBACK = /^https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//

const assertLoopback = (url: string): void => {
  if (!LOOPBACK.test(url)) throw new Error(`the test browser visits only 127.0.0.1 and localhost, not ${url}`)
}

const chromiumBrowser = async (): Promise<Browser> => {
  const { chromium } = await import('playwright-core')
  const profile = await mkdtemp(join(tmpdir(), 'zchat-chromium-'))
  // launchPersistentContext: a fresh --user-data-dir of our own (launch() refuses the flag).
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  })
  // Nothing but loopback: any other request is aborted.
  await context.route(/.*/, (route) => (LOOPBACK.test(route.request().url()) ? route.continue() : route.abort()))
  return {
    name: 'headless Chromium',
    async authorize(url, decision) {
      assertLoopback(url)
      const page = await context.newPage()
      try {
        await page.goto(url)
        await page.click(`#${decision}`)
        // zchat's page: the status is there once the login is over (for the implicit grant, after the script posted the fragment).
        const status = page.locator('#status[data-ok]')
        await status.waitFor({ timeout: 20_000 })
        return (await status.textContent()) ?? ''
      } finally {
        await page.close()
      }
    },
    async close() {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    },
  }
}

const hiddenFields = (html: string): URLSearchParams => {
  const form = new URLSearchParams()
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(
      match[1]!,
      match[2]!
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&'),
    )
  }
  return form
}

const statusText = (html: string): string => /<p id="status"[^>]*>([^<]*)</.exec(html)?.[1] ?? html

/** Follows the redirects as a browser would, and plays the redirect page's script for a fragment. */
const httpBrowser = (): Browser => ({
  name: `plain HTTP client (${WHY_NOT}: following the redirects without a browser)`,
  async authorize(url, decision) {
    assertLoopback(url)
    const consent = await fetch(url)
    const html = await consent.text()
    const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1]
    if (action === undefined) throw new Error(`no consent form at ${url}: ${html.slice(0, 300)}`)
    const form = hiddenFields(html)
    form.set('decision', decision)
    const decided = await fetch(new URL(action, url), { method: 'POST', body: form, redirect: 'manual' })
    const location = decided.headers.get('location')
    if (location === null) throw new Error(`the consent form answered ${decided.status} without a redirect`)
    assertLoopback(location)
    const target = new URL(location)
    const fragment = target.hash.slice(1)
    target.hash = '' // a browser never sends the fragment
    const landing = await fetch(target)
    const page = await landing.text()
    if (fragment === '') return statusText(page)
    if (!page.includes("fetch('/fragment'")) throw new Error(`the redirect page does not post the fragment back: ${page.slice(0, 300)}`)
    const posted = await fetch(new URL('/fragment', target), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: fragment,
    })
    return ((await posted.json()) as { message: string }).message
  },
  async close() {},
})

/** ZCHAT_TEST_NO_CHROMIUM=1 tries the fallback on a machine that has Chromium. */
const HAS_CHROMIUM = existsSync(CHROMIUM) && process.env.ZCHAT_TEST_NO_CHROMIUM !== '1'
const WHY_NOT = existsSync(CHROMIUM) ? 'ZCHAT_TEST_NO_CHROMIUM=1' : `no Chromium at ${CHROMIUM}`

/** Chromium when the machine has it, else the plain HTTP client. */
export const openBrowser = async (): Promise<Browser> => (HAS_CHROMIUM ? chromiumBrowser() : httpBrowser())

export const BROWSER_NAME = HAS_CHROMIUM ? 'headless Chromium' : `plain HTTP client (${WHY_NOT})`
