import { Chat } from '../codecs/chat.js'
import { arrayIn, exportPaging, incremental, valuesIn, type StreamDef } from './stream.js'

/**
 * Read by update_timestamp, so a chat edited or deleted after it ended comes
 * again on the next run: no periodic full re-sync is needed to catch edits.
 * `chats_strategy: search` reads the way the singer-io tap does instead.
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
  alternative: {
    chosen: (config) => config.chatsStrategy === 'search',
    paging: {
      kind: 'search',
      searchPath: 'chats/search',
      fetchPath: 'chats',
      fetched: valuesIn('docs'),
      // Offline messages never end: they are found by when they were sent.
      passes: [
        { type: 'chat', field: 'end_timestamp' },
        { type: 'offline_msg', field: 'timestamp' },
      ],
      windowDays: (config) => config.chatSearchIntervalDays,
    },
  },
  fullSyncDays: (config) => config.chatsFullSyncDays,
}
