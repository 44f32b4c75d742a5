// Assembling on the server's own thread, bounded by the assembler's deadline and expansion limits
// (AssembleOptions.deadline/limits): no copy of the buffers, no serialisation, and the facts stay
// lazy. Only used once a probe has shown that the assembler really stops at the deadline on the
// inputs that used to run away; until then (or if it does not) the worker (assemblerWorker.ts)
// keeps the server responsive.

import { Worker, parentPort, workerData } from 'node:worker_threads';
import { assemble } from '../../../core/src/asm/index';
import type { AssembleLimits, AssembleOptions, AssembleResult } from '../../../core/src/asm/api';

/**
 * Tighter than nasm's defaults where an editor must stay interactive: at most 5 million lines
 * processed (nasm: 2 billion); the deadline bounds the rest.
 */
export const EDITOR_LIMITS: AssembleLimits = { lines: 5_000_000 };

export function assembleInProcess(opts: AssembleOptions, budgetMs: number): AssembleResult {
  return assemble({ ...opts, deadline: performance.now() + budgetMs, limits: EDITOR_LIMITS });
}

/** Inputs that expand without bound: each must stop at a short deadline for in-process use to be safe. */
const RUNAWAY_INPUTS = [
  '%rep 1000000\n%rep 1000000\n    nop\n%endrep\n%endrep\n',
  '%macro m 0\n    m\n    m\n%endmacro\n    m\n',
  'times 1000000000 nop\n',
  'times 100000000 db 0\n',
  'times 1000000 times 1000000 nop\n',
];
/** Each input runs until this deadline: short, since the server may be waiting for the verdict. */
const PROBE_DEADLINE_MS = 10;
/** What "stopped at the deadline" means: the deadline plus the time to notice it and unwind. */
const PROBE_TOLERANCE_MS = 250;

const enum Verdict { Pending, Safe, Unsafe }

export interface ProbeSetup {
  readonly probe: true;
  /** One Int32 the probe sets to its Verdict, so the main thread can wait for it (DeadlineProbe.awaitSafe). */
  readonly verdict: SharedArrayBuffer;
}

function stoppedInTime(slowestMs: number): boolean {
  return slowestMs <= PROBE_DEADLINE_MS + PROBE_TOLERANCE_MS;
}

export function isProbe(data: unknown): data is ProbeSetup {
  return typeof data === 'object' && data !== null && (data as { probe?: unknown }).probe === true;
}

/** Worker side of the probe: assemble each runaway input with a short deadline and report the slowest. */
export function runDeadlineProbe(): void {
  if (!isProbe(workerData)) return;
  const verdict = new Int32Array(workerData.verdict);
  const decide = (v: Verdict) => { Atomics.store(verdict, 0, v); Atomics.notify(verdict, 0); };
  const host = { readFile: () => undefined };
  let slowest = 0;
  for (const text of RUNAWAY_INPUTS) {
    const t0 = performance.now();
    assemble({ file: '/probe.asm', text, host, deadline: t0 + PROBE_DEADLINE_MS, limits: EDITOR_LIMITS });
    slowest = Math.max(slowest, performance.now() - t0);
    if (!stoppedInTime(slowest)) decide(Verdict.Unsafe);
    // Report as we go, so a hang shows as a probe that never finishes.
    parentPort?.postMessage({ slowest, done: false });
  }
  if (stoppedInTime(slowest)) decide(Verdict.Safe);
  parentPort?.postMessage({ slowest, done: true });
}

/** The main thread's handle on a running probe. */
export interface DeadlineProbe {
  /**
   * Waits up to `ms` for the verdict (blocking the thread, like the worker's assemble): true when
   * the probe has found the assembler safe to run in process. `onSafe` still follows, as an event.
   */
  awaitSafe(ms: number): boolean;
}

/**
 * Main side: runs the probe on a throwaway worker and calls `onSafe` if every runaway input
 * stopped in time. A probe that overruns is terminated and the server stays on the worker path.
 */
export function probeDeadline(script: string, onSafe: () => void, log: (m: string) => void): DeadlineProbe {
  const verdict = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(script, { workerData: { probe: true, verdict: verdict.buffer as SharedArrayBuffer } satisfies ProbeSetup });
  worker.unref();
  const limit = RUNAWAY_INPUTS.length * (PROBE_DEADLINE_MS + PROBE_TOLERANCE_MS);
  const timer = setTimeout(() => {
    log(`the assembler did not stop at its deadline within ${limit} ms: assembling on a worker thread`);
    void worker.terminate();
  }, limit);
  timer.unref();
  worker.on('message', (m: { slowest: number; done: boolean }) => {
    if (!stoppedInTime(m.slowest)) {
      clearTimeout(timer);
      log(`the assembler overran its deadline (${m.slowest.toFixed(0)} ms): assembling on a worker thread`);
      void worker.terminate();
    } else if (m.done) {
      clearTimeout(timer);
      void worker.terminate();
      onSafe();
    }
  });
  worker.on('error', (e: unknown) => {
    clearTimeout(timer);
    log(`deadline probe failed: ${e instanceof Error ? e.message : String(e)}`);
  });
  return {
    awaitSafe(ms: number): boolean {
      if (Atomics.load(verdict, 0) === Verdict.Pending) Atomics.wait(verdict, 0, Verdict.Pending, ms);
      return Atomics.load(verdict, 0) === Verdict.Safe;
    },
  };
}
