import { Agent } from '../codecs/agent.js'
import { incremental, sinceId, eachElement, type StreamDef } from './stream.js'

/**
 * Agents are renamed, disabled and moved to other departments or skills
 * without their ids changing, which an id bookmark never sees: by default
 * they are read in full each run (100 a request), a new version of the table
 * each time. INCREMENTAL on `id` (new agents only) stays selectable.
 */
export const agents: StreamDef = {
  name: 'agents',
  description: 'Agents of the account, with their roles, departments and skills.',
  path: 'agents',
  codec: Agent,
  keyProperties: ['id'],
  replication: incremental('id', 'integer'),
  defaultMethod: 'FULL_TABLE',
  read: sinceId('id', (config) => config.agentsPageLimit, eachElement),
}
