// The assembler as the extension's commands run it (Assemble, Show Listing, Show Preprocessed
// Source): in the extension host, whose one thread every extension shares, so within a time budget.
// A program that expands without end (`%rep 1000000` inside another) stops there with the
// assembler's 'time-budget' error, where unbounded it held the extension host for hours.

import { assemble, preprocessOnly } from '../../core/src/asm/index';
import type { AssembleOptions, AssembleResult } from '../../core/src/asm/api';
import { TimeBudget } from '../../core/src/asm/limits';
import type { PreprocessOnlyOptions, PreprocessOnlyResult } from '../../core/src/asm/preprocess-only';

/** How long one command's assembly may take. */
export const COMMAND_BUDGET_MS = 5000;

export function assembleForCommand(opts: AssembleOptions, budgetMs = COMMAND_BUDGET_MS): AssembleResult {
  return assemble({ ...opts, deadline: performance.now() + budgetMs });
}

export function preprocessForCommand(opts: PreprocessOnlyOptions, budgetMs = COMMAND_BUDGET_MS): PreprocessOnlyResult {
  return preprocessOnly({ ...opts, budget: new TimeBudget(performance.now() + budgetMs) });
}
