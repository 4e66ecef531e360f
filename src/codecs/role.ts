/** `GET roles`: one element of the array. `permissions` maps a permission to a scope or a flag. */
import * as t from 'io-ts'
import { BoolOrInt, record } from './quirks.js'

export const Role = record(
  { id: t.Int },
  {
    name: t.string,
    description: t.string,
    enabled: BoolOrInt,
    permissions: t.record(t.string, t.union([t.string, t.boolean])),
    members_count: t.Int,
  },
)
