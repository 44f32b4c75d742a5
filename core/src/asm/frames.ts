// What nasm's preprocessor reads its lines from, as Ringside keeps it: the frames of files, macro
// expansions and %rep rounds, each with its conditional groups and place in the output, and the
// %macro and %rep bodies being captured.

import type { SourceRange } from './api';
import type { CheckCondition } from './deferred-check';
import type { FileLines } from './line-cache';
import type { BodyLine, MacroInvocation, MultiLineMacro } from './macros';
import { lineRange } from './source';

/**
 * What the preprocessor reads lines from: a file, a macro call's expansion, or a %rep's rounds,
 * innermost last on its stack.
 */
export interface Frame {
  readonly kind: 'file' | 'macro' | 'rep';
  readonly file: string;
  /** File frames: the file's lines and their entries. */
  readonly lines?: FileLines;
  /** Macro and %rep frames: the body. */
  readonly body?: readonly BodyLine[];
  idx: number;
  readonly expansion: readonly SourceRange[];
  readonly depth: number;
  /** The macro whose parameters `%1`... refer to (inherited by %rep frames inside a macro). */
  readonly invocation?: MacroInvocation;
  repLeft: number;
  /**
   * Where the conditional groups of the file being read start: nasm keeps one stack of them per
   * file (Include.conds), which the lines of a macro or %rep body read in it share. So a body's
   * `%endif` may close a group opened before the call, and a group a body opens stays open after
   * it (measured with nasm 2.16.01); a file's own must close in it.
   */
  readonly condBase: number;
  /**
   * Macro and %rep frames: the groups opened less those closed while this was the innermost frame
   * (nasm's MMacro.condcnt), which `%exitmacro` drops.
   */
  condCount: number;
  /**
   * A %rep frame after `%exitrep`: nasm walks the rest of the round without assembling it, but
   * still runs its conditional directives (in_progress 0; an `%if 1/0` there is reported).
   */
  exited?: boolean;
  /** What every line of the frame shares in the output (an index in PPLines), made on its first line. */
  origin?: number;
  /** Inside the expansion of a `.nolist` macro: not listed. */
  readonly unlisted?: boolean;
  /** In a `.nolist` macro's expansion: where nasm reports its lines (LineOrigin.reportedAt). */
  readonly reportedAt?: SourceRange;
  /** Frames pushed later have greater serials (see CheckBlock.serial, DeferredIfs.forbids). */
  readonly serial: number;
}

/** One line past file frame `f`'s last (nasm's line number for what the file's end leaves open): the empty line after a final newline. */
export function endOfFile(f: Frame): SourceRange {
  const lines = f.lines!;
  const last = lines.count > 0 && lines.line(lines.count - 1) === '' ? lines.count - 1 : lines.count;
  return lineRange(f.file, last, 0, 0);
}

/** A `%macro` or `%rep` body being captured, up to its `%endmacro` or `%endrep`, begun in `frame`. */
export interface Capture {
  readonly kind: 'macro' | 'rep';
  /** A %rep body's `%rep` lines open, its own with them (its `%macro` lines: Preprocessor.macroDefinitionsOpen). */
  nesting: number;
  readonly lines: BodyLine[];
  readonly range: SourceRange;
  readonly expansion: readonly SourceRange[];
  readonly macro?: MultiLineMacro;
  readonly count?: number;
  readonly frame: Frame;
  /** A %rep begun in a branch of a block the assembler decides: that block's condition (see DeferredIfs.repUnended). */
  readonly inBranchOf?: CheckCondition;
  /** With `inBranchOf`: the `%if` groups open in the body (see Preprocessor.repLeavesBranch). */
  conds?: number;
  /** `%rep .nolist`: the body's lines are not listed. */
  readonly nolist?: boolean;
}

/** Expansion chains kept per line: the innermost and outermost sites (deep recursion would be quadratic). */
const MAX_EXPANSION_CHAIN = 64;

/** The expansion chain of a macro body: the call site, then the caller's chain, middle dropped when very deep. */
export function nestExpansion(callSite: SourceRange, outer: readonly SourceRange[]): readonly SourceRange[] {
  if (outer.length < MAX_EXPANSION_CHAIN) return [callSite, ...outer];
  const half = MAX_EXPANSION_CHAIN >> 1;
  return [callSite, ...outer.slice(0, half - 1), ...outer.slice(outer.length - half)];
}
