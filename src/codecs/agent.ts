/** `GET agents`: one element of the array. Fields from the 2017 and 2024 samples. */
import * as t from 'io-ts'
import { BoolOrInt, optionalFields, record, Timestamp } from './quirks.js'

export const Agent = record(
  { id: t.Int },
  {
    email: t.string,
    display_name: t.string,
    first_name: t.string,
    last_name: t.string,
    enabled: BoolOrInt,
    role_id: t.Int,
    roles: optionalFields({ owner: t.boolean, administrator: t.boolean }),
    departments: t.array(t.Int),
    enabled_departments: t.array(t.Int),
    skills: t.array(t.Int),
    create_date: Timestamp,
    last_login: Timestamp,
    login_count: t.Int,
    // Added to the singer-io schema on request (API.md); what it holds is not documented.
    scope: t.string,
  },
)
export type Agent = t.TypeOf<typeof Agent>
