import { Trigger } from '../codecs/trigger.js'
import { eachElement, fullTable, singleRequest, type StreamDef } from './stream.js'

export const triggers: StreamDef = {
  name: 'triggers',
  description: 'Triggers, with their definitions (event, condition, actions) kept as JSON.',
  path: 'triggers',
  codec: Trigger,
  keyProperties: ['id'],
  replication: fullTable,
  read: singleRequest(eachElement),
}
