import { Chat } from '../codecs/chat.js'
import { arrayIn, exportPaging, incremental, type StreamDef } from './stream.js'

/**
 * Read by update_timestamp, so a chat edited or deleted after it ended comes
 * again on the next run: no periodic full re-sync is needed to catch edits.
 */
export const chats: StreamDef = {
  name: 'chats',
  description: 'Chats and offline messages (type says which), including edits and deletions (deleted: true).',
  path: 'incremental/chats',
  codec: Chat,
  keyProperties: ['id'],
  replication: incremental('update_timestamp', 'datetime'),
  paging: exportPaging('seconds', 'chats(*)'),
  records: arrayIn('chats'),
}
