// V8's optimizing compiler (TurboFan) held back while a fresh server makes its first analysis.
// A new process runs the assembler in V8's interpreter and baseline compiler, and TurboFan
// compiles each function that becomes hot on a helper thread. During the first 10k-line file that
// is dozens of large functions (about 0.6 s of compiling, measured with --trace-opt), and on a
// machine with two cores the compiling takes the core the assembly runs on from it; the code it
// makes comes too late to help that file. Held back from the start of the first assembly (not
// from start-up: the server's and the deadline probe's start-up code gains from TurboFan) until
// the first analysis is out, the first file is assembled by the baseline compiler's code alone,
// in about half the time (docs/benchmarks.md); then TurboFan compiles what the next files run.

import { setFlagsFromString } from 'node:v8';

let state: 'never held' | 'held' | 'let go' = 'never held';

/** Holds TurboFan back, unless it has been held back or let go before. Flags are the whole process's. */
export function holdOptimizingCompilerOnce(): void {
  if (state !== 'never held') return;
  setFlagsFromString('--no-turbofan');
  state = 'held';
}

/** Lets TurboFan compile hot code again, for good; a later hold does nothing. */
export function releaseOptimizingCompiler(): void {
  if (state === 'held') setFlagsFromString('--turbofan');
  state = 'let go';
}
