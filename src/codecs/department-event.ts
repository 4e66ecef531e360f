/**
 * `GET incremental/department_events`: one change to a department's settings.
 * Fields are known only from another connector's unmerged schema (API.md);
 * `value` and `previous_value` are of no documented type (an object there; the
 * similar agent-events export documents a string or an integer), so any JSON.
 */
import * as t from 'io-ts'
import { AnyJson, IdString, IntOrNumericString, record, Timestamp } from './quirks.js'

export const DepartmentEvent = record(
  { id: IdString },
  {
    department_id: IntOrNumericString,
    timestamp: Timestamp,
    field_name: t.string,
    value: AnyJson,
    previous_value: AnyJson,
  },
)
