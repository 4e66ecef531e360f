/** The real API payloads in test/fixtures/samples (copied from shared/zendesk-chat/samples). */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const DIR = join(import.meta.dirname, '..', 'fixtures', 'samples')

export const zenpySample = (name: string): unknown => JSON.parse(readFileSync(join(DIR, `zenpy-${name}.json`), 'utf8'))

/** Records of one stream from the Airbyte sandbox capture (2024). */
export const airbyteRecords = (stream: string): unknown[] =>
  readFileSync(join(DIR, 'airbyte-sandbox-2024.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { stream: string; data: unknown })
    .filter((r) => r.stream === stream)
    .map((r) => r.data)
