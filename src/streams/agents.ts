import { Agent } from '../codecs/agent.js'
import { incremental, sinceId, eachElement, type StreamDef } from './stream.js'

/** New agents arrive with higher ids; an id bookmark resumes after the last one seen. */
export const agents: StreamDef = {
  name: 'agents',
  description: 'Agents of the account, with their roles, departments and skills.',
  path: 'agents',
  codec: Agent,
  keyProperties: ['id'],
  replication: incremental('id', 'integer'),
  paging: sinceId('id', (config) => config.agentsPageLimit),
  records: eachElement,
}
