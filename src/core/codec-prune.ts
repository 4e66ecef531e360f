/**
 * A codec without some of its fields: what a catalog that deselects fields
 * leaves to validate. A field nobody asked for is not checked at all, so a
 * shape the API has never sent before can be worked around by deselecting
 * it. The codec is rebuilt only along the path (io-ts's own combinators, so
 * the quick decoder knows them); every other part is shared.
 */
import * as t from 'io-ts'

type Tagged = t.Mixed & { readonly _tag?: string; readonly props?: t.Props; readonly types?: readonly t.Mixed[] }

const withoutProp = (props: t.Props, name: string, rest: readonly string[]): t.Props | undefined => {
  if (!Object.hasOwn(props, name)) return undefined
  if (rest.length === 0) {
    const { [name]: _dropped, ...kept } = props
    return kept
  }
  const inner = codecWithout(props[name]!, rest)
  return inner === props[name] ? undefined : { ...props, [name]: inner }
}

const members = (types: readonly t.Mixed[], path: readonly string[]): t.Mixed[] | undefined => {
  const pruned = types.map((m) => codecWithout(m, path))
  return pruned.every((m, i) => m === types[i]) ? undefined : pruned
}

/**
 * `codec` without the field at `path` (names of fields, object in object), or
 * `codec` itself when it has no such field or is not built of io-ts's object
 * combinators (a custom codec is left whole: it is still validated).
 */
export const codecWithout = (codec: t.Mixed, path: readonly string[]): t.Mixed => {
  const [name, ...rest] = path
  if (name === undefined) return codec
  const c = codec as Tagged
  switch (c._tag) {
    case 'InterfaceType': {
      const props = withoutProp(c.props!, name, rest)
      return props === undefined ? codec : t.type(props, codec.name)
    }
    case 'PartialType': {
      const props = withoutProp(c.props!, name, rest)
      return props === undefined ? codec : t.partial(props, codec.name)
    }
    case 'IntersectionType': {
      const types = members(c.types!, path)
      return types === undefined ? codec : t.intersection(types as unknown as [t.Mixed, t.Mixed], codec.name)
    }
    case 'UnionType': {
      const types = members(c.types!, path)
      return types === undefined ? codec : t.union(types as unknown as [t.Mixed, t.Mixed], codec.name)
    }
    default:
      return codec
  }
}
