/**
 * The garbage collector's settings, set as the program starts (imported
 * first by bin/: the young generation must not have grown already).
 *
 * A sync makes a few MB of short-lived objects per page (each record parsed,
 * checked and written, then dropped) and keeps little. V8's defaults suit a
 * program that keeps what it makes: they let the young generation grow to
 * 16 MB per semi-space and the old generation to several times what is live
 * before collecting, which left a sync at about 130-150 MB of memory for some
 * 50 MB of live data. With the young generation left at its starting size and
 * the old one collected once it is half again as large as what survived the
 * last collection, a sync stays near 110 MB for about a fifth more CPU
 * (docs/BENCHMARKS.md; `npm run bench` measures both).
 *
 * Both are V8 heuristics read at each collection, so setting them once the
 * process runs takes effect (other commands are small and do not notice); neither caps the heap, so a page larger than usual
 * costs CPU, never an out-of-memory failure.
 */
import { setFlagsFromString } from 'node:v8'

export const HEAP_FLAGS: readonly string[] = ['--semi-space-growth-factor=1', '--heap-growing-percent=50']

for (const flag of HEAP_FLAGS) setFlagsFromString(flag)
