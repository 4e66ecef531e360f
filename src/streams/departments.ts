import { Department } from '../codecs/department.js'
import { eachElement, fullTable, singleRequest, type StreamDef } from './stream.js'

export const departments: StreamDef = {
  name: 'departments',
  description: 'Departments, with their member agents and settings.',
  path: 'departments',
  codec: Department,
  keyProperties: ['id'],
  replication: fullTable,
  read: singleRequest(eachElement),
}
