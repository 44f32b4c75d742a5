// Mocha's spec reporter plus one plain closing line, "N passed, N failed, N skipped", that CI
// reads to count the tests that ran.
'use strict';
const Mocha = require('mocha');

class RingsideReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      process.stdout.write(`\ntests: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
    });
  }
}
module.exports = RingsideReporter;
