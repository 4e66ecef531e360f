/**
 * `GET shortcuts`: one element of the array. A shortcut's id is its name; old
 * payloads (2017) send no id at all, so it is filled in from the name.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { schemaLike } from '../core/json-schema.js'
import { record } from './quirks.js'

const AsSent = record(
  { name: t.string },
  {
    id: t.string,
    message: t.string,
    options: t.string,
    tags: t.array(t.string),
    scope: t.string,
    departments: t.array(t.Int),
    agents: t.array(t.Int),
  },
)

export const Shortcut = schemaLike(
  new t.Type<t.TypeOf<typeof AsSent> & { id: string }, unknown, unknown>(
    'Shortcut',
    (u): u is t.TypeOf<typeof AsSent> & { id: string } => AsSent.is(u) && typeof u.id === 'string',
    (u, c) => E.map((s: t.TypeOf<typeof AsSent>) => ({ ...s, id: s.id ?? s.name }))(AsSent.validate(u, c)),
    t.identity,
  ),
  AsSent,
  { required: ['name', 'id'] },
)
