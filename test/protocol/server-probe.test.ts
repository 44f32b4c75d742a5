// The deadline probe (server/src/analysis/deadlineProbe.ts): started on the real server bundle it
// finds the assembler safe to run in process; a probe that finds it unsafe, fails or never ends
// leaves the server on the worker path and says why. The stand-in probes write the shared state
// the way the real one does: [0] the verdict (0 pending, 1 safe, 2 unsafe), [1] the slowest ms.

import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDeadlineProbe, type DeadlineProbe } from '../../server/src/analysis/deadlineProbe';
import { SERVER_BUNDLE } from './lspClient';

/** What `watch` reports: 'safe' or the line it logged, whichever comes first. */
function outcome(probe: DeadlineProbe): Promise<string> {
  return new Promise((resolve) => probe.watch(() => resolve('safe'), resolve));
}

describe('deadline probe', function () {
  this.timeout(20000);
  let dir: string;
  const script = (name: string, body: string): string => {
    const file = join(dir, name);
    writeFileSync(file, `const { workerData } = require('node:worker_threads');\nconst shared = new Int32Array(workerData.verdict);\n${body}\n`);
    return file;
  };

  before(() => { dir = mkdtempSync(join(tmpdir(), 'ringside-probe-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the assembler of the server bundle safe, and ends its worker', async () => {
    const probe = startDeadlineProbe(SERVER_BUNDLE);
    assert.equal(probe.awaitSafe(10_000), true);
    // `watch` hears of it from the worker's exit: the probe ended its own thread.
    assert.equal(await outcome(probe), 'safe');
  });

  it('reports an assembler that overran its deadline, with the time it took', async () => {
    const probe = startDeadlineProbe(script('unsafe.js', 'shared[1] = 999; Atomics.store(shared, 0, 2); Atomics.notify(shared, 0);'));
    assert.equal(probe.awaitSafe(10_000), false);
    assert.match(await outcome(probe), /overran its deadline \(999 ms\): assembling on a worker thread/);
  });

  it('reports a probe that failed, with its error', async () => {
    const probe = startDeadlineProbe(script('throws.js', "throw new Error('no assembler here');"));
    assert.match(await outcome(probe), /deadline probe failed: no assembler here: assembling on a worker thread/);
    assert.equal(probe.awaitSafe(0), false);
  });

  it('gives up on a probe that never ends, and stops its worker', async () => {
    const probe = startDeadlineProbe(script('hangs.js', 'for (;;) {}'));
    const t0 = Date.now();
    assert.match(await outcome(probe), /did not stop at its deadline within \d+ ms: assembling on a worker thread/);
    assert.ok(Date.now() - t0 < 5000, 'gave up within the probe\'s time limit');
    assert.equal(probe.awaitSafe(0), false);
  });
});
