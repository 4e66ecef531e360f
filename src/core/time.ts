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

/** Microseconds since the epoch as RFC 3339 in UTC, fraction kept to the microsecond: `2024-02-09T13:12:16.817973Z`. */
export const fromMicros = (micros: number): string => {
  const seconds = Math.floor(micros / 1_000_000)
  const fraction = String(micros - seconds * 1_000_000).padStart(6, '0')
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${fraction}Z`
}
