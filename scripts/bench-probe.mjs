/**
 * Preloaded into each process `npm run bench` measures
 * (`node --import ./scripts/bench-probe.mjs ...`): when the process exits it
 * writes its own CPU time and peak resident set size to the file named by
 * ZCHAT_BENCH_PROBE.
 *
 * Why a preload and not `/usr/bin/time -v`: the figures are the kernel's own
 * (getrusage through process.resourceUsage: exact CPU time, true peak RSS, no
 * sampling), they cover the measured process alone and not a shell or the
 * child that reads its output, and the bench runs the same way wherever Node
 * does, without GNU time (absent on macOS and on many minimal images).
 * The cost: a process killed by a signal writes nothing, and the bench says so.
 */
import { writeFileSync } from 'node:fs'

const file = process.env.ZCHAT_BENCH_PROBE
if (file !== undefined && file !== '') {
  // A process the measured one starts must not overwrite its figures.
  delete process.env.ZCHAT_BENCH_PROBE
  process.on('exit', () => {
    const usage = process.resourceUsage()
    writeFileSync(
      file,
      JSON.stringify({
        userSeconds: usage.userCPUTime / 1e6,
        systemSeconds: usage.systemCPUTime / 1e6,
        // maxRSS is in kilobytes.
        peakRssBytes: usage.maxRSS * 1024,
      }),
    )
  })
}
