/** Streams as a user's catalog selects them, with `replication-method` chosen for some (Meltano's `metadata`). */
import { CatalogFile } from '../../src/codecs/catalog.js'
import { defaultSelection, discover, selectStreams, type SelectedStream } from '../../src/engine/catalog.js'
import { STREAMS, streamByName } from '../../src/streams/index.js'
import { rightOf } from './either.js'

export type Method = 'INCREMENTAL' | 'FULL_TABLE'

/** The discovered catalog of `names`, its stream metadata's `replication-method` set as `methods` says. */
export const catalogWith = (names: readonly string[], methods: Readonly<Record<string, Method>> = {}): CatalogFile => {
  const catalog = structuredClone(discover(names.map((n) => streamByName(n)!))) as unknown as {
    streams: { tap_stream_id: string; metadata: { breadcrumb: string[]; metadata: Record<string, unknown> }[] }[]
  }
  for (const entry of catalog.streams) {
    const method = methods[entry.tap_stream_id]
    if (method !== undefined) entry.metadata.find((m) => m.breadcrumb.length === 0)!.metadata['replication-method'] = method
  }
  return rightOf(CatalogFile.decode(catalog), 'the edited catalog to be a catalog')
}

/** `names` as a sync without a catalog reads them: every field, each stream's default way. */
export const defaultStreams = (...names: string[]): readonly SelectedStream[] => defaultSelection(names.map((n) => streamByName(n)!))

export const selectWith = (names: readonly string[], methods: Readonly<Record<string, Method>> = {}): readonly SelectedStream[] =>
  rightOf(selectStreams(catalogWith(names, methods), STREAMS), 'a selection')

/** Agents and bans read the INCREMENTAL way (on id, new rows only), as a catalog may choose. */
export const BY_ID: Readonly<Record<string, Method>> = { agents: 'INCREMENTAL', bans: 'INCREMENTAL' }

/** The discovered catalog of every stream, agents and bans chosen INCREMENTAL: a file for `--catalog`. */
export const catalogById = (): CatalogFile =>
  catalogWith(
    STREAMS.map((s) => s.name),
    BY_ID,
  )
