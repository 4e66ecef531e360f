/**
 * `GET bans`: one element of either array. Both kinds share one id space;
 * `type` says which kind a ban is: the engine fills it from the array when it
 * is absent or null, and the short form `ip` reads as `ip_address`.
 * Old bans have `created_at: null`.
 */
import * as t from 'io-ts'
import { withSchema } from '../core/json-schema.js'
import { INVALID, normalisingCodec } from '../core/quick-decode.js'
import { record, Timestamp } from './quirks.js'

const BAN_TYPES = { ip_address: 'ip_address', visitor: 'visitor', ip: 'ip_address' } as const

/** `ip_address` or `visitor`; `ip` (a short form) is handed on as `ip_address`. */
export const BanType = withSchema(
  normalisingCodec(
    '"ip_address" | "visitor" (or "ip")',
    (u): u is 'ip_address' | 'visitor' => u === 'ip_address' || u === 'visitor',
    (u) => (typeof u === 'string' && Object.hasOwn(BAN_TYPES, u) ? BAN_TYPES[u as keyof typeof BAN_TYPES] : INVALID),
  ),
  { enum: ['ip_address', 'visitor'] },
)

export const Ban = record(
  { id: t.Int, type: BanType },
  {
    ip_address: t.string,
    visitor_id: t.string,
    visitor_name: t.string,
    reason: t.string,
    created_at: Timestamp,
  },
)
