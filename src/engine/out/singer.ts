/**
 * Singer messages, serialised once as the lines that go to stdout, and the
 * writer that puts them there at the pace of the reader.
 */
import type { Writable } from 'node:stream'
import type { JsonSchema } from '../../core/json-schema.js'

export const schemaLine = (
  stream: string,
  schema: JsonSchema,
  keyProperties: readonly string[],
  bookmarkProperties: readonly string[],
): string =>
  JSON.stringify({
    type: 'SCHEMA',
    stream,
    schema,
    key_properties: keyProperties,
    ...(bookmarkProperties.length > 0 ? { bookmark_properties: bookmarkProperties } : {}),
  }) + '\n'

/**
 * The RECORD line of each record of a stream read at `timeExtracted`: what
 * `JSON.stringify({type: 'RECORD', stream, record, version, time_extracted})` writes,
 * with the parts that are the same for every record serialised once.
 */
export const recordLines = (stream: string, timeExtracted: string, version?: number): ((record: object) => string) => {
  const head = `{"type":"RECORD","stream":${JSON.stringify(stream)},"record":`
  const tail = `${version === undefined ? '' : `,"version":${version}`},"time_extracted":${JSON.stringify(timeExtracted)}}\n`
  return (record) => head + JSON.stringify(record) + tail
}

/** Tells a target that the records of `version` are now the whole stream: older versions go. */
export const activateVersionLine = (stream: string, version: number): string =>
  JSON.stringify({ type: 'ACTIVATE_VERSION', stream, version }) + '\n'

export const stateLine = (value: object): string => JSON.stringify({ type: 'STATE', value }) + '\n'

/**
 * A `write` capability over a Node stream: resolves when the chunk is accepted
 * and, if the stream's buffer is full, only once it has drained, so a slow
 * reader slows the tap down instead of growing its memory. Resolves false once
 * the reader has closed the pipe (EPIPE); never throws.
 */
export const streamWriter = (out: Writable): ((chunk: string) => Promise<boolean>) => {
  let closed = false
  const onError = () => {
    closed = true
  }
  out.on('error', onError)
  return (chunk) =>
    new Promise<boolean>((resolve) => {
      if (closed || out.destroyed || out.writableEnded) return resolve(false)
      const accepted = out.write(chunk, (error) => {
        if (error) closed = true
      })
      if (accepted) return resolve(!closed)
      const settle = (ok: boolean) => {
        out.off('drain', onDrain)
        out.off('close', onClose)
        resolve(ok)
      }
      const onDrain = () => settle(!closed)
      const onClose = () => settle(false)
      out.once('drain', onDrain)
      out.once('close', onClose)
    })
}
