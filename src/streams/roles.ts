import { Role } from '../codecs/role.js'
import { eachElement, fullTable, singleRequest, type StreamDef } from './stream.js'

export const roles: StreamDef = {
  name: 'roles',
  description: 'Agent roles and their permissions.',
  path: 'roles',
  codec: Role,
  keyProperties: ['id'],
  replication: fullTable,
  read: singleRequest(eachElement),
}
