/** Every stream zchat knows, in sync order. */
import { account } from './account.js'
import { agents } from './agents.js'
import { departments } from './departments.js'
import type { StreamDef } from './stream.js'

export const STREAMS: readonly StreamDef[] = [account, agents, departments]

export const streamByName = (name: string): StreamDef | undefined => STREAMS.find((s) => s.name === name)
