// The language server's entry (dist/server.js): starts the deadline probe's worker before the
// server's bundle (dist/server-main.js) is compiled here, then loads it, through the V8 code cache
// (core/src/startup/codeCache.ts), and starts the server. The first document usually arrives
// right after `initialize`, and its assembly waits for the probe's verdict (main.ts); begun before
// the main thread compiles the bundle, not after, the worker gives its verdict that much sooner.
// A safe verdict is kept beside the code cache for the build it was found on, and a later start of
// that build runs no probe at all: its worker took a core from the first assembly (a fresh server
// under load: didOpen to diagnostics 165 against 214 ms, spawn to diagnostics 399 against 543).
// On the probe's worker, this file loads the bundle through the same cache, and the bundle runs
// the probe (probeWorker.ts). This file holds nothing but that, so it loads at once.

import { join } from 'node:path';
import { isMainThread, workerData } from 'node:worker_threads';
import { BundleSource, chooseCacheFolder, keptFact, loadBundle, loadEntryBundle } from '../../core/src/startup/codeCache';
import { isProbe, probeFoundSafeBefore, startDeadlineProbe } from './analysis/deadlineProbe';

type ServerBundle = typeof import('./main');

const bundle = join(__dirname, 'server-main.js');
if (isMainThread) {
  const cache = chooseCacheFolder();
  const source = new BundleSource(bundle);
  // A safe verdict is kept beside the code cache, for this very build: later starts run no probe.
  const verdict = keptFact(cache.folder, source, 'deadline-probe-safe');
  const probe = verdict.held ? probeFoundSafeBefore() : startDeadlineProbe(__filename, cache.folder, () => verdict.keep());
  const server = loadEntryBundle<ServerBundle>(source, cache);
  server.exports.startServer(probe, server);
} else if (isProbe(workerData)) {
  // (The main thread writes the cache; here it is only read.)
  loadBundle<ServerBundle>(bundle, workerData.codeCache);
}
