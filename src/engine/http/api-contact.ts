/**
 * What a run has learned of the API from its answers, shared by every stream:
 * the API's clock (the export refuses a start_time within five minutes of it,
 * judged by the API, not by this machine) and whether anything answered at all
 * (a resource that answers 404 while others answer is missing from the
 * account; when nothing answers, the subdomain is wrong).
 */

export interface ApiContact {
  /** The API's time now: the local clock corrected by the offset its last Date header showed; the local clock before any answer. */
  readonly now: () => Date
  /** Whether a request of this run has had a successful answer (2xx): the host and the token work. */
  readonly answered: () => boolean
  /** Whether an answer has said the API's time yet (until then `now` is the local clock). */
  readonly dated: () => boolean
  /** Takes what one response shows: its status and its Date header (absent or unreadable: the clock stays as it was). */
  readonly saw: (status: number, date: string | null) => void
}

export const apiContact = (localNow: () => Date): ApiContact => {
  let offsetMs = 0
  let answered = false
  let dated = false
  return {
    now: () => new Date(localNow().getTime() + offsetMs),
    answered: () => answered,
    dated: () => dated,
    saw: (status, date) => {
      if (status >= 200 && status < 300) answered = true
      const at = date === null ? Number.NaN : Date.parse(date)
      // The header counts whole seconds: the API's clock is up to a second ahead of it, never behind.
      if (Number.isNaN(at)) return
      offsetMs = at - localNow().getTime()
      dated = true
    },
  }
}
