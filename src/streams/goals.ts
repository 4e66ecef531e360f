import { Goal } from '../codecs/goal.js'
import { eachElement, fullTable, singleRequest, type StreamDef } from './stream.js'

export const goals: StreamDef = {
  name: 'goals',
  description: 'Goals (conversions tracked on visited URLs).',
  path: 'goals',
  codec: Goal,
  keyProperties: ['id'],
  replication: fullTable,
  read: singleRequest(eachElement),
}
