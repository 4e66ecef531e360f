/** The real API payloads in test/fixtures/samples (copied from shared/zendesk-chat/samples). */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const DIR = join(import.meta.dirname, '..', 'fixtures', 'samples')

export const zenpySample = (name: string): unknown => JSON.parse(readFileSync(join(DIR, `zenpy-${name}.json`), 'utf8'))

/**
 * Records of the two exports nobody has captured (conversions, department
 * events), written from the shapes API.md documents, with values from the
 * Airbyte capture: not real payloads, the best there is.
 */
export const documentedSample = (name: string): unknown => JSON.parse(readFileSync(join(DIR, `api-md-${name}.json`), 'utf8'))

/** Records of one stream from the Airbyte sandbox capture (2024). */
export const airbyteRecords = (stream: string): unknown[] =>
  readFileSync(join(DIR, 'airbyte-sandbox-2024.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { stream: string; data: unknown })
    .filter((r) => r.stream === stream)
    .map((r) => r.data)

/**
 * Every real record per stream, as the API sends it (bans as one element of
 * either array). zenpy's `roles` sample is an agent's `roles` object, not a
 * role, and its search result belongs to the search API: neither is a record.
 */
export const SAMPLES: Readonly<Record<string, readonly unknown[]>> = {
  account: [zenpySample('2017-account'), ...airbyteRecords('account')],
  agents: [zenpySample('2017-agent'), ...airbyteRecords('agents')],
  agent_timeline: [zenpySample('2022-agent_timeline'), ...airbyteRecords('agent_timeline')],
  bans: [...(zenpySample('2017-ban') as { visitor: unknown[] }).visitor, ...airbyteRecords('bans')],
  chats: [zenpySample('2017-chat'), zenpySample('2017-offline_message'), ...airbyteRecords('chats')],
  conversions: [documentedSample('conversion')],
  department_events: documentedSample('department_event') as unknown[],
  departments: [zenpySample('2017-department'), ...airbyteRecords('departments')],
  goals: [zenpySample('2017-goal'), ...airbyteRecords('goals')],
  roles: airbyteRecords('roles'),
  routing_settings: airbyteRecords('routing_settings'),
  shortcuts: [zenpySample('2017-shortcut'), ...airbyteRecords('shortcuts')],
  skills: airbyteRecords('skills'),
  triggers: [zenpySample('2017-trigger'), ...airbyteRecords('triggers')],
}
