// A `%if ... %endif` block of `%error`/`%warning` lines whose conditions need the assembler (`$`,
// `$$`, labels): nasm decides it while assembling, line by line, so Ringside's preprocessor hands
// it on whole and the assembler decides it in its final pass at the block's place.

import type { SourceRange } from './api';
import type { DiagnosticSink } from './diagnostics';
import { evaluate, parseWhole, type EvalContext, type Expr, type Value } from './expr';
import { lineRange, type PPToken } from './source';

/** A `%error`, `%warning` or `%fatal` line of the block, its message already expanded as nasm prints it. */
export interface CheckMessage {
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  readonly range: SourceRange;
}

/** A `%if`/`%ifn`/`%elif`/`%elifn` condition, written on line `line` of `file` (its tokens' columns). */
export interface CheckCondition {
  readonly directive: string;
  readonly negate: boolean;
  readonly tokens: readonly PPToken[];
  readonly file: string;
  readonly line: number;
}

export interface CheckBranch {
  /** Undefined for `%else`. */
  readonly condition: CheckCondition | undefined;
  /** Its lines in order: messages, and `%if` blocks nested in it. */
  readonly items: (CheckMessage | CheckBlock)[];
}

export interface CheckBlock {
  readonly branches: CheckBranch[];
}

export interface DeferredCheck extends CheckBlock {
  /** The preprocessor's output line the block ends at (all of the block's lines are listed only). */
  readonly outputLine: number;
  /** Filled in once parsed: the number of statements before the block. */
  statement: number;
  readonly expansion: readonly SourceRange[];
}

/** What the assembler knows at the block: `$`, `$$`, and symbols defined above it. */
export interface CheckScope {
  here(): Value;
  base(): Value;
  /** Undefined when the name is not defined by a statement before the block (nasm: not defined before use). */
  symbolBefore(name: string): Value | undefined;
}

/** Reports the messages of the first branch whose condition holds, or an error a condition gives. */
export function runCheck(check: DeferredCheck, scope: CheckScope, sink: DiagnosticSink, evalLimit: number): void {
  runBlock(check, check.expansion, scope, sink, evalLimit);
}

function runBlock(block: CheckBlock, expansion: readonly SourceRange[], scope: CheckScope, sink: DiagnosticSink, evalLimit: number): void {
  for (const branch of block.branches) {
    const c = branch.condition;
    if (c !== undefined) {
      const mark = sink.mark();
      const holds = conditionHolds(c, expansion, scope, sink, evalLimit);
      // An `%elif` is tested in a group that has assembled nothing yet, where nasm reports nothing
      // (see Preprocessor.conditional).
      if (c.directive.startsWith('%elif')) sink.rollback(mark);
      // After an error nasm takes no branch of the block.
      if (holds === undefined) return;
      if (!holds) continue;
    }
    for (const item of branch.items) {
      if ('branches' in item) runBlock(item, expansion, scope, sink, evalLimit);
      else if (item.severity === 'warning') sink.warning(item.code, item.message, item.range, expansion);
      else sink.error(item.code, item.message, item.range, expansion);
    }
    return;
  }
}

/** Each condition of `block` and of the blocks nested in it. */
export function* conditionsOf(block: CheckBlock): Generator<CheckCondition> {
  for (const b of block.branches) {
    if (b.condition !== undefined) yield b.condition;
    for (const item of b.items) if ('branches' in item) yield* conditionsOf(item);
  }
}

function conditionHolds(c: CheckCondition, expansion: readonly SourceRange[], scope: CheckScope, sink: DiagnosticSink, evalLimit: number): boolean | undefined {
  const at = (start: number, end: number): SourceRange => lineRange(c.file, c.line, start, end);
  const toks = c.tokens;
  if (toks.length === 0) { sink.error('syntax', `\`${c.directive}' expects an expression`, at(0, 0), expansion); return undefined; }
  const { expr, error } = parseWhole(toks, evalLimit, true);
  if (expr === undefined) {
    sink.error('syntax', error!.message, at(error!.start, error!.end), expansion);
    return undefined;
  }
  let failed = false;
  const ctx: EvalContext = {
    symbol: (name: string, node: Expr) => {
      const v = scope.symbolBefore(name);
      if (v === undefined) { failed = true; sink.error('undefined-symbol', `symbol \`${name}' not defined before use`, at(node.start, node.end), expansion); }
      return v;
    },
    here: () => scope.here(),
    base: () => scope.base(),
    error: (message: string, node: Expr) => { failed = true; sink.error('expression', message, at(node.start, node.end), expansion); },
  };
  const v = evaluate(expr, ctx);
  if (failed) return undefined;
  // Unknown with no error: nasm's `a <=> b` when a < b (see expr.ts).
  if (v.v === undefined || v.sec >= 0) { sink.error('non-constant', `non-constant value given to \`${c.directive}'`, at(expr.start, expr.end), expansion); return undefined; }
  const truth = v.v !== 0 || v.big !== undefined;
  return c.negate ? !truth : truth;
}
