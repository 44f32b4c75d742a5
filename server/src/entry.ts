// The language server's entry (dist/server.js): starts the deadline probe's worker before the
// server's bundle (dist/server-main.js) is loaded here, then loads it, through the V8 code cache
// (core/src/startup/codeCache.ts), and starts the server. The first document usually arrives
// right after `initialize`, and its assembly waits for the probe's verdict (main.ts); begun before
// the main thread reads and compiles the bundle, not after, the worker gives its verdict that much
// sooner. On the probe's worker, this file loads the bundle through the same cache, and the bundle
// runs the probe (probeWorker.ts). This file holds nothing but that, so it loads at once.

import { join } from 'node:path';
import { isMainThread, workerData } from 'node:worker_threads';
import { chooseCacheFolder, loadBundle, loadEntryBundle } from '../../core/src/startup/codeCache';
import { isProbe, startDeadlineProbe } from './analysis/deadlineProbe';

type ServerBundle = typeof import('./main');

const bundle = join(__dirname, 'server-main.js');
if (isMainThread) {
  const cache = chooseCacheFolder();
  const probe = startDeadlineProbe(__filename, cache.folder);
  const server = loadEntryBundle<ServerBundle>(bundle, cache);
  server.exports.startServer(probe, server);
} else if (isProbe(workerData)) {
  // (The main thread writes the cache; here it is only read.)
  loadBundle<ServerBundle>(bundle, workerData.codeCache);
}
