/**
 * A request body read whole, up to a bound: the small forms and JSON bodies
 * zchat's local servers take (the login listener, the sandbox's OAuth pages and
 * control API). Past the bound the rest is drained, not kept, and the read fails.
 */
import type { IncomingMessage } from 'node:http'

export const readBoundedBody = (req: IncomingMessage, maxBytes: number, what = 'a body'): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBytes) chunks.push(chunk)
    })
    req.once('end', () => {
      if (size > maxBytes) reject(new RangeError(`${what} is at most ${maxBytes} bytes`))
      else resolve(Buffer.concat(chunks).toString('utf8'))
    })
    req.once('error', reject)
  })
