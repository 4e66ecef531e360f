import { Ban } from '../codecs/ban.js'
import { groups, incremental, sinceId, type StreamDef } from './stream.js'

/** IP and visitor bans share one id space: paging takes the max id over both arrays. */
export const bans: StreamDef = {
  name: 'bans',
  description: 'Banned IP addresses and visitors (type says which).',
  path: 'bans',
  codec: Ban,
  keyProperties: ['id'],
  replication: incremental('id', 'integer'),
  paging: sinceId('id', (config) => config.bansPageLimit),
  records: groups(['ip_address', 'visitor'], 'type'),
}
