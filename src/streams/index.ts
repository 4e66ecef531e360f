/** Every stream zchat knows, in sync order. */
import { account } from './account.js'
import { agentTimeline } from './agent-timeline.js'
import { agents } from './agents.js'
import { bans } from './bans.js'
import { chats } from './chats.js'
import { conversions } from './conversions.js'
import { departmentEvents } from './department-events.js'
import { departments } from './departments.js'
import { goals } from './goals.js'
import { roles } from './roles.js'
import { routingSettings } from './routing-settings.js'
import { shortcuts } from './shortcuts.js'
import { skills } from './skills.js'
import type { StreamDef } from './stream.js'
import { triggers } from './triggers.js'

export const STREAMS: readonly StreamDef[] = [
  account,
  agents,
  agentTimeline,
  bans,
  chats,
  conversions,
  departmentEvents,
  departments,
  goals,
  roles,
  routingSettings,
  shortcuts,
  skills,
  triggers,
]

export const streamByName = (name: string): StreamDef | undefined => STREAMS.find((s) => s.name === name)
