// On the deadline probe's worker, runs the probe (and ends the thread) as soon as the assembler is
// loaded: main.ts imports this module second, before the language-server modules, which the probe
// never needs.

import { isMainThread, workerData } from 'node:worker_threads';
import { isProbe } from './deadlineProbe';
import { runDeadlineProbe } from './inProcessAssembler';

if (!isMainThread && isProbe(workerData)) runDeadlineProbe();
