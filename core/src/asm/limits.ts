// Expansion limits (NASM manual §2.1.31, `--limit-X`, with nasm 2.16's defaults) and the time
// budget: runaway %rep, macro recursion or expression nesting end in a diagnostic, never a hang.

import type { AssembleLimits } from './api';
import { DEFAULT_EVAL_LIMIT } from './expr';

/** Every limit resolved to a number (Infinity where nasm's default is "unlimited"). */
export type ResolvedLimits = { readonly [K in keyof AssembleLimits]-?: number };

/** nasm 2.16's defaults (`nasm -h`): passes unlimited, the others as listed there. */
export const NASM_LIMITS: ResolvedLimits = {
  passes: Infinity,
  macroLevels: 10_000,
  macroTokens: 10_000_000,
  mmacros: 100_000,
  rep: 1_000_000,
  eval: DEFAULT_EVAL_LIMIT,
  lines: 2_000_000_000,
};

/** The command-line names nasm uses (`--limit-macro-levels`), for the CLI and messages. */
export const LIMIT_FLAGS: Readonly<Record<keyof AssembleLimits, string>> = {
  passes: 'passes', macroLevels: 'macro-levels', macroTokens: 'macro-tokens', mmacros: 'mmacros',
  rep: 'rep', eval: 'eval', lines: 'lines',
};

export function resolveLimits(limits: AssembleLimits | undefined): ResolvedLimits {
  if (limits === undefined) return NASM_LIMITS;
  const out: Record<string, number> = { ...NASM_LIMITS };
  for (const key of Object.keys(NASM_LIMITS) as (keyof AssembleLimits)[]) {
    const v = limits[key];
    if (v !== undefined && !Number.isNaN(v)) out[key] = Math.max(0, v);
  }
  return out as ResolvedLimits;
}

/**
 * A `performance.now()` deadline, checked cheaply: the clock is read once every `stride` units of
 * work asked about (a call to `expired()` is one unless it says more), and once past it stays
 * expired for every later stage of the same run.
 */
export class TimeBudget {
  private calls = 0;
  private over = false;
  /** Set by the first stage that noticed the budget ran out (so only one diagnostic is reported). */
  reported = false;

  constructor(private readonly deadline: number | undefined, private readonly stride = 1024) {}

  /** `work`: what the caller is about to do, in units of about one token copied. */
  expired(work = 1): boolean {
    if (this.over) return true;
    if (this.deadline === undefined || (this.calls += work) < this.stride) return false;
    this.calls = 0;
    this.over = performance.now() >= this.deadline;
    return this.over;
  }

  /** Reads the clock now (between stages). */
  expiredNow(): boolean {
    if (!this.over && this.deadline !== undefined) this.over = performance.now() >= this.deadline;
    return this.over;
  }
}

export const TIME_BUDGET_MESSAGE = 'assembly stopped: time budget exceeded (the rest of the file was not assembled)';
