// V8's optimizing compiler (TurboFan) held back while a fresh server makes its first analysis.
// A new process runs the assembler in V8's interpreter and baseline compiler, and TurboFan
// compiles each function that becomes hot on a helper thread. During the first 10k-line file that
// is dozens of large functions (about 0.6 s of compiling, measured with --trace-opt), and on a
// machine with two cores the compiling takes the core the assembly runs on from it; the code it
// makes comes too late to help that file. Held back, the first file is analysed by the baseline
// compiler's code alone, several times sooner (docs/benchmarks.md); let go once the first
// analysis is out, or once the server warms up on its own, TurboFan compiles the code the next
// files run, as before.

import { setFlagsFromString } from 'node:v8';

let held = false;

/** Holds TurboFan back from now on (the process's first step: flags are the whole process's). */
export function holdOptimizingCompiler(): void {
  setFlagsFromString('--no-turbofan');
  held = true;
}

/** Lets TurboFan compile hot code again; does nothing if it was not held back or is let go already. */
export function releaseOptimizingCompiler(): void {
  if (!held) return;
  held = false;
  setFlagsFromString('--turbofan');
}
