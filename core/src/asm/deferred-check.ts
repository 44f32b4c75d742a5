// A `%if ... %endif` block whose conditions need the assembler (`$`, `$$`, labels): nasm decides it
// while assembling, line by line, so Ringside's preprocessor hands it on whole, every branch
// preprocessed (macro calls expanded, what its lines report held back), and the assembler decides
// it at the block's place in every pass, assembling the code of the branch taken only.

import type { SourceRange } from './api';
import type { DiagnosticSink, HeldDiagnostic } from './diagnostics';
import { evaluate, givesUp, MISPLACED_LABEL, parseWhole, type EvalContext, type Expr, type ExternalName, type ParseError, type Value } from './expr';
import { firstPassEvaluation, registersOf } from './eval-vector';
import { firstLeaf } from './expr-walk';
import { lineRange, type PPToken } from './source';
import { isRegisterWord, symbolsLeft, unreadFloatCode } from './pp-expressions';
import { registersCompared } from './register-sum';

/**
 * What preprocessing a branch's lines reported (a `%error` or `%warning` line, a macro call with
 * too many arguments...): nasm reports it only when it takes the branch, in its final pass.
 */
export interface CheckMessage {
  readonly held: HeldDiagnostic;
}

/** A `%if`/`%ifn`/`%elif`/`%elifn` condition, written on line `line` of `file` (its tokens' columns). */
export interface CheckCondition {
  readonly directive: string;
  readonly negate: boolean;
  readonly tokens: readonly PPToken[];
  readonly file: string;
  readonly line: number;
  /** The macro calls and includes the directive was read in. */
  readonly expansion: readonly SourceRange[];
  /** The preprocessor's output line of the directive (listed only). */
  readonly outputLine: number;
  /** Filled in once parsed: the number of statements before the directive. */
  statement: number;
}

/** Lines of code in a branch: the preprocessor's output lines `from` to `to` (not included). */
export interface CheckCode {
  readonly from: number;
  to: number;
  /** Filled in once parsed: their statements, `stmtFrom` to `stmtTo` (not included). */
  stmtFrom: number;
  stmtTo: number;
  /** What parsing their lines found, reported only when they are assembled (nasm parses no other branch). */
  parsed?: ParseDiagnostic[];
}

/** A problem or warning of parsing a line of code in a branch, and the line (for `[warning]` switches). */
export interface ParseDiagnostic {
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  readonly range: SourceRange;
  readonly expansion: readonly SourceRange[];
  readonly line: number;
}

/**
 * An `%assign` whose expression needs `$`, `$$` or a label (`%assign PAD 510-($-$$)`): nasm
 * evaluates it at its place in every pass; the assembler does, and holds the number (see
 * DeferredConstant). Its expression is read as a condition's is, its directive `%assign`.
 */
export interface CheckAssign {
  readonly assign: string;
  readonly expression: CheckCondition;
}

export interface CheckBranch {
  /** Undefined for `%else`. */
  readonly condition: CheckCondition | undefined;
  /** The preprocessor's output line of its directive (listed only): its lines follow, to the next branch's. */
  readonly start: number;
  /** Its lines in order: messages, code, `%assign`s the assembler evaluates, and `%if` blocks nested in it. */
  readonly items: (CheckMessage | CheckCode | CheckAssign | CheckBlock)[];
}

export interface CheckBlock {
  readonly branches: CheckBranch[];
  /**
   * The preprocessor's frames (a macro call, a %rep, an %include) begun in the block have greater
   * serials (LineOrigin.serial): their lines are not read in a branch nasm does not take, nor listed.
   */
  readonly serial: number;
  /** The preprocessor's output line past its `%endif`. */
  end: number;
  /** The single-line macros whose number the branch taken decides, if any (see DeferredConstant). */
  constants?: readonly DeferredConstant[];
  /**
   * The warnings of an `%else` or `%elif` after the block's `%else`, each with the index of the
   * branch it would begin (the branch count): nasm gives them unless a condition before fails
   * with an error, after which the group takes no branch and reads no `%else` (measured with
   * nasm 2.16.01: `%if x` with x undefined, then `%else` twice, is the error alone, no "`%else'
   * after `%else'"). The trailing garbage of an `%else` or `%endif` after those is given only
   * then (`afterError`): `%if 1` / `%else` / `%else` / `%endif junk` is no warning of it, with
   * `%if x` it is.
   */
  directiveMessages?: { readonly branch: number; readonly held: HeldDiagnostic; readonly afterError: boolean }[];
}

/**
 * A single-line macro the ways through a block leave as different numbers (or undefined): the
 * preprocessor leaves its name in the lines of code after the block, and the assembler holds its
 * number, as the way it takes through the block leaves it (see CheckScope.setConstant).
 */
export interface DeferredConstant {
  readonly name: string;
  /** What each branch that can be taken leaves, by the branch's index. */
  readonly byBranch: readonly ConstantValue[];
  /** What taking no branch leaves: the macro before the block. */
  readonly otherwise: ConstantValue;
}

/** A number, undefined (no such macro), or 'kept': as an earlier block left it. */
export type ConstantValue = number | undefined | 'kept';

export interface DeferredCheck extends CheckBlock {
  /** The preprocessor's output line of the `%if` (or `%elif`) the block starts at. */
  readonly startLine: number;
  /** The preprocessor's output line the block ends at (past its `%endif`). */
  readonly outputLine: number;
  /** Whether a branch holds code (else the block is decided in the final pass only). */
  readonly hasCode: boolean;
  /** Filled in once parsed: the statements before the block, and before its end (more when it holds code). */
  statement: number;
  endStatement: number;
  /** The branches the final pass took (see runCheck's `path`). */
  taken?: readonly number[];
}

/** What the assembler knows at a condition of the block, and how it runs the block's code. */
export interface CheckScope {
  /** Whether diagnostics are reported (the final pass): before it the block only picks its code. */
  readonly report: boolean;
  here(): Value;
  base(): Value;
  /**
   * A symbol defined by a statement before statement `before` (a `.local` name qualified as
   * there); undefined when there is none (nasm: not defined before use). With `later`, after the
   * first pass also one defined further on, as an earlier pass left it: nasm's passes after its
   * first know every label that pass defined.
   */
  symbolBefore(name: string, before: number, later?: boolean): Value | undefined;
  /** The qualified name of `name` at statement `at` (a `.local` name under the label above). */
  qualify(name: string, at: number): string;
  /**
   * The external names declared so far (see EvalContext.externals): values, no numbers, that cancel
   * as labels do (measured with nasm 2.16.01: `extern a` / `%if a - a` is false, `k equ a + 3` /
   * `%if k - a == 3` and `%if a == a` true; `%if a` "non-constant value given to `%if'").
   */
  readonly externals?: ReadonlyMap<string, ExternalName>;
  /**
   * The scope as nasm's first pass has it at statement `at`, when expression `e` names a symbol
   * whose value there differs (an `equ` of a label further on, or of an external name before its
   * `extern` line: see FirstPassEqus): nasm evaluates the condition in that pass too, and stops
   * after it at an error (measured with nasm 2.16.01: `k equ a + 3` / `extern a` / `%if k - a > 2`
   * is "`>': operands differ by a non-scalar", k being 0 there, though `%if k - a == 3` holds).
   */
  firstPass?(e: Expr, at: number): CheckScope | undefined;
  /**
   * Told of each run of code with parse diagnostics that a branch taken assembles, and of each
   * error its preprocessing held that nasm reports in any pass, in any pass (see Assembler.reportEarlierBranches).
   */
  errorsTaken?(item: CheckCode | CheckMessage): void;
  /** Assembles statements `from` to `to`; false when assembly is to stop (the time budget ran out). */
  run(from: number, to: number): boolean;
  /** Single-line macro `name` is number `value` (undefined: no longer defined) for the lines after (see DeferredConstant). */
  setConstant(name: string, value: number | undefined): void;
}

/**
 * Runs the block: the messages and code of the first branch whose condition holds, or reports
 * the error a condition gives. Returns false when assembly is to stop. `path` receives the index
 * of each branch taken, of the block and of the blocks nested in it (-1 for none).
 */
export function runCheck(check: DeferredCheck, scope: CheckScope, sink: DiagnosticSink, evalLimit: number, path: number[]): boolean {
  return runBlock(check, scope, sink, evalLimit, path);
}

function runBlock(block: CheckBlock, scope: CheckScope, sink: DiagnosticSink, evalLimit: number, path: number[]): boolean {
  let failed = block.branches.length;
  for (let b = 0; b < block.branches.length; b++) {
    const branch = block.branches[b];
    const c = branch.condition;
    if (c !== undefined) {
      const mark = sink.mark();
      const holds = conditionHolds(c, scope, sink, evalLimit);
      // An `%elif` is tested in a group that has assembled nothing yet, where nasm reports nothing
      // (see Preprocessor.conditional).
      if (c.directive.startsWith('%elif')) sink.rollback(mark);
      // After an error nasm takes no branch of the block.
      if (holds === undefined) { failed = b; break; }
      if (!holds) continue;
    }
    path.push(b);
    for (const item of branch.items) {
      if ('branches' in item) { if (!runBlock(item, scope, sink, evalLimit, path)) return false; }
      else if ('assign' in item) {
        // After an error nasm leaves the macro as it was.
        const v = expressionValue(item.expression, scope, sink, evalLimit);
        if (v !== undefined) scope.setConstant(item.assign, v.v!);
      }
      else if ('stmtFrom' in item) {
        if (item.parsed !== undefined) {
          if (scope.report) reportParsed(item.parsed, sink);
          scope.errorsTaken?.(item);
        }
        if (!scope.run(item.stmtFrom, item.stmtTo)) return false;
      }
      else {
        if (scope.report) sink.put(item.held);
        if (anyPassError(item.held)) scope.errorsTaken?.(item);
      }
    }
    reportDirectives(block, block.branches.length, scope, sink);
    if (block.constants !== undefined) for (const c of block.constants) setConstant(scope, c, c.byBranch[b]);
    return true;
  }
  reportDirectives(block, failed, scope, sink);
  path.push(-1);
  if (block.constants !== undefined) for (const c of block.constants) setConstant(scope, c, c.otherwise);
  return true;
}

/** The messages of `block`'s lines after its `%else`, when a condition failed with an error at branch `last` (else the branch count: see CheckBlock.directiveMessages). */
function reportDirectives(block: CheckBlock, last: number, scope: CheckScope, sink: DiagnosticSink): void {
  if (!scope.report || block.directiveMessages === undefined) return;
  for (const m of block.directiveMessages) if ((last < m.branch) === m.afterError) sink.put(m.held);
}

function setConstant(scope: CheckScope, c: DeferredConstant, value: ConstantValue): void {
  if (value !== 'kept') scope.setConstant(c.name, value);
}

/** Whether `block` or a block nested in it holds single-line macros the assembler holds (see DeferredConstant). */
export function hasConstants(block: CheckBlock): boolean {
  return block.constants !== undefined || block.branches.some((b) => b.items.some((item) => 'assign' in item || ('branches' in item && hasConstants(item))));
}

/**
 * Whether held diagnostic `h` is an error nasm's preprocessor gives in whichever pass reads its
 * line, stopping after that pass: all but `%error`'s, which waits for the final pass (nasm 2.16.01's
 * preprocessor marks only `%error` and `%warning` so).
 */
function anyPassError(h: HeldDiagnostic): boolean {
  return h.diagnostic.severity === 'error' && h.diagnostic.code !== 'user-error';
}

export function reportParsed(parsed: readonly ParseDiagnostic[], sink: DiagnosticSink, errorsOnly = false): void {
  for (const d of parsed) {
    if (errorsOnly && d.severity !== 'error') continue;
    if (d.severity === 'warning') sink.warning(d.code, d.message, d.range, d.expansion, d.line);
    else sink.error(d.code, d.message, d.range, d.expansion, undefined, d.line);
  }
}

/** The run of code (of `runs`, in order) that holds output line `line`, if any. */
export function codeAt(runs: readonly CheckCode[], line: number): CheckCode | undefined {
  let lo = 0, hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (runs[mid].to <= line) lo = mid + 1; else hi = mid;
  }
  return lo < runs.length && runs[lo].from <= line ? runs[lo] : undefined;
}

/**
 * Marks in `unread` the output lines of `checks` that nasm did not read in its final pass, so does
 * not list: those of the frames (`serialOf` each line's) begun in a branch it did not take — a
 * macro's expansion, a %rep's rounds, an included file — where it lists the branch's own lines.
 */
export function markUnread(checks: readonly DeferredCheck[], serialOf: (line: number) => number, unread: Uint8Array): void {
  const walk = (block: CheckBlock, path: readonly number[], k: number): number => {
    const taken = path[k++];
    const branches = block.branches;
    for (let j = 0; j < branches.length; j++) {
      if (j === taken) {
        for (const item of branches[j].items) if ('branches' in item) k = walk(item, path, k);
        continue;
      }
      const to = j + 1 < branches.length ? branches[j + 1].start : block.end;
      for (let i = branches[j].start + 1; i < to; i++) if (serialOf(i) > block.serial) unread[i] = 1;
    }
    return k;
  };
  for (const c of checks) if (c.taken !== undefined) walk(c, c.taken, 0);
}

/** The runs of code of `checks` and of the blocks nested in them in the branches the final pass took. */
export function takenCode(checks: readonly DeferredCheck[]): Set<CheckCode> {
  const out = new Set<CheckCode>();
  const walk = (block: CheckBlock, path: readonly number[], k: number): number => {
    const taken = path[k++];
    if (taken === undefined || taken < 0) return k;
    for (const item of block.branches[taken].items) {
      if ('branches' in item) k = walk(item, path, k);
      else if ('stmtFrom' in item) out.add(item);
    }
    return k;
  };
  for (const c of checks) if (c.taken !== undefined) walk(c, c.taken, 0);
  return out;
}

/** Each condition of `block` and of the blocks nested in it. */
export function* conditionsOf(block: CheckBlock): Generator<CheckCondition> {
  for (const b of block.branches) {
    if (b.condition !== undefined) yield b.condition;
    for (const item of b.items) {
      if ('branches' in item) yield* conditionsOf(item);
      else if ('assign' in item) yield item.expression;
    }
  }
}

/** Each run of code of `block` and of the blocks nested in it. */
export function* codeOf(block: CheckBlock): Generator<CheckCode> {
  for (const b of block.branches) {
    for (const item of b.items) {
      if ('branches' in item) yield* codeOf(item);
      else if ('stmtFrom' in item) yield item;
    }
  }
}

/** A register's name, as nasm's evaluator reads it in a preprocessor expression (see isRegisterWord). */
function isRegisterNode(s: Extract<Expr, { k: 'sym' }>): boolean {
  return s.escaped === undefined && isRegisterWord(s.name);
}

function conditionHolds(c: CheckCondition, scope: CheckScope, sink: DiagnosticSink, evalLimit: number): boolean | undefined {
  const v = expressionValue(c, scope, sink, evalLimit);
  if (v === undefined) return undefined;
  const truth = v.v !== 0 || v.big !== undefined;
  return c.negate ? !truth : truth;
}

/** The number condition `c`'s expression gives (or an `%assign`'s: see CheckAssign), or undefined after an error (reported in the final pass). */
function expressionValue(c: CheckCondition, scope: CheckScope, sink: DiagnosticSink, evalLimit: number): Value | undefined {
  const at = (start: number, end: number): SourceRange => lineRange(c.file, c.line, start, end);
  const expansion = c.expansion;
  const report = scope.report;
  const toks = c.tokens;
  // (Its messages are about the directive's line, where the listing puts them.)
  const line = c.outputLine;
  if (toks.length === 0) { if (report) sink.error('syntax', `\`${c.directive}' expects an expression`, at(0, 0), expansion, undefined, line); return undefined; }
  const { expr, error, unreadFloat, trailing } = parseWhole(toks, evalLimit, true);
  if (unreadFloat !== undefined && report) sink.error(unreadFloatCode(unreadFloat), unreadFloat.message, at(unreadFloat.start, unreadFloat.end), expansion, undefined, line);
  if (expr === undefined) {
    if (report) sink.error('syntax', error!.message, at(error!.start, error!.end), expansion, undefined, line);
    return undefined;
  }
  // Registers are values, no numbers, which a comparison compares as the preprocessor's own
  // evaluation does (see pp-expressions.ts; measured with nasm 2.16.01: `lbl:` / `%if eax=lbl` is
  // false, `%if eax<>lbl` true, `%if eax<lbl` "`<': operands differ by a non-scalar", `%if
  // eax+lbl-lbl` "non-constant value given to `%if'").
  if ((c.directive === '%if' || c.directive === '%ifn' || c.directive === '%assign') && firstLeaf(expr, (x) => x.k === 'sym' && isRegisterNode(x)) !== undefined) {
    const read = registerOperators(c, expr, trailing, scope, sink);
    if (read !== NO_OPERATOR_ERRORS) return read;
  }
  const compared = registersCompared(expr, isRegisterNode);
  if (typeof compared === 'string') { if (report) sink.error('expression', compared, at(expr.start, expr.end), expansion, undefined, line); return undefined; }
  // (nasm's first pass reports first, and stops: see CheckScope.firstPass. Not for an `%elif`,
  // whose errors nasm does not report, so that its first pass goes on: see runBlock.)
  const early = c.directive.startsWith('%elif') ? undefined : scope.firstPass?.(compared, c.statement);
  if (early !== undefined && numberOf(c, expr, compared, trailing, early, sink) === undefined) return undefined;
  return numberOf(c, expr, compared, trailing, scope, sink);
}

const NO_OPERATOR_ERRORS = Symbol('no operator errors');

/**
 * A `%if` condition `expr` naming registers, where nasm's evaluator gives an error of an operator
 * on one: evaluated as its vectors hold them (see firstPassEvaluation), the names as the lines
 * before define them, its errors given in order with a name's none defines, after which it gives
 * up (measured with nasm 2.16.01, `a` defined nowhere: `%if al<<1 ? a : 2` is the shift's error,
 * then "symbol `a' not defined before use"; `%if ~al + a` the `~`'s alone; `lab:` / `%if (lab -
 * lab) + (al ^ 6)` the `^`'s, then true; `%assign v (lab - lab) + (al ^ 6)` the `^`'s, v being
 * 6). NO_OPERATOR_ERRORS where it gives none: the general evaluation's. (Not an `%elif`'s, whose
 * errors nasm does not give.)
 */
function registerOperators(c: CheckCondition, expr: Expr, trailing: ParseError | undefined, scope: CheckScope, sink: DiagnosticSink): Value | undefined | typeof NO_OPERATOR_ERRORS {
  const at = (start: number, end: number): SourceRange => lineRange(c.file, c.line, start, end);
  let gaveUp = false;
  const names = (reported: boolean): EvalContext => ({
    symbol: (name, node) => {
      if (node.k === 'sym' && isRegisterNode(node)) return { v: 0, sec: -1 };
      const escaped = node.k === 'sym' && node.escaped === true;
      const v = escaped ? undefined : scope.symbolBefore(name, c.statement);
      if (v === undefined && reported && scope.report && !gaveUp) {
        sink.error('undefined-symbol', `symbol \`${escaped ? `$${name}` : scope.qualify(name, c.statement)}' not defined before use`, at(node.start, node.end), c.expansion, undefined, c.outputLine);
      }
      if (v === undefined && reported) gaveUp = true;
      return v;
    },
    here: () => scope.here(), base: () => scope.base(), error: () => undefined, externals: scope.externals,
  });
  if (firstPassEvaluation(expr, names(false), true).errors.length === 0) return NO_OPERATOR_ERRORS;
  const read = firstPassEvaluation(expr, names(true), true, (message) => {
    if (scope.report && !gaveUp) sink.error('expression', message, at(expr.start, expr.end), c.expansion, undefined, c.outputLine);
    gaveUp ||= givesUp(message);
  });
  if (gaveUp || read.gaveUp) return undefined;
  if (trailing && scope.report) sink.warning('trailing', trailing.message, at(trailing.start, trailing.end), c.expansion, c.outputLine);
  if (read.number && read.value !== undefined) return { v: read.value, sec: -1 };
  if (scope.report) sink.error('non-constant', `non-constant value given to \`${c.directive}'`, at(expr.start, expr.end), c.expansion, undefined, c.outputLine);
  return undefined;
}

/**
 * Whether a register stays in `e` once evaluated as nasm's evaluator does, each register a part of
 * its own: a `?` keeps the branch its condition picks, so a register in the other is no part of
 * the value (measured with nasm 2.16.01, x a label further on, after `%if 0`: `%elif (x-x) ? al :
 * 5` and `%elif (x-x) ? al+1 : 5` take their branch, `%elif (x-x+1) ? al : 5` does not).
 */
function registersStay(e: Expr, ctx: EvalContext): boolean {
  const vector = firstPassEvaluation(e, { ...ctx, error: () => undefined }, true).vector;
  return vector === undefined || registersOf(vector).registers.some((r) => r.factor !== 0);
}

/**
 * The number `compared` (condition `c`'s expression `expr`, its registers compared, `trailing`
 * what follows it) gives in `scope`, or undefined after an error (reported when `scope.report`).
 */
function numberOf(c: CheckCondition, expr: Expr, compared: Expr, trailing: ParseError | undefined, scope: CheckScope, sink: DiagnosticSink): Value | undefined {
  const at = (start: number, end: number): SourceRange => lineRange(c.file, c.line, start, end);
  const expansion = c.expansion;
  const report = scope.report;
  const line = c.outputLine;
  // nasm's evaluation stops at the first symbol it has no value for: one message (measured:
  // `%if un-un` and `%if un-un2` are "symbol `un' not defined before use" once), as pp-expressions.ts.
  let failed = false;
  // (After a name it has no value for, nasm's evaluator has given up: no error after it is given;
  // after an operator's error it carries on after (`|`), a name's is. Measured with nasm 2.16.01,
  // `%assign A y & lab > 1 | lab` before `y equ 3` is "symbol `y' not defined before use" alone;
  // `%assign A lab | 1 | y` the `|`'s error, then y's.)
  let named = false, gaveUp = false;
  // An `%elif` naming a label further on fails without a word in nasm's first pass, which goes on;
  // its later passes know the label (measured with nasm 2.16.01: `db 1` / `%if 0` / `%elif y-$$` /
  // `db 3` / `%endif` / `y:` is 01 03).
  const later = c.directive.startsWith('%elif');
  const assigns = c.directive === '%assign';
  const ctx: EvalContext = {
    symbol: (name: string, node: Expr) => {
      if (node.k === 'sym' && isRegisterNode(node)) return { v: 0, sec: -1 };
      // (A name written with a `$` names no symbol here: see pp-expressions.ts evaluateExpression.)
      const escaped = node.k === 'sym' && node.escaped === true;
      const v = escaped ? undefined : scope.symbolBefore(name, c.statement, later);
      // (nasm's evaluator stops at the first: `%assign x lb - lb` before `lb:` names it once, measured.)
      if (v === undefined) {
        if (report && !named && !gaveUp) sink.error('undefined-symbol', `symbol \`${escaped ? `$${name}` : scope.qualify(name, c.statement)}' not defined before use`, at(node.start, node.end), expansion, undefined, line);
        failed = true;
        named = true;
      }
      return v;
    },
    here: () => scope.here(),
    base: () => scope.base(),
    // (A label or external name where none can be is a value, no number, to the preprocessor:
    // measured, `%if 2*lab`, `%if lab+lab`, `%if a+a` and `%if a+lab` with `extern a` are
    // "non-constant value given to `%if'".)
    error: (message: string, node: Expr) => {
      if (MISPLACED_LABEL.has(message)) { placed = false; return; }
      // (An `%elif` goes on after an error its evaluator carries on from, without a word, and
      // takes the number it went on with: measured with nasm 2.16.01, after `%if 0`, `%elif lab ^
      // 8` and `%elif lab && 1` take their branch, `%elif lab ^ 0` and `%elif lab < 5` do not.)
      if (later && !givesUp(message)) return;
      // (An `%assign` assigns the number its evaluator went on with after such an error, unless
      // that is no number: measured with nasm 2.16.01, `%assign v lab | 1` / `%if v` is the `|`'s
      // error alone, `%assign v lab << 1` the shift's then "non-constant value given to `%assign'".)
      failed ||= !assigns || givesUp(message);
      if (report && !named && !gaveUp) sink.error('expression', message, at(node.start, node.end), expansion, undefined, line);
      gaveUp ||= givesUp(message);
    },
    externals: scope.externals,
    segmentsNoNumber: true,
  };
  let placed = true;
  const v = evaluate(compared, ctx);
  if (failed) return undefined;
  // Tokens after the expression: warned of once it is read (see pp-expressions.ts ParsedExpression).
  if (trailing && report) sink.warning('trailing', trailing.message, at(trailing.start, trailing.end), expansion, line);
  // Unknown with no error: nasm's `a <=> b` when a < b (see expr.ts).
  if (!placed || v.v === undefined || v.sec >= 0 || (symbolsLeft(compared, isRegisterWord) !== 0 && registersStay(compared, ctx))) {
    if (report) sink.error('non-constant', `non-constant value given to \`${c.directive}'`, at(expr.start, expr.end), expansion, undefined, line);
    return undefined;
  }
  return v;
}
