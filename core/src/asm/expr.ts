// Expressions (NASM manual §3.5): parsed once from tokens into a small tree, evaluated every pass.
// Values are signed 64-bit integers, as in nasm: JS numbers while they are safe integers (the
// common case), with the exact value as a BigInt beside the number once an operation leaves that
// range. A value is absolute or relative to a section; the difference of two labels in one section
// is absolute, as in nasm.

import type { Token } from './lexer';
import { DEFAULT_FLOAT_MODE, encodeFloat, floatConstant, FLOAT_FORMATS, type FloatFunction, floatFunction, floatFunctionValue, type FloatWarning, packedBcd, packedBcdDigits, QUIET_NAN, specialFloat } from './floats';
import { exceeds64Bits, isFloatText, parseNumber, parseNumberExact } from './numbers';
import { decodeString, stringValue, utfConvert, utfFunction, type UtfFunction } from './strings';
import { firstLeaf, foldExpr } from './expr-walk';
import { lookupRegister } from '../isa/registers';
import { bracedWord } from './source';
import { LOAD_SEGMENTS } from './sections';

export type Expr =
  | { readonly k: 'num'; readonly v: number; readonly big?: bigint; readonly start: number; readonly end: number }
  /** `escaped`: written with a `$` (`$eax`), which makes a register's or keyword's name a symbol's. */
  | { readonly k: 'sym'; readonly name: string; readonly start: number; readonly end: number; readonly tok: number; readonly escaped?: true }
  | { readonly k: 'here' | 'base'; readonly start: number; readonly end: number }
  | { readonly k: 'un'; readonly op: string; readonly a: Expr; readonly start: number; readonly end: number }
  | { readonly k: 'bin'; readonly op: string; readonly a: Expr; readonly b: Expr; readonly start: number; readonly end: number };

/** An evaluated value. `v` undefined: a symbol is not known (yet). `sec` -1: absolute, else the section. */
export interface Value {
  v: number | undefined;
  sec: number;
  /** The exact value when it is beyond ±2^53 (`v` is then its nearest number). */
  big?: bigint;
  /**
   * For a value that subtracts a label of the current section and adds none (`-lab`, see
   * relocatableSum): the value without the section's address, by which nasm sizes a memory
   * reference's displacement, the whole value filling it (`[ebp-.x]`; measured).
   */
  offset?: number;
  /**
   * A sum of labels whose section bases nasm's bin output leaves out (an instruction's immediate,
   * see relocatableSum): relocatable for the encoder (no sign-extended byte form), in no section.
   */
  scaled?: true;
}

export interface EvalContext {
  /** A symbol's value, or undefined when it is not defined (yet). */
  symbol(name: string, node: Expr): Value | undefined;
  /** `$` and `$$`; undefined outside the assembler (preprocessor %if). */
  here(): Value | undefined;
  base(): Value | undefined;
  /** Reports a problem at a node; evaluation continues with an unknown value. */
  error(message: string, node: Expr): void;
  /** Reports a warning of class `code` at a node (the assembler's; the preprocessor has none). */
  warn?(code: string, message: string, node: Expr): void;
  /**
   * A section's address where a label sum may leave it out (see relocatableSum): an instruction's
   * immediate; undefined elsewhere.
   */
  sectionAddress?(sec: number): number | undefined;
  /**
   * Where section `sec`'s labels start (its address): nasm's evaluator holds a label as its offset
   * from there, the number an operator it carries on after its error reads (see afterScalarError);
   * the assembler's.
   */
  sectionStart?(sec: number): number | undefined;
  /** The external names (see ExternalName), where there are any: the assembler's. */
  readonly externals?: ReadonlyMap<string, ExternalName>;
  /** Whether nasm's first pass knows every name in `e` (one defined further on it does not): the assembler's. */
  knownAtFirst?(e: Expr): boolean;
  /**
   * Whether the terms that are no number here are registers (the preprocessor's, see
   * pp-expressions.ts registerExpression), which nasm's vectors put before the number: after an
   * operator's error for one, its evaluator goes on with 0 for the operand, or a shift's number
   * (see afterScalarError).
   */
  readonly registerTerms?: boolean;
  /**
   * Whether a value `wrt` a segment is no number, whatever the segment: nasm's preprocessor, whose
   * evaluator keeps the segment as a part of the value (eval.c, EXPR_WRT; measured with nasm
   * 2.16.01: `%if 5 wrt 3`, `%if 5 wrt -1` and `%assign v k wrt k` are "non-constant value
   * given to `%if'"). Its target is read as the assembler's (see withRespectTo).
   */
  readonly segmentsNoNumber?: true;
}

/**
 * A name `extern` declares (its own root, adding nothing), or an `equ` of one (`x equ a + 3`: root
 * `a`, adding 3). In nasm a root is a segment of its own, which cancels where the sum of its
 * coefficients is 0 (measured with nasm 2.16.01: `extern a` / `db a - a + 3` is 3, `dd 2*a - a - a`
 * 0, `x equ a` / `db x - a` 0); anywhere else the bin format refuses it.
 */
export interface ExternalName {
  readonly root: string;
  readonly rest: Value;
}

export interface ParseError {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** Binary operator precedence, lowest first (manual §3.5 plus the %if operators of §4.4). */
/** nasm 2.16's `--limit-eval` default. */
export const DEFAULT_EVAL_LIMIT = 8192;

const PRECEDENCE: Record<string, number> = {
  '||': 1, '^^': 2, '&&': 3,
  '=': 4, '==': 4, '!=': 4, '<>': 4, '<': 4, '>': 4, '<=': 4, '>=': 4, '<=>': 4,
  '|': 5, '^': 6, '&': 7, '<<': 8, '>>': 8, '<<<': 8, '>>>': 8, '+': 9, '-': 9,
  '*': 10, '/': 10, '//': 10, '%': 10, '%%': 10,
};

/** A whole token list parsed as one expression (parseWhole). */
export interface WholeExpression {
  /** Undefined when parsing stopped before the end: then `error` says where and why. */
  readonly expr: Expr | undefined;
  readonly error: ParseError | undefined;
  readonly warning: ExprParser['warning'];
  readonly laterWarnings?: ExprParser['laterWarnings'];
  readonly unreadFloat?: ExprParser['unreadFloat'];
  /** The tokens past a preprocessor expression, which nasm ignores with a warning (see parseWhole). */
  readonly trailing?: ParseError;
  /** The warning of the first of them, read by nasm's scanner (see scannedOverflow). */
  readonly scanned?: ExprParser['warning'];
}

/**
 * `tokens` parsed as one expression (the preprocessor's `%if`, `%assign`, an equ it evaluates, a
 * condition the assembler decides). A token left over is an expression syntax error, but for the
 * `preprocessor`, whose expression nasm 2.16 ends where it cannot go on: the rest is ignored with
 * a warning (`%if 1 2` is `%if 1`, measured).
 */
export function parseWhole(tokens: readonly Token[], evalLimit: number, preprocessor = false): WholeExpression {
  const p = new ExprParser(tokens, 0, tokens.length, undefined, evalLimit);
  p.preprocessor = preprocessor;
  let expr = p.parse();
  // (nasm's evaluator reads `wrt` and the operand after it once the whole expression is read, the
  // preprocessor's too: measured with nasm 2.16.01, `%if 1 wrt 3 / 1` warns of the `/ 1` as
  // trailing garbage, `%assign v (1 wrt 3)` is "expecting `)'", `%if 1 wrt` a syntax error.)
  if (expr !== undefined && preprocessor && p.error === undefined && p.pos < tokens.length && isWrtWord(tokens[p.pos])) {
    p.pos++;
    const target = p.wrtTarget();
    expr = target === undefined ? undefined : { k: 'bin', op: 'wrt', a: expr, b: target, start: expr.start, end: target.end };
  }
  const unreadFloat = p.unreadFloat;
  const laterWarnings = p.laterWarnings;
  if (expr !== undefined && p.pos >= tokens.length) return { expr, error: undefined, warning: p.warning, laterWarnings, unreadFloat };
  if (expr !== undefined && preprocessor && p.error === undefined) {
    const trailing = { message: 'trailing garbage after expression ignored', start: tokens[p.pos].start, end: tokens[tokens.length - 1].end };
    return { expr, error: undefined, warning: p.warning, laterWarnings, unreadFloat, scanned: scannedOverflow(tokens[p.pos]), trailing };
  }
  const at = tokens[Math.min(p.pos, tokens.length - 1)];
  const error = p.error ?? { message: 'expression syntax error', start: at.start, end: at.end };
  return { expr: undefined, error, warning: p.warning, laterWarnings, unreadFloat };
}

function isWrtWord(t: Token): boolean {
  return t.kind === 'ident' && t.text.length === 3 && t.text.toLowerCase() === 'wrt';
}

/** A step of ExprParser.read under way: a conditional, a binary operator's operands, or an operand with its prefixes. */
type LoopFrame =
  | { readonly k: 'cond'; step: 0 | 1 | 2 | 3; c?: Expr; a?: Expr; q?: Token }
  | { readonly k: 'bin'; readonly minPrec: number; started: boolean; left?: Expr; op?: Token }
  | { readonly k: 'un'; step: 0 | 1; ops?: Token[]; ilog2?: string; name?: Token };

/** `e` under the prefix operators `ops` read before it, the last read innermost. */
function withPrefixes(e: Expr | undefined, ops: readonly Token[] | undefined): Expr | undefined {
  for (let i = (ops?.length ?? 0) - 1; i >= 0 && e !== undefined; i--) e = { k: 'un', op: ops![i].text, a: e, start: ops![i].start, end: e.end };
  return e;
}

/**
 * The expression parser over a token slice (see `read`). `localBase` turns `.x` into `parent.x`.
 * Stops at the first token that cannot continue the expression; the caller checks `pos`.
 */
export class ExprParser {
  pos: number;
  error: ParseError | undefined;
  /** A problem that does not stop the expression (a character constant cut to four bytes), with its diagnostic code. */
  warning: (ParseError & { readonly code: string }) | undefined;
  /**
   * Those after the first, in order: nasm's scanner gives one for each token it reads (measured
   * with nasm 2.16.01: `mov eax, 'abcde' + 'fghij'` warns twice).
   */
  laterWarnings: (ParseError & { readonly code: string })[] | undefined;
  /**
   * In a preprocessor expression, the first floating-point constant a `__?floatN?__()` could not
   * read: nasm's error, after which its evaluator goes on with a quiet NaN (`inFinalPass`: see
   * FloatProblem; measured with nasm 2.16.01, `%assign b __?float32?__(17e+36a)` is the error and
   * b = 0x7FC00000, which `nasm -E` writes).
   */
  unreadFloat: (ParseError & { readonly inFinalPass?: true }) | undefined;

  /**
   * Operands and unary operators read so far: nasm's `deadman`, which counts every call of its
   * expr6 in one expression, not the nesting (measured, nasm 2.16.01: `dd 1+1+...` with 8192
   * terms is fine, with 8193 "expression too long"; `--limit-eval 5` refuses `dd 1+2+3+4+5+6`).
   */
  private reads = 0;

  /**
   * Parsing a %if or %assign expression: nasm's preprocessor does not take a number ending in
   * `.` for a floating-point constant (measured: `%assign x __float64__(5313.)` is "expecting
   * floating-point number", where `dq __float64__(5313.)` is fine).
   */
  preprocessor = false;

  /** Reading a data item or a `times` count, where a decorator in braces is a term (see DECORATOR_TERM). */
  decorators = false;

  /** `maxDepth`: nasm's `--limit-eval`, the operands and unary operators one expression may have (see `reads`). */
  /** `floatMode`: the `[float]` rounding the `__?floatN?__()` functions use. */
  constructor(private readonly tokens: readonly Token[], start: number, private readonly end: number, private readonly localBase: string | undefined,
    private readonly maxDepth = DEFAULT_EVAL_LIMIT, private readonly floatMode = DEFAULT_FLOAT_MODE) {
    this.pos = start;
  }

  /**
   * The right-hand side of `wrt`, after it: one operand with its unary operators, nasm's expr6
   * (measured: `dd x wrt y-x` stops at the `-`, "comma expected after operand").
   */
  wrtTarget(): Expr | undefined {
    return this.read({ k: 'un', step: 0 });
  }

  parse(): Expr | undefined {
    return this.read({ k: 'cond', step: 0 });
  }

  /**
   * The expression `first` starts: `c ? a : b` below every binary operator, grouping to the right
   * (manual §3.5.1, kept as `?` over `:` nodes, so walks over binary nodes see all three
   * operands); binary operators by precedence; prefix operators; operands, parenthesised ones
   * and `__?ilog2e?__(x)` and the like among them. A loop over a stack of its own rather than a
   * recursion: nasm takes nesting as deep as `--limit-eval` lets it (measured with nasm 2.16.01:
   * 8,000 levels of parentheses assemble, and 8,190 `-` before a number), deeper than a
   * recursion has stack for in a cold process.
   */
  private read(first: LoopFrame): Expr | undefined {
    const stack: LoopFrame[] = [first];
    // The value the frame on top waits for, once `have`.
    let result: Expr | undefined;
    let have = false;
    while (stack.length > 0) {
      const f = stack[stack.length - 1];
      if (have && result === undefined) return undefined;
      if (f.k === 'cond') {
        if (f.step === 0) { f.step = 1; stack.push({ k: 'bin', minPrec: 1, started: false }); have = false; continue; }
        if (f.step === 1) {
          f.c = result;
          const q = this.peek();
          if (!q || !isQuestionMark(q)) { stack.pop(); continue; }
          this.pos++;
          f.q = q; f.step = 2;
        } else if (f.step === 2) {
          f.a = result;
          const colon = this.peek();
          if (!colon || colon.text !== ':') return this.fail('`?\' without matching `:\'', f.q);
          this.pos++;
          f.step = 3;
        } else {
          const c = f.c!, a = f.a!, b = result!;
          stack.pop();
          result = { k: 'bin', op: '?', a: c, b: { k: 'bin', op: ':', a, b, start: a.start, end: b.end }, start: c.start, end: b.end };
          continue;
        }
        stack.push({ k: 'cond', step: 0 }); have = false;
      } else if (f.k === 'bin') {
        if (!f.started) { f.started = true; stack.push({ k: 'un', step: 0 }); have = false; continue; }
        f.left = f.op === undefined ? result! : { k: 'bin', op: f.op.text, a: f.left!, b: result!, start: f.left!.start, end: result!.end };
        f.op = undefined;
        const t = this.peek();
        const prec = t?.kind === 'op' ? PRECEDENCE[t.text] : undefined;
        if (prec === undefined || prec < f.minPrec) { stack.pop(); result = f.left; continue; }
        this.pos++;
        f.op = t;
        stack.push({ k: 'bin', minPrec: prec + 1, started: false }); have = false;
      } else if (f.step === 0) {
        // The prefix operators, then the operand, but for an operand in parentheses.
        for (;;) {
          const t = this.peek();
          if (!t) return this.fail('expression syntax error', t);
          if (++this.reads > this.maxDepth) return this.fail('expression too long', t);
          if (t.kind === 'op' && (t.text === '-' || t.text === '+' || t.text === '~' || t.text === '!')) (f.ops ??= []).push(t);
          else {
            // `__?ilog2e?__` and the like are unary operators to nasm's evaluator, over the operand
            // a prefix operator takes (expr6): `(x)` is one, and read below, but parentheses are
            // no part of them (measured with nasm 2.16.01: `dd __?ilog2e?__ 8 + 1` is 4,
            // `dd __?ilog2w?__ -8` 63 and the warning, `dd __?ilog2e?__ fwd` "function may only be
            // applied to scalar values").
            const ilog2 = t.kind === 'ident' && t.text.charCodeAt(1) === 0x5f && t.text.charCodeAt(0) === 0x5f && !(this.pos + 1 < this.end && this.tokens[this.pos + 1].text === '(') ? ilog2Function(t.text) : undefined;
            if (ilog2 === undefined) break;
            (f.ops ??= []).push({ ...t, text: ilog2 });
          }
          this.pos++;
        }
        const t = this.tokens[this.pos];
        const opens = this.pos + 1 < this.end && this.tokens[this.pos + 1].text === '(';
        const ilog2 = opens && t.kind === 'ident' && t.text.charCodeAt(0) === 0x5f && floatFunction(t.text) === undefined && utfFunction(t.text) === undefined ? ilog2Function(t.text) : undefined;
        if ((t.kind === 'op' && t.text === '(') || ilog2 !== undefined) {
          this.pos += ilog2 === undefined ? 1 : 2;
          f.step = 1; f.ilog2 = ilog2; f.name = t;
          stack.push({ k: 'cond', step: 0 }); have = false;
          continue;
        }
        stack.pop();
        result = withPrefixes(this.primary(), f.ops); have = true;
      } else {
        const close = this.peek();
        if (!close || close.text !== ')') return this.fail('expecting `)\'', close);
        this.pos++;
        const inner = f.ilog2 === undefined ? result! : { k: 'un' as const, op: f.ilog2, a: result!, start: f.name!.start, end: close.end };
        stack.pop();
        result = withPrefixes(inner, f.ops);
      }
    }
    return this.error ? undefined : result;
  }

  /** Notes warning `w` of a token read (see laterWarnings). */
  private warn(w: (ParseError & { readonly code: string }) | undefined): void {
    if (w === undefined) return;
    if (this.warning === undefined) this.warning = w;
    else (this.laterWarnings ??= []).push(w);
  }

  private peek(): Token | undefined {
    return this.pos < this.end ? this.tokens[this.pos] : undefined;
  }

  private fail(message: string, t: Token | undefined): undefined {
    if (!this.error) {
      const last = this.tokens[this.end - 1];
      this.error = t ? { message, start: t.start, end: t.end } : { message, start: last ? last.end : 0, end: last ? last.end : 0 };
      // (The token it fails at, nasm's scanner has read.)
      this.warn(scannedOverflow(t));
    }
    return undefined;
  }

  /** `__?float32?__(x)` and the like, from the `(` on: the integer made of `x`'s bytes in that format. */
  private floatFunction(name: Token, fn: NonNullable<ReturnType<typeof floatFunction>>): Expr | undefined {
    this.pos++;
    const sign = this.peek();
    const negative = sign?.kind === 'op' && sign.text === '-';
    if (negative || (sign?.kind === 'op' && sign.text === '+')) this.pos++;
    const t = this.peek();
    const value = t !== undefined && !(this.preprocessor && t.text.endsWith('.')) ? floatConstant(t) : undefined;
    if (value === undefined) return this.fail('expecting floating-point number', t);
    const bcdDigits = t!.kind === 'number' ? packedBcdDigits(t!.text) : undefined;
    if (bcdDigits === undefined && 'error' in value) {
      if (!this.preprocessor) return this.fail(value.error, t);
      this.unreadFloat ??= { message: value.error, start: t!.start, end: t!.end, ...(value.inFinalPass === true ? { inFinalPass: true as const } : {}) };
    }
    this.pos++;
    const close = this.peek();
    if (!close || close.text !== ')') return this.fail('expecting `)\'', close);
    this.pos++;
    const encoded = bcdDigits !== undefined ? this.packedBcdFloat(t!, bcdDigits, negative, fn) : encodeFloat('error' in value ? QUIET_NAN : value, negative, fn.format, this.floatMode);
    if (encoded === undefined) return undefined;
    if (encoded.warnings.length > 0) this.warn({ ...encoded.warnings[0], start: t!.start, end: t!.end });
    // As a 64-bit value, like any number (`__?float64?__(-1.5)` is negative).
    const big = BigInt.asIntN(64, floatFunctionValue(fn, encoded.bytes));
    const v = Number(big);
    return Number.isSafeInteger(v) ? { k: 'num', v, start: name.start, end: close.end } : { k: 'num', v, big, start: name.start, end: close.end };
  }

  /** `__?float80m?__(1234p)`: a packed BCD constant's bytes (measured), which only the 80-bit functions take. */
  private packedBcdFloat(t: Token, digits: string, negative: boolean, fn: FloatFunction): { readonly bytes: Uint8Array; readonly warnings: readonly FloatWarning[] } | undefined {
    if (fn.format !== FLOAT_FORMATS[10]) return this.fail('packed BCD requires an 80-bit format', t);
    const bcd = packedBcd(digits, negative);
    if ('error' in bcd) return this.fail(bcd.error, t);
    if (bcd.truncated) this.warn({ message: 'packed BCD truncated to 18 digits', start: t.start, end: t.end, code: 'packed-bcd' });
    return { bytes: bcd.bytes, warnings: [] };
  }

  /** `__?utf16?__('...')` and the like, from the `(` on: a character constant of the converted string. */
  private utfFunction(name: Token, fn: UtfFunction): Expr | undefined {
    // (The parentheses are nasm's choice: measured, `mov eax, __?utf16?__ 'ab'` is `'ab'` in UTF-16.)
    const parens = this.peek()!.text === '(';
    if (parens) this.pos++;
    const result = parens ? utfCall(name, fn, this.peek(), this.tokens[this.pos + 1]) : utfBytes(name, fn, this.peek());
    // (An expression's words for them, where a data item's are utfCall's: measured,
    // `mov eax, __?utf16?__(1)` is "expecting string as argument to __?utf16?__", with no `)` "expecting `)'".)
    if ('error' in result) {
      const str = this.peek();
      const message = str === undefined || str.kind !== 'string' ? `expecting string as argument to __?${standardNameOf(name.text)}?__`
        : result.error.startsWith('unterminated') ? "expecting `)'" : result.error;
      return this.fail(message, result.at);
    }
    this.pos += parens ? 2 : 1;
    const bytes = result.bytes;
    if (cutCharacters(bytes)) this.warn({ message: 'character constant too long', start: name.start, end: name.end, code: 'char-constant' });
    return { k: 'num', v: stringValue(bytes.length > 4 ? bytes.subarray(0, 4) : bytes), start: name.start, end: this.tokens[this.pos - 1].end };
  }

  private primary(): Expr | undefined {
    const t = this.peek();
    if (!t) return this.fail('expression syntax error', t);
    this.pos++;
    switch (t.kind) {
      case 'number': {
        const v = parseNumber(t.text);
        // A floating-point constant (which only data and __?floatN?__() take) or a malformed
        // number: nasm's evaluator has no value for it (measured: `mov eax, 1.5`, `dd 0xg`, `%if 12z`).
        if (v === undefined) return this.fail('expression syntax error', t);
        // Long literals may be beyond 2^53 (or wrap past 2^64): take their exact 64-bit value.
        if (t.text.length > 15 || !Number.isSafeInteger(v)) {
          const big = parseNumberExact(t.text);
          this.warn(scannedOverflow(t));
          const n = Number(big);
          if (!Number.isSafeInteger(n)) return { k: 'num', v: n, big, start: t.start, end: t.end };
          return { k: 'num', v: n, start: t.start, end: t.end };
        }
        return { k: 'num', v, start: t.start, end: t.end };
      }
      case 'string': {
        const bytes = decodeString(t.text);
        if (!bytes) return this.fail('invalid escape in string', t);
        if (cutCharacters(bytes)) this.warn({ message: 'character constant too long', start: t.start, end: t.end, code: 'char-constant' });
        return { k: 'num', v: stringValue(bytes.length > 4 ? bytes.subarray(0, 4) : bytes), start: t.start, end: t.end };
      }
      case 'here':
        return { k: t.text === '$' ? 'here' : 'base', start: t.start, end: t.end };
      case 'ident': {
        const fn = t.text.charCodeAt(0) === 0x5f ? floatFunction(t.text) : undefined;
        if (fn !== undefined && this.peek()?.text === '(') return this.floatFunction(t, fn);
        const utf = fn === undefined && t.text.charCodeAt(0) === 0x5f ? utfFunction(t.text) : undefined;
        if (utf !== undefined && (this.peek()?.text === '(' || this.peek()?.kind === 'string')) return this.utfFunction(t, utf);
        // (`__?ilog2e?__` and an operand in parentheses are read's.) nasm's float keywords (`__?Infinity?__`, `__?QNaN?__`, `__?SNaN?__`) are no names: in an
        // expression, even the preprocessor's, a syntax error (measured with nasm 2.16.01); nor
        // are its functions' words without their `(` (measured: `__?float32?__` alone is
        // "expecting `('", `__?utf16?__` "expecting string as argument to __?utf16?__").
        if (fn !== undefined) return this.fail("expecting `('", t);
        if (utf !== undefined) return this.fail(`expecting string as argument to __?${standardNameOf(t.text)}?__`, t);
        if (t.text.charCodeAt(1) === 0x5f && t.text.charCodeAt(0) === 0x5f && specialFloat(t.text) !== undefined) return this.fail('expression syntax error', t);
        // (`?` is no name either but the conditional's operator, and a data item's alone:
        // measured, `mov eax, ?`, `dd 1+?`, `x equ ?` and `times ? nop` are "expression syntax error".)
        if (t.text === '?') return this.fail('expression syntax error', t);
        // `seg` is nasm's unary operator, which Ringside's parser leaves to whoever reads where it
        // stopped (see outputFormatMessage in parser.ts): a sign after it is the operand's, not a sum.
        if (t.text.length === 3 && (this.peek()?.text === '-' || this.peek()?.text === '+') && t.text.toLowerCase() === 'seg') return this.fail('expression syntax error', this.peek());
        const name = qualifyName(t.text, this.localBase);
        if (t.text.charCodeAt(0) === 0x24) return { k: 'sym', name, start: t.start, end: t.end, tok: this.pos - 1, escaped: true };
        return { k: 'sym', name, start: t.start, end: t.end, tok: this.pos - 1 };
      }
      case 'op':
        if (t.text === '{' && this.decorators) return this.decorator() ?? this.fail('expression syntax error', t);
        break;
      default:
        break;
    }
    return this.fail('expression syntax error', t);
  }

  /**
   * The decorator in braces that the token before the current one (a `{`) starts, as nasm's
   * scanner reads one (see bracedWord): its number times the one term all decorators share (see
   * DECORATOR_TERM); undefined for anything else, an opmask (`{k1}`) included, which is no term
   * to nasm's evaluator.
   */
  private decorator(): Expr | undefined {
    const open = this.tokens[this.pos - 1];
    const { close, word } = bracedWord(this.tokens, this.pos - 1, this.end);
    const n = word === undefined ? undefined : DECORATOR_NUMBERS[word.toLowerCase()];
    if (n === undefined || close < 0) return undefined;
    const end = this.tokens[close].end;
    this.pos = close + 1;
    const term: Expr = { k: 'sym', name: DECORATOR_TERM, start: open.start, end, tok: close - 1 };
    return { k: 'bin', op: '*', a: { k: 'num', v: n, start: open.start, end }, b: term, start: open.start, end };
  }
}

/**
 * The name of the term nasm's evaluator makes of a decorator (eval.c, EXPR_RDSAE), which no
 * symbol can have: a term of its own kind, as a register is, times the decorator's number, which
 * no data item or count takes but where it cancels out (measured with nasm 2.16.01: `db {z}` is
 * "expression is not simple or relocatable", `times {z} nop` "non-constant argument supplied to
 * TIMES", `db {z}-{z}` 0, `db {z}/2` the division's word on scalar values).
 */
export const DECORATOR_TERM = '{decorator}';

/**
 * nasm's numbers for the decorators, which its evaluator's sums keep (measured with nasm 2.16.01:
 * `db {1to4}*291 - {1to2}*292` is 0, so `{1to2}` is 291, and the rest follow in nasm.h's order).
 */
const DECORATOR_NUMBERS: Readonly<Record<string, number>> = {
  '1to2': 291, '1to4': 292, '1to8': 293, '1to16': 294, '1to32': 295, 'rn-sae': 296, 'rd-sae': 297, 'ru-sae': 298, 'rz-sae': 299, sae: 300, z: 301,
};

/**
 * nasm 2.16 keeps the first four bytes of a longer character constant, and warns when one of the
 * bytes it drops is not zero (measured: `dq 'abcde'+0` is 'abcd' with a warning, also under
 * `bits 32`; `dd \`abcd\0\0\`|0` has none).
 */
function cutCharacters(bytes: Uint8Array): boolean {
  for (let i = 4; i < bytes.length; i++) if (bytes[i] !== 0) return true;
  return false;
}

/**
 * A string function's argument and closing parenthesis (`str`, `close`), after its `(`: the
 * converted bytes, or nasm's error and the token it is at.
 */
export function utfCall(name: Token, fn: UtfFunction, str: Token | undefined, close: Token | undefined): { bytes: Uint8Array } | { error: string; at: Token | undefined } {
  if (str !== undefined && str.kind === 'string' && (close === undefined || close.text !== ')')) return { error: `unterminated __?${standardNameOf(name.text)}?__ function`, at: close ?? str };
  return utfBytes(name, fn, str);
}

/**
 * A string function's argument `str` written without parentheses (`__?utf16?__ 'ab'`, which
 * nasm 2.16.01 takes as it takes `__?utf16?__('ab')`): the converted bytes, or nasm's error.
 */
export function utfBytes(name: Token, fn: UtfFunction, str: Token | undefined): { bytes: Uint8Array } | { error: string; at: Token | undefined } {
  const fnName = `__?${standardNameOf(name.text)}?__`;
  if (str === undefined || str.kind !== 'string') return { error: `${fnName} must be followed by a string constant`, at: str };
  const raw = decodeString(str.text);
  const bytes = raw && utfConvert(fn, raw);
  if (!bytes) return { error: `invalid input string to ${fnName}`, at: str };
  return { bytes };
}

/** A standard function word's name in nasm's messages: as written when written `__?NAME?__`, else in lower case (measured). */
export function standardNameOf(word: string): string {
  return word.startsWith('__?') ? word.slice(3, -3) : word.slice(2, -2).toLowerCase();
}

/**
 * nasm's scanner's warning of number token `t` past 64 bits, given as it reads the token: its
 * evaluator reads one token past an expression, so the token an expression stops at is read too
 * (measured with nasm 2.16.01: `db 1 2...2`, `mov eax, [ebx 2...2]`, `%if 1 2...2`). Undefined
 * for any other token.
 */
export function scannedOverflow(t: Token | undefined): (ParseError & { readonly code: string }) | undefined {
  if (t === undefined || t.kind !== 'number' || isFloatText(t.text) || !exceeds64Bits(t.text)) return undefined;
  return { message: `numeric constant ${t.text} does not fit in 64 bits`, start: t.start, end: t.end, code: 'number-overflow' };
}

/**
 * A number token's node as ExprParser makes it for a number of at most 15 characters that is a
 * safe integer (nearly every literal); undefined for any other, which takes the parser's way.
 */
export function simpleNumber(t: Token): Expr | undefined {
  return t.kind === 'number' ? simpleNumberAt(t.text, t.start, t.end) : undefined;
}

/** `simpleNumber` of a number token written `text` from column `start` to `end`. */
export function simpleNumberAt(text: string, start: number, end: number): Expr | undefined {
  if (text.length > 15) return undefined;
  const v = parseNumber(text);
  return v !== undefined && Number.isSafeInteger(v) ? { k: 'num', v, start, end } : undefined;
}

/**
 * The non-local label the `.x` names of the statement being assembled hang from, when that
 * statement is one parse shared by lines under different labels (see `shared` in parser.ts: its
 * names are kept as written); undefined for any other statement, whose names are full already.
 * Set by the assembler for each statement it evaluates, so that every reader of a name (each
 * evaluation context, the encode cache's one value) sees the full name.
 */
let sharedBase: string | undefined;

/** Names read from here on are read under `base` (see sharedBase). */
export function readNamesUnder(base: string | undefined): void {
  sharedBase = base;
}

/** The last name made full, and what from. */
let lastWritten = '';
let lastBase: string | undefined;
let lastFull = '';

/**
 * A name's full name under the current statement's label. The same string for the same name
 * twice in a row: `jne .x` and then `.x:` look up and define one string, which the symbol table
 * hashes once.
 */
export function symbolName(e: Expr & { k: 'sym' }): string {
  return sharedBase === undefined ? e.name : fullName(e.name, sharedBase);
}

/** `written`, a name as a shared statement keeps it, under `base`. */
export function fullName(written: string, base: string | undefined): string {
  if (base === undefined) return written;
  if (written !== lastWritten || base !== lastBase) {
    lastFull = qualifyName(written, base);
    lastWritten = written;
    lastBase = base;
  }
  return lastFull;
}

/** Whether `name` is a `.local` label's (not `..@x` nor `..start`). */
export function isLocalName(name: string | undefined): boolean {
  return name !== undefined && name.startsWith('.') && !name.startsWith('..');
}

/** `.x` after label `p` is `p.x`; `..@x` and `..start` stay global (manual §3.9). */
export function qualifyName(name: string, localBase: string | undefined): string {
  if (name.charCodeAt(0) === 0x24) name = name.slice(1);
  if (name.charCodeAt(0) === 0x2e && name.charCodeAt(1) !== 0x2e && localBase !== undefined) return localBase + name;
  return name;
}

/** A signed 64-bit result as a Value: a plain number when it is a safe integer. */
export function int64(b: bigint): Value {
  const w = BigInt.asIntN(64, b);
  const n = Number(w);
  return Number.isSafeInteger(n) ? { v: n, sec: -1 } : { v: n, sec: -1, big: w };
}

function bigOf(x: Value): bigint {
  return x.big ?? BigInt(x.v!);
}

function u64(x: Value): bigint {
  return BigInt.asUintN(64, bigOf(x));
}

/**
 * The power of two a number is, all 64 bits of it read unsigned as nasm's is_power2 reads them
 * (`0x20000000000001` is none, though its nearest double is 2^53); -1 when it is none.
 */
export function powerOfTwo(x: Value): number {
  const u = u64(x);
  return u !== 0n && (u & (u - 1n)) === 0n ? u.toString(2).length - 1 : -1;
}

/** A number result, moved to BigInt when it left the safe range (then it is recomputed exactly). */
function exact(v: number, slow: () => Value): Value {
  return Number.isSafeInteger(v) ? { v: v === 0 ? 0 : v, sec: -1 } : slow();
}

function isInt32(v: number): boolean {
  return (v | 0) === v;
}

/**
 * Whether `e` is V8's stack overflow. Walks over expressions recurse, and an expression within
 * nasm's limit (8192 operands, see ExprParser.reads) can still be deeper than the host's stack
 * allows: its line then fails with nasm's "expression too long" rather than taking the process
 * down. Nothing else is caught.
 */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && e.message.includes('call stack');
}

/** What an evaluation cut short by a stack overflow left behind (see isStackOverflow). */
export function resetEvaluation(): void {
  misplacedLabel = undefined;
  failed = undefined;
  readNamesUnder(undefined);
}

/**
 * The first label found in a place a label cannot be on its own (`-lab`, `2*lab`, `lab+lab`, a
 * difference across sections), held until the whole expression is looked at (see `evaluate`).
 */
let misplacedLabel: { readonly message: string; readonly node: Expr } | undefined;

/** nasm's evaluator's error for a product of two values neither of which is a number. */
const NO_PRODUCT = 'unable to multiply two non-scalar objects';

/**
 * Whether the evaluation under way (see `evaluate`) has given an error that ends it: nasm's
 * evaluator gives up there, so nothing after it is said (measured with nasm 2.16.01: `dd lbl &&
 * 1/0` is "division by zero" alone, not the `&&`'s error after it); after one of CARRIES_ON's it
 * goes on. Undefined outside an evaluation: every error is given.
 */
let failed: boolean | undefined;

/**
 * Whether the evaluation under way read a name with no value (not defined, or not yet): nasm's
 * evaluator has no value for the expression then, and says nothing of a label where none can be
 * in it (measured with nasm 2.16.01, `extern a` / `mov eax, 2*a + L` with L defined nowhere is
 * "symbol `L' not defined" alone, `L + 2*a` too).
 */
let undefinedRead = false;

/**
 * Whether nasm's evaluator gives up after error `message`: after any but the errors of the
 * operators it carries on after (see CARRYING_ON), and after none of those (see `failed`).
 */
export function givesUp(message: string): boolean {
  return !CARRIES_ON.has(message);
}

/**
 * Evaluates an expression; never throws. Labels in places a label alone cannot be are judged by
 * the whole expression, as nasm sums each section's coefficients first (see relocatableSum).
 */
export function evaluate(e: Expr, ctx: EvalContext): Value {
  const outer = takeMisplaced();
  const outerFailed = failed;
  const outerUndefined = undefinedRead;
  failed = false;
  undefinedRead = false;
  let v = evaluateRead(e, externalsRead(e, ctx));
  // (An external name an operator lets through as it is, `1 ? a : 0`, is refused as where it stands
  // alone; one added to a term the operators refused, `a + b/2`, is that term's error alone.)
  if (v.sec >= EXTERNAL_SEGMENTS) v = v.v === undefined ? { v: undefined, sec: -1 } : evaluateRead(e, externalsCancelled(e, ctx));
  misplacedLabel = outer;
  failed = outerFailed;
  undefinedRead = outerUndefined;
  return v;
}

/** Reports the evaluation's error `message` at `node` to `ctx`, unless it has given one (see `failed`). */
function fail(ctx: EvalContext, message: string, node: Expr): void {
  if (failed === true) return;
  if (failed === false && givesUp(message)) failed = true;
  ctx.error(message, node);
}

/** evaluate's work, with `ctx` as externalsRead made it; a misplaced label held before is the caller's. */
function evaluateRead(e: Expr, ctx: EvalContext): Value {
  let v: Value;
  try {
    v = evaluateTerm(e, ctx);
  } catch (err) {
    if (!isStackOverflow(err) || (e.k !== 'bin' && e.k !== 'un')) throw err;
    misplacedLabel = undefined;
    v = e.k === 'bin' ? evaluateChain(e, ctx) : evaluateUnaryChain(e, ctx);
  }
  const problem = takeMisplaced();
  if (problem === undefined) return v;
  if (undefinedRead) return { v: undefined, sec: -1 };
  // (A product of two labels held is an error wherever it stands, in a branch a condition does
  // not take too, which the sum leaves out: measured with nasm 2.16.01, fwd a label further on,
  // `mov eax, 1 ? 3 : fwd*fwd` is "unable to multiply two non-scalar objects".)
  const sum = problem.message === NO_PRODUCT ? undefined : relocatableSum(e, ctx);
  if (sum !== undefined) return sum;
  fail(ctx, addsTwoSections(e, ctx) ? MULTIPLE_BASES : problem.message, problem.node);
  return { v: undefined, sec: -1 };
}

/**
 * Whether nasm, looking at the sections of `e`'s labels in the order they were made, meets a second
 * one added once before any of another coefficient (but the current section taken away once): its
 * "multiple base segments" in an address, rather than the "impossible segment base multiplier"
 * of a label scaled (measured with nasm 2.16.01, .data made before .bss: `[dat + bss]`, `[txt +
 * dat + 2*bss]`, `[dat + bss - txt]` from .text are the first, `[txt + 2*bss]`, `[2*txt + dat]`,
 * `[txt - dat]` the second; `[txt + section..data.start]` the first).
 */
function addsTwoSections(e: Expr, ctx: EvalContext): boolean {
  const sections = new Map<number, number>();
  const k = sumAside(e, ctx, sections);
  if (k === undefined) return false;
  const here = ctx.here()?.sec;
  // (A section's `section.NAME.start` segment is made with it, taken after it: measured,
  // `[dat + section..bss.start + 2*bss]` is the multiplier's error.)
  const order = (sec: number): number => (sec >= LOAD_SEGMENTS ? 2 * (sec - LOAD_SEGMENTS) + 1 : 2 * sec);
  let added = false, self = false;
  for (const sec of [...sections.keys()].sort((a, b) => order(a) - order(b))) {
    const c = sections.get(sec)!;
    if (c === 0) continue;
    if (sec >= EXTERNAL_SEGMENTS) return false;
    if (c === 1) { if (added) return true; added = true; }
    else if (c === -1 && sec === here && here !== UNPLACED_SEGMENT && !self) self = true;
    else return false;
  }
  return false;
}

/** The external roots of one expression, each with the sum of its coefficients (see ExternalName). */
interface ExternalTerms {
  readonly terms: ReadonlyMap<string, number>;
  /** Roots inside an operator other than `+ - *` (or `*` by no number) where they do not cancel: not linear in the whole. */
  readonly blocked: ReadonlySet<string>;
}

const NO_EXTERNALS: ExternalTerms = { terms: new Map(), blocked: new Set() };

/**
 * `ctx`, but for the external names whose roots cancel out of `e`: their value is what they add to
 * the root, as nasm sums a segment's coefficients first. `ctx` itself when none cancels. `scaled`:
 * a root of another coefficient than 1 and -1 too (see withScaledExternals).
 */
function externalsCancelled(e: Expr, ctx: EvalContext, scaled = false): EvalContext {
  if (ctx.externals === undefined || ctx.externals.size === 0 || (e.k !== 'bin' && e.k !== 'un')) return ctx;
  const sum = externalTerms(e, ctx.externals!);
  const cancelled = new Set<string>();
  for (const [root, c] of sum.terms) if ((c === 0 || (scaled && c !== 1 && c !== -1)) && !sum.blocked.has(root)) cancelled.add(root);
  return cancelled.size === 0 ? ctx : withRootsCancelled(ctx, cancelled);
}

/**
 * `ctx` for evaluating `e` (see externalsCancelled); where the external names that do not cancel
 * are no one base nasm's bin format takes, with labels or on their own (see externalBaseProblem),
 * the problem is held as a misplaced label's, which the assembler words by the place `e` is in, and
 * those names are read quietly: nasm gives its one error for the expression, naming none.
 */
function externalsRead(e: Expr, ctx: EvalContext): EvalContext {
  if (ctx.externals === undefined || ctx.externals.size === 0 || (e.k !== 'bin' && e.k !== 'un')) return ctx;
  const sum = externalTerms(e, ctx.externals);
  const cancelled = new Set<string>();
  let open = false;
  for (const [root, c] of sum.terms) {
    if (c === 0 && !sum.blocked.has(root)) cancelled.add(root);
    else open = true;
  }
  const inner = cancelled.size === 0 ? ctx : withRootsCancelled(ctx, cancelled);
  if (!open) return inner;
  // (Under another operator an external name is an address as a label's is, with nasm's words for
  // it there: measured, `dd a/2` "division operator may only be applied to scalar values", `dd
  // a*b` "unable to multiply two non-scalar objects", `dd a ? 1 : 2` "the left-hand side of `?'
  // must be a scalar value".)
  if (sum.blocked.size > 0) return withExternalSegments(inner, ctx.externals, cancelled, (message, node) => inner.error(message, node));
  const problem = externalBaseProblem(e, inner, ctx.externals);
  if (problem === undefined) return withScaledExternals(ctx, inner, sum, cancelled);
  misplaced(problem, e);
  return withExternalsQuiet(inner, ctx.externals, cancelled);
}

/**
 * `inner` (see externalsRead) for an instruction's immediate, where nasm drops an external root
 * of a coefficient other than 1 and -1, counting its offset (0) alone, as it counts a section's
 * labels (see relocatableSum): no number the short forms take (measured with nasm 2.16.01, `extern
 * a, b`: `mov eax, 2*a + 3` is `mov eax, 3` in its long form, `push 2*a + 1` pushes a word, `jmp
 * 2*a` jumps near to 0, `mov eax, 2*a + b` is b's external reference alone).
 */
function withScaledExternals(ctx: EvalContext, inner: EvalContext, sum: ExternalTerms, cancelled: ReadonlySet<string>): EvalContext {
  if (ctx.sectionAddress?.(0) === undefined) return inner;
  const scaled = new Set<string>();
  let referenced = false;
  for (const [root, c] of sum.terms) {
    if (c === 1 || c === -1) referenced = true;
    else if (c !== 0) scaled.add(root);
  }
  if (scaled.size === 0) return inner;
  if (referenced) return withRootsCancelled(ctx, new Set([...cancelled, ...scaled]));
  const segments = withExternalSegments(inner, ctx.externals!, cancelled, (message, node) => inner.error(message, node));
  return { ...segments, sectionAddress: (sec) => (sec >= EXTERNAL_SEGMENTS ? 0 : ctx.sectionAddress!(sec)) };
}

/** The held problem of external names nasm's bin format sees as two bases (`a + b`, `a + lab`): "multiple base segments" in an address. */
export const MULTIPLE_BASES = 'multiple base segments';

/** The messages of a label where none can be, which the assembler words by the place it is in (see `misplaced`). */
export const MISPLACED_LABEL: ReadonlySet<string> = new Set([
  'unary `-\' applied to a relocatable value', 'cannot add two relocatable values', 'cannot subtract values in different sections', '`*\' applied to a relocatable value',
  MULTIPLE_BASES,
]);

/**
 * Where an external root is counted as a section of its own (see externalBaseProblem and the
 * assembler's first-pass views): from this number on, above the sections and their load
 * segments (LOAD_SEGMENTS).
 */
export const EXTERNAL_SEGMENTS = 0x60000000;

/**
 * The segment of the space an `absolute` nasm could not read leaves (see the assembler's
 * enterUnplacedSpace): an external one no external name has. nasm subtracts only its section's
 * own base from a label, so `$` there is no base to take away (measured with nasm 2.16.01:
 * `[absolute ]` / `s:` / `x equ s-$` is "invalid operand type", `dd s-$` "expression is not
 * simple or relocatable").
 */
export const UNPLACED_SEGMENT = EXTERNAL_SEGMENTS + 0x10000000;

/**
 * In nasm each external name is a segment of its own, summed with the sections of the labels
 * (see relocatableSum): `e` is no one base when, the coefficients summed, a segment is added more
 * than once or taken away (but the current section once), or two are added (measured with nasm
 * 2.16.01, `extern a, b`: `dd a + b`, `dd 2*a`, `dd -a`, `dd a + lab` and `dd a - dat` from .text
 * are "expression is not simple or relocatable", `mov eax, [a + b]` "invalid effective address:
 * multiple base segments", `[2*a]` and `[a - b]` "... impossible segment base multiplier", `mov eax,
 * a + b` "invalid operand type"; `dd a - lab` from lab's section is the external reference). In an
 * instruction's immediate nasm drops a segment of any other coefficient (`mov eax, 2*a + b` is b's
 * external reference): those are left out. The problem, or undefined when there is none, or `e` is
 * no sum.
 */
function externalBaseProblem(e: Expr, ctx: EvalContext, externals: ReadonlyMap<string, ExternalName>): string | undefined {
  const bases = withExternalSegments(ctx, externals, new Set(), () => undefined);
  const sections = new Map<number, number>();
  const k = sumAside(e, bases, sections);
  if (k === undefined) return undefined;
  const here = ctx.here()?.sec;
  // (An immediate is where a section has an address to count by: .text, section 0, always has.)
  const immediate = ctx.sectionAddress?.(0) !== undefined;
  let added = 0, external = false, scaled = false, self = false;
  for (const [sec, c] of sections) {
    if (c === 0 || (immediate && c !== 1 && c !== -1)) continue;
    external ||= sec >= EXTERNAL_SEGMENTS;
    if (c === 1) added++;
    else if (c === -1 && sec === here && !self) self = true;
    else scaled = true;
  }
  if (!external) return undefined;
  return scaled ? '`*\' applied to a relocatable value' : added > 1 ? MULTIPLE_BASES : undefined;
}

/**
 * `ctx` where the external names of roots other than `cancelled` are what they add to their root,
 * a segment of its own (see EXTERNAL_SEGMENTS), as nasm's evaluator has them; `error` its errors.
 */
function withExternalSegments(ctx: EvalContext, externals: ReadonlyMap<string, ExternalName>, cancelled: ReadonlySet<string>, error: EvalContext['error']): EvalContext {
  const roots = new Map<string, number>();
  return withSymbols(ctx, (name, node) => {
    const external = externals.get(name);
    if (external === undefined || cancelled.has(external.root)) return ctx.symbol(name, node);
    let k = roots.get(external.root);
    if (k === undefined) roots.set(external.root, k = EXTERNAL_SEGMENTS + roots.size);
    return { v: external.rest.v, sec: k };
  }, error);
}

/**
 * `e`'s value with each external name what it adds to its root, a segment of its own (see
 * withExternalSegments), quietly: for a value nasm takes the offset of, whatever its segment
 * (`incbin`'s: see the assembler's offsetOf).
 */
export function evaluateInSegments(e: Expr, ctx: EvalContext): Value {
  const externals = ctx.externals;
  if (externals === undefined || externals.size === 0) return evaluate(e, ctx);
  const outer = takeMisplaced();
  try { return evaluate(e, withExternalSegments(ctx, externals, new Set(), () => undefined)); } finally { misplacedLabel = outer; }
}

/** `ctx` where the external names of roots other than `cancelled` are read as unknown values, with no message. */
function withExternalsQuiet(ctx: EvalContext, externals: ReadonlyMap<string, ExternalName>, cancelled: ReadonlySet<string>): EvalContext {
  return withSymbols(ctx, (name, node) => {
    const external = externals.get(name);
    return external !== undefined && !cancelled.has(external.root) ? { v: undefined, sec: -1 } : ctx.symbol(name, node);
  });
}

/** `ctx` with its symbols read by `symbol` and its errors given to `error`; `$`, `$$`, warnings and section addresses as `ctx` has them. */
function withSymbols(ctx: EvalContext, symbol: EvalContext['symbol'], error: EvalContext['error'] = (message, node) => ctx.error(message, node)): EvalContext {
  return {
    symbol, error, here: () => ctx.here(), base: () => ctx.base(),
    warn: ctx.warn && ((code, message, node) => ctx.warn!(code, message, node)),
    sectionAddress: ctx.sectionAddress && ((sec) => ctx.sectionAddress!(sec)),
    sectionStart: ctx.sectionStart && ((sec) => ctx.sectionStart!(sec)),
  };
}

/**
 * What `e`, an `equ`'s value that names an external name, makes its name: the one root it adds
 * once, and the rest (`x equ a + 3`: `a`, 3); undefined when it is no such sum.
 */
export function externalConstantOf(e: Expr, ctx: EvalContext): ExternalName | undefined {
  const sum = externalTerms(e, ctx.externals!);
  let root: string | undefined;
  for (const [r, c] of sum.terms) {
    if (c !== 0 && (c !== 1 || root !== undefined || sum.blocked.has(r))) return undefined;
    if (c === 1) root = r;
  }
  if (root === undefined) return undefined;
  const rest = evaluate(e, withRootsCancelled(ctx, new Set([root])));
  return rest.v === undefined ? undefined : { root, rest };
}

/**
 * The external roots `e` names, by the coefficient each adds up to (`a*2 + b` gives a 2, b 1);
 * undefined when one is under another operator than `+ - *` by a number (see ExternalTerms).
 */
export function externalCoefficients(e: Expr, externals: ReadonlyMap<string, ExternalName>): ReadonlyMap<string, number> | undefined {
  const sum = externalTerms(e, externals);
  return sum.blocked.size > 0 ? undefined : sum.terms;
}

/** The external roots of `e`, by coefficient (see ExternalTerms). */
function externalTerms(e: Expr, externals: ReadonlyMap<string, ExternalName>): ExternalTerms {
  return foldExpr<ExternalTerms>(e, {
    leaf: (x) => {
      const name = x.k === 'sym' ? externals.get(sharedBase === undefined ? x.name : symbolName(x)) : undefined;
      return name === undefined ? NO_EXTERNALS : { terms: new Map([[name.root, 1]]), blocked: new Set() };
    },
    unary: (x, a) => x.op === '+' ? a : x.op === '-' ? scaledExternals(a, -1) : closedExternals(a),
    binary: (x, a, b) => {
      if (x.op === '+' || x.op === '-') return addedExternals(a, b, x.op === '-' ? -1 : 1);
      if (x.op === '*' && x.a.k === 'num' && x.a.big === undefined) return scaledExternals(b, x.a.v);
      if (x.op === '*' && x.b.k === 'num' && x.b.big === undefined) return scaledExternals(a, x.b.v);
      if (x.op === 'wrt') return addedExternals(a, closedExternals(b), 1);
      return addedExternals(closedExternals(a), closedExternals(b), 1);
    },
  });
}

/** `ctx` where the external names of roots `cancelled` are what they add to their root. */
function withRootsCancelled(ctx: EvalContext, cancelled: ReadonlySet<string>): EvalContext {
  const externals = ctx.externals!;
  return withSymbols(ctx, (name, node) => {
    const external = externals.get(name);
    return external !== undefined && cancelled.has(external.root) ? external.rest : ctx.symbol(name, node);
  });
}

function scaledExternals(a: ExternalTerms, m: number): ExternalTerms {
  if (a.terms.size === 0 || m === 1) return a;
  const terms = new Map<string, number>();
  for (const [root, c] of a.terms) terms.set(root, c * m);
  return { terms, blocked: a.blocked };
}

function addedExternals(a: ExternalTerms, b: ExternalTerms, m: number): ExternalTerms {
  if (b.terms.size === 0) return a;
  if (a.terms.size === 0 && m === 1) return b;
  const terms = new Map(a.terms);
  for (const [root, c] of b.terms) terms.set(root, (terms.get(root) ?? 0) + m * c);
  return { terms, blocked: b.blocked.size === 0 ? a.blocked : new Set([...a.blocked, ...b.blocked]) };
}

/** `a` under an operator nasm takes no segment through: a root that does not cancel inside it is blocked. */
function closedExternals(a: ExternalTerms): ExternalTerms {
  let blocked: Set<string> | undefined;
  for (const [root, c] of a.terms) if (c !== 0) (blocked ??= new Set(a.blocked)).add(root);
  return blocked === undefined ? a : { terms: a.terms, blocked };
}

function evaluateTerm(e: Expr, ctx: EvalContext): Value {
  switch (e.k) {
    case 'num':
      return e.big === undefined ? { v: e.v, sec: -1 } : { v: e.v, sec: -1, big: e.big };
    case 'here':
    case 'base': {
      const v = e.k === 'here' ? ctx.here() : ctx.base();
      if (!v) { fail(ctx, `\`${e.k === 'here' ? '$' : '$$'}' is not valid here`, e); return { v: undefined, sec: -1 }; }
      return { v: v.v, sec: v.sec };
    }
    case 'sym': {
      const v = ctx.symbol(sharedBase === undefined ? e.name : symbolName(e), e);
      if (!v) { undefinedRead = true; return { v: undefined, sec: -1 }; }
      return v.big === undefined ? { v: v.v, sec: v.sec } : { v: v.v, sec: v.sec, big: v.big };
    }
    case 'un': {
      if (e.op === '+') return evaluateTerm(e.a, ctx);
      return unary(e, e.op === '-' ? evaluateTerm(e.a, ctx) : scalarOperand(e.a, ctx), ctx);
    }
    case 'bin':
      if (e.op === '?') return conditional(e, ctx);
      if (e.op === 'wrt') return withRespectTo(e, ctx);
      if (COMPARISONS.has(e.op)) return comparison(e, ctx);
      if (e.op === '+' || e.op === '-') return binary(e, evaluateTerm(e.a, ctx), evaluateTerm(e.b, ctx), ctx);
      if (e.op === '*') return product(e, ctx);
      return scalarOperator(e, ctx);
  }
}

/**
 * `a * b`. A side that is a sum of labels no label alone can be (`-lab`, `lab + lab`), held as
 * misplaced, is no number to nasm's evaluator either: times a label or another such sum it is
 * "unable to multiply two non-scalar objects", where nasm gives up (measured with nasm 2.16.01:
 * `dd lab * -lab` and `times $$ * -$ db 1`, as `dd lab * lab`).
 */
function product(e: Extract<Expr, { k: 'bin' }>, ctx: EvalContext): Value {
  const outer = takeMisplaced();
  const a = evaluateTerm(e.a, ctx);
  const inA = takeMisplaced();
  const b = evaluateTerm(e.b, ctx);
  const inB = takeMisplaced();
  misplacedLabel = outer;
  if (inA === undefined && inB === undefined) return binary(e, a, b, ctx);
  const labels = (x: Expr, v: Value, held: typeof inA): boolean => (held === undefined ? v.sec >= 0 && v.v !== undefined : namesSection(x, ctx));
  // (Held, as binary holds it, when both are further on: see there.)
  if (labels(e.a, a, inA) && labels(e.b, b, inB)) {
    if (ctx.knownAtFirst === undefined || ctx.knownAtFirst(e.a) || ctx.knownAtFirst(e.b)) fail(ctx, NO_PRODUCT, e);
    else misplaced(NO_PRODUCT, e);
    return { v: undefined, sec: -1 };
  }
  if (inA !== undefined) misplaced(inA.message, inA.node);
  if (inB !== undefined) misplaced(inB.message, inB.node);
  return binary(e, a, b, ctx);
}

/** Whether `x` is a sum of labels with a section's coefficient other than 0 (see linearSum). */
function namesSection(x: Expr, ctx: EvalContext): boolean {
  const sections = new Map<number, number>();
  if (sumAside(x, ctx, sections) === undefined) return false;
  for (const c of sections.values()) if (c !== 0) return true;
  return false;
}

/** nasm's SEG_ABS, the bit its evaluator sets in a number given as the segment of WRT. */
const SEG_ABS = 0x40000000;

/**
 * `x wrt y` (nasm's evaluate): `x`, relocated by the segment `y` names, which nasm wants a number
 * to be in the bin format (measured with nasm 2.16.01, `-f bin`): a label's segment (`wrt x`, `wrt
 * $`) is "invalid right-hand operand to WRT", as the line is read; a number is put out as the
 * segment number it is, `n | SEG_ABS`, which bin has no use for ("WRT not supported by binary
 * output format", as the value is put out), but when that is -1, nasm's NO_SEG: no segment at all
 * (`dd x wrt -1` is `dd x`).
 */
function withRespectTo(e: Extract<Expr, { k: 'bin' }>, ctx: EvalContext): Value {
  const v = evaluateTerm(e.a, ctx);
  // (A register is no segment either, and no name: measured, `push lab wrt cs`, `dd $ wrt cs`
  // and `dd 5 wrt eax` are "invalid right-hand operand to WRT".)
  if (firstLeaf(e.b, (x) => x.k === 'sym' && x.escaped === undefined && lookupRegister(x.name) !== undefined) !== undefined) {
    fail(ctx, 'invalid right-hand operand to WRT', e.b);
    return { v: undefined, sec: -1 };
  }
  const outer = takeMisplaced();
  const segment = evaluateTerm(e.b, ctx);
  const misplacedHere = takeMisplaced() !== undefined;
  misplacedLabel = outer;
  // (A label's sum nasm cannot relocate by, `-x`, is no segment of a label: measured, "WRT not supported".)
  if (!misplacedHere && segment.sec >= 0 && segment.v !== undefined) {
    fail(ctx, 'invalid right-hand operand to WRT', e.b);
    return { v: undefined, sec: -1 };
  }
  if (misplacedHere) { fail(ctx, 'WRT not supported by binary output format', e); return v; }
  if (segment.v === undefined || ctx.segmentsNoNumber === true) return { v: undefined, sec: -1 };
  if ((Number(BigInt.asIntN(32, bigOf(segment))) | SEG_ABS) !== -1) fail(ctx, 'WRT not supported by binary output format', e);
  return v;
}

/** Whether `e` is `x wrt n` with a segment number `n` (not NO_SEG): nasm relocates it, its listing in brackets. */
export function wrtSegmentNumber(e: Expr, ctx: EvalContext): boolean {
  if (e.k !== 'bin' || e.op !== 'wrt') return false;
  const segment = evaluate(e.b, ctx);
  return segment.v !== undefined && segment.sec < 0 && (Number(BigInt.asIntN(32, bigOf(segment))) | SEG_ABS) !== -1;
}

/** A unary operator (not `+`) applied to its operand's value `a`. */
function unary(e: Extract<Expr, { k: 'un' }>, a: Value, ctx: EvalContext): Value {
  if (a === NOT_SCALAR) { fail(ctx, scalarOnlyMessage(e.op), e); return { v: undefined, sec: -1 }; }
  if (a.sec >= 0 && a.v !== undefined) {
    if (e.op === '-') misplaced('unary `-\' applied to a relocatable value', e);
    else fail(ctx, scalarOnlyMessage(e.op), e);
    return { v: undefined, sec: -1 };
  }
  if (a.v === undefined) return { v: undefined, sec: -1 };
  if (e.op.startsWith('ilog2')) return ilog2(e, bigOf(a), ctx);
  if (e.op === '!') return { v: a.v === 0 && a.big === undefined ? 1 : 0, sec: -1 };
  if (a.big === undefined) {
    const x = a.v;
    if (e.op === '-') return exact(-x, () => int64(-bigOf(a)));
    if (isInt32(x)) return { v: ~x, sec: -1 };
  }
  return int64(e.op === '-' ? -bigOf(a) : ~bigOf(a));
}

/**
 * `e` (whose evaluation by evaluateTerm overflowed the stack) with its chain of left operands
 * evaluated in a loop, as deep as nasm's `--limit-eval` lets a chain go (measured with nasm
 * 2.16.01: `dd 1|1|...` with 8,191 operators is fine, 8,192 "expression too long"), where
 * evaluateTerm's recursion takes one to three host frames a link and overflows from about 1,900
 * (`|`) or 6,300 (`+`). The recursion overflows on its way down the chain, before it evaluates
 * any operand, so nothing was reported yet. Each operator is applied as evaluateTerm applies it,
 * in the same order; where an operand's labels would need judging as a whole (see scalarOperand
 * and comparison), or an operand is itself too deep, the chain stops with a stack overflow, as
 * the recursion did (see isStackOverflow).
 */
function evaluateChain(e: Extract<Expr, { k: 'bin' }>, ctx: EvalContext): Value {
  const spine: Extract<Expr, { k: 'bin' }>[] = [];
  let x: Expr = e;
  while (x.k === 'bin' && x.op !== '?' && x.op !== 'wrt') { spine.push(x); x = x.a; }
  const outer = takeMisplaced();
  let acc = x.k === 'un' ? termOrChain(x, ctx) : evaluateTerm(x, ctx);
  for (let i = spine.length - 1; i >= 0; i--) {
    const n = spine[i];
    if (n.op === '+' || n.op === '-' || n.op === '*') { acc = binary(n, acc, termOrChain(n.b, ctx), ctx); continue; }
    if (misplacedLabel !== undefined) throw new RangeError(CHAIN_TOO_DEEP);
    if (COMPARISONS.has(n.op) && acc === NOT_SCALAR) throw new RangeError(CHAIN_TOO_DEEP);
    // (As comparison or scalarOperator would take it when none of its labels is held.)
    const b = termOrChain(n.b, ctx);
    if (misplacedLabel !== undefined) throw new RangeError(CHAIN_TOO_DEEP);
    if (COMPARISONS.has(n.op)) {
      if (b === NOT_SCALAR) throw new RangeError(CHAIN_TOO_DEEP);
      acc = binary(n, acc, b, ctx);
      continue;
    }
    if (acc !== NOT_SCALAR && b !== NOT_SCALAR) { acc = binary(n, acc, b, ctx); continue; }
    fail(ctx, scalarOnlyMessage(n.op), n);
    acc = afterScalarError(n, acc, b, ctx);
  }
  misplacedLabel = outer ?? misplacedLabel;
  return acc;
}

/** An operand of evaluateChain's: by evaluateTerm, or as a chain of its own when that overflows (`F && F` with F a long chain). */
function termOrChain(x: Expr, ctx: EvalContext): Value {
  const held = misplacedLabel;
  try {
    return evaluateTerm(x, ctx);
  } catch (err) {
    if (!isStackOverflow(err) || (x.k !== 'bin' && x.k !== 'un')) throw err;
    misplacedLabel = held;
    return x.k === 'bin' ? evaluateChain(x, ctx) : evaluateUnaryChain(x, ctx);
  }
}

/**
 * `e` and the unary operators under it (`----1`) applied in a loop, as evaluateChain does for
 * binary ones: nasm takes as many as --limit-eval allows (measured: 8,190 `-` before a number).
 */
function evaluateUnaryChain(e: Extract<Expr, { k: 'un' }>, ctx: EvalContext): Value {
  const ops: Extract<Expr, { k: 'un' }>[] = [];
  let x: Expr = e;
  while (x.k === 'un') { ops.push(x); x = x.a; }
  const outer = takeMisplaced();
  let acc = termOrChain(x, ctx);
  for (let i = ops.length - 1; i >= 0; i--) {
    const n = ops[i];
    if (n.op === '+') continue;
    // (Other than `-`, as scalarOperand takes the operand when none of its labels is held.)
    if (n.op !== '-' && misplacedLabel !== undefined) throw new RangeError(CHAIN_TOO_DEEP);
    acc = unary(n, acc, ctx);
  }
  misplacedLabel = outer ?? misplacedLabel;
  return acc;
}

/** The stack overflow an evaluateChain gives up with, as the recursion would have run into. */
const CHAIN_TOO_DEEP = 'Maximum call stack size exceeded (a chain of operators whose labels need judging as a whole)';

/**
 * An operand of a label's sum no label alone can be (`a - $$` across sections, `a + b`), as nasm's
 * evaluator holds it: a vector of section terms, which no operator but `+`, `-` and `*` takes.
 */
const NOT_SCALAR: Value = Object.freeze({ v: undefined, sec: -1 });

/**
 * `x`, the operand of an operator nasm applies to numbers only: NOT_SCALAR when it is a sum whose
 * labels do not cancel out (nasm's "... may only be applied to scalar values", as for a label on
 * its own; measured: `(a - $$) >> 16` with `a` in another section). A sum nasm could not yet
 * judge stays held for the whole expression (see `evaluate`).
 */
function scalarOperand(x: Expr, ctx: EvalContext): Value {
  const outer = takeMisplaced();
  const v = evaluateTerm(x, ctx);
  const problem = takeMisplaced();
  misplacedLabel = outer;
  // (A sum an immediate counts by its scaled labels' offsets, carried on with after a shift's
  // error (see carriedSum), is still no number to the operator around it: measured with nasm
  // 2.16.01, `resb 2 | lab*8 >> 8` is the shift's error then the `|`'s.)
  if (problem === undefined) return v.scaled === true ? NOT_SCALAR : v;
  const sections = new Map<number, number>();
  const k = linearSum(x, ctx, 1, sections);
  if (k === undefined || !Number.isSafeInteger(k)) { misplaced(problem.message, problem.node); return v; }
  for (const c of sections.values()) {
    if (c !== 0) { notScalarProblem = problem; return NOT_SCALAR; }
  }
  return { v: k, sec: -1 };
}

/** The problem scalarOperand took from the operand it last made NOT_SCALAR (see carriedSum). */
let notScalarProblem: { readonly message: string; readonly node: Expr } | undefined;

/**
 * The value nasm's evaluator carries on with after a shift's or a `?`'s error, when it is operand
 * `x`, a sum of labels scalarOperand made NOT_SCALAR whose problem was `problem`: the sum as a label
 * where it can be one, else NOT_SCALAR with the problem held again for the whole expression, which
 * its place then words (measured with nasm 2.16.01, lab in .text: `resb -lab << 1` in .bss is the
 * shift's error then "invalid operand type", `dd (lab*2) << 1` then "expression is not simple or
 * relocatable", `resb --lab ? 1 : 2` the `?`'s then "attempt to reserve non-constant quantity of
 * BSS space", as `resb -lab`, `dd lab*2` and `resb lab` are).
 */
function carriedSum(x: Expr, problem: typeof notScalarProblem, ctx: EvalContext): Value {
  if (problem === undefined) return NOT_SCALAR;
  const sum = relocatableSum(x, ctx);
  if (sum !== undefined) return sum;
  misplaced(problem.message, problem.node);
  return NOT_SCALAR;
}

/**
 * `/ // % %% << >> <<< >>> & | ^ && || ^^` (nasm's eval.c): given a sum of labels, nasm's error
 * for the operator; after it a shift is its left operand, still no number to the operators
 * around it (measured: `((a - $$) >> 16) & 0xffff` gives the shift's error and the `&`'s).
 */
function scalarOperator(e: Extract<Expr, { k: 'bin' }>, ctx: EvalContext): Value {
  notScalarProblem = undefined;
  const a = scalarOperand(e.a, ctx);
  const problem = a === NOT_SCALAR ? notScalarProblem : undefined;
  const b = scalarOperand(e.b, ctx);
  if (a !== NOT_SCALAR && b !== NOT_SCALAR) return binary(e, a, b, ctx);
  fail(ctx, scalarOnlyMessage(e.op), e);
  const v = afterScalarError(e, a, b, ctx);
  return v === NOT_SCALAR && a === NOT_SCALAR && SHIFTS.has(e.op) && ctx.registerTerms !== true ? carriedSum(e.a, problem, ctx) : v;
}

/** nasm's `| ^ & || ^^ &&`, which go on after their error for an operand that is no number. */
const GOES_ON: ReadonlySet<string> = new Set(['|', '^', '&', '||', '^^', '&&']);

/** nasm's shifts, which go on with their left operand after their error (see afterScalarError). */
export const SHIFTS: ReadonlySet<string> = new Set(['<<', '>>', '<<<', '>>>']);

/**
 * The value nasm's evaluator goes on with after its error for operator `e` on `a` and `b`: a
 * shift's left operand, a label as it is (measured with nasm 2.16.01: `dd (a>>1) + (b>>1)` is
 * both shifts' errors, then "expression is not simple or relocatable" of `a + b`; `dd (a>>1) -
 * (b>>1)` the shifts' alone), a sum of labels still no number to the operators around it; `| ^
 * & || ^^ &&` of the operands' numbers (eval.c, reloc_value: a register's is 0; measured with
 * nasm 2.16.01 -E, `%if 1 || eax` is true); else nothing.
 */
function afterScalarError(e: Extract<Expr, { k: 'bin' }>, a: Value, b: Value, ctx: EvalContext): Value {
  const shift = SHIFTS.has(e.op);
  // (nasm's reloc_value is an operand's first term, 0 unless it is the number: a register's term
  // comes first, so an operand with one is 0, `-eax` and `eax+3` too, and a shift's number
  // operand is its value; measured with nasm 2.16.01 -E: `%if (2|(eax+3))==2` and `%if 1 << -eax`
  // are true after the operator's error.)
  if (ctx.registerTerms === true) {
    if (shift) return a;
    if (!GOES_ON.has(e.op) || (a.v === undefined && a !== NOT_SCALAR) || (b.v === undefined && b !== NOT_SCALAR)) return { v: undefined, sec: -1 };
    const number = (x: Value): Value => (x === NOT_SCALAR || x.sec >= 0 ? { v: 0, sec: -1 } : x);
    return binary(e, number(a), number(b), ctx);
  }
  // (An external name's stays no number: nasm's first pass stops on the shift's error before its
  // bin format would refuse the name as it puts it out.)
  if (shift) return a.sec >= EXTERNAL_SEGMENTS ? NOT_SCALAR : a;
  if (!GOES_ON.has(e.op)) return { v: undefined, sec: -1 };
  // (A sum of labels no single label is, `3 - $`, is its number to reloc_value too: measured with
  // nasm 2.16.01, `dd 4 | y - $ <= fwd`, y a constant, is the `|`'s error then the `<=`'s. A
  // label's number there is its offset in its section: measured, `resb 3 ^^ $ ? lab : 0` in .bss
  // at offset 0, after .text, is the `^^`'s error then "attempt to reserve ...", 0 ^^ 3 being 1.)
  const x = a === NOT_SCALAR ? sumNumber(e.a, ctx) : labelOffset(a, ctx), y = b === NOT_SCALAR ? sumNumber(e.b, ctx) : labelOffset(b, ctx);
  if (x.v === undefined || y.v === undefined) return { v: undefined, sec: -1 };
  return binary(e, { v: x.v, sec: -1, big: x.big }, { v: y.v, sec: -1, big: y.big }, ctx);
}

/** The number part of sum of labels `x` (see linearSum), as nasm's reloc_value reads it; unknown when it is no such sum. */
function sumNumber(x: Expr, ctx: EvalContext): Value {
  const sections = new Map<number, number>();
  let k = sumAside(x, ctx, sections);
  if (k === undefined) return { v: undefined, sec: -1 };
  for (const [sec, c] of sections) k -= c * (ctx.sectionStart?.(sec) ?? 0);
  return { v: k, sec: -1 };
}

/** `v` as nasm's reloc_value reads it: a label's offset in its section (see EvalContext.sectionStart). */
function labelOffset(v: Value, ctx: EvalContext): Value {
  if (v.sec < 0 || v.v === undefined) return v;
  const start = ctx.sectionStart?.(v.sec);
  return start === undefined ? v : { v: v.v - start, sec: v.sec };
}

/**
 * nasm 2.16.01's `__?ilog2e?__`, `__?ilog2w?__`, `__?ilog2f?__`, `__?ilog2c?__` (NASM manual §6.4,
 * the ifunc package's macros call them), measured: of the value as an unsigned 64-bit number,
 * the log rounded down (`f`, also `e` and `w`) or up (`c`; 0 for 0 and 1); `e` rejects and `w`
 * warns of a value that is no power of two (0 included).
 */
function ilog2(e: Extract<Expr, { k: 'un' }>, value: bigint, ctx: EvalContext): Value {
  const x = BigInt.asUintN(64, value);
  const floor = x === 0n ? 0 : x.toString(2).length - 1;
  if (e.op === 'ilog2c') return { v: x <= 1n ? 0 : (x - 1n).toString(2).length, sec: -1 };
  const power = x !== 0n && (x & (x - 1n)) === 0n;
  // (Either way nasm's evaluator goes on with the log rounded down: measured with nasm 2.16.01,
  // `dd __?ilog2e?__(3) + 1/0` is this error, then "division by zero".)
  if (!power && e.op === 'ilog2e') fail(ctx, NOT_POWER_OF_TWO, e);
  if (!power && e.op === 'ilog2w') ctx.warn?.('other', NOT_POWER_OF_TWO, e);
  return { v: floor, sec: -1 };
}

/** nasm's error (`__?ilog2e?__`) and warning (`__?ilog2w?__`) of an argument no power of two. */
export const NOT_POWER_OF_TWO = 'ilog2 argument is not a power of two';

/** The ilog2 function `word` names (`__?ilog2e?__` or `__ilog2e__`), as a unary operator. */
function ilog2Function(word: string): string | undefined {
  const m = /^__(?:\?(ilog2[ewfc])\?|(ilog2[ewfc]))__$/i.exec(word);
  return m === null ? undefined : (m[1] ?? m[2]).toLowerCase();
}

function misplaced(message: string, node: Expr): void {
  misplacedLabel ??= { message, node };
}

/** The problem held so far, if any; none is held after. */
function takeMisplaced(): typeof misplacedLabel {
  const problem = misplacedLabel;
  misplacedLabel = undefined;
  return problem;
}

/**
 * `e` as nasm's bin output takes it when its labels are not each alone: the sum of every label's
 * section, times its coefficient, must leave at most one section added once and the current
 * section subtracted once (`2*lab - lab`, `-lab`, `dat - txt` in .text; measured). The value is
 * then relocatable (no imm8 form, no range warning), the arithmetic of the addresses. In an
 * instruction's immediate (ctx.sectionAddress) a section of any other coefficient counts by its
 * labels' offsets alone (measured: `mov eax, 2*lab` is 2 * lab's offset in its section, whatever
 * the origin; `dd 2*lab` is an error).
 */
function relocatableSum(e: Expr, ctx: EvalContext): Value | undefined {
  const sections = new Map<number, number>();
  let k = linearSum(e, ctx, 1, sections);
  if (k === undefined || !Number.isSafeInteger(k)) return undefined;
  let added = -1, subtracted = -1;
  let scaled = false;
  for (const [sec, c] of sections) {
    if (c === 0) continue;
    if (c === 1 && added < 0) added = sec;
    else if (c === -1 && subtracted < 0) subtracted = sec;
    else {
      const address = c !== 1 && c !== -1 ? ctx.sectionAddress?.(sec) : undefined;
      if (address === undefined) return undefined;
      k -= c * address;
      scaled = true;
    }
  }
  if (subtracted >= 0 && (ctx.here()?.sec !== subtracted || subtracted === UNPLACED_SEGMENT)) return undefined;
  if (scaled && added < 0 && subtracted < 0) return { v: k, sec: -1, scaled: true };
  if (added >= 0 || subtracted < 0) return { v: k, sec: added };
  const base = ctx.base();
  return base?.v === undefined ? { v: k, sec: subtracted } : { v: k, sec: subtracted, offset: k + base.v };
}

/**
 * `e` as nasm's output formats see a value: a number and, by section, how many times the address
 * of a label of that section is added in (negative: taken away). Undefined when `e` is no sum of
 * labels and numbers, or not known.
 */
export function sectionTerms(e: Expr, ctx: EvalContext): { readonly sum: number; readonly sections: ReadonlyMap<number, number> } | undefined {
  // (An external name of another coefficient than 1 and -1 is dropped, as in an immediate: see
  // withScaledExternals. Elsewhere such a sum is an error, of a line nasm lists nothing of.)
  ctx = externalsCancelled(e, ctx, true);
  const sections = new Map<number, number>();
  const sum = sumAside(e, ctx, sections);
  return sum === undefined || !Number.isSafeInteger(sum) ? undefined : { sum, sections };
}

/**
 * `e`'s linearSum, the label an evaluation around it holds as misplaced (see takeMisplaced) left
 * as it was: a look at the sum on the side, which reports nothing.
 */
function sumAside(e: Expr, ctx: EvalContext, sections: Map<number, number>): number | undefined {
  const outer = takeMisplaced();
  const k = linearSum(e, ctx, 1, sections);
  misplacedLabel = outer;
  return k;
}

/**
 * `m` times `e`'s value, adding `m` times each label's coefficient to `sections`; undefined when not
 * a sum of labels. With `big`, a number beyond ±2^53 in the sum is added to `big.sum` (exactly)
 * instead of failing it.
 */
function linearSum(expr: Expr, ctx: EvalContext, factor: number, sections: Map<number, number>, big?: { sum: bigint }): number | undefined {
  let e = expr, m = factor;
  // (A sign in a loop: as many as nasm allows are deeper than the host's stack.)
  while (e.k === 'un' && (e.op === '-' || e.op === '+')) { if (e.op === '-') m = -m; e = e.a; }
  // (Factors past the doubles' range, ~17 nested `2^62 *`: no sum the exact sums could take.)
  if (!Number.isFinite(m)) return undefined;
  if (e.k === 'here' || e.k === 'base' || e.k === 'sym') {
    const v = evaluateTerm(e, ctx);
    if (v.big !== undefined && v.sec < 0 && big !== undefined) { big.sum += BigInt(m) * v.big; return 0; }
    if (v.v === undefined || v.big !== undefined) return undefined;
    if (v.sec >= 0) sections.set(v.sec, (sections.get(v.sec) ?? 0) + m);
    return m * v.v;
  }
  if (e.k === 'bin' && e.op === 'wrt') return linearSum(e.a, ctx, m, sections, big);
  if (e.k === 'bin' && (e.op === '+' || e.op === '-')) {
    if (e.a.k === 'bin' && (e.a.op === '+' || e.a.op === '-')) return linearChain(e, ctx, m, sections, big);
    const a = linearSum(e.a, ctx, m, sections, big), b = linearSum(e.b, ctx, e.op === '-' ? -m : m, sections, big);
    return a === undefined || b === undefined ? undefined : a + b;
  }
  // `c ? a : b` is the sum its condition picks (measured: `dd 2*(1 ? x : 0) - x` is `dd x`).
  if (e.k === 'bin' && e.op === '?') {
    const c = scalar(e.a, ctx);
    const branches = e.b as Extract<Expr, { k: 'bin' }>;
    if (c !== undefined) return linearSum(c !== 0 ? branches.a : branches.b, ctx, m, sections, big);
    // (A condition of labels is nasm's error, after which its evaluator goes on with it (see
    // conditional): measured with nasm 2.16.01, `push 3 + -(lab ? 1 : 2)` is the `?`'s error alone.)
    return labelsAside(e.a, ctx, m, sections);
  }
  if (e.k === 'bin' && e.op === '*') {
    const fa = scalar(e.a, ctx) ?? cancelledSum(e.a, ctx);
    if (fa !== undefined) return linearSum(e.b, ctx, m * fa, sections, big);
    const fb = scalar(e.b, ctx) ?? cancelledSum(e.b, ctx);
    return fb === undefined ? undefined : linearSum(e.a, ctx, m * fb, sections, big);
  }
  // A shift of labels is nasm's error, after which its evaluator goes on with them (see afterScalarError).
  if (e.k === 'bin' && (e.op === '>>' || e.op === '<<' || e.op === '>>>' || e.op === '<<<')) {
    const k = labelsAside(e.a, ctx, m, sections);
    if (k !== undefined) return k;
  }
  const v = scalar(e, ctx);
  if (v === undefined && big !== undefined) {
    const n = bigScalar(e, ctx);
    if (n !== undefined) { big.sum += BigInt(m) * n; return 0; }
  }
  return v === undefined ? undefined : m * v;
}

/** linearSum of `e` when it has labels whose coefficients do not cancel, added to `sections`; else undefined and `sections` left as it was. */
function labelsAside(e: Expr, ctx: EvalContext, m: number, sections: Map<number, number>): number | undefined {
  const own = new Map<number, number>();
  const k = linearSum(e, ctx, m, own);
  if (k === undefined || ![...own.values()].some((c) => c !== 0)) return undefined;
  for (const [sec, c] of own) sections.set(sec, (sections.get(sec) ?? 0) + c);
  return k;
}

/** `e`'s value when it is a number beyond ±2^53 (see linearSum's `big`). */
function bigScalar(e: Expr, ctx: EvalContext): bigint | undefined {
  const outer = takeMisplaced();
  const v = termOrChain(e, ctx);
  const misplacedHere = takeMisplaced() !== undefined;
  misplacedLabel = outer;
  return misplacedHere || v.sec >= 0 ? undefined : v.big;
}

/**
 * linearSum of a chain of `+` and `-` (`e` and its left operand are), its left operands taken in a
 * loop, in linearSum's order: a chain as long as nasm allows is deeper than the host's stack (see
 * evaluateChain).
 */
function linearChain(e: Extract<Expr, { k: 'bin' }>, ctx: EvalContext, m: number, sections: Map<number, number>, big?: { sum: bigint }): number | undefined {
  const spine: Extract<Expr, { k: 'bin' }>[] = [];
  let x: Expr = e;
  while (x.k === 'bin' && (x.op === '+' || x.op === '-')) { spine.push(x); x = x.a; }
  let sum = linearSum(x, ctx, m, sections, big);
  for (let i = spine.length - 1; i >= 0; i--) {
    const b = linearSum(spine[i].b, ctx, spine[i].op === '-' ? -m : m, sections, big);
    sum = sum === undefined || b === undefined ? undefined : sum + b;
  }
  return sum;
}

/**
 * `e`'s number when it is a sum of labels whose coefficients all come to 0, which nasm's evaluator
 * takes for that number (eval.c is_simple: measured with nasm 2.16.01, `resb lab * 0 * $` and
 * `dd 1 < (lab * 0 * $)` are 0, no error).
 */
function cancelledSum(e: Expr, ctx: EvalContext): number | undefined {
  const sections = new Map<number, number>();
  const k = linearSum(e, ctx, 1, sections);
  if (k === undefined) return undefined;
  for (const c of sections.values()) if (c !== 0) return undefined;
  return k;
}

/** `e`'s value when it is a number (no label left in it). */
function scalar(e: Expr, ctx: EvalContext): number | undefined {
  const outer = takeMisplaced();
  const v = termOrChain(e, ctx);
  const misplacedHere = takeMisplaced() !== undefined;
  misplacedLabel = outer;
  return misplacedHere || v.sec >= 0 || v.v === undefined || v.big !== undefined ? undefined : v.v;
}

/**
 * A leaf's value (a number, a name, `$` or `$$`), with no check of the whole expression around it
 * (see evaluate), nor a mark on an evaluation under way: a name with no value read here, on the
 * side (a first-pass view's), is none of that evaluation's (see undefinedRead).
 */
export function leafValue(e: Exclude<Expr, { k: 'un' | 'bin' }>, ctx: EvalContext): Value {
  const outerUndefined = undefinedRead;
  try { return evaluateTerm(e, ctx); } finally { undefinedRead = outerUndefined; }
}

/**
 * What operator `e` (other than a sum, a difference or a product) makes of numbers `a` and, for a
 * binary one, `b`, as evaluate applies it: the number, or the error it gives (`1/0`: "division by
 * zero"), reported to no one; NaN when it makes none, or when an operand is too large to be exact.
 */
export function numberOperation(e: Extract<Expr, { k: 'un' | 'bin' }>, a: number, b: number, ctx: EvalContext): number | string {
  if (!Number.isSafeInteger(a) || (e.k === 'bin' && !Number.isSafeInteger(b))) return NaN;
  let problem: string | undefined;
  const quiet = withSymbols(ctx, (name, node) => ctx.symbol(name, node), (message) => { problem ??= message; });
  const v = e.k === 'un' ? unary(e, { v: a, sec: -1 }, quiet) : binary(e, { v: a, sec: -1 }, { v: b, sec: -1 }, quiet);
  return problem ?? v.v ?? NaN;
}

/** The `?` of a conditional is an identifier to the lexer (manual §3.1), an operator here. */
export function isQuestionMark(t: Token): boolean {
  return t.kind === 'ident' && t.text === '?';
}

/**
 * `c ? a : b`: both branches are evaluated, as in nasm (an error in either is reported), but an
 * external name in the branch not taken is no reference: nasm's bin format refuses one only where
 * the value given its output has it (measured: `extern a, b` / `dd 0 ? a : b` is one error).
 */
function conditional(e: Extract<Expr, { k: 'bin' }>, ctx: EvalContext): Value {
  notScalarProblem = undefined;
  const c = scalarOperand(e.a, ctx);
  const problem = c === NOT_SCALAR ? notScalarProblem : undefined;
  const branches = e.b as Extract<Expr, { k: 'bin' }>;
  const taken = c.sec >= 0 || c.v === undefined ? undefined : c.v !== 0 || c.big !== undefined;
  const quiet = taken !== undefined && ctx.externals !== undefined && ctx.externals.size > 0 ? withExternalsQuiet(ctx, ctx.externals, new Set()) : ctx;
  const held = misplacedLabel;
  const a = evaluateTerm(branches.a, taken === false ? quiet : ctx);
  const b = evaluateTerm(branches.b, taken === true ? quiet : ctx);
  // (An error nasm's evaluator gives up at, in either branch, leaves no value: measured with nasm
  // 2.16.01, `db 1 ? -2 : 1/0 dup (1)` is "division by zero" alone, no negative count.)
  if (failed === true) return { v: undefined, sec: -1 };
  // (After its error nasm's evaluator goes on with the condition, as with a shift's left operand
  // (see afterScalarError): measured with nasm 2.16.01, `resb ($$ ? 4 : 2)` is the error then
  // "attempt to reserve non-constant quantity of BSS space", `dd (lab ? 1 : 2) >> 1` then the shift's.)
  // (A label where none can be in a branch is then no part of the value: measured, `mov eax, $ ?
  // $$*2 : 5` and `dd $ ? 5 : $$+$$` are the `?`'s error alone.)
  if (c === NOT_SCALAR || (c.sec >= 0 && c.v !== undefined)) { misplacedLabel = held; fail(ctx, CONDITION_NOT_SCALAR, e); return c.sec >= EXTERNAL_SEGMENTS ? NOT_SCALAR : c === NOT_SCALAR && ctx.registerTerms !== true ? carriedSum(e.a, problem, ctx) : c; }
  // (Nor in a value not known: measured, `dd 0 <=> (fwd-lab) ? 2*lab : 0`, whose `<=>` of a
  // smaller side nasm takes for unknown, is no error.)
  if (c.v === undefined) { misplacedLabel = held; return { v: undefined, sec: -1 }; }
  return c.v !== 0 || c.big !== undefined ? a : b;
}

function binary(e: Extract<Expr, { k: 'bin' }>, a: Value, b: Value, ctx: EvalContext): Value {
  const op = e.op;
  if (op === '+' || op === '-') {
    let sec: number;
    if (op === '+') {
      if (a.sec >= 0 && b.sec >= 0) { misplaced('cannot add two relocatable values', e); return { v: undefined, sec: -1 }; }
      sec = a.sec >= 0 ? a.sec : b.sec;
    } else if (b.sec >= 0) {
      if (a.sec !== b.sec) {
        if (a.v !== undefined && b.v !== undefined) misplaced('cannot subtract values in different sections', e);
        // Unknown operands still give a (pessimistic) relocatable result until they are known.
        return { v: undefined, sec: -1 };
      }
      sec = -1;
    } else sec = a.sec;
    if (a.v === undefined || b.v === undefined) return { v: undefined, sec };
    let r: Value;
    if (a.big === undefined && b.big === undefined) r = exact(op === '+' ? a.v + b.v : a.v - b.v, () => int64(op === '+' ? bigOf(a) + bigOf(b) : bigOf(a) - bigOf(b)));
    else r = int64(op === '+' ? bigOf(a) + bigOf(b) : bigOf(a) - bigOf(b));
    r.sec = sec;
    return r;
  }
  if (COMPARISONS.has(op) && (a.sec >= 0 || b.sec >= 0)) return compareRelocatable(e, a, b, ctx);
  if ((a.sec >= 0 && a.v !== undefined) || (b.sec >= 0 && b.v !== undefined)) {
    // (A product of two labels is nasm's evaluator's error where it meets it, which it reads no
    // further after, unless both are further on, unknown in its first pass, where it stops on
    // another error: measured, `lbl:` / `dd lbl*lbl + 1/0` and `dd lbl*fwd + 1/0` are "unable to
    // multiply two non-scalar objects", `dd lbl*lbl + 1/0` / `lbl:` "division by zero".)
    if (op === '*' && a.sec >= 0 && b.sec >= 0 && (ctx.knownAtFirst === undefined || ctx.knownAtFirst(e.a) || ctx.knownAtFirst(e.b))) fail(ctx, NO_PRODUCT, e);
    else if (op === '*' && a.sec >= 0 && b.sec >= 0) misplaced(NO_PRODUCT, e);
    else if (op === '*') misplaced('`*\' applied to a relocatable value', e);
    else fail(ctx, scalarOnlyMessage(op), e);
    return op === '*' ? { v: undefined, sec: -1 } : afterScalarError(e, a, b, ctx);
  }
  // A zero divisor is an error even when the dividend is unknown (`(3 <=> 5) % 0`; measured).
  if (b.v === 0 && b.big === undefined && (op === '/' || op === '%' || op === '//' || op === '%%')) { fail(ctx, 'division by zero', e); return { v: undefined, sec: -1 }; }
  if (a.v === undefined || b.v === undefined) {
    // `||` and `&&` short-circuit only on known values; unknown stays unknown.
    return { v: undefined, sec: -1 };
  }
  const small = a.big === undefined && b.big === undefined;
  const x = a.v, y = b.v;
  switch (op) {
    case '*': return small ? exact(x * y, () => int64(bigOf(a) * bigOf(b))) : int64(bigOf(a) * bigOf(b));
    case '/': case '%': case '//': case '%%': {
      // `/` and `%` are unsigned, `//` and `%%` signed (manual §3.5.6).
      if (small && (op === '//' || op === '%%' || (x >= 0 && y >= 0))) {
        const v = op === '//' || op === '/' ? Math.trunc(x / y) : x % y;
        return { v: v === 0 ? 0 : v, sec: -1 };
      }
      if (op === '//') return int64(bigOf(a) / bigOf(b));
      if (op === '%%') return int64(bigOf(a) % bigOf(b));
      return int64(op === '/' ? u64(a) / u64(b) : u64(a) % u64(b));
    }
    case '<<': case '<<<': case '>>': case '>>>': {
      // The count taken modulo 64, as the x86 shift nasm evaluates with (measured: `1 << 65` is
      // 2, `1 << -1` is 1 << 63); `>>` is logical, `>>>` arithmetic, `<<<` the same as `<<`.
      const n = b.big !== undefined ? Number(BigInt.asUintN(6, b.big)) : y & 63;
      if (op === '<<' || op === '<<<') {
        if (small && isInt32(x) && x >= 0 && n < Math.clz32(x) - 1) return { v: x << n, sec: -1 };
        return int64(bigOf(a) << BigInt(n));
      }
      if (small && x >= 0 && n < 32 && isInt32(x)) return { v: x >> n, sec: -1 };
      return int64((op === '>>' ? u64(a) : BigInt.asIntN(64, bigOf(a))) >> BigInt(n));
    }
    case '&': return small && isInt32(x) && isInt32(y) ? { v: x & y, sec: -1 } : int64(bigOf(a) & bigOf(b));
    case '|': return small && isInt32(x) && isInt32(y) ? { v: x | y, sec: -1 } : int64(bigOf(a) | bigOf(b));
    case '^': return small && isInt32(x) && isInt32(y) ? { v: x ^ y, sec: -1 } : int64(bigOf(a) ^ bigOf(b));
    default: break;
  }
  // Comparisons and logic: signed 64-bit.
  const c = small ? compare(x, y) : compareBig(bigOf(a), bigOf(b));
  const ta = x !== 0 || a.big !== undefined, tb = y !== 0 || b.big !== undefined;
  let v: number;
  switch (op) {
    case '=': case '==': v = c === 0 ? 1 : 0; break;
    case '!=': case '<>': v = c !== 0 ? 1 : 0; break;
    case '<': v = c < 0 ? 1 : 0; break;
    case '>': v = c > 0 ? 1 : 0; break;
    case '<=': v = c <= 0 ? 1 : 0; break;
    case '>=': v = c >= 0 ? 1 : 0; break;
    // nasm 2.16.01 takes the -1 of `3 <=> 5` for its mark of an unknown value: `dq 3 <=> 5` is 0,
    // `times 3 <=> 5` and `%if 3 <=> 5` are "non-constant" errors, `~(3 <=> 5)` is 0 (measured).
    case '<=>': if (c < 0) return { v: undefined, sec: -1 }; v = c; break;
    case '&&': v = ta && tb ? 1 : 0; break;
    case '||': v = ta || tb ? 1 : 0; break;
    case '^^': v = ta !== tb ? 1 : 0; break;
    default: fail(ctx, `unknown operator \`${op}'`, e); return { v: undefined, sec: -1 };
  }
  return { v, sec: -1 };
}

export const COMPARISONS: ReadonlySet<string> = new Set(['=', '==', '!=', '<>', '<', '<=', '>', '>=', '<=>']);

/**
 * The operators after whose error nasm's evaluator goes on, with the left operand or a number
 * (eval.c: the bitwise and logical operators, the shifts, an ordering, `?`; measured: `dw ((a -
 * $$) >> 16) & 0xffff` gives the shift's error and the `&`'s); after any other's it gives up.
 */
const CARRYING_ON: readonly string[] = [...SHIFTS, ...GOES_ON];

/** nasm's error for a `?` whose condition is no number. */
export const CONDITION_NOT_SCALAR = 'the left-hand side of `?\' must be a scalar value';

/** The errors of CARRYING_ON, of the comparisons, of `?` and of `__?ilog2e?__` (see givesUp). */
const CARRIES_ON: ReadonlySet<string> = new Set([...CARRYING_ON.map((op) => scalarOnlyMessage(op)), ...[...COMPARISONS].map((op) => nonScalarDifference(op)), CONDITION_NOT_SCALAR, NOT_POWER_OF_TWO]);

/** nasm's error for comparison `op` of sides whose difference is no number. */
export function nonScalarDifference(op: string): string {
  return `\`${op}': operands differ by a non-scalar`;
}


/** Whether nasm's evaluator takes operator `op` on scalars alone, with the error scalarOnlyMessage words (eval.c). */
export function isScalarOnly(op: string): boolean {
  return SCALAR_ONLY.test(op);
}

const SCALAR_ONLY = /^(?:[~!|^&/%]|\|\||\^\^|&&|<<<?|>>>?|\/\/|%%|ilog2.*)$/;

/**
 * nasm's message for an operator other than `+ - *` and the comparisons given a label (`||`, `^^`
 * and `&&` named by their first character: measured with nasm 2.16.01, `[ebx+(eax||1)*4]`).
 */
export function scalarOnlyMessage(op: string): string {
  if (op.startsWith('ilog2')) return 'function may only be applied to scalar values';
  if (op === '/' || op === '//' || op === '%' || op === '%%') return 'division operator may only be applied to scalar values';
  if (op === '<<' || op === '>>' || op === '<<<' || op === '>>>') return 'shift operator may only be applied to scalar values';
  return `\`${op[0]}' operator may only be applied to scalar values`;
}

/**
 * A comparison: when a side is no address on its own (`-1 - $`), nasm still compares the
 * difference of the two sides, a sum of labels (measured: `3 != -1 - $` is 1).
 */
function comparison(e: Extract<Expr, { k: 'bin' }>, ctx: EvalContext): Value {
  const outer = takeMisplaced();
  const a = evaluateTerm(e.a, ctx);
  const inA = takeMisplaced();
  const b = evaluateTerm(e.b, ctx);
  const inB = takeMisplaced();
  const problem = inA ?? inB;
  misplacedLabel = outer;
  // A shift's left operand that was no number (`lab >> 4 < 5`): nasm compares a sum of labels.
  if (a === NOT_SCALAR || b === NOT_SCALAR) return notScalarDifference(e, ctx);
  if (problem === undefined) return binary(e, a, b, ctx);
  // A side unknown of itself (`$$ <=> Lb1`, whose -1 nasm takes for unknown) leaves the comparison
  // unknown, whatever the other side sums to (measured: `($$ <=> Lb1) == 0F9x - $$` is 0).
  if ((a.v === undefined && inA === undefined) || (b.v === undefined && inB === undefined)) return { v: undefined, sec: -1 };
  const sections = new Map<number, number>();
  // (A number beyond ±2^53 on a side is still a number: measured with nasm 2.16.01, `dd ~3 / 3 -
  // 4 * $$ <= $$` is "`<=': operands differ by a non-scalar".)
  const bigA = { sum: 0n }, bigB = { sum: 0n };
  const ka = linearSum(e.a, ctx, 1, sections, bigA), kb = linearSum(e.b, ctx, -1, sections, bigB);
  if (ka === undefined || kb === undefined) { misplaced(problem.message, problem.node); return { v: undefined, sec: -1 }; }
  for (const c of sections.values()) if (c !== 0) return notScalarDifference(e, ctx);
  if ((bigA.sum !== 0n || bigB.sum !== 0n) && Number.isFinite(ka) && Number.isFinite(kb)) return binary(e, int64(BigInt(ka) + bigA.sum), int64(-(BigInt(kb) + bigB.sum)), ctx);
  return binary(e, { v: ka, sec: -1 }, { v: -kb, sec: -1 }, ctx);
}

/**
 * A comparison with a label on either side: nasm compares the difference of the two sides. Two
 * addresses in one section differ by a number and compare as numbers; otherwise the sides are
 * unequal (`La == 5` is 0, `La <> 1` is 1) and an ordering is an error (measured).
 */
function compareRelocatable(e: Extract<Expr, { k: 'bin' }>, a: Value, b: Value, ctx: EvalContext): Value {
  if (a.v === undefined || b.v === undefined) return { v: undefined, sec: -1 };
  // (A section's address taken away, `-$` (see Value.offset), against one added is twice the
  // address apart: measured with nasm 2.16.01, `dd 1 - $ << 2 > $` is the shift's error then the
  // `>`'s, as `dd -$ > $` is the `>`'s.)
  if (a.sec !== b.sec || (a.offset === undefined) !== (b.offset === undefined)) return notScalarDifference(e, ctx);
  // (Exactly, by the sign of the 64-bit difference: measured, `l + 0x7fffffffffffffff <= l +
  // 0x7ffffffffffffffe` is 0.)
  return binary(e, { v: a.v, sec: -1, big: a.big }, { v: b.v, sec: -1, big: b.big }, ctx);
}

/** A comparison whose sides differ by more than a number: unequal, and no order (an error). */
function notScalarDifference(e: Extract<Expr, { k: 'bin' }>, ctx: EvalContext): Value {
  if (e.op === '=' || e.op === '==') return { v: 0, sec: -1 };
  if (e.op === '!=' || e.op === '<>') return { v: 1, sec: -1 };
  fail(ctx, nonScalarDifference(e.op), e);
  // (nasm goes on with 0: eval.c, "must set it to _something_".)
  return { v: 0, sec: -1 };
}

function compare(x: number, y: number): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** nasm compares by the sign of the 64-bit difference (measured: 0x7fff_ffff_ffff_ffff < 0x8000_0000_0000_0000 is 1). */
function compareBig(x: bigint, y: bigint): number {
  const d = BigInt.asIntN(64, x - y);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** Evaluates numbers alone: a name of any kind, `$` or `$$` makes the value unknown. */
const NUMBERS_ONLY: EvalContext = { symbol: () => undefined, here: () => undefined, base: () => undefined, error: () => undefined };

/** `e`'s value when it is made of numbers alone and is a safe integer. */
export function constantOf(e: Expr): number | undefined {
  const v = evaluate(e, NUMBERS_ONLY);
  return v.v !== undefined && v.big === undefined && v.sec < 0 && Number.isSafeInteger(v.v) ? v.v : undefined;
}
