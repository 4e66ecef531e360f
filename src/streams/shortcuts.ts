import { Shortcut } from '../codecs/shortcut.js'
import { eachElement, fullTable, singleRequest, type StreamDef } from './stream.js'

export const shortcuts: StreamDef = {
  name: 'shortcuts',
  description: 'Canned responses agents insert in chats (id is the name).',
  path: 'shortcuts',
  codec: Shortcut,
  keyProperties: ['id'],
  replication: fullTable,
  read: singleRequest(eachElement),
}
