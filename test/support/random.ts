// Seeded randomness for the differential and fuzz tests, and whether nasm is there to compare with.
import { spawnSync } from 'node:child_process';

/** mulberry32: a small seeded generator, so a failing run can be replayed with RINGSIDE_SEED. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * The seeds a randomized test runs: RINGSIDE_SEED if set, else `ciSeeds` under CI (each passed
 * when it was added, so main cannot go red by chance), else a fresh one for the test's title.
 */
export function seedsForThisRun(ciSeeds: readonly number[]): readonly number[] {
  if (process.env.RINGSIDE_SEED !== undefined) return [Number(process.env.RINGSIDE_SEED)];
  if (process.env.CI) return ciSeeds;
  return [Date.now() % 1_000_000];
}

/** Whether nasm is on PATH (the tests that run it skip otherwise). */
export const hasNasm = spawnSync('nasm', ['-v']).status === 0;

/** Whether ndisasm (NASM's disassembler) is on PATH (the disassembler's differential test skips otherwise). */
export const hasNdisasm = spawnSync('ndisasm', ['-v']).status === 0;
