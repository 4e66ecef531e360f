/**
 * `GET triggers`: one element of the array. `condition` and `actions` are
 * nested lists (a small expression language): kept as JSON arrays, as sent.
 * Other connectors' schemas also allow them as strings and `event` as an
 * array (schema-level): accepted as sent, too.
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
      event: t.union([t.string, JsonArray]),
      condition: t.union([JsonArray, t.string]),
      actions: t.union([JsonArray, t.string]),
      version: t.number,
      editor: t.string,
    }),
  },
)
