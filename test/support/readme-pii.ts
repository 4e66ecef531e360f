/**
 * The README's PII example (section "Stream maps and flattening"), read from
 * the README itself, so the tests and the bench run the map a user copies and
 * the README cannot drift from what is tested. `__NULL__` is Meltano's way to
 * write a null in meltano.yml; the salt is the caller's.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { ROOT } from './cli.js'

type Maps = Record<string, Record<string, string | null>>

const nulls = (maps: Record<string, Record<string, unknown>>): Maps =>
  Object.fromEntries(
    Object.entries(maps).map(([stream, map]) => [
      stream,
      Object.fromEntries(Object.entries(map).map(([field, value]) => [field, value === '__NULL__' ? null : (value as string)])),
    ]),
  )

/** `stream_maps` as the README's example gives them. */
export const README_PII_MAPS: Maps = (() => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const block = /## Stream maps and flattening[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)
  if (block === null) throw new Error('README.md has no PII example under "Stream maps and flattening"')
  const { config } = parse(block[1]!) as { config: { stream_maps: Record<string, Record<string, unknown>> } }
  return nulls(config.stream_maps)
})()

/** The example's settings with `salt` as the hashing salt. */
export const readmePiiSettings = (salt: string) => ({ stream_maps: README_PII_MAPS, stream_map_config: { salt } })
