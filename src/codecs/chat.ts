/**
 * `GET incremental/chats` (and `chats?ids=`): one chat or offline message.
 * Offline messages (`type: "offline_msg"`) have `message` but no
 * `end_timestamp` and no `history`. Quirks: `unread` as 0/1, `agent_ids` as
 * strings, history `msg_id` string or integer, history `department_id` and
 * `prev_department_id` integer or string, session dates written `...+00:00Z`,
 * a `webpath` entry as a list (of strings, integers, nulls) instead of an
 * object, and null items in `webpath`, `history`, `tags`, `agent_ids` and
 * `agent_names` (kept: a target must accept what the API sends).
 */
import * as t from 'io-ts'
import { Conversion } from './conversion.js'
import { arrayOfNullable, BoolOrInt, IdString, IntOrNumericString, ListScalar, optionalFields, record, Timestamp } from './quirks.js'

const Visitor = optionalFields({ id: t.string, name: t.string, email: t.string, phone: t.string, notes: t.string })

const Session = optionalFields({
  id: t.string,
  browser: t.string,
  platform: t.string,
  user_agent: t.string,
  ip: t.string,
  city: t.string,
  region: t.string,
  country_code: t.string,
  country_name: t.string,
  start_date: Timestamp,
  end_date: Timestamp,
})

const HistoryEntry = optionalFields({
  type: t.string,
  timestamp: Timestamp,
  name: t.string,
  channel: t.string,
  sender_type: t.string,
  msg: t.string,
  msg_id: IdString,
  options: t.string,
  department_id: IntOrNumericString,
  department_name: t.string,
  tags: arrayOfNullable(t.string),
  new_tags: arrayOfNullable(t.string),
  comment: t.string,
  new_comment: t.string,
  rating: t.string,
  new_rating: t.string,
  reason: t.string,
  nick: t.string,
  skills_name: arrayOfNullable(t.string),
  prev_department_id: IntOrNumericString,
  conversion: Conversion,
})

/** One agent's engagement in a chat (documented; added to Airbyte because users needed it). */
const Engagement = optionalFields({
  id: t.string,
  agent_id: IdString,
  agent_name: t.string,
  agent_full_name: t.string,
  department_id: IntOrNumericString,
  timestamp: Timestamp,
  duration: t.number,
  accepted: BoolOrInt,
  assigned: BoolOrInt,
  started_by: t.string,
  rating: t.string,
  comment: t.string,
  count: optionalFields({ total: t.Int, agent: t.Int, visitor: t.Int }),
  response_time: optionalFields({ first: t.number, avg: t.number, max: t.number }),
  skills_requested: arrayOfNullable(IntOrNumericString),
  skills_fulfilled: BoolOrInt,
})

/** A page the visitor saw: an object, or (met in production by the singer-io tap) a list of scalars. */
const WebpathEntry = t.union([optionalFields({ from: t.string, to: t.string, title: t.string, timestamp: Timestamp }), t.array(ListScalar)])

export const Chat = record(
  { id: t.string, type: t.keyof({ chat: null, offline_msg: null }) },
  {
    timestamp: Timestamp,
    update_timestamp: Timestamp,
    end_timestamp: Timestamp,
    deleted: BoolOrInt,
    unread: BoolOrInt,
    missed: BoolOrInt,
    triggered: BoolOrInt,
    triggered_response: BoolOrInt,
    started_by: t.string,
    duration: t.number,
    message: t.string,
    comment: t.string,
    rating: t.string,
    tags: arrayOfNullable(t.string),
    agent_ids: arrayOfNullable(IdString),
    agent_names: arrayOfNullable(t.string),
    department_id: t.Int,
    department_name: t.string,
    zendesk_ticket_id: t.Int,
    referrer_search_engine: t.string,
    referrer_search_terms: t.string,
    visitor: Visitor,
    session: Session,
    webpath: arrayOfNullable(WebpathEntry),
    count: optionalFields({ total: t.Int, agent: t.Int, visitor: t.Int }),
    response_time: optionalFields({ first: t.number, avg: t.number, max: t.number }),
    history: arrayOfNullable(HistoryEntry),
    conversions: arrayOfNullable(Conversion),
    engagements: arrayOfNullable(Engagement),
  },
)
export type Chat = t.TypeOf<typeof Chat>
