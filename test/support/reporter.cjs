// Mocha's spec reporter plus one plain closing line, "N passed, N failed, N skipped", that CI
// reads to count the tests that ran. A run the process leaves before its end (code under test
// calling process.exit, as a debug session's disconnect does outside a server) fails: the tests
// after that point never ran, whatever status the exit gave.
'use strict';
const Mocha = require('mocha');

class RingsideReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    let ended = false;
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      ended = true;
      const s = runner.stats ?? { passes: 0, failures: 0, pending: 0 };
      process.stdout.write(`\ntests: ${s.passes} passed, ${s.failures} failed, ${s.pending} skipped\n`);
    });
    process.once('exit', () => {
      if (ended) return;
      const at = runner.currentRunnable?.fullTitle() ?? 'before any test';
      process.stderr.write(`\nthe test process exited before the run ended (last: ${at}): the tests after it did not run\n`);
      process.exitCode = 1;
    });
  }
}
module.exports = RingsideReporter;
