/**
 * The codec a selection validates with: the stream's codec without the fields
 * the catalog deselects, top-level or nested. Deselecting a field is the way
 * around a shape zchat does not know yet, so a deselected field is never
 * validated. Built once per selection.
 */
import type * as t from 'io-ts'
import { codecWithout } from '../../core/codec-prune.js'
import { fieldNamesOf, type SelectedStream } from '../catalog.js'

const codecs = new WeakMap<SelectedStream, t.Mixed>()

export const selectedCodec = (sel: SelectedStream): t.Mixed => {
  let codec = codecs.get(sel)
  if (codec === undefined) {
    const selected = new Set(sel.properties)
    const paths = [
      ...fieldNamesOf(sel.def)
        .filter((p) => !selected.has(p))
        .map((p) => [p]),
      ...(sel.pruned ?? []),
    ]
    codec = paths.reduce(codecWithout, sel.def.codec)
    codecs.set(sel, codec)
  }
  return codec
}
