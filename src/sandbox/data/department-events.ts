/**
 * The department events export's records: changes to each department's
 * name, description, enabled flag and settings over the account's life,
 * generated backwards from the department as it is now, so the newest event
 * of a field carries the department's current value and each event's
 * `previous_value` is the value of the event before it. The record shape is
 * known only from another connector's unmerged schema (API.md); `value` and
 * `previous_value` are a string, a boolean or an object by field.
 */
import { Rng } from './random.js'
import { DAY, HISTORY_START, isoSeconds, REFERENCE_NOW } from './common.js'
import type { Department } from './people.js'

export type DepartmentEventValue = string | boolean | Department['settings']

export interface DepartmentEvent {
  readonly id: string
  readonly department_id: number
  readonly timestamp: string
  readonly field_name: 'name' | 'description' | 'enabled' | 'settings'
  readonly value: DepartmentEventValue
  readonly previous_value: DepartmentEventValue
}

const FIELDS = ['name', 'description', 'enabled', 'settings'] as const

/** What a field held before a change. */
function older(rng: Rng, field: DepartmentEvent['field_name'], value: DepartmentEventValue, name: string): DepartmentEventValue {
  switch (field) {
    case 'name':
      return rng.chance(0.5) ? `${name} team` : `${name} (old)`
    case 'description':
      return value === '' ? `Chats about ${name.toLowerCase()}` : ''
    case 'enabled':
      return !(value as boolean)
    case 'settings': {
      const settings = value as Department['settings']
      return { ...settings, chat_enabled: !settings.chat_enabled }
    }
  }
}

/** Every department's events, ordered by (timestamp, id) as the export serves them. */
export function departmentEvents(seed: number, accountCreated: number, departments: ReadonlyArray<Department>): DepartmentEvent[] {
  const events: DepartmentEvent[] = []
  departments.forEach((department, i) => {
    const rng = Rng.derive(seed, 'department-events', i)
    const current: Record<DepartmentEvent['field_name'], DepartmentEventValue> = {
      name: department.name,
      description: department.description,
      enabled: department.enabled === true || department.enabled === 1,
      settings: department.settings,
    }
    // Within the three years the chats span, like every other dated record.
    const from = Math.max(accountCreated, HISTORY_START) + DAY
    const to = REFERENCE_NOW - DAY
    if (to <= from) return
    const times = Array.from({ length: rng.int(1, 6) }, () => rng.int(from, to)).sort((a, b) => b - a)
    times.forEach((at, k) => {
      const field = rng.pick(FIELDS)
      const value = current[field]
      const previous = older(rng, field, value, department.name)
      events.push({
        id: `${department.id}-${times.length - k}`,
        department_id: department.id,
        timestamp: isoSeconds(at),
        field_name: field,
        value,
        previous_value: previous,
      })
      current[field] = previous
    })
  })
  return events.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
