/**
 * Writing settings into a config file without losing it: the other keys are
 * kept, the file is replaced atomically (a temp file beside it, then rename,
 * so a crash leaves the old file or the new one, never half of either), a new
 * file is readable by its owner only (it holds a token), and an existing
 * file keeps its mode.
 */
import { randomBytes } from 'node:crypto'
import { chmod, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'

/** Mode of a config file zchat creates: it holds tokens. */
export const NEW_CONFIG_MODE = 0o600

export interface Written {
  readonly file: string
  readonly created: boolean
  /** Permission bits of the file now. */
  readonly mode: number
}

const reason = (error: unknown): string => {
  const code = (error as { code?: string }).code
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied'
  if (code === 'EROFS') return 'read-only file system'
  if (code === 'ENOENT') return 'its directory does not exist'
  if (code === 'EISDIR') return 'it is a directory'
  return (error as Error).message
}

/** The file's settings (none when it does not exist yet), its real path and mode. */
const current = async (
  file: string,
): Promise<E.Either<string, { settings: Record<string, unknown>; path: string; mode: number; exists: boolean }>> => {
  let path: string
  try {
    path = await realpath(file)
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return E.right({ settings: {}, path: file, mode: NEW_CONFIG_MODE, exists: false })
    return E.left(`${file}: ${reason(error)}`)
  }
  try {
    const [text, info] = await Promise.all([readFile(path, 'utf8'), stat(path)])
    const parsed = text.trim() === '' ? {} : (JSON.parse(text) as unknown)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return E.left(`${file} is not a JSON object; left unchanged`)
    return E.right({ settings: parsed as Record<string, unknown>, path, mode: info.mode & 0o777, exists: true })
  } catch (error) {
    return E.left(
      error instanceof SyntaxError ? `${file} is not valid JSON (${error.message}); left unchanged` : `${file}: ${reason(error)}`,
    )
  }
}

/** Left when `file` could not be updated: not a JSON object, unreadable, or its directory missing. */
export const checkConfigFile = async (file: string): Promise<E.Either<string, void>> => {
  const found = await current(file)
  if (E.isLeft(found)) return found
  if (found.right.exists) return E.right(undefined)
  try {
    if (!(await stat(dirname(file))).isDirectory()) return E.left(`cannot create ${file}: ${dirname(file)} is not a directory`)
  } catch (error) {
    return E.left(`cannot create ${file}: ${reason(error)}`)
  }
  return E.right(undefined)
}

/** Sets `updates` in the JSON object in `file` (created when missing), keeping every other key. */
export const updateConfigFile = async (file: string, updates: Readonly<Record<string, unknown>>): Promise<E.Either<string, Written>> => {
  const found = await current(file)
  if (E.isLeft(found)) return found
  const { settings, path, mode, exists } = found.right
  const text = `${JSON.stringify({ ...settings, ...updates }, null, 2)}\n`
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    const handle = await open(temp, 'wx', mode)
    try {
      await handle.writeFile(text)
      await handle.sync()
    } finally {
      await handle.close()
    }
    // The umask may have taken bits off the mode asked for at creation.
    await chmod(temp, mode)
    await rename(temp, path)
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined)
    return E.left(`could not write ${file}: ${reason(error)}`)
  }
  return E.right({ file, created: !exists, mode })
}
