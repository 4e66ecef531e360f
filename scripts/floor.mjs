#!/usr/bin/env node
/**
 * The floor for `npm run bench`: the least any tap must do to extract chats.
 * It reads the chats export the way API.md says (start_time, limit=1000,
 * fields=chats(*), then next_page as given until a page holds fewer than
 * `limit`), parses each page with JSON.parse and writes one Singer RECORD line
 * per chat to stdout, waiting for the reader when its pipe is full. Nothing
 * else: no validation, no state, no retries, no dependencies.
 *
 * Usage: node scripts/floor.mjs CONFIG.json   (access_token, base_url, start_date)
 */
import { readFileSync } from 'node:fs'
import { once } from 'node:events'

const LIMIT = 1000

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const headers = { Authorization: `Bearer ${config.access_token}` }
const startTime = Math.floor(Date.parse(config.start_date) / 1000)
let url = `${config.base_url}/incremental/chats?start_time=${startTime}&limit=${LIMIT}&fields=chats(*)`

for (;;) {
  const response = await globalThis.fetch(url, { headers })
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`)
  const page = JSON.parse(await response.text())
  let lines = ''
  for (const record of page.chats) lines += JSON.stringify({ type: 'RECORD', stream: 'chats', record }) + '\n'
  if (lines !== '' && !process.stdout.write(lines)) await once(process.stdout, 'drain')
  if (page.count < LIMIT) break
  url = page.next_page
}
