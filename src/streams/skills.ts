import { Skill } from '../codecs/skill.js'
import { eachElement, fullTable, singleRequest, type StreamDef } from './stream.js'

export const skills: StreamDef = {
  name: 'skills',
  description: 'Skills used for routing, with their member agents.',
  path: 'skills',
  codec: Skill,
  keyProperties: ['id'],
  replication: fullTable,
  read: singleRequest(eachElement),
}
