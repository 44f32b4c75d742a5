// Entry of `dist/debugAdapter.js`: loads the adapter's bundle (dist/debugAdapter-main.js, main.ts),
// which starts the DAP session over stdin/stdout, through the V8 code cache
// (core/src/startup/codeCache.ts), so that F5 waits less for a fresh adapter to compile itself.

import { join } from 'node:path';
import { chooseCacheFolder, loadEntryBundle } from '../../core/src/startup/codeCache';

/**
 * The cache is written this long after start, or as the adapter exits if that is sooner (if this
 * start could not use it): by then VS Code's `initialize`, the launch's assembly and the first
 * stop have run, and their code is compiled. (The adapter ends itself on SIGTERM and on
 * `disconnect`, so `exit` is heard.)
 */
const KEEP_CACHE_AFTER_MS = 1000;

const adapter = loadEntryBundle<typeof import('./main')>(join(__dirname, 'debugAdapter-main.js'), chooseCacheFolder());
const keep = (): void => { adapter.keep(); };
setTimeout(keep, KEEP_CACHE_AFTER_MS).unref();
process.once('exit', keep);
