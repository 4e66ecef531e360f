/** `GET skills`: one element of the array. */
import * as t from 'io-ts'
import { BoolOrInt, record } from './quirks.js'

export const Skill = record(
  { id: t.Int },
  {
    name: t.string,
    description: t.string,
    enabled: BoolOrInt,
    members: t.array(t.Int),
  },
)
