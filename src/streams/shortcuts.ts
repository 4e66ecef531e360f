import { Shortcut } from '../codecs/shortcut.js'
import { eachElement, fullTable, noPaging, type StreamDef } from './stream.js'

export const shortcuts: StreamDef = {
  name: 'shortcuts',
  description: 'Canned responses agents insert in chats (id is the name).',
  path: 'shortcuts',
  codec: Shortcut,
  keyProperties: ['id'],
  replication: fullTable,
  paging: noPaging,
  records: eachElement,
}
