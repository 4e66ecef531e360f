/**
 * A Singer catalog as Meltano and other tools write it back to us: only what
 * selection reads is checked; everything else is free to be there.
 */
import * as t from 'io-ts'

export const MetadataEntry = t.type({
  breadcrumb: t.array(t.string),
  metadata: t.UnknownRecord,
})
export type MetadataEntry = t.TypeOf<typeof MetadataEntry>

export const CatalogStream = t.intersection([
  t.union([t.type({ tap_stream_id: t.string }), t.type({ stream: t.string })]),
  t.partial({
    tap_stream_id: t.string,
    stream: t.string,
    schema: t.UnknownRecord,
    metadata: t.array(MetadataEntry),
    // Meltano's and legacy Singer's top-level switches.
    selected: t.boolean,
    replication_method: t.string,
    replication_key: t.union([t.string, t.null]),
  }),
])
export type CatalogStream = t.TypeOf<typeof CatalogStream>

export const CatalogFile = t.type({ streams: t.array(CatalogStream) })
export type CatalogFile = t.TypeOf<typeof CatalogFile>
