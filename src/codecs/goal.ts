/** `GET goals`: one element of the array. Fields from the 2017 and 2024 samples. */
import * as t from 'io-ts'
import { BoolOrInt, optionalFields, record } from './quirks.js'

export const Goal = record(
  { id: t.Int },
  {
    name: t.string,
    description: t.string,
    enabled: BoolOrInt,
    attribution_model: t.string,
    attribution_period: t.number,
    settings: optionalFields({
      conditions: t.array(optionalFields({ operator: t.string, type: t.string, value: t.string })),
    }),
  },
)
