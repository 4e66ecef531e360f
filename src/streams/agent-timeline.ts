import { AgentTimelineEntry } from '../codecs/agent-timeline.js'
import { exportPaging, incremental, type StreamDef } from './stream.js'

/**
 * No natural key: an entry is an agent's status from a start time (start_time keeps its microseconds).
 * The API repeats an (agent_id, start_time) pair with another status, so the status is part of the key.
 */
export const agentTimeline: StreamDef = {
  name: 'agent_timeline',
  description: "Agents' status changes over time (online, away, invisible), with durations.",
  path: 'incremental/agent_timeline',
  codec: AgentTimelineEntry,
  keyProperties: ['agent_id', 'start_time', 'status'],
  replication: incremental('start_time', 'datetime'),
  read: exportPaging('microseconds', 'agent_timeline'),
}
