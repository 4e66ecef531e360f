import { Account } from '../codecs/account.js'
import { fullTable, noPaging, wholeBody, type StreamDef } from './stream.js'

export const account: StreamDef = {
  name: 'account',
  description: 'The Zendesk Chat account: status, plan and billing contact (one record).',
  path: 'account',
  codec: Account,
  keyProperties: ['account_key'],
  replication: fullTable,
  paging: noPaging,
  records: wholeBody,
}
