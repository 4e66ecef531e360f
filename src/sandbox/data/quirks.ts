/**
 * How often the sandbox sends the shapes real payloads show only now and then
 * (API.md, "Data quirks"): a webpath entry as a list, null items in lists,
 * trigger conditions as strings, bans without `type`, ids as numeric
 * strings... `rare` (the default) is about as often as the real API;
 * `often` sends each of them on a good share of the records, so a test
 * meets every one in a small account. Which record carries which quirk is
 * a function of (seed, record), like everything else the sandbox serves.
 */
import { Rng } from './random.js'

export type QuirkLevel = 'rare' | 'often'
export const QUIRK_LEVELS: readonly QuirkLevel[] = ['rare', 'often']

/** The chance of each quirk on one record. */
export const QUIRK_RATE: Readonly<Record<QuirkLevel, number>> = { rare: 0.01, often: 0.3 }

/** The dice of one record's quirks, or undefined when the record can have none (saves the derivation). */
export function quirkDice(seed: number, label: string, index: number): Rng {
  return Rng.derive(seed, `quirk-${label}`, index)
}

/**
 * Whether a record of a small resource (a handful of triggers or departments)
 * shows a quirk: by chance, and at `often` always on the record at `slot`,
 * so a small account still shows every quirk.
 */
export function quirkOn(rng: Rng, level: QuirkLevel, index: number, slot: number): boolean {
  return rng.chance(QUIRK_RATE[level]) || (level === 'often' && index === slot)
}

/** `list` with a null put in at a random place (a copy). */
export function withNullItem<T>(rng: Rng, list: ReadonlyArray<T>): Array<T | null> {
  const at = rng.int(0, list.length)
  return [...list.slice(0, at), null, ...list.slice(at)]
}
