// Assembling on the server's own thread, bounded by the assembler's deadline and expansion limits
// (AssembleOptions.deadline/limits): no copy of the buffers, no serialisation, and the facts stay
// lazy. Only used once a probe has shown that the assembler really stops at the deadline on the
// inputs that used to run away; until then (or if it does not) the worker (assemblerWorker.ts)
// keeps the server responsive.

import { workerData } from 'node:worker_threads';
import { EDITOR_LIMITS, isProbe, PROBE_DEADLINE_MS, RUNAWAY_INPUTS, SLOWEST, stoppedInTime, VERDICT, Verdict } from './deadlineProbe';
import { assemble } from '../../../core/src/asm/index';
import type { AssembleLimits, AssembleOptions, AssembleResult } from '../../../core/src/asm/api';

export function assembleInProcess(opts: AssembleOptions, budgetMs: number): AssembleResult {
  return assemble({ ...opts, deadline: performance.now() + budgetMs, limits: editorLimits(opts.limits) });
}

/** The editor's limits, each lowered to the one `--limit-X` asked for when that is lower. */
function editorLimits(asked: AssembleLimits | undefined): AssembleLimits {
  if (asked === undefined) return EDITOR_LIMITS;
  const limits: { -readonly [K in keyof AssembleLimits]: number } = { ...asked };
  for (const [key, value] of Object.entries(EDITOR_LIMITS) as [keyof AssembleLimits, number][]) limits[key] = Math.min(value, asked[key] ?? Infinity);
  return limits;
}

/**
 * Worker side of the probe: assemble each runaway input with a short deadline, record the slowest
 * as it goes (a hang shows as a probe that never finishes), then end the worker thread: it has
 * nothing else to do, and the rest of the bundle need not be loaded.
 */
export function runDeadlineProbe(): void {
  if (!isProbe(workerData)) return;
  const shared = new Int32Array(workerData.verdict);
  const host = { readFile: () => undefined };
  let slowest = 0;
  for (const text of RUNAWAY_INPUTS) {
    const t0 = performance.now();
    assemble({ file: '/probe.asm', text, host, deadline: t0 + PROBE_DEADLINE_MS, limits: EDITOR_LIMITS });
    slowest = Math.max(slowest, performance.now() - t0);
    Atomics.store(shared, SLOWEST, Math.ceil(slowest));
    if (!stoppedInTime(slowest)) break;
  }
  Atomics.store(shared, VERDICT, stoppedInTime(slowest) ? Verdict.Safe : Verdict.Unsafe);
  Atomics.notify(shared, VERDICT);
  process.exit(0);
}
