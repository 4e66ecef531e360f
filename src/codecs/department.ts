/** `GET departments`: one element of the array. Fields from the 2017 and 2024 samples. */
import * as t from 'io-ts'
import { arrayOfNullable, BoolOrInt, optionalFields, record } from './quirks.js'

export const Department = record(
  { id: t.Int },
  {
    name: t.string,
    description: t.string,
    enabled: BoolOrInt,
    members: arrayOfNullable(t.Int),
    settings: optionalFields({
      chat_enabled: t.boolean,
      solved_ticket_reassignment_strategy: t.string,
      support_group_id: t.Int,
    }),
  },
)
export type Department = t.TypeOf<typeof Department>
