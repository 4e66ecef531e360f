// Mocha's spec output, closed by the plain line CI reads: "N passed, N failed".
'use strict'
const Mocha = require('mocha')

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options)
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats ?? this.stats
      const skipped = pending > 0 ? `, ${pending} skipped` : ''
      // Printed after Spec's epilogue so it is the last line of the run.
      process.nextTick(() => process.stdout.write(`${passes} passed, ${failures} failed${skipped}\n`))
    })
  }
}

module.exports = SummaryReporter
