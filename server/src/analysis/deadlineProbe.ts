// The deadline probe's inputs, verdict and main-thread side: whether the assembler really stops at
// its deadline on inputs that used to run away, found on a throwaway worker before the server
// assembles on its own thread (inProcessAssembler.ts). Nothing here loads the assembler, so the
// probe can start before it is loaded (entry.ts).

import { Worker } from 'node:worker_threads';
import type { AssembleLimits } from '../../../core/src/asm/api';

/**
 * Tighter than nasm's defaults where an editor must stay interactive: at most 5 million lines
 * processed (nasm: 2 billion); the deadline bounds the rest.
 */
export const EDITOR_LIMITS: AssembleLimits = { lines: 5_000_000 };

/** Inputs that expand without bound: each must stop at a short deadline for in-process use to be safe. */
export const RUNAWAY_INPUTS = [
  '%rep 1000000\n%rep 1000000\n    nop\n%endrep\n%endrep\n',
  '%macro m 0\n    m\n    m\n%endmacro\n    m\n',
  'times 1000000000 nop\n',
  'times 100000000 db 0\n',
  'times 1000000 times 1000000 nop\n',
];
/** Each input runs until this deadline: short, since the server may be waiting for the verdict. */
export const PROBE_DEADLINE_MS = 2;
/** What "stopped at the deadline" means: the deadline plus the time to notice it and unwind. */
const PROBE_TOLERANCE_MS = 250;

export const enum Verdict { Pending, Safe, Unsafe }

/** The probe's shared state: [0] its Verdict, [1] the slowest input so far in ms. */
export const VERDICT = 0, SLOWEST = 1;

export interface ProbeSetup {
  readonly probe: true;
  /** Two Int32s (VERDICT, SLOWEST) the probe writes, so the main thread can wait for them (DeadlineProbe.awaitSafe). */
  readonly verdict: SharedArrayBuffer;
  /** The folder of the code cache the worker reads the bundle through, if any (entry.ts). */
  readonly codeCache?: string;
}

export function stoppedInTime(slowestMs: number): boolean {
  return slowestMs <= PROBE_DEADLINE_MS + PROBE_TOLERANCE_MS;
}

export function isProbe(data: unknown): data is ProbeSetup {
  return typeof data === 'object' && data !== null && (data as { probe?: unknown }).probe === true;
}

/** The main thread's handle on a running probe. */
export interface DeadlineProbe {
  /** The verdict is one an earlier start of this very build kept (probeFoundSafeBefore): nothing runs. */
  readonly kept: boolean;
  /**
   * Waits up to `ms` for the verdict (blocking the thread, like the worker's assemble): true when
   * the probe has found the assembler safe to run in process.
   */
  awaitSafe(ms: number): boolean;
  /**
   * Calls `onSafe` once the probe has found the assembler safe; logs why not otherwise. A probe
   * that overruns is terminated and the server stays on the worker path.
   */
  watch(onSafe: () => void, log: (m: string) => void): void;
}

/**
 * Main side: starts the probe on a throwaway worker running `script`, which loads the server's
 * bundle (through the code cache in `codeCache`, if given). Called before the main thread loads
 * that bundle (see entry.ts), so the verdict is usually in before the first document arrives;
 * `watch` attaches what to do with it once the server is up. `keepSafe` is called on a safe verdict,
 * to keep it for the next start of the same build.
 */
export function startDeadlineProbe(script: string, codeCache?: string, keepSafe?: () => void): DeadlineProbe {
  const shared = new Int32Array(new SharedArrayBuffer(8));
  const started = performance.now();
  const setup: ProbeSetup = { probe: true, verdict: shared.buffer as SharedArrayBuffer, ...(codeCache !== undefined ? { codeCache } : {}) };
  const worker = new Worker(script, { workerData: setup });
  worker.unref();
  let failure: string | undefined;
  worker.on('error', (e: unknown) => { failure = e instanceof Error ? e.message : String(e); });
  return {
    kept: false,
    awaitSafe(ms: number): boolean {
      if (Atomics.load(shared, VERDICT) === Verdict.Pending) Atomics.wait(shared, VERDICT, Verdict.Pending, ms);
      return Atomics.load(shared, VERDICT) === Verdict.Safe;
    },
    watch(onSafe: () => void, log: (m: string) => void): void {
      const judge = (): void => {
        const verdict = Atomics.load(shared, VERDICT);
        if (verdict === Verdict.Safe) { keepSafe?.(); onSafe(); }
        else if (verdict === Verdict.Unsafe) log(`the assembler overran its deadline (${Atomics.load(shared, SLOWEST)} ms): assembling on a worker thread`);
        else log(`deadline probe failed${failure === undefined ? '' : `: ${failure}`}: assembling on a worker thread`);
      };
      const limit = RUNAWAY_INPUTS.length * (PROBE_DEADLINE_MS + PROBE_TOLERANCE_MS);
      const timer = setTimeout(() => {
        worker.removeAllListeners('exit');
        log(`the assembler did not stop at its deadline within ${limit} ms: assembling on a worker thread`);
        void worker.terminate();
      }, Math.max(0, started + limit - performance.now()));
      timer.unref();
      worker.once('exit', () => { clearTimeout(timer); judge(); });
      // The worker may have ended before anyone listened.
      if (worker.threadId === -1) { clearTimeout(timer); worker.removeAllListeners('exit'); judge(); }
    },
  };
}

/**
 * The probe of a server whose very build an earlier start found safe (its verdict kept beside the
 * code cache: entry.ts): nothing is run, so no worker takes a core from the first assembly. The
 * verdict is the code's, which that build's probe tried; the deadline still bounds each assembly.
 */
export function probeFoundSafeBefore(): DeadlineProbe {
  return {
    kept: true,
    awaitSafe: () => true,
    watch(onSafe: () => void): void { setImmediate(onSafe); },
  };
}
