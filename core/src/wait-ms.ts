// A synchronous pause, for code that polls a non-blocking descriptor with nothing in it for now
// (a pipe not yet written to, one still full) and has nothing else to do meanwhile.

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

/** Blocks this thread for `ms` milliseconds. */
export function waitMs(ms: number): void {
  Atomics.wait(PAUSE, 0, 0, ms);
}
