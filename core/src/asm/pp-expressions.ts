// The expressions of nasm's preprocessor (`%if`, `%elif`, `%assign`, `%rep`, `%rotate`,
// `%aliases`): parsed and evaluated as nasm 2.16.01 does, over the `NAME equ` constants of the
// lines passed on before, and which of them need the assembler (`$`, `$$`, labels).

import type { SourceRange } from './api';
import type { DeferredIfs } from './deferred-if';
import type { DiagnosticSink } from './diagnostics';
import { evaluate, ExprParser, givesUp, isLocalName, isStackOverflow, MISPLACED_LABEL, parseWhole, resetEvaluation, type EvalContext, type Expr, type Value, type WholeExpression } from './expr';
import { firstLeaf, foldExpr } from './expr-walk';
import { firstPassEvaluation } from './eval-vector';
import { withDotsApart } from './number-dots';
import { preprocessOnlyValue } from './preprocess-only-values';
import { LineFlag, lineRange, type PPLines, type PPToken } from './source';
import { isNasmRegister } from '../isa/nasm-registers';
import { registersCompared, withoutRegisters } from './register-sum';
import { SREG } from '../isa/types';
import { DIRECTIVES, isKeywordWord, isUnreadableWord, SIZE_KEYWORDS } from './directives';
import { MNEMONIC_WORDS, PREFIX_WORDS } from './instruction-set';

/** The first token of `toks` nasm's evaluator cannot read (see isUnreadableWord). */
function unreadable(toks: readonly PPToken[]): PPToken | undefined {
  for (const t of toks) if (t.kind === 'ident' && isUnreadableWord(t.text)) return t;
  return undefined;
}

/**
 * Whether nasm's evaluator reads `name` as a register (a segment register too) or the `z` and
 * `sae` decorators: a value, but no number, and no symbol (measured: `%if eax` and `%if z` are
 * "non-constant value given to `%if'", under -E without "symbol references not supported";
 * `%if eax-eax` is false, the registers cancelling).
 */
export function isRegisterWord(name: string): boolean {
  if (isNasmRegister(name)) return true;
  const lower = name.toLowerCase();
  return lower === 'z' || lower === 'sae' || (SREG as readonly string[]).includes(lower);
}

/** What a name stands for in a preprocessor expression: an `equ` constant's value, if it is one. */
export type ConstantLookup = (name: string) => Value | undefined;

/**
 * What a name no constant stands for is as the preprocessor reads a line, assembling (see
 * evaluateExpression): a label of a line before (`label`), a number only Ringside's assembler
 * knows (`held`: see DeferredConstant), or nothing nasm has defined yet (undefined).
 */
export type SymbolLookup = (name: string) => 'label' | 'held' | undefined;

/**
 * Parses the expression of directive `d`, its tokens `expanded` (single-line macros expanded),
 * written at `whole` on line `line` of `file`; undefined after reporting an error.
 */
export function parseExpression(written: readonly PPToken[], whole: SourceRange, d: string, evalLimit: number, sink: DiagnosticSink, file: string, line: number, expansion: readonly SourceRange[]): ParsedExpression | undefined {
  const expanded = withDotsApart(written);
  if (expanded.length === 0) {
    // nasm's messages (measured; `%rotate` with no count at all is refused before this).
    const message = d.toLowerCase() === '%rep' ? `\`${d}' expects a repeat count` : 'expression syntax error';
    sink.error('syntax', message, whole, expansion);
    return undefined;
  }
  // A `%$x` no single-line macro replaced (measured: `%push c` / `%assign w %$zz+1`, and a
  // `%local` with no `%assign %$localsize 0` before it, are nasm's "expression syntax error").
  const local = expanded.find((t) => t.contextLocal !== undefined);
  if (local !== undefined) {
    sink.error('syntax', 'expression syntax error', whole, expansion);
    return undefined;
  }
  const word = unreadable(expanded);
  if (word !== undefined) {
    sink.error('syntax', 'expression syntax error', lineRange(file, line, word.start, word.end), expansion);
    return undefined;
  }
  const parsed = parseReported(expanded, evalLimit, sink, file, line, expansion);
  if (parsed === undefined) return undefined;
  const { expr, trailing } = parsed;
  return { expr, trailing: trailing && { message: trailing.message, range: lineRange(file, line, trailing.start, trailing.end) }, tokens: expanded };
}

/** `expanded` parsed whole as a preprocessor expression, its warning reported; undefined after reporting its error. */
function parseReported(expanded: readonly PPToken[], evalLimit: number, sink: DiagnosticSink, file: string, line: number, expansion: readonly SourceRange[]): { expr: Expr; trailing: WholeExpression['trailing'] } | undefined {
  const { expr, error, warning, laterWarnings, unreadFloat, scanned, trailing } = parseWhole(expanded, evalLimit, true);
  for (const w of [warning, ...laterWarnings ?? [], scanned]) if (w) sink.warning(w.code, w.message, lineRange(file, line, w.start, w.end), expansion);
  reportUnreadFloat(unreadFloat, sink, file, line, expansion);
  if (expr === undefined) {
    sink.error('syntax', error!.message, lineRange(file, line, error!.start, error!.end), expansion);
    return undefined;
  }
  return { expr, trailing };
}

/**
 * nasm's error for a floating-point constant a preprocessor expression could not read, which it
 * evaluates on as a quiet NaN (see ExprParser.unreadFloat). One its significand has, nasm gives in
 * its final pass alone, as a data item's (see listing-errors.ts): not when an error of an earlier
 * pass stopped it (measured with nasm 2.16.01; `nasm -E` gives it).
 */
function reportUnreadFloat(unread: ExprParser['unreadFloat'], sink: DiagnosticSink, file: string, line: number, expansion: readonly SourceRange[]): void {
  if (unread !== undefined) sink.error(unreadFloatCode(unread), unread.message, lineRange(file, line, unread.start, unread.end), expansion);
}

/** The code of that error: a significand's is given in the final pass alone (see above). */
export function unreadFloatCode(unread: NonNullable<ExprParser['unreadFloat']>): 'float-significand' | 'syntax' {
  return unread.inFinalPass === true ? 'float-significand' : 'syntax';
}

/**
 * A preprocessor expression parsed, and the tokens after it, if any: nasm warns of them ("trailing
 * garbage after expression ignored") only once the expression is evaluated without an error,
 * before saying its value is not a number (preproc.c; measured with 2.16.01: `%if x 2` with `x`
 * unknown, `%if 1/0 2` give their error alone; `%if a 2` after label `a:` warns, then
 * "non-constant value given to `%if'").
 */
export interface ParsedExpression {
  readonly expr: Expr;
  readonly trailing: { readonly message: string; readonly range: SourceRange } | undefined;
  /** The tokens it was parsed from, as nasm scans them (see withDotsApart): the assembler reads them again when it decides the condition. */
  readonly tokens: readonly PPToken[];
}

/**
 * Parses the expression at `from` in `expanded` as nasm's evaluator reads one of several on a line
 * (`%substr`'s start and length, measured with nasm 2.16.01): up to the first token that cannot
 * go on with it, which the evaluator has then read too, so the next one starts after that token
 * (`%substr S 'abcdef' 2 3 4` is 'bcde'). Returns the expression and where the next begins;
 * undefined after reporting nasm's error.
 */
export function parseLeading(expanded: readonly PPToken[], from: number, evalLimit: number, sink: DiagnosticSink, file: string, line: number, expansion: readonly SourceRange[]): { expr: Expr; next: number } | undefined {
  const p = new ExprParser(expanded, from, expanded.length, undefined, evalLimit);
  p.preprocessor = true;
  const expr = p.parse();
  for (const w of [p.warning, ...p.laterWarnings ?? []]) if (w) sink.warning(w.code, w.message, lineRange(file, line, w.start, w.end), expansion);
  reportUnreadFloat(p.unreadFloat, sink, file, line, expansion);
  if (expr === undefined || p.error !== undefined) {
    const at = expanded[Math.min(p.pos, expanded.length - 1)];
    const error = p.error ?? { message: 'expression syntax error', start: at.start, end: at.end };
    sink.error('syntax', error.message, lineRange(file, line, error.start, error.end), expansion);
    return undefined;
  }
  return { expr, next: Math.min(expanded.length, p.pos + 1) };
}

/**
 * Parses an argument of a preprocessor function (see pp-functions.ts) as nasm 2.16.01 does
 * (measured): nothing is "expression syntax error", tokens after the expression are error
 * `invalid` (`%eval(2 3)`: "invalid expression in parameter 0 of function `%eval'").
 */
export function parseArgument(written: readonly PPToken[], whole: SourceRange, invalid: string, evalLimit: number, sink: DiagnosticSink, file: string, line: number, expansion: readonly SourceRange[]): Expr | undefined {
  const expanded = withDotsApart(written);
  const word = expanded.length === 0 ? undefined : unreadable(expanded);
  if (expanded.length === 0 || word !== undefined) {
    sink.error('syntax', 'expression syntax error', word === undefined ? whole : lineRange(file, line, word.start, word.end), expansion);
    return undefined;
  }
  const parsed = parseReported(expanded, evalLimit, sink, file, line, expansion);
  if (parsed === undefined) return undefined;
  const { expr, trailing } = parsed;
  if (trailing) {
    sink.error('syntax', invalid, lineRange(file, line, trailing.start, trailing.end), expansion);
    return undefined;
  }
  return expr;
}

/** The section of `$` and `$$` in a preprocessor expression: one no line is in (see noPlace in evaluateExpression). */
const HERE_SECTION = 0x7fffffff;

/**
 * Evaluates a parsed expression of directive `d` (see parseExpression); after reporting an error,
 * 'unread' where nasm's evaluator fails (an unknown name, a division by zero) and 'non-constant'
 * for a value that is no number. `preprocessOnly`: for `nasm -E`, which knows no symbols, nor `$`
 * and `$$`: it reports each (again at every evaluation, its number `evaluation`: a %rep round, a
 * macro called again) and reads it as 0, which is right when they cancel (see symbolsLeft).
 * `trailing`: the tokens after the expression, warned of once it is read (see ParsedExpression).
 */
export function evaluateExpression(expr: Expr, d: string, constant: ConstantLookup, sink: DiagnosticSink, file: string, line: number, expansion: readonly SourceRange[],
  preprocessOnly?: { readonly evaluation: number }, nonConstant = `non-constant value given to \`${d}'`, trailing?: ParsedExpression['trailing'], symbolOf?: SymbolLookup): Value | 'unread' | 'non-constant' {
  let failed = false;
  // (nasm's evaluator stops at the first symbol it has no value for: one message.)
  let undefinedReported = false;
  const onlyError = (message: string, node: Expr): void =>
    sink.report('error', 'non-constant', message, lineRange(file, line, node.start, node.end), expansion, undefined, -1, -1, preprocessOnly!.evaluation);
  const noPlace = (what: string): Value | undefined => {
    // Outside `nasm -E`, nasm's `$` and `$$` are places in a section, no numbers: `%rep $` is
    // "non-constant value given to `%rep'", `$/2` "division operator may only be applied to
    // scalar values", `$$-$+2` 2 (measured with 2.16.01). (Ringside's `%if` and `%assign` of
    // them are the assembler's: see assemblerTerm.)
    if (preprocessOnly === undefined) return { v: 0, sec: HERE_SECTION };
    onlyError(`\`${what}' not supported in preprocess-only mode`, expr);
    return { v: 0, sec: -1 };
  };
  const ctx: EvalContext = {
    symbol: (name: string, node: Expr) => {
      // nasm's preprocessor gives its evaluator a name as written, `$` and all, which names no
      // symbol (measured with 2.16.01: `r equ 3` / `%if $r == 3` and `lab:` / `%if $lab` are
      // "symbol `$r' not defined before use", `$eax` too).
      const escaped = node.k === 'sym' && node.escaped === true;
      const known = escaped ? undefined : constant(name);
      if (known !== undefined) return known;
      // (Counted as a symbol is, by symbolsLeft and registersLeft below.)
      if (!escaped && isRegisterWord(name)) return { v: 0, sec: -1 };
      if (preprocessOnly !== undefined) {
        onlyError('symbol references not supported in preprocess-only mode', node);
        return { v: 0, sec: -1 };
      }
      // Assembling, nasm knows the labels of the lines before, whose value is no number, and
      // has none for a name defined later or nowhere (measured: `lb:` / `%rep lb` is
      // "non-constant value given to `%rep'", `%rep la` / `la:` "symbol `la' not defined before use").
      const kind = escaped ? undefined : symbolOf?.(name);
      if (kind === 'label') return { v: 0, sec: -1 };
      failed = true;
      if (kind === undefined && symbolOf !== undefined) {
        if (!undefinedReported) sink.error('undefined-symbol', `symbol \`${escaped ? '$' : ''}${name}' not defined before use`, lineRange(file, line, node.start, node.end), expansion);
        undefinedReported = true;
        return undefined;
      }
      sink.error('non-constant', `symbol \`${name}' is not a constant the preprocessor knows (in \`${d}')`, lineRange(file, line, node.start, node.end), expansion);
      return undefined;
    },
    here: () => noPlace('$'),
    base: () => noPlace('$$'),
    // (After an error its evaluator carries on from, nasm goes on with the number it made:
    // measured with nasm 2.16.01, `%assign v 1 + __?ilog2e?__(3)` then `%if v` is the ilog2
    // error alone, v being 2; `%rep __?ilog2e?__(9)` repeats.)
    error: (message: string, node: Expr) => {
      if (givesUp(message)) failed = true;
      sink.error('expression', message, lineRange(file, line, node.start, node.end), expansion);
    },
    // (`__?ilog2w?__` of a number no power of two: measured with nasm 2.16.01, `%assign a
    // __?ilog2w?__(7)` warns "ilog2 argument is not a power of two" and is 2.)
    warn: (code: string, message: string, node: Expr) => sink.warning(code, message, lineRange(file, line, node.start, node.end), expansion),
    segmentsNoNumber: true,
  };
  let v: Value;
  // (`nasm -E`: a symbol compared with a register is still one it has no value for, the comparison
  // no number, an ordering too: measured, `%if eax=lbl` and `%if eax<lbl` are "non-constant value
  // given to `%if'", `%if lbl-lbl+eax=eax` true.)
  let symbolsCompared: number | undefined = 0;
  let model: ReturnType<typeof preprocessOnlyValue>;
  const isRegister = (s: Extract<Expr, { k: 'sym' }>): boolean => s.escaped === undefined && isRegisterWord(s.name) && constant(s.name) === undefined;
  try {
    if (registersAlone(expr, constant)) {
      const r = registerExpression(expr, constant, (message, node) => sink.error('expression', message, lineRange(file, line, node.start, node.end), expansion));
      if (r === 'unread') return r;
      if (trailing !== undefined) sink.warning('trailing', trailing.message, trailing.range, expansion);
      if (r !== undefined) return r;
      if (preprocessOnly !== undefined) onlyError(nonConstant, expr);
      else sink.error('non-constant', nonConstant, lineRange(file, line, expr.start, expr.end), expansion);
      return 'non-constant';
    }
    if (preprocessOnly !== undefined && firstLeaf(expr, (x) => x.k === 'sym' && isRegister(x)) !== undefined) {
      const r = registerOperatorsUnderE(expr, constant, ctx, onlyError, nonConstant, sink, trailing, expansion);
      if (r !== undefined) return r;
    }
    const compared = registersCompared(expr, isRegister);
    if (preprocessOnly !== undefined && compared !== expr) symbolsCompared = symbolsLeft(withoutRegisters(expr, isRegister));
    if (typeof compared === 'string' && symbolsCompared === 0) { ctx.error(compared, expr); return 'unread'; }
    if (typeof compared !== 'string') expr = compared;
    // (Under -E nasm's unknown term decides, see preprocessOnlyValue; the evaluation still names
    // each symbol, and what it would say of their stand-in zeros is not nasm's: `%if a/b`.)
    model = preprocessOnly !== undefined && symbolsCompared === 0 ? preprocessOnlyValue(expr, (name) => numberNamed(constant, name), isRegisterWord) : undefined;
    v = evaluate(expr, model === undefined ? ctx : { ...ctx, error: () => undefined });
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    resetEvaluation();
    ctx.error('expression too long', expr);
    return 'unread';
  }
  if (failed) return 'unread';
  if (trailing !== undefined) sink.warning('trailing', trailing.message, trailing.range, expansion);
  if (model === 'non-constant') { onlyError(nonConstant, expr); return 'non-constant'; }
  if (model !== undefined) return { v: model, sec: -1 };
  // (Each register a term of its own, apart from the symbols': see registersCancel.)
  const registers = registersCancel(expr, isRegister);
  const left = !registers ? undefined : preprocessOnly !== undefined ? symbolsLeft(withoutRegisters(expr, isRegister)) : symbolsLeft(expr, (name) => constant(name) === undefined && !isRegisterWord(name) && symbolOf?.(name) === 'label');
  if ((left !== 0 || symbolsCompared !== 0) && preprocessOnly !== undefined) { onlyError(nonConstant, expr); return 'non-constant'; }
  if (left !== 0) {
    sink.error('non-constant', nonConstant, lineRange(file, line, expr.start, expr.end), expansion);
    return 'non-constant';
  }
  // An unknown value with no error: nasm's `a <=> b` when a < b (see expr.ts).
  if (v.v === undefined || v.sec >= 0) { sink.error('non-constant', nonConstant, lineRange(file, line, expr.start, expr.end), expansion); return 'non-constant'; }
  return v;
}

/**
 * Under `nasm -E`, an expression naming registers and names it has no value for, where nasm's
 * evaluator gives an error of an operator on a register: evaluated as its vectors hold them (see
 * firstPassEvaluation), each name an unknown part, its errors given in order with the names' (a
 * conditional's branch not taken is evaluated too; measured with nasm 2.16.01 -E: `%if 1 ? 2 :
 * al*fwd` is "symbol references not supported in preprocess-only mode", then "unable to
 * multiply two non-scalar objects"; `%if a ? 2 : al<<1` the shift's error, then "non-constant
 * value given to `%if'"). Undefined where it gives none: the general evaluation's.
 */
function registerOperatorsUnderE(expr: Expr, constant: ConstantLookup, ctx: EvalContext, onlyError: (message: string, node: Expr) => void, nonConstant: string,
  sink: DiagnosticSink, trailing: ParsedExpression['trailing'], expansion: readonly SourceRange[]): Value | 'unread' | 'non-constant' | undefined {
  let gaveUp = false;
  const names = (reported: boolean): EvalContext => ({
    ...ctx,
    symbol: (name, node) => {
      const known = node.k === 'sym' && node.escaped === true ? undefined : constant(name);
      if (known !== undefined) return known;
      if (node.k === 'sym' && node.escaped === undefined && isRegisterWord(name)) return { v: 0, sec: -1 };
      if (reported && !gaveUp) onlyError('symbol references not supported in preprocess-only mode', node);
      return undefined;
    },
    here: reported ? ctx.here : () => ({ v: 0, sec: -1 }),
    base: reported ? ctx.base : () => ({ v: 0, sec: -1 }),
    error: () => undefined,
  });
  if (firstPassEvaluation(expr, names(false), true).errors.length === 0) return undefined;
  const read = firstPassEvaluation(expr, names(true), true, (message) => {
    ctx.error(message, expr);
    gaveUp ||= givesUp(message);
  });
  if (read.gaveUp) return 'unread';
  if (trailing !== undefined) sink.warning('trailing', trailing.message, trailing.range, expansion);
  if (!read.number || read.value === undefined) { onlyError(nonConstant, expr); return 'non-constant'; }
  return { v: read.value, sec: -1 };
}

/**
 * Whether `root` names a register, and besides numbers only constants the preprocessor knows (no
 * label, no `$`): what nasm -E and nasm's assembling read alike (see registerExpression).
 */
function registersAlone(root: Expr, constant: ConstantLookup): boolean {
  let register = false;
  // (A loop, not recursion: an expression may be as deep as nasm lets it.)
  const pending: Expr[] = [root];
  for (let e = pending.pop(); e !== undefined; e = pending.pop()) {
    if (e.k === 'here' || e.k === 'base') return false;
    if (e.k === 'sym') {
      if (e.escaped === undefined && constant(e.name) === undefined && isRegisterWord(e.name)) register = true;
      else if (e.escaped !== undefined || constant(e.name) === undefined) return false;
    } else if (e.k === 'un') pending.push(e.a);
    else if (e.k === 'bin') pending.push(e.b, e.a);
  }
  return register;
}

/** Each register's term in a preprocessor expression (see registerValue): above any section, below EXTERNAL_SEGMENTS. */
const REGISTER_TERMS = 0x50000000;
const registerTerms = new Map<string, number>();

/**
 * Register `name` as nasm's evaluator has it: a term of its own (its expr vector's register
 * type), no number, which sums and products by numbers carry as they carry a label's section,
 * and which the operators on numbers refuse as they refuse a label's.
 */
function registerValue(name: string): Value {
  const lower = name.toLowerCase();
  let sec = registerTerms.get(lower);
  if (sec === undefined) registerTerms.set(lower, (sec = REGISTER_TERMS + registerTerms.size));
  return { v: 0, sec };
}

/**
 * A preprocessor expression of registers and numbers (see registersAlone), evaluated as nasm does
 * under -E and assembling alike, each register a term of its own (measured with nasm 2.16.01:
 * `%if eax-ebx` is "non-constant value given to `%if'", `%if ebx*0` and `%if (eax+1)*0` false,
 * `%if 2*eax-eax-eax+1` true, `%if eax==eax` true, `%if 1 || eax` "`|' operator may only be
 * applied to scalar values" and then true, nasm -E putting out its block). `error` reports the
 * evaluator's errors; 'unread' after one it gives up at, undefined for a value that is no number
 * (a sum of registers where a term alone cannot be is none, and no error of the evaluator's).
 */
function registerExpression(expr: Expr, constant: ConstantLookup, error: EvalContext['error']): Value | 'unread' | undefined {
  let placed = true;
  let gaveUp = false;
  const v = evaluate(expr, {
    symbol: (name) => constant(name) ?? registerValue(name),
    here: () => undefined, base: () => undefined,
    registerTerms: true, segmentsNoNumber: true,
    error: (message, node) => {
      if (MISPLACED_LABEL.has(message)) { placed = false; return; }
      gaveUp ||= givesUp(message);
      error(message, node);
    },
  });
  if (gaveUp) return 'unread';
  return placed && v.v !== undefined && v.sec < 0 ? v : undefined;
}

/** The number constant `name` stands for (see ConstantLookup), if any. */
function numberNamed(constant: ConstantLookup, name: string): number | undefined {
  const c = constant(name);
  return c?.v !== undefined && c.sec < 0 && c.big === undefined ? c.v : undefined;
}

/**
 * How many times the symbols, `$` and `$$` of `e` count in its value (`a - b` and `$ - $$` none,
 * `a + 1` once), undefined when one is in an operation other than a sum: as `nasm -E` reads them,
 * where it knows none (measured with nasm 2.16.01: `%if a - b == 3` and `%if a - $$ == 0` are
 * constants, `%if a == 3`, `-a`, `$ > 0` and `a + 1 > 3` are not). `counted`: which names count,
 * as nasm's assembling reads them (registers and labels; the constants it knows), else all, with
 * `$` and `$$`.
 */
export function symbolsLeft(e: Expr, counted?: (name: string) => boolean): number | undefined {
  return foldExpr<number | undefined>(e, {
    leaf: (x) => {
      if (x.k === 'sym') return counted === undefined || counted(x.name) ? 1 : 0;
      return x.k !== 'num' && counted === undefined ? 1 : 0;
    },
    unary: (x, a) => x.op === '+' || a === 0 ? a : undefined,
    binary: (x, a, b) => {
      if (a === undefined || b === undefined) return undefined;
      if (x.op === '+') return a + b;
      if (x.op === '-') return a - b;
      return a === 0 && b === 0 ? 0 : undefined;
    },
  });
}

/**
 * Whether each register `e` names (`isRegister`) cancels out of it, as nasm's evaluator holds each
 * register as a term of its own, apart from the symbols' and `$`'s (measured with nasm 2.16.01:
 * `lb:` / `%rep ecx-lb+2` is "non-constant value given to `%rep'", under -E `%rep ecx-ecxx+2` too,
 * where `%if ecx-ECX+lb-lb+1` is true).
 */
function registersCancel(e: Expr, isRegister: (s: Extract<Expr, { k: 'sym' }>) => boolean): boolean {
  const names = new Set<string>();
  foldExpr<void>(e, { leaf: (x) => { if (x.k === 'sym' && isRegister(x)) names.add(x.name.toLowerCase()); }, unary: () => undefined, binary: () => undefined });
  for (const name of names) if (symbolsLeft(e, (n) => n.toLowerCase() === name) !== 0) return false;
  return true;
}

/** The first `$`, `$$`, or name that is no preprocessor constant (`constant`) in `e`. */
export function assemblerTerm(root: Expr, constant: ConstantLookup): Expr | undefined {
  // (A loop, left to right, not recursion: an expression may be as deep as nasm lets it.)
  let pending: Expr[] | undefined;
  for (let e: Expr | undefined = root; e !== undefined; e = pending?.pop()) {
    if (e.k === 'here' || e.k === 'base') return e;
    if (e.k === 'sym' && constant(e.name) === undefined && !isRegisterWord(e.name)) return e;
    if (e.k === 'un') (pending ??= []).push(e.a);
    else if (e.k === 'bin') (pending ??= []).push(e.b, e.a);
  }
  return undefined;
}

/** Whether a line starting with `name` (`lower` in lower case) and no colon defines it: no word of nasm's. */
function isLabelWord(name: string, lower: string): boolean {
  return !isNasmRegister(lower) && !isKeywordWord(lower) && !MNEMONIC_WORDS.has(lower) && !PREFIX_WORDS.has(lower) && !DIRECTIVES.has(lower)
    && SIZE_KEYWORDS[lower] === undefined && lower !== 'times' && lower !== 'equ' && name.charCodeAt(0) !== 0x5b;
}

/**
 * The values of `NAME equ <number expression>` on the lines already passed on: nasm assembles each
 * line as it preprocesses it, so `%if` and `%assign` see the constants defined above them
 * (`SECTORS equ 20` / `%if SECTORS > 127`), from an included file, a macro or a %rep too
 * (measured with nasm 2.16.01). Lines are indexed on the first such lookup only; a value that
 * needs a label or `$` is unknown, as in nasm's first pass.
 */
export class EquConstants {
  /** `NAME equ ...` lines read so far, by name, and how far the output was read through. */
  private readonly bodies = new Map<string, readonly PPToken[]>();
  private scanned = 0;
  /**
   * The labels the lines read define (a `.local` one under the label before it, `base`), and the
   * structure a `struc` opened, whose `endstruc` defines NAME_size: as nasm's first pass has them
   * when it preprocesses a line (see labelOf). Those in absolute space (a structure's, after
   * `absolute`) are numbers to nasm, which Ringside's preprocessor does not know.
   */
  private readonly labels = new Map<string, 'label' | 'held'>();
  private labelsScanned = 0;
  private base = '';
  private structure: string | undefined;
  private absolute = false;

  constructor(private readonly evalLimit: number) {}

  /**
   * Reads output lines `out` up to `end` (not included) not read yet. One in a branch of a block
   * handed on to the assembler (`deferred`) is the assembler's to know.
   */
  readTo(out: PPLines, end: number, deferred: DeferredIfs): void {
    for (; this.scanned < end; this.scanned++) {
      const i = this.scanned;
      if ((out.flags[i] & LineFlag.ListOnly) !== 0) continue;
      const toks = out.tokensOf(i);
      const at = toks[1]?.text === ':' ? 2 : 1;
      const word = toks[at];
      if (toks[0]?.kind !== 'ident' || word?.kind !== 'ident' || word.text.toLowerCase() !== 'equ' || this.bodies.has(toks[0].text)) continue;
      if (deferred.handedOn(i)) continue;
      this.bodies.set(toks[0].text, toks.slice(at + 1));
    }
  }

  /**
   * Whether one of output lines `out` before `end` (one in a block the assembler decides aside)
   * defines label `name` (a `.local` name as under the last label): `label`, or `held` for one
   * in absolute space. Lines are read for labels on the first such question only.
   */
  labelOf(name: string, out: PPLines, end: number, deferred: DeferredIfs): 'label' | 'held' | undefined {
    for (; this.labelsScanned < end; this.labelsScanned++) {
      const i = this.labelsScanned;
      if ((out.flags[i] & LineFlag.ListOnly) === 0 && !deferred.handedOn(i)) this.readLabel(out.tokensOf(i));
    }
    return this.labels.get(isLocalName(name) ? this.base + name : name);
  }

  /** The label line `toks` defines, if any: a name before a colon, or one that is no word of nasm's before the rest. */
  private readLabel(toks: readonly PPToken[]): void {
    const bracketed = toks[0]?.text === '[';
    const first = bracketed ? toks[1] : toks[0];
    if (first?.kind !== 'ident') return;
    const lower = first.text.toLowerCase();
    if (lower === 'absolute' || lower === 'section' || lower === 'segment') { this.absolute = lower === 'absolute'; return; }
    if (bracketed) return;
    if (lower === 'struc' && toks[1]?.kind === 'ident') {
      this.absolute = true;
      this.define(toks[1].text, false);
      this.structure = toks[1].text;
    } else if (lower === 'endstruc' && this.structure !== undefined) {
      this.labels.set(`${this.structure}_size`, 'held');
      this.structure = undefined;
      this.absolute = false;
    } else if (toks[1]?.text === ':' || isLabelWord(first.text, lower)) {
      // (An `equ` sets no base for `.local` names: measured, `lb:` / `x equ 3` / `%rep .l` reads `lb.l`.)
      this.define(first.text, toks[toks[1]?.text === ':' ? 2 : 1]?.text.toLowerCase() === 'equ');
    }
  }

  private define(name: string, isEqu: boolean): void {
    const kind = this.absolute ? 'held' : 'label';
    if (isLocalName(name)) { this.labels.set(this.base + name, kind); return; }
    this.labels.set(name, kind);
    if (!isEqu && !name.startsWith('..@')) this.base = name;
  }

  /** The value of constant `name` as the lines read define it, if it is a number the preprocessor knows. */
  value(name: string, depth = 0): Value | undefined {
    const body = this.bodies.get(name);
    if (body === undefined || body.length === 0 || depth > 32) return undefined;
    const { expr } = parseWhole(body, this.evalLimit);
    if (expr === undefined) return undefined;
    let ok = true;
    const v = evaluate(expr, {
      symbol: (other: string) => { const o = this.value(other, depth + 1); if (o === undefined) ok = false; return o; },
      here: () => { ok = false; return undefined; }, base: () => { ok = false; return undefined; }, error: () => { ok = false; },
    });
    return ok && v.v !== undefined && v.sec < 0 ? v : undefined;
  }
}
