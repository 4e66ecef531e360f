/**
 * The Singer target of `npm run bench`: reads stdin to the end, at most
 * BYTES_PER_SECOND if given (a slow target, so the tap feeding it must wait on
 * a full pipe), keeps nothing, and prints what it read as one JSON line:
 * `{"bytes":..,"records":..,"seconds":..}` (records: lines that are RECORD
 * messages). The bench also counts a sync's output file with it.
 *
 * Usage: node scripts/bench-reader.mjs [BYTES_PER_SECOND] < messages
 */
import { Buffer } from 'node:buffer'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'

const rate = Number(process.argv[2] ?? 0)
if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`BYTES_PER_SECOND must be a number >= 0, got ${process.argv[2]}`)

// A RECORD line as zchat and the floor write it: the message's first key is `type`.
const RECORD_START = Buffer.from('\n{"type":"RECORD"')
const started = performance.now()
let bytes = 0
let records = 0
// The tail of the previous chunk (too short to hold a whole match), so a match across two chunks counts once.
let carry = Buffer.from('\n')

for await (const chunk of process.stdin) {
  bytes += chunk.length
  const text = Buffer.concat([carry, chunk])
  for (let at = text.indexOf(RECORD_START); at !== -1; at = text.indexOf(RECORD_START, at + RECORD_START.length)) records++
  carry = text.subarray(Math.max(0, text.length - (RECORD_START.length - 1)))
  if (rate > 0) {
    const wait = started + (bytes / rate) * 1000 - performance.now()
    if (wait > 0) await sleep(wait)
  }
}
process.stdout.write(JSON.stringify({ bytes, records, seconds: (performance.now() - started) / 1000 }) + '\n')
