/**
 * A decoded record as the catalog selects it: only the selected fields, in
 * the catalog's order, nested fields the catalog deselects left out.
 */
import type { SelectedStream } from '../catalog.js'
import { valueWithout } from './nested-selection.js'

/** A record as the API sent it, decoded. */
export type ApiRecord = Record<string, unknown>

/**
 * The record with only the selected fields, in the catalog's order (a field
 * the record lacks is there as undefined, which JSON leaves out); fields the
 * codec does not know are reported once (`warned` holds `stream.field`s
 * already reported) and left out.
 */
export const projection = (
  sel: SelectedStream,
  known: ReadonlySet<string>,
  warned: Set<string>,
  warn: (m: string) => void,
): ((record: ApiRecord) => ApiRecord) => {
  const properties = sel.properties
  const pruned = sel.pruned
  // Every selected field, undefined. Filling in a copy of it is several times cheaper than
  // adding the fields one by one to {}, which V8 makes a slow dictionary past a dozen fields.
  const empty: ApiRecord = {}
  for (const p of properties) empty[p] = undefined
  const blank: ApiRecord = { ...empty }
  return (record) => {
    for (const field in record) {
      if (!known.has(field) && !warned.has(`${sel.def.name}.${field}`)) {
        warned.add(`${sel.def.name}.${field}`)
        warn(`stream ${sel.def.name}: field ${JSON.stringify(field)} is new to zchat and is not extracted`)
      }
    }
    const out = { ...blank }
    for (const p of properties) out[p] = record[p]
    if (pruned === undefined) return out
    for (const path of pruned) out[path[0]!] = valueWithout(out[path[0]!], path.slice(1))
    return out
  }
}
