import { Account } from '../codecs/account.js'
import { fullTable, singleRequest, wholeBody, type StreamDef } from './stream.js'

export const account: StreamDef = {
  name: 'account',
  description: 'The Zendesk Chat account: status, plan and billing contact (one record).',
  path: 'account',
  codec: Account,
  keyProperties: ['account_key'],
  replication: fullTable,
  read: singleRequest(wholeBody),
  // Some accounts integrated with Zendesk Support answer 403 here; the rest of the data is still there.
  skipOn: { statuses: [403, 404], reason: 'the account resource is not available to this token, as with some Support-integrated accounts' },
}
