/**
 * The garbage collector's settings, set as the program starts (imported
 * first by bin/: the young generation must not have grown already).
 *
 * A sync makes tens of MB of short-lived objects per page (each record
 * parsed, checked and written, then dropped) and keeps little: some 25 MB of
 * heap is live at any time. V8's defaults suit a program that keeps what it
 * makes: they let the young generation grow to 16 MB per semi-space and the
 * old generation to several times what is live before collecting. With the
 * young generation left at its starting size and the old one collected once
 * it is half again as large as what survived the last collection, a 200,000-
 * chat sync peaked at 110-115 MB instead of 125-145 MB, for about a fifth more
 * CPU (measured on the bench's sync, docs/BENCHMARKS.md).
 *
 * Both are V8 heuristics read at each collection, so setting them once the
 * process runs takes effect (discover, about and check are small and do not
 * notice); neither caps the heap, so a page larger than usual costs CPU,
 * never an out-of-memory failure.
 */
import { setFlagsFromString } from 'node:v8'

export const HEAP_FLAGS: readonly string[] = ['--semi-space-growth-factor=1', '--heap-growing-percent=50']

/**
 * The sandbox is left to V8's defaults: a server that builds megabyte pages
 * from caches it keeps, it answers faster with a larger young generation, and
 * its memory is not what anyone measures.
 */
/**
 * Nor are the short modes Meltano starts before every run (about, discover,
 * version, help): loading their modules is most of their time, and with the
 * young generation held small it would be collected over and over meanwhile.
 */
const args = process.argv.slice(2)
const SHORT_FLAGS = ['--about', '--discover', '--version', '-v', '--help', '-h']
const short = ['about', 'discover', 'help'].includes(args[0] ?? '') || args.some((a) => SHORT_FLAGS.includes(a.split('=')[0]!))
if (args[0] !== 'sandbox' && !short) for (const flag of HEAP_FLAGS) setFlagsFromString(flag)
