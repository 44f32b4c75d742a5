// The language server's entry (dist/server.js): starts the deadline probe's worker on the server's
// bundle (dist/server-main.js) before that bundle is loaded here, then loads it and starts the
// server. The first document usually arrives right after `initialize`, and its assembly waits for
// the probe's verdict (main.ts); begun before the main thread reads and compiles the bundle, not
// after, the worker gives its verdict that much sooner. This file holds nothing but the probe's
// main-thread side, so it loads at once.

import { join } from 'node:path';
import { startDeadlineProbe } from './analysis/deadlineProbe';

const bundle = join(__dirname, 'server-main.js');
const probe = startDeadlineProbe(bundle);
// (Loaded by a path esbuild does not follow: the bundle is a file of its own, loaded only now.)
(module.require(bundle) as typeof import('./main')).startServer(probe);
