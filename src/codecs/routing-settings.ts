/** `GET routing_settings/account`: the `data` object, one per account. */
import * as t from 'io-ts'
import { BoolOrInt, optionalFields } from './quirks.js'

export const RoutingSettings = optionalFields({
  routing_mode: t.string,
  chat_limit: optionalFields({
    enabled: BoolOrInt,
    limit: t.Int,
    limit_type: t.string,
    allow_agent_override: BoolOrInt,
  }),
  skill_routing: optionalFields({ enabled: BoolOrInt, max_wait_time: t.number }),
  reassignment: optionalFields({ enabled: BoolOrInt, timeout: t.number }),
  auto_idle: optionalFields({ enabled: BoolOrInt, reassignments_before_idle: t.Int, new_status: t.string }),
  auto_accept: optionalFields({ enabled: BoolOrInt }),
})
