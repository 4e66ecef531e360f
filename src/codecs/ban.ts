/**
 * `GET bans`: one element of either array. Both kinds share one id space;
 * `type` says which kind a ban is (the engine sets it from the array when absent).
 * Old bans have `created_at: null`.
 */
import * as t from 'io-ts'
import { record, Timestamp } from './quirks.js'

export const Ban = record(
  { id: t.Int, type: t.keyof({ ip_address: null, visitor: null }) },
  {
    ip_address: t.string,
    visitor_id: t.string,
    visitor_name: t.string,
    reason: t.string,
    created_at: Timestamp,
  },
)
