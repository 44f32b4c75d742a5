// The deadline probe's worker, started as the bundle starts loading: main.ts imports this module
// first, and it loads nothing but the probe's main-thread side (deadlineProbe.ts), so the worker
// runs while the assembler and the rest of the server load here. The first document usually
// arrives right after `initialize`; with the verdict already in, its assembly need not wait.

import { isMainThread } from 'node:worker_threads';
import { startDeadlineProbe, type DeadlineProbe } from './deadlineProbe';

export const earlyProbe: DeadlineProbe | undefined = isMainThread ? startDeadlineProbe(__filename) : undefined;
