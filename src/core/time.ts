/**
 * RFC 3339 timestamps as integer microseconds since the epoch, so bookmarks
 * compare and resume with the API's full precision (JavaScript dates stop at
 * milliseconds).
 */
const PARTS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/

/** Microseconds since the epoch, or undefined for text that is not a timestamp. */
export const toMicros = (iso: string): number | undefined => {
  const m = PARTS.exec(iso)
  if (m === null) return undefined
  const ms = Date.parse(`${m[1]}${m[3]}`)
  if (Number.isNaN(ms)) return undefined
  const fraction = (m[2] ?? '').padEnd(6, '0').slice(0, 6)
  return ms * 1000 + Number(fraction)
}

/** `2022-01-01T00:00:00.147584Z` from microseconds since the epoch. */
export const fromMicros = (micros: number): string => {
  const ms = Math.floor(micros / 1000)
  const rest = micros - ms * 1000
  const iso = new Date(ms).toISOString() // …ss.mmmZ
  return `${iso.slice(0, 23)}${String(rest).padStart(3, '0')}Z`
}
