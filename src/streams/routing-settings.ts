import { RoutingSettings } from '../codecs/routing-settings.js'
import { fullTable, singleRequest, objectIn, type StreamDef } from './stream.js'

export const routingSettings: StreamDef = {
  name: 'routing_settings',
  description: "The account's chat routing settings (one record).",
  path: 'routing_settings/account',
  codec: RoutingSettings,
  keyProperties: [],
  replication: fullTable,
  read: singleRequest(objectIn('data')),
}
