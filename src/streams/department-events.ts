import { DepartmentEvent } from '../codecs/department-event.js'
import { exportPaging, incremental, type StreamDef } from './stream.js'

/**
 * Documented by Zendesk, shipped by no other connector: the record shape is
 * known only from an unmerged schema (API.md); `value` and `previous_value`
 * are kept as whatever JSON the API sends.
 */
export const departmentEvents: StreamDef = {
  name: 'department_events',
  description: "Changes to departments' settings over time (field_name, value, previous_value as sent).",
  path: 'incremental/department_events',
  codec: DepartmentEvent,
  keyProperties: ['id'],
  replication: incremental('timestamp', 'datetime'),
  read: exportPaging('seconds', 'department_events'),
  assumptions: [
    'start_time is sent in epoch seconds, as for conversions (Zendesk does not say; its conversions page says seconds in prose, microseconds in a table)',
  ],
}
