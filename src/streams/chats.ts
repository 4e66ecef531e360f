import { Chat } from '../codecs/chat.js'
import { exportPaging, incremental, valuesIn, type SearchPaging, type StreamDef } from './stream.js'

const byExport = exportPaging('seconds', 'chats')

const bySearch: SearchPaging = {
  kind: 'search',
  searchPath: 'chats/search',
  fetchPath: 'chats',
  records: valuesIn('docs'),
  // Offline messages never end: they are found by when they were sent.
  passes: [
    { type: 'chat', field: 'end_timestamp' },
    { type: 'offline_msg', field: 'timestamp' },
  ],
  windowDays: (config) => config.chatSearchIntervalDays,
}

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
  read: {
    kind: 'choice',
    among: [byExport, bySearch],
    chosen: (config) => (config.chatsStrategy === 'search' ? bySearch : byExport),
  },
  fullSyncDays: (config) => config.chatsFullSyncDays,
}
