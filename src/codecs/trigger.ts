/**
 * `GET triggers`: one element of the array. `condition` and `actions` are
 * nested lists (a small expression language): kept as JSON arrays, as sent.
 * Payloads from 2017 have no `id` (triggers were addressed by name then).
 */
import * as t from 'io-ts'
import { BoolOrInt, JsonArray, optionalFields, record } from './quirks.js'

export const Trigger = record(
  { name: t.string },
  {
    id: t.Int,
    description: t.string,
    enabled: BoolOrInt,
    definition: optionalFields({
      event: t.string,
      condition: JsonArray,
      actions: JsonArray,
      version: t.number,
      editor: t.string,
    }),
  },
)
