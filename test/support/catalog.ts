/** Singer catalogs as the tests read and edit them. */
import { expect } from 'chai'
import type { JsonObject } from './singer.js'

/** Every stream in the order discovery lists them, which is the order a serial sync reads them in. */
export const CATALOG_ORDER = [
  'account',
  'agents',
  'agent_timeline',
  'bans',
  'chats',
  'conversions',
  'department_events',
  'departments',
  'goals',
  'roles',
  'routing_settings',
  'shortcuts',
  'skills',
  'triggers',
]

export interface MetadataEntry {
  breadcrumb: string[]
  metadata: Record<string, unknown>
}

export interface CatalogStream {
  tap_stream_id: string
  stream: string
  schema: JsonObject & { properties: Record<string, unknown> }
  key_properties: string[]
  replication_method: string
  replication_key?: string
  metadata: MetadataEntry[]
  selected?: boolean
}

export interface Catalog {
  streams: CatalogStream[]
}

/** stdout that must be exactly one JSON catalog. */
export const parseCatalog = (stdout: string): Catalog => {
  let catalog: unknown
  try {
    catalog = JSON.parse(stdout)
  } catch (error) {
    return expect.fail(`stdout is not one JSON document: ${(error as Error).message}\n${stdout.slice(0, 500)}`)
  }
  expect(catalog).to.be.an('object').with.property('streams').that.is.an('array')
  return catalog as Catalog
}

export const streamEntry = (catalog: Catalog, name: string): CatalogStream => {
  const entry = catalog.streams.find((s) => s.tap_stream_id === name)
  expect(entry, `catalog stream ${name}`).to.not.equal(undefined)
  return entry!
}

export const sameBreadcrumb = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i])

export const metadataAt = (entry: CatalogStream, breadcrumb: readonly string[]): MetadataEntry | undefined =>
  entry.metadata.find((m) => sameBreadcrumb(m.breadcrumb, breadcrumb))

/** A deep copy of `catalog` with `patch` merged into the metadata at `breadcrumb` of `stream` (added if missing). */
export const withMetadata = (catalog: Catalog, stream: string, breadcrumb: string[], patch: Record<string, unknown>): Catalog => {
  const copy = structuredClone(catalog)
  const entry = streamEntry(copy, stream)
  const found = metadataAt(entry, breadcrumb)
  if (found === undefined) entry.metadata.push({ breadcrumb, metadata: patch })
  else Object.assign(found.metadata, patch)
  return copy
}
