import { ConversionRecord } from '../codecs/conversion.js'
import { exportPaging, incremental, type StreamDef } from './stream.js'

/**
 * Documented by Zendesk, shipped by no other connector: the record shape is
 * known only from unmerged schemas (API.md), so every field is optional.
 */
export const conversions: StreamDef = {
  name: 'conversions',
  description: 'Goal conversions attributed to chats (goal, time, and the agent, department and chat credited).',
  path: 'incremental/conversions',
  codec: ConversionRecord,
  keyProperties: ['id'],
  replication: incremental('timestamp', 'datetime'),
  read: exportPaging('seconds', 'conversions'),
  assumptions: ['start_time is sent in epoch seconds, as the export page says in prose (its parameter table says microseconds)'],
}
