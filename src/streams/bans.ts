import { Ban } from '../codecs/ban.js'
import { groups, incremental, sinceId, type StreamDef } from './stream.js'

/**
 * IP and visitor bans share one id space: paging takes the max id over both
 * arrays. A lifted ban disappears from the list, which an id bookmark never
 * sees: by default bans are read in full each run (1000 a request), a new
 * version of the table each time. INCREMENTAL on `id` (new bans only) stays selectable.
 */
export const bans: StreamDef = {
  name: 'bans',
  description: 'Banned IP addresses and visitors (type says which).',
  path: 'bans',
  codec: Ban,
  keyProperties: ['id'],
  replication: incremental('id', 'integer'),
  defaultMethod: 'FULL_TABLE',
  read: sinceId('id', (config) => config.bansPageLimit, groups(['ip_address', 'visitor'], 'type')),
}
