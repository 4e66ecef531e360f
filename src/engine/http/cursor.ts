/**
 * A request under the API root, how a cursor the API hands back becomes the
 * next one, and how a request is named in logs and errors.
 */

export type Query = Readonly<Record<string, string | number>>

export interface PageRequest {
  /** Under the API root, e.g. `agents`. */
  readonly path: string
  readonly query: Query
}

/**
 * The request a cursor URL from the API (`next_page`, `next_url`) names, kept
 * on our own `path`: only its query is taken, so the token never follows the
 * URL's host. Undefined for no URL or one that does not parse.
 */
export const requestAt = (path: string, cursorUrl: unknown): PageRequest | undefined => {
  if (typeof cursorUrl !== 'string' || cursorUrl === '') return undefined
  try {
    return { path, query: Object.fromEntries(new URL(cursorUrl, 'https://cursor.invalid/').searchParams) }
  } catch {
    return undefined
  }
}

/** The request as it appears in logs and errors: no host, no token. */
export const describeRequest = (req: PageRequest): string => {
  const qs = new URLSearchParams(Object.entries(req.query).map(([k, v]): [string, string] => [k, String(v)])).toString()
  return qs === '' ? req.path : `${req.path}?${qs}`
}
