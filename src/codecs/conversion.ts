/**
 * A goal conversion attributed to a chat. One codec for the three places it
 * appears: a chat's `conversions` (documented: "last 20 conversions (if any)
 * attributed to the chat"), a history entry's `conversion`, and the
 * `incremental/conversions` export. Its fields are known only from Zendesk's
 * reference and other connectors' unmerged schemas (API.md): every one is
 * optional, ids accept integers or numeric strings.
 */
import * as t from 'io-ts'
import { IdString, IntOrNumericString, optionalFields, record, Timestamp } from './quirks.js'

export const Attribution = optionalFields({
  agent_id: IntOrNumericString,
  agent_name: t.string,
  department_id: IntOrNumericString,
  department_name: t.string,
  chat_id: IdString,
  chat_timestamp: Timestamp,
})

const conversionFields = {
  goal_id: IntOrNumericString,
  goal_name: t.string,
  timestamp: Timestamp,
  attribution: Attribution,
}

/** A conversion inside a chat or a history entry: nothing is guaranteed, not even its id. */
export const Conversion = optionalFields({ id: IdString, ...conversionFields })

/** A record of the conversions export: keyed by `id`, read by `timestamp`. */
export const ConversionRecord = record({ id: IdString }, conversionFields)
