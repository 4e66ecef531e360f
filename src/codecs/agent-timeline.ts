/** `GET incremental/agent_timeline`: one entry. `start_time` keeps its microseconds. */
import * as t from 'io-ts'
import { record, Timestamp } from './quirks.js'

export const AgentTimelineEntry = record(
  // status is part of the key: an agent can hold two statuses from one instant.
  { agent_id: t.Int, start_time: Timestamp, status: t.string },
  {
    duration: t.number,
    engagement_count: t.Int,
  },
)
