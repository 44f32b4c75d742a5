// The `%if` blocks the assembler decides (deferred-check.ts), as the preprocessor reads them: every
// branch preprocessed as if taken, what its lines output and report kept for the branch, and the
// block handed on at its `%endif`; with Ringside's errors for what such a branch cannot do.

import type { Diagnostic, SourceRange } from './api';
import type { BranchStates } from './branch-state';
import type { DiagnosticSink } from './diagnostics';
import { codeAt, codeOf, hasConstants, type CheckBlock, type CheckCode, type CheckCondition, type DeferredCheck } from './deferred-check';
import { LineFlag, type PPLines, type PPToken } from './source';

/**
 * A `%if` block the assembler decides, while the preprocessor reads it: every branch is
 * preprocessed as if taken, its output lines and what they report kept for the branch. Only the
 * innermost open block gathers; the blocks it is nested in wait for its `%endif`.
 */
export interface OpenCheck {
  readonly block: CheckBlock;
  readonly parent: OpenCheck | undefined;
  /** The `%if` (or first `%elif`) it starts at, for messages; its output line starts the block. */
  readonly first: CheckCondition;
  /** The preprocessor's state before the block and what each branch left (see BranchStates). */
  readonly states: BranchStates;
  /** The current branch's output lines and diagnostics since its last item (see closeRun). */
  runFrom: number;
  diagnosticsFrom: number;
}

/** The blocks the assembler decides: those open, innermost last, and those handed on. */
export class DeferredIfs {
  /** The innermost block open (see OpenCheck). */
  open: OpenCheck | undefined;
  /** The blocks handed on to the assembler so far, in output order. */
  readonly checks: DeferredCheck[] = [];
  /** The code of the blocks handed on so far, in order (see handedOn). */
  private readonly codeRuns: CheckCode[] = [];

  constructor(private readonly sink: DiagnosticSink) {}

  /**
   * Opens a block at condition `first` (a `%if`, or a tested `%elif` whose branches before were
   * not taken), nested in the block open, if any; `serial` is the last frame's serial (see
   * CheckBlock.serial), `out` the preprocessor's output so far, `states` the preprocessor's state then.
   */
  begin(first: CheckCondition, serial: number, out: PPLines, states: BranchStates): OpenCheck {
    const parent = this.open;
    const block: CheckBlock = { branches: [{ condition: first, start: first.outputLine, items: [] }], serial, end: 0 };
    if (parent !== undefined) {
      this.closeRun(parent, out);
      parent.block.branches[parent.block.branches.length - 1].items.push(block);
    }
    return this.open = { block, parent, first, states, runFrom: out.count, diagnosticsFrom: this.sink.mark() };
  }

  /**
   * Ends the current branch's run of `oc`: the diagnostics reported since (but Ringside's own
   * limits, see UNCAPTURED) held for the branch, then its output lines as code, if any is more
   * than listed.
   */
  closeRun(oc: OpenCheck, out: PPLines): void {
    const items = oc.block.branches[oc.block.branches.length - 1].items;
    for (const held of this.sink.take(oc.diagnosticsFrom, ringsideOwn)) items.push({ held });
    for (let i = oc.runFrom; i < out.count; i++) {
      if ((out.flags[i] & LineFlag.ListOnly) === 0) { items.push({ from: oc.runFrom, to: out.count, stmtFrom: 0, stmtTo: 0 }); break; }
    }
    this.resume(oc, out);
  }

  /**
   * An `%assign` of `name` the assembler evaluates (see CheckAssign), at `expression` (on the
   * last output line): in the current branch of the block open, else alone, in a block of one
   * branch always taken; `serial` as for begin.
   */
  assign(name: string, expression: CheckCondition, serial: number, out: PPLines): void {
    const item = { assign: name, expression };
    const oc = this.open;
    if (oc !== undefined) {
      this.closeRun(oc, out);
      oc.block.branches[oc.block.branches.length - 1].items.push(item);
      return;
    }
    const block: CheckBlock = { branches: [{ condition: undefined, start: expression.outputLine, items: [item] }], serial, end: out.count };
    this.checks.push({ ...block, startLine: expression.outputLine, outputLine: out.count, hasCode: true, statement: 0, endStatement: 0 });
  }

  /**
   * Ringside's error for single-line macro `t` (read in `file`, written at `at`), a number the
   * assembler holds, where the preprocessor reads it as text, at the `%assign` at `c`.
   */
  assemblerNumber(t: PPToken, file: string, c: CheckCondition, at: SourceRange, expansion: readonly SourceRange[] | undefined): void {
    this.sink.error('undecidable-condition', `\`${t.text}' is a number only the assembler knows: the \`${c.directive}' on ${placeOf(c, file)} needs \`$', \`$$' or a label, `
      + 'which nasm evaluates in each pass and Ringside\'s assembler does, while Ringside expands this before assembling', at, expansion);
  }

  /** A new branch of `oc` at condition `condition` (undefined for `%else`), whose directive is the last output line. */
  branch(oc: OpenCheck, condition: CheckCondition | undefined, out: PPLines): void {
    oc.block.branches.push({ condition, start: out.count - 1, items: [] });
  }

  /** The current branch of `oc` gathers from here on. */
  resume(oc: OpenCheck, out: PPLines): void {
    oc.runFrom = out.count;
    oc.diagnosticsFrom = this.sink.mark();
  }

  /**
   * The diagnostics since `mark` go to the block `oc` is nested in, if any: the messages of its
   * `%elif`, `%else` and `%endif` themselves, which nasm gives whichever branch it takes.
   */
  enclosingHolds(oc: OpenCheck, mark: number): void {
    if (oc.parent === undefined) return;
    const items = oc.parent.block.branches[oc.parent.block.branches.length - 1].items;
    for (const held of this.sink.take(mark, ringsideOwn)) items.push({ held });
  }

  /**
   * The diagnostics since `mark` (of an `%else` or `%elif` after `%else`, or a line after one,
   * after `oc`'s last branch) are held with the block, which gives them whichever branch it takes,
   * unless a condition fails with an error, or (`afterError`) only then (see
   * CheckBlock.directiveMessages).
   */
  afterElseHolds(oc: OpenCheck, mark: number, afterError = false): void {
    const branch = oc.block.branches.length;
    const held = this.sink.take(mark, ringsideOwn);
    if (held.length > 0) (oc.block.directiveMessages ??= []).push(...held.map((h) => ({ branch, held: h, afterError })));
  }

  /**
   * `oc`'s `%endif` (or its file's end) was read: it joins its enclosing block, or goes to the
   * assembler, and is then returned.
   */
  end(oc: OpenCheck, out: PPLines): DeferredCheck | undefined {
    oc.block.end = out.count;
    this.open = oc.parent;
    if (oc.parent !== undefined) {
      this.resume(oc.parent, out);
      return undefined;
    }
    const check: DeferredCheck = {
      ...oc.block, startLine: oc.first.outputLine, outputLine: out.count, hasCode: codeOf(oc.block).next().done !== true || hasConstants(oc.block), statement: 0, endStatement: 0,
    };
    this.checks.push(check);
    for (const run of codeOf(check)) this.codeRuns.push(run);
    return check;
  }

  /** The outermost block open. */
  outermost(): OpenCheck | undefined {
    let oc = this.open;
    while (oc?.parent !== undefined) oc = oc.parent;
    return oc;
  }

  /** Output line `line` is code of a branch of a block handed on: the assembler's to know. */
  handedOn(line: number): boolean {
    return this.codeRuns.length > 0 && codeAt(this.codeRuns, line) !== undefined;
  }

  /**
   * Whether directive `d` (at `here`), in a branch of the block open, changes what the lines after
   * the block see (CHECK_FORBIDDEN), or leaves or rotates a macro call or %rep begun before the
   * block (`begun`: the serial of the frame it would leave or rotate, if any): nasm does so only in
   * the passes that take the branch, while Ringside preprocesses every branch once, before
   * assembling, so the lines after would depend on the assembler's choice. Then Ringside's error.
   */
  forbids(d: string, begun: number | undefined, here: SourceRange, expansion: readonly SourceRange[]): boolean {
    const oc = this.open!;
    let what = CHECK_FORBIDDEN.get(d);
    if (what === undefined && begun !== undefined && begun <= oc.block.serial) {
      what = d === '%rotate' ? 'rotate the arguments of a macro call begun before it' : `leave a ${d === '%exitrep' ? '%rep' : 'macro call'} begun before it`;
    }
    if (what === undefined) return false;
    this.sink.error('undecidable-condition', `\`${d}' in a branch of the \`${oc.first.directive}' on ${placeOf(oc.first, here.file)}, whose condition needs \`$', \`$$' or a label: `
      + `nasm runs a branch's directives only in the passes that take it, while Ringside preprocesses every branch once, before the assembler picks one, so a branch cannot ${what}`, here, expansion);
    return true;
  }

  /**
   * Ringside's error for `d` (at `here`), in a branch of `oc` or ending it, read in a macro called
   * in the branch while its `%if` is not, or the other way round (see Preprocessor.crossesDeferredBranch).
   */
  crossesBranch(oc: OpenCheck, d: string, here: SourceRange, expansion: readonly SourceRange[]): void {
    this.sink.error('undecidable-condition', `\`${d}' and the \`%if' it belongs to are read one in a macro called in a branch of the \`${oc.first.directive}' on ${placeOf(oc.first, here.file)}, `
      + 'whose condition needs `$\', `$$\' or a label, the other outside that call: nasm skips a branch it does not take without expanding its macros, so which `%endif\' ends that block '
      + 'depends on the branch the assembler takes, while Ringside preprocesses every branch once, before the assembler picks one', here, expansion);
  }

  /**
   * Ringside's error for a `%rep` begun in a branch of the block at condition `first` (at `here`)
   * that the file ended in: its body took the block's `%endif` (measured with nasm 2.16.01: after
   * `%if ($-$$) > 40` / `%rep 2` / `%endif`, a pass that skips the branch reads on, one that takes
   * it ends in "expected `%endif' before end of file").
   */
  repUnended(first: CheckCondition, here: SourceRange, expansion: readonly SourceRange[]): void {
    this.sink.error('undecidable-condition', `\`%rep' in a branch of the \`${first.directive}' on ${placeOf(first, here.file)}, whose condition needs \`$', \`$$' or a label, `
      + 'has no `%endrep\': nasm reads it only in the passes that take the branch, and otherwise ends the block at its `%endif\', '
      + 'while Ringside preprocesses every branch once, before the assembler picks one', here, expansion);
  }

  /**
   * Ringside's error for a `%rep` begun in a branch of the block at condition `first` (at `here`)
   * whose body would take the `%elif`, `%else` or `%endif` (`d`) that ends the branch: nasm reads
   * the %rep only in the passes that take the branch, and otherwise that line ends it (measured
   * with nasm 2.16.01: `%if ($-$$) > 8` / `%rep 1` / `%elif 1` / `%endrep` / `%endif` at 0 is
   * "`%endrep': no matching `%rep'"). The capture is dropped, and `d` read as the block's.
   */
  repLeavesBranch(first: CheckCondition, d: string, here: SourceRange, expansion: readonly SourceRange[]): void {
    this.sink.error('undecidable-condition', `\`%rep' in a branch of the \`${first.directive}' on ${placeOf(first, here.file)}, whose condition needs \`$', \`$$' or a label, `
      + `has no \`%endrep' before the \`${d}' that ends the branch: nasm reads it only in the passes that take the branch, and otherwise that \`${d}' ends it, `
      + 'while Ringside preprocesses every branch once, before the assembler picks one', here, expansion);
  }

  /**
   * Ringside's error for a branch of `oc` (ended at `d`, at `here`) that left the context stack
   * changed: nasm changes it only in the passes that take the branch.
   */
  contextsChanged(oc: OpenCheck, d: string, here: SourceRange, expansion: readonly SourceRange[]): void {
    this.sink.error('undecidable-condition', `\`${d}' ends a branch of the \`${oc.first.directive}' on ${placeOf(oc.first, here.file)}, whose condition needs \`$', \`$$' or a label, `
      + 'with the context stack changed (a `%push\' not popped, or a `%pop\' or `%repl\' of a context pushed before the block): nasm changes it only in the passes that take the branch, '
      + 'while Ringside preprocesses every branch once, before the assembler picks one', here, expansion);
  }

  /**
   * Ringside's error for `__BITS__` or `__SECT__` (`t`, read in `file`, written at `at`) after a
   * block the assembler decides, at condition `c`, one of whose branches `what`.
   */
  dependsOnBranch(t: PPToken, file: string, c: CheckCondition, what: string, at: SourceRange, expansion: readonly SourceRange[] | undefined): void {
    this.sink.error('undecidable-condition', `\`${t.text}' depends on the branch the assembler takes of the \`${c.directive}' on ${placeOf(c, file)}, whose condition needs \`$', \`$$' or a label `
      + `(a branch ${what}): Ringside expands it before assembling`, at, expansion);
  }
}

/** Where condition `c` is written, as a message about file `file` names it. */
function placeOf(c: CheckCondition, file: string): string {
  return c.file === file ? `line ${c.line + 1}` : `${c.file}:${c.line + 1}`;
}

/**
 * Codes of Ringside's own errors (what it cannot do, a limit it stops at), reported wherever they
 * happen: a branch of a block the assembler decides does not hold them back (see closeRun).
 */
const UNCAPTURED: ReadonlySet<string> = new Set(['undecidable-condition', 'unsupported-directive', 'unterminated-if', 'time-budget', 'runaway-expansion']);

function ringsideOwn(d: Diagnostic): boolean {
  return UNCAPTURED.has(d.code) || d.code.startsWith('limit-');
}

/**
 * Directives a branch of a block the assembler decides may not hold, and what they would change
 * for the lines after the block, which nasm changes only in the passes that take the branch.
 */
const CHECK_FORBIDDEN: ReadonlyMap<string, string> = new Map([
  ...['%arg', '%local'].map((d): [string, string] => [d, 'define single-line macros for a stack frame']),
  ...['%macro', '%imacro', '%rmacro', '%irmacro', '%unmacro', '%unimacro'].map((d): [string, string] => [d, 'define or remove multi-line macros']),
  ['%clear', 'remove macros'],
  ['%stacksize', 'set `%stacksize\''],
  ['%pragma', 'hold a `%pragma\''],
  // (Of a package not in use yet: see Preprocessor.loadsPackage.)
  ['%use', 'load a standard package'],
]);
