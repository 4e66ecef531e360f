/**
 * Reading the body of a successful response: whole and parsed, or chunk by
 * chunk with the records of one array handed out as they arrive.
 */
import { ArrayFieldSplitter } from '../../core/json-array-split.js'

/**
 * Read the records of a response as they arrive instead of parsing the body
 * whole: each element of the array under `field` goes to the sink that `start`
 * returns, parsed, and the body comes back with that array empty. `start` is
 * called for each try, so a retried request begins a fresh sink.
 */
export interface ElementStream {
  readonly field: string
  readonly start: () => (element: unknown) => void
}

/** A body read to its end: parsed, or the text was not JSON. */
export type Body = { readonly json: true; readonly value: unknown; readonly size: number } | { readonly json: false; readonly size: number }

/** The body of `response`, read to its end: streamed through `elements` when given, else parsed whole. */
export const readBody = (response: Response, elements: ElementStream | undefined): Promise<Body> =>
  elements === undefined ? readWhole(response) : readElements(response, elements)

/** The whole text of a body, parsed. */
const readWhole = async (response: Response): Promise<Body> => {
  const text = await response.text()
  try {
    return { json: true, value: JSON.parse(text), size: text.length }
  } catch {
    return { json: false, size: text.length }
  }
}

/** A body read chunk by chunk, the elements of one array handed out as they come (see ElementStream). */
const readElements = async (response: Response, elements: ElementStream): Promise<Body> => {
  const splitter = new ArrayFieldSplitter(elements.field, elements.start())
  const decoder = new TextDecoder()
  let size = 0
  let json = true
  const body = response.body
  if (body !== null) {
    for await (const chunk of body) {
      size += chunk.byteLength
      // Past the first error the rest is only read to its end (and counted), as a whole body would be.
      if (!json) continue
      try {
        splitter.push(decoder.decode(chunk, { stream: true }))
      } catch (error) {
        json = notJson(error)
      }
    }
  }
  if (!json) return { json, size }
  try {
    splitter.push(decoder.decode())
    return { json, value: splitter.end(), size }
  } catch (error) {
    return { json: notJson(error), size }
  }
}

/** false for the splitter's verdict that the text is not JSON; anything else is no verdict on the body and goes on up. */
const notJson = (error: unknown): false => {
  if (error instanceof SyntaxError) return false
  throw error
}
