/**
 * `GET chats/search`: one page of hits, `{results: [{id, type, timestamp, url,
 * preview}], count, next_url, prev_url}`. Only what reading needs is checked:
 * the ids (fetched in bulk afterwards), the total and the next page.
 */
import * as t from 'io-ts'
import { nullable } from './quirks.js'

export const SearchPage = t.intersection([
  t.type({ results: t.array(t.type({ id: t.string })) }),
  t.partial({ count: nullable(t.number), next_url: nullable(t.string) }),
])
export type SearchPage = t.TypeOf<typeof SearchPage>
