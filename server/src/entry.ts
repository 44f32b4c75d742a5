// The language server's entry (dist/server.js): starts the deadline probe's worker before the
// server's bundle (dist/server-main.js) is loaded here, then loads it, through the V8 code cache
// (codeCache.ts), and starts the server. The first document usually arrives right after
// `initialize`, and its assembly waits for the probe's verdict (main.ts); begun before the main
// thread reads and compiles the bundle, not after, the worker gives its verdict that much sooner.
// On the probe's worker, this file loads the bundle through the same cache, and the bundle runs
// the probe (probeWorker.ts). This file holds nothing but that, so it loads at once.

import { homedir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, workerData } from 'node:worker_threads';
import { isProbe, startDeadlineProbe } from './analysis/deadlineProbe';
import { cacheFolderProblem, codeCacheDirectory, loadBundle } from './codeCache';

type ServerBundle = typeof import('./main');

const bundle = join(__dirname, 'server-main.js');
if (isMainThread) {
  const wanted = codeCacheDirectory(process.argv, process.env, process.platform, homedir());
  const problem = wanted === undefined ? undefined : cacheFolderProblem(wanted);
  const folder = problem === undefined ? wanted : undefined;
  const probe = startDeadlineProbe(__filename, folder);
  const server = loadBundle<ServerBundle>(bundle, folder);
  server.exports.startServer(probe, {
    use: problem !== undefined ? `no code cache: ${problem}` : `code cache: ${server.cacheUse}`,
    keep: () => server.keep(),
  });
} else if (isProbe(workerData)) {
  // (The main thread writes the cache; here it is only read.)
  loadBundle<ServerBundle>(bundle, workerData.codeCache);
}
