/**
 * Where settings come from, as Meltano SDK taps accept them: one or more
 * `--config` files, later ones winning key by key, and the word `ENV` for
 * `TAP_ZENDESK_CHAT_<SETTING>` environment variables (Meltano sets these when
 * a plugin runs with `--config ENV`, and they suit containers).
 */
import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as TE from 'fp-ts/lib/TaskEither.js'
import { RawConfig } from '../codecs/config.js'
import { invalidInput, type Failure } from '../core/failure.js'
import { toJsonSchema, type JsonSchema } from '../core/json-schema.js'

export const ENV_SOURCE = 'ENV'
export const ENV_PREFIX = 'TAP_ZENDESK_CHAT_'

const settingTypes = (): ReadonlyMap<string, string> => {
  const properties = toJsonSchema(RawConfig).properties as Record<string, JsonSchema>
  return new Map(Object.entries(properties).map(([name, schema]) => [name, String(schema.type ?? 'string')]))
}

/** An environment value as the setting's type: numbers and booleans are written as text in the environment. */
const typed = (name: string, type: string, text: string): E.Either<string, unknown> => {
  const variable = `${ENV_PREFIX}${name.toUpperCase()}`
  if (type === 'integer' || type === 'number') {
    const n = Number(text.trim())
    const fits = text.trim() !== '' && Number.isFinite(n) && (type === 'number' || Number.isInteger(n))
    return fits
      ? E.right(n)
      : E.left(`${variable}: expected ${type === 'integer' ? 'a whole number' : 'a number'}, got ${JSON.stringify(text)}`)
  }
  if (type === 'boolean') {
    const word = text.trim().toLowerCase()
    if (word === 'true' || word === '1') return E.right(true)
    if (word === 'false' || word === '0') return E.right(false)
    return E.left(`${variable}: expected true or false, got ${JSON.stringify(text)}`)
  }
  return E.right(text)
}

/** The settings set in `env` as TAP_ZENDESK_CHAT_<SETTING>; unknown variables with the prefix are not settings and are left alone. */
export const settingsFromEnv = (env: NodeJS.ProcessEnv): E.Either<readonly string[], Record<string, unknown>> => {
  const settings: Record<string, unknown> = {}
  const problems: string[] = []
  for (const [name, type] of settingTypes()) {
    const text = env[`${ENV_PREFIX}${name.toUpperCase()}`]
    if (text === undefined) continue
    const value = typed(name, type, text)
    if (E.isLeft(value)) problems.push(value.left)
    else settings[name] = value.right
  }
  return problems.length > 0 ? E.left(problems) : E.right(settings)
}

/**
 * Read every source in order and merge them, later sources winning key by
 * key. `readFile` reads one JSON config file (its failures name the file).
 */
export const layeredConfig = (
  sources: readonly string[],
  readFile: (file: string) => TE.TaskEither<Failure, unknown>,
  env: NodeJS.ProcessEnv,
): TE.TaskEither<Failure, unknown> =>
  pipe(
    sources.map((source) =>
      source === ENV_SOURCE
        ? TE.fromEither(
            pipe(
              settingsFromEnv(env),
              E.mapLeft((problems) => invalidInput('config', problems)),
            ),
          )
        : readFile(source),
    ),
    // In order, one after another (fp-ts/lib/Array is not loaded for this: start-up time).
    TE.sequenceSeqArray,
    TE.map((layers) => {
      // A file that is not an object is passed on alone, so the config check names the problem.
      const notObject = layers.findIndex((l) => typeof l !== 'object' || l === null || Array.isArray(l))
      return notObject >= 0 ? layers[notObject] : Object.assign({}, ...layers)
    }),
  )
