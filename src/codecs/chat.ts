/**
 * `GET incremental/chats` (and `chats?ids=`): one chat or offline message.
 * Offline messages (`type: "offline_msg"`) have `message` but no
 * `end_timestamp` and no `history`. Quirks: `unread` as 0/1, `agent_ids` as
 * strings, history `msg_id` string or integer, history `department_id`
 * integer or string, session dates written `...+00:00Z`.
 */
import * as t from 'io-ts'
import { BoolOrInt, IdString, IntOrNumericString, optionalFields, record, Timestamp } from './quirks.js'

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
  tags: t.array(t.string),
  new_tags: t.array(t.string),
  comment: t.string,
  new_comment: t.string,
  rating: t.string,
  new_rating: t.string,
  reason: t.string,
})

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
    tags: t.array(t.string),
    agent_ids: t.array(IdString),
    agent_names: t.array(t.string),
    department_id: t.Int,
    department_name: t.string,
    zendesk_ticket_id: t.Int,
    referrer_search_engine: t.string,
    referrer_search_terms: t.string,
    visitor: Visitor,
    session: Session,
    webpath: t.array(optionalFields({ from: t.string, to: t.string, title: t.string, timestamp: Timestamp })),
    count: optionalFields({ total: t.Int, agent: t.Int, visitor: t.Int }),
    response_time: optionalFields({ first: t.number, avg: t.number, max: t.number }),
    history: t.array(HistoryEntry),
  },
)
export type Chat = t.TypeOf<typeof Chat>
