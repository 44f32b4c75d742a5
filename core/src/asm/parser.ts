// Turns a preprocessed line into a statement: label, `times`, prefixes, mnemonic or directive, and
// operands (registers, memory references split into base/index/scale/displacement, immediates,
// far pointers, data items), each with its column range. Errors are reported and the line skipped.

import type { SourceRange } from './api';
import { DATA_ELEMENT_SIZE, DATA_UNIT, DIRECTIVES, RESERVE_UNIT, isDirectiveWord, isKeywordWord, isUnbracketedOnly, isUnreadableWord, SIZE_KEYWORDS } from './directives';
import { DEFAULT_FLOAT_MODE, encodeFloat, floatConstant, FLOAT_FORMATS, packedBcd, packedBcdDigits, QUIET_NAN } from './floats';
import { isOutsideDialect } from '../isa/nasm-mnemonics';
import { isNasmRegister } from '../isa/nasm-registers';
import { effectiveAddress, withAddressWords, mentionsRegister, splitEffectiveAddress, splitTerms, termExprs, termNegated, withChosenBranches, type TermReader } from './effective-address';
import { COMPARISONS, constantOf, DECORATOR_TERM, DEFAULT_EVAL_LIMIT, evaluate, ExprParser, givesUp, isQuestionMark, isStackOverflow, qualifyName, scannedOverflow, simpleNumber, standardNameOf, utfBytes, utfCall, type Expr } from './expr';
import { firstLeaf } from './expr-walk';
import { isStaticOperand, type ByValue } from './encode-cache';
import { MNEMONIC_WORDS, PREFIX_WORDS } from './instruction-set';
import { openString, tokenizeLine } from './lexer';
import { startsBlank, UNCLOSED_BRACE } from './macros';
import { nasmTokenType } from './nasm-token-types';
import { wordTable } from '../word-table';
import type { LineEntry } from './line-cache';
import { bracedWord, spaced, type PPToken, type Written } from './source';
import { parsePlainLine } from './parse-plain';
import { rebaseStatement } from './parse-rebase';
import { opensLineDirective } from './reported-lines';
import { CALLED_EMPTY, callsStandardMacro, firstTakesRest, standardMacroCounts, unbracedArguments } from './standard-macros';
import { namesNumbersOperator, namesProduct, operandEvaluation, operandEvaluationErrors, registersOf, zeroRegisterFirst, type FirstPassEvaluation } from './eval-vector';
import { chosenBranches, conditionalIn, dataRegisterErrors, INVALID_OPERAND, INVALID_SET_SIZE, registerFactors, registersCompared, registerSetProblem, soleRegister, withoutRegisters } from './register-sum';
import { decodeString, utfFunction } from './strings';
import { lookupRegister } from '../isa/registers';
import type { RegisterInfo } from '../isa/types';
import type { DisplacementSize, EncodeResult } from '../isa/operands';

export interface Span { readonly start: number; readonly end: number }

/** The words that may precede a branch target or a memory reference: `jmp short x`, `jmp far [x]`. */
type JumpWord = 'short' | 'near' | 'far';

/** Thrown by LineParser.factorSymbol to its `memory`: a constant, since no stack is wanted. */
const FACTOR_SYMBOL = { factorSymbol: true };

/** The branch of an `equ`'s conditional that names a register (see ParsedOperand's equBranch): taken when the condition is not 0 (`whenTrue`) or when it is. */
export interface EquRegisterBranch {
  readonly condition: Expr;
  readonly whenTrue: boolean;
  readonly message: string;
  readonly code: string;
  readonly at: Span;
}

export type ParsedOperand = (
  | (Span & { readonly kind: 'reg'; readonly reg: RegisterInfo })
  | (Span & {
      readonly kind: 'imm'; readonly expr: Expr; readonly size?: 8 | 16 | 32 | 48 | 64 | 80; readonly strict?: boolean;
      readonly jump?: 'short' | 'near' | 'far';
      /**
       * An `equ`'s value written with a size, `near` or `short` ('size') or `to`: nasm defines
       * the name all the same, and refuses the line as its final pass matches it against EQU's
       * forms, which take none (see LineParser.equWords).
       */
      readonly equWords?: EquForm;
      /**
       * An `equ`'s value `c ? a : b` with a register in a branch, the condition a name's (see
       * LineParser.equBranches): `expr` has 0 for that branch, which nasm's parser refuses with
       * `message` where the condition picks it, as the assembler knows.
       */
      readonly equBranch?: EquRegisterBranch;
      /** As a memory reference's `written`: the operand as written, where registers compared in it were made numbers. */
      readonly written?: Expr;
    })
  | (Span & {
      readonly kind: 'mem'; readonly size?: 8 | 16 | 32 | 48 | 64 | 80; readonly far?: boolean; readonly segment?: RegisterInfo;
      readonly base?: RegisterInfo; readonly index?: RegisterInfo; readonly scale: 1 | 2 | 4 | 8; readonly disp?: Expr;
      readonly dispSize?: DisplacementSize; readonly nosplit?: boolean; readonly strict?: boolean;
      /**
       * `rel` written in the brackets of a reference with registers (see MemOperand.rel); of one
       * with `terms`, written in its brackets.
       */
      readonly rel?: boolean;
      /** `byte` written after a wider size in the brackets of a reference with `terms` (see withAddressWords). */
      readonly byteAfterWider?: true;
      /** `byte` written in the brackets of an absolute address before a wider size, or of a reference with `terms` (see MemOperand.byteWritten). */
      readonly byteWritten?: true;
      /** `near` or `short` before the brackets (see MemOperand.jump). */
      readonly jump?: 'near' | 'short';
      /**
       * What is inside the brackets when a register's factor names a symbol (`[tbl+ecx*COUNT]`):
       * the assembler makes the reference once the symbol is known (see resolveMemory); base,
       * index and displacement are then unset.
       */
      readonly terms?: Expr;
      /** `terms` are a split form's (`[eax, ecx*N]`): the part before the comma plus the index part after it (see splitEffectiveAddress). */
      readonly splitIndex?: true;
      /**
       * What is inside the brackets as written, where comparisons of registers in it were made
       * numbers (see registersCompared): nasm's evaluator's errors are of it, the registers parts
       * of the value (see the assembler's firstPassOperandErrors).
       */
      readonly written?: Expr;
      /**
       * The displacement written before the brackets (`x[bp-x]`), which nasm reads apart from the
       * terms inside them: where it is an address, the displacement is full-size, whatever the
       * terms take away (see the assembler's memory operands).
       */
      readonly outside?: Expr;
    })
  | (Span & { readonly kind: 'farptr'; readonly selector: Expr; readonly offset: Expr; readonly size?: 16 | 32 })
) & {
  /**
   * The decorators written after an instruction's operand (`mov eax, 1 {z}`), which nasm's parser
   * puts on the operand and no form of the dialect takes (see LineParser.decoratedOperand).
   */
  readonly decorated?: Decoration;
};

/** What decorators on an operand are to nasm's matcher, the first it refuses of them (see decorationOf). */
export type Decoration = 'broadcast' | 'mask' | 'decorator';

export type DataItem = (Span & { readonly kind: 'bytes'; readonly bytes: Uint8Array }) | (Span & { readonly kind: 'expr'; readonly expr: Expr })
  /** `db ?`: a unit of uninitialized space (nasm 2.15). */
  | (Span & { readonly kind: 'reserve' })
  /**
   * nasm 2.15's MASM-style items (see LineParser.dataList): `3 dup (1, 2)` and `2 dup 3 dup 0`,
   * `items` repeated the product of `counts` times (evaluated by the assembler in every pass);
   * `word 1`, whose `items` are of `unit` bytes (undefined: the enclosing list's).
   */
  | (Span & { readonly kind: 'group'; readonly counts: readonly Expr[]; readonly unit: number | undefined; readonly items: readonly DataItem[] });

/** What a statement holds besides its label: the same as its `op`, known without reading it. */
export const enum StatementKind { Empty, Instruction, Directive }

/**
 * A parsed line, without the line itself: statements of identical lines share one object (the
 * caller keeps which line each statement came from). The fields every assembly pass reads come
 * first, so they tend to share the object's first cache line (see `finish`).
 */
export interface ParsedStatement {
  readonly kind: StatementKind;
  readonly label?: Span & { readonly name: string; readonly short: string; readonly local: boolean; readonly parent?: string; readonly src?: SourceRange };
  readonly times?: Expr;
  /** `at field, db ...` inside `istruc`: the field offset the data goes to. */
  readonly at?: Expr;
  /**
   * The field is no expression alone, only as nasm's `at` macro pastes it into its `times
   * (FIELD-NAME)-...` line (`at .x-`): `at` then spans it, for the assembler to read that line.
   */
  readonly atText?: true;
  /**
   * `align 8, int3`: a fill other than one data directive, which nasm's `align` macro repeats as
   * `times` would (an instruction, `resb`, `incbin`, a fill with its own `times` or prefixes).
   */
  readonly fill?: ParsedStatement;
  /**
   * `align x, 0`: the fill nasm's macro puts after its `times` count is no statement, an error its
   * parser gives once it has read the count, after the count's own (see alignDirective).
   */
  readonly fillProblem?: ParseProblem;
  /**
   * `align {4, 8`: the `{` of nasm's macro's first parameter is not closed, so that parameter is
   * the rest of the line, commas and all, and there is no fill (measured with nasm 2.16.01: the
   * brace's error, then `sectalign`'s and the `times` count's, "expecting `)'").
   */
  readonly wholeArgument?: true;
  readonly prefixes: readonly (Span & { readonly name: string })[];
  readonly op?: Span & { readonly name: string; readonly directive: boolean };
  readonly operands: readonly ParsedOperand[];
  readonly data: readonly DataItem[];
  /** Tokens after the directive word, for directives with their own syntax (section attributes). */
  readonly args: readonly PPToken[];
  /** The non-local label `.x` names attach to (as parsed; only lines naming `.x` depend on it). */
  readonly localBase: string | undefined;
  /** Symbol uses: full name and the token range; `at` where a name a macro made is written (see PPToken). */
  readonly refs: readonly { readonly name: string; readonly start: number; readonly end: number; readonly src?: SourceRange; readonly at?: Written }[];
  /** Index of the mnemonic or directive token in `line.tokens` (the token count when there is none). */
  readonly opIndex: number;
  /** Every operand is made of numbers and registers only: the encoding depends on nothing else. */
  readonly staticOperands: boolean;
  /**
   * The operand holding the statement's only value (an immediate, or a memory operand's
   * displacement) when the others are registers; -1 otherwise (see EncodeCache.byValue).
   */
  readonly valueOperand: number;
  /** That operand's value (its expression or displacement), read without the operand. */
  readonly value: Expr | undefined;
  /**
   * Encodings remembered on the statement, which identical lines share across assemblies: its
   * encoding when static, under `bits 16` and `bits 32`, and its shape's by-value table (see
   * `valueShape` in encode-cache.ts). Written only by the assembler's encode cache: the one
   * mutable part of a statement.
   */
  enc16: EncodeResult | undefined;
  enc32: EncodeResult | undefined;
  /**
   * The length of `enc16`/`enc32` when that is an encoding without problems, -1 otherwise: all a
   * sizing pass needs of a static instruction, without following the encoding to its bytes.
   */
  size16: number;
  size32: number;
  values16: ByValue | undefined;
  values32: ByValue | undefined;
  /** The key of its by-value table (see `valueShape`), made on first use. */
  valueShape: string | undefined;
}

/** `error`: among a line's warnings, an error that let the parse go on (see LineParser.dataItems). */
export interface ParseProblem {
  readonly message: string; readonly start: number; readonly end: number; readonly code: string; readonly error?: true;
  /** An error after which nasm puts the statement out all the same (a float it reads as a quiet NaN: see FloatProblem). */
  readonly putOut?: true;
  /**
   * The name after a `seg` whose message this is (the bin format's word on segment bases, or its
   * warning of a segment zero-extended): nasm's own depends on what the name is, which only the
   * assembly knows (see segmentProblem in index.ts).
   */
  readonly segOf?: string;
  /** That `seg` is in a `times` count, whose word on no number nasm gives for an address. */
  readonly segInCount?: true;
  /** That warning of a segment zero-extended is given only where the statement is assembled in 32-bit code (see LineParser.segmentWidth). */
  readonly in32BitCode?: true;
  /**
   * With segInCount: where nasm's parser, which goes on past such a count, finds no instruction
   * ("parser: instruction expected"; measured with nasm 2.16.01, `times seg db 0` at the `0`,
   * `times seg nop` at its end: `seg` takes the word after it).
   */
  readonly noInstructionAt?: { readonly start: number; readonly end: number };
  /**
   * The `times` count read before this problem: nasm evaluates it as it parses the line, and what
   * it finds wrong with it comes first, or instead when its evaluator gives up (see
   * reportCountProblems in index.ts).
   */
  readonly afterCount?: Expr;
  /**
   * The operand outside brackets, naming registers under an operator besides sums, that this
   * problem refuses: nasm's evaluator's errors of it come first, or instead where it gives up,
   * and which those are depends on what its names are, which the assembly knows (see
   * reportOperandProblems in index.ts).
   */
  readonly registerOperand?: Expr;
  /**
   * The operands of an `equ` of several read before this problem, when one names something (a
   * symbol, a register, `$`): nasm's parser evaluates each in its first pass as it reads it, its
   * evaluator's errors come first, and where it gives up on one they are the line's only errors
   * (measured with nasm 2.16.01, after `x:`: `y equ 1, x>>1` is the shift's error then "bad syntax
   * for EQU", `y equ 1, 1/x` the division's alone, `y equ 1, x>>1, (` the shift's then "expression
   * syntax error"; `y equ 1, 1/x` before `x:` "bad syntax for EQU" alone). Which those are
   * depends on what the names are, which the assembly knows (see reportEquProblems in index.ts).
   */
  readonly equOperands?: readonly Expr[];
}

/** Whether `e` names anything but numbers: a symbol, a register, `$` or `$$`. */
function namesSomething(e: Expr): boolean {
  return firstLeaf(e, (x) => x.k !== 'num') !== undefined;
}

class LineError {
  constructor(readonly problem: ParseProblem) {}
}

/**
 * Whether statement `st` starts a new scope of `.local` names: a label other than an `equ`'s or a
 * `..@` one, or `struc` of a name. Its `localBase` is then its own; any other kept statement's is
 * the one it was first read under, which may be another file's (see Assembler.baseAfter).
 */
export function setsLocalBase(st: ParsedStatement): boolean {
  if (strucOfName(st)) return true;
  return st.label !== undefined && !st.label.local && !st.label.name.startsWith('..') && st.op?.name !== 'equ';
}

/**
 * `struc NAME`, whose macro's `NAME:` is a label (`struc $x` too). `struc [absolute 8]` sets no
 * base: its `[absolute 8]:` is the directive (nasm 2.16.01, measured: `.a` after it under `start:`
 * is `start.a`).
 */
function strucOfName(st: ParsedStatement): boolean {
  return st.op?.name === 'struc' && st.args[0]?.kind === 'ident';
}

/** A line whose expression is too deep for a walk over it (see isStackOverflow): the whole line fails. */
export function tooDeep(tokens: readonly { readonly start: number; readonly end: number }[]): ParseProblem {
  return { message: 'expression too long', start: tokens[0]?.start ?? 0, end: tokens[tokens.length - 1]?.end ?? 0, code: 'expression' };
}

export const NO_OPERANDS: readonly ParsedOperand[] = [];
export const NO_DATA: readonly DataItem[] = [];
const NO_COUNTS: readonly Expr[] = [];
/** The bytes of a data item nasm reported and left out. */
const NO_BYTES = new Uint8Array(0);
export const NO_TOKENS: readonly PPToken[] = [];
export const NO_PREFIXES: ParsedStatement['prefixes'] = [];
export const NO_REFS: ParsedStatement['refs'] = [];

/** What a lower-case word can be where a statement starts: Word bits, 0 for a name. */
const enum Word { Mnemonic = 1, Prefix = 2, Directive = 4, Size = 8 }

type OpSpan = NonNullable<ParsedStatement['op']>;

/** Columns below this share their op spans (see Keyword.op): where mnemonics are written. */
const SHARED_OP_COLUMNS = 64;

/** A word that can start a statement: what it can be, and its op spans. */
export class Keyword {
  /** Op spans by their first column, made on first use. */
  private readonly ops: (OpSpan | undefined)[] = [];

  constructor(readonly name: string, public bits: number) {}

  /**
   * The span of this word as a statement's mnemonic or directive, at its token's columns. Statements
   * keep their op span for as long as their line is kept, and most lines write the same few
   * mnemonics at the same column: the span, immutable, is shared rather than made per line
   * when it covers the word as written (a word from a macro expansion spans what it replaced).
   */
  op(start: number, end: number): OpSpan {
    const directive = (this.bits & Word.Directive) !== 0;
    if (start >= SHARED_OP_COLUMNS || end !== start + this.name.length) return { name: this.name, start, end, directive };
    return (this.ops[start] ??= { name: this.name, start, end, directive });
  }
}

/** Every word with its Word bits: one lookup answers what would take four sets. */
const WORDS: ReadonlyMap<string, Keyword> = (() => {
  const words = new Map<string, Keyword>();
  const add = (list: Iterable<string>, bit: Word): void => {
    for (const w of list) {
      const known = words.get(w);
      if (known !== undefined) known.bits |= bit; else words.set(w, new Keyword(w, bit));
    }
  };
  add(MNEMONIC_WORDS, Word.Mnemonic);
  add(PREFIX_WORDS, Word.Prefix);
  add(DIRECTIVES, Word.Directive);
  add(Object.keys(SIZE_KEYWORDS), Word.Size);
  return words;
})();

function wordClass(lower: string): number {
  return WORDS.get(lower)?.bits ?? 0;
}

/**
 * Whether the line `toks`, whose first word is `lower`, an instruction's mnemonic, a prefix or a
 * data or reserve word, goes on to a standard macro's call (`dd use16`, `nop bits 32`): nasm's
 * preprocessor then takes the word for a label, `dd :` (measured: `dd use16` defines `dd` and
 * sets 16 bits, without a message; `rep use16` is `rep :`, "parser: instruction expected").
 */
function standardCallAfterKeyword(toks: readonly PPToken[], lower: string): boolean | number {
  if (toks.length < 2 || toks[1].kind !== 'ident') return false;
  const cls = wordClass(lower);
  if ((cls & (Word.Mnemonic | Word.Prefix)) === 0 && DATA_UNIT[lower] === undefined && RESERVE_UNIT[lower] === undefined) return false;
  return callsStandardMacro(toks, 1);
}

/** The keyword of `lower` when, first on a line or after a label, it is an instruction's mnemonic. */
export function mnemonicKeyword(lower: string): Keyword | undefined {
  const keyword = WORDS.get(lower);
  return keyword !== undefined && (keyword.bits & (Word.Mnemonic | Word.Directive)) === Word.Mnemonic ? keyword : undefined;
}

/** Register lookup limited to names the tokenizer could produce as one identifier. */
function register(t: PPToken | undefined): RegisterInfo | undefined {
  return t && t.kind === 'ident' && t.text.length <= 3 ? lookupRegister(t.text) : undefined;
}

/** The parse of one line; `localBase` is the current non-local label, the result carries the new one. */
export interface ParseOutcome {
  readonly stmt?: ParsedStatement;
  readonly problem?: ParseProblem;
  readonly localBase: string | undefined;
  /** Problems that do not stop the line (a character constant cut to four bytes). */
  readonly warnings?: readonly ParseProblem[];
}

/** AVX-512's decorators, which nasm's scanner reads in braces (`{k1}`, `{z}`, `{1to8}`, `{rn-sae}`). */
// (`{k0}` is none: measured with nasm 2.16.01, `mov eax, 1 {k0}` is "`k0' is not a valid decorator
// with braces".)
const DECORATORS: ReadonlySet<string> = new Set(['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'z', '1to2', '1to4', '1to8', '1to16', '1to32', 'rn-sae', 'rd-sae', 'ru-sae', 'rz-sae', 'sae']);

/**
 * The decorators in braces that make up `tokens[start..end)` and nothing else (`{z}`, `{z}{k1}`),
 * as nasm's scanner reads them (no blank after the `{`, see braceProblem), by name in lower case;
 * undefined for anything else.
 */
function decoratorsIn(tokens: readonly PPToken[], start: number, end: number): string[] | undefined {
  const names: string[] = [];
  for (let k = start; k < end;) {
    if (tokens[k].kind !== 'op' || tokens[k].text !== '{') return undefined;
    const { close, word } = bracedWord(tokens, k, end);
    if (close < 0 || word === undefined || !DECORATORS.has(word.toLowerCase())) return undefined;
    names.push(word.toLowerCase());
    k = close + 1;
  }
  return names.length > 0 ? names : undefined;
}

/**
 * An operand `tokens[start..end)` that is one zeroing or broadcast decorator in braces (`{z}`,
 * `{1to8}`): nasm's evaluator makes it a term of its own kind, which its parser takes for a
 * rounding mode to put on the operand before and refuses (measured with nasm 2.16.01: `resb {z}`,
 * `mov eax, {z}` and `y equ 1, {z}` are "invalid decorator"); `{k1}` is no term at all.
 */
function isDecoratorOperand(tokens: readonly PPToken[], start: number, end: number): boolean {
  const names = decoratorsIn(tokens, start, end);
  return names !== undefined && names.length === 1 && (names[0] === 'z' || names[0].startsWith('1to'));
}

/**
 * What decorators `names` on one operand are to nasm's matcher, which checks a broadcast first,
 * then an opmask, then the rest (assemble.c matches; measured with nasm 2.16.01: `mov eax, 1
 * {k1}{1to4}` is "broadcast not permitted on this operand", `mov eax, 1 {z}{k1}` "mask not
 * permitted on this operand").
 */
function decorationOf(names: readonly string[]): Decoration {
  return names.some((d) => d.startsWith('1to')) ? 'broadcast' : names.some((d) => d.startsWith('k')) ? 'mask' : 'decorator';
}

/**
 * The error nasm's evaluator gives up at in `e` whatever the names in it are (its numbers
 * divided by zero: measured with nasm 2.16.01, `y equ 1, x/0` is "division by zero" with x
 * defined nowhere); undefined for none.
 */
function numbersGiveUp(e: Expr): string | undefined {
  // (`$` and `$$` are addresses, which the assembler knows.)
  if (firstLeaf(e, (x) => x.k === 'here' || x.k === 'base') !== undefined) return undefined;
  let failed: string | undefined;
  evaluate(e, { symbol: () => undefined, here: () => undefined, base: () => undefined, error: (message) => { failed ??= message; } });
  return failed !== undefined && givesUp(failed) ? failed : undefined;
}

/** The tokens that end a memory reference's expression rather than go on with it (see equReference). */
const REFERENCE_STOPS: ReadonlySet<string> = new Set(['[', ']', ':', ',', '{', '(', ')']);

/** Whether `t` can end a term of nasm's expressions, after which a `{` is a decorator and no term. */
function endsTerm(t: PPToken): boolean {
  return t.kind !== 'op' || t.text === ')' || t.text === ']';
}

/**
 * Where the decorator's term that operand `tokens[start..end)` begins with ends, when something
 * other than an operator follows it: nasm's evaluator stops after the term, and its parser says
 * so of the rest ("comma, colon, decorator or end of line expected after operand") before it
 * takes the term for a rounding mode (measured with nasm 2.16.01: `mov eax, {z} 3` and `y equ 1,
 * {z} 3` are that error then "invalid decorator", `y equ {rn-sae} 3` it then "bad syntax for
 * EQU"). Undefined for any other operand, and for an opmask, which is no term.
 */
function decoratorTermEnd(tokens: readonly PPToken[], start: number, end: number): number | undefined {
  if (tokens[start]?.kind !== 'op' || tokens[start].text !== '{') return undefined;
  const term = decoratorEnd(tokens, start, end);
  if (term === undefined || term >= end || tokens[term].kind === 'op' || decoratorsIn(tokens, start, term)![0].startsWith('k')) return undefined;
  return term;
}

/** Whether decorator `name` (see DECORATORS) is a rounding mode (`{rn-sae}`) or `{sae}`. */
function isRounding(name: string): boolean {
  return name.endsWith('sae');
}

/**
 * The index after the braces at `tokens[open]` when they are one of nasm's decorator tokens
 * (see decoratorsIn), else undefined.
 */
function decoratorEnd(tokens: readonly PPToken[], open: number, end: number): number | undefined {
  const { close } = bracedWord(tokens, open, end);
  return close >= 0 && decoratorsIn(tokens, open, close + 1) !== undefined ? close + 1 : undefined;
}

/**
 * nasm's scanner reads `{...}` as one token, a decorator, and says so of anything else in braces
 * before its parser stops there (measured: `x {e}` is "`e' is not a valid decorator with braces"
 * then "parser: instruction expected", `db {1,2}` "invalid decorator token inside braces" then
 * "expression syntax error"): the scanner's error for a line whose parse failed at a `{`.
 */
export function braceProblem(tokens: readonly PPToken[], at: number): ParseProblem | undefined {
  // (At the `{`, or at a word taken for a label that the braces follow: `x {e}`. The tokens a
  // macro's parameter or a single-line macro put in all stand at the place of its name: there, the
  // `{` among them, as nasm's scanner reads it in order: measured, `db %1` with `1, {2` and
  // `%define D db 1, {2` / `D` are "invalid decorator token inside braces" too.)
  // (A `%{{...}` nasm leaves as written, `%{...}` to its assembler (see the lexer's bracedToken): a
  // `%`, then the braces: measured, `db %{{3}` is "`3' is not a valid decorator with braces".)
  const left = tokens.find((t) => t.start === at && t.kind === 'op' && t.text.startsWith('%{'));
  if (left !== undefined) {
    const inner = tokenizeLine(left.text.slice(1)).map((t) => ({ ...t, start: t.start + left.start + 1, end: t.end + left.start + 1 }));
    const p = braceProblem(inner, left.start + 1);
    return p !== undefined ? { ...p, start: left.start, end: left.end } : undefined;
  }
  let open = tokens.findIndex((t) => t.start === at && t.text === '{' && t.kind === 'op');
  if (open < 0) open = tokens.findIndex((t) => t.start === at);
  if (open === 0 && tokens[1]?.text === '{') open = 1;
  if (open < 0 || tokens[open].kind !== 'op' || tokens[open].text !== '{') return undefined;
  const { close, word } = bracedWord(tokens, open);
  // (No `}`: measured, "invalid decorator token inside braces".)
  if (close < 0) return { message: 'invalid decorator token inside braces', start: tokens[open].start, end: tokens[tokens.length - 1].end, code: 'syntax', error: true };
  if (word !== undefined && DECORATORS.has(word.toLowerCase())) return undefined;
  const message = word !== undefined ? `\`${word}' is not a valid decorator with braces` : 'invalid decorator token inside braces';
  return { message, start: tokens[open].start, end: tokens[close].end, code: 'syntax', error: true };
}

/** Parses one line; undefined `stmt` for an empty line. Problems are returned, never thrown. */
export function parseStatement(tokens: readonly PPToken[], localBase: string | undefined, evalLimit = DEFAULT_EVAL_LIMIT, floatMode = DEFAULT_FLOAT_MODE, endsBlank = false): ParseOutcome {
  const p = new LineParser(tokens, localBase, evalLimit, floatMode, endsBlank);
  try {
    const stmt = p.statement();
    // Errors the parse went on after: the line fails with the last of them. An instruction is
    // assembled all the same, as nasm assembles it (measured: `mov eax, [far ax]` is "invalid size
    // specification in effective address", then "invalid 32-bit effective address"), and so is an
    // `equ`, which nasm's parser reads as one (measured: `y equ abs 1` and `y equ 1 2` define y as
    // 1); of another directive the label alone stays. (Not one that puts the statement out: see
    // ParseProblem.putOut.)
    let last = p.warnings !== undefined ? p.warnings.length - 1 : -1;
    while (last >= 0 && (p.warnings![last].error !== true || p.warnings![last].putOut === true)) last--;
    if (last >= 0) {
      const problem = p.warnings![last];
      const rest = p.warnings!.filter((_, k) => k !== last);
      const label = stmt?.kind === StatementKind.Instruction || stmt?.op?.name === 'equ' ? stmt : p.failedLineLabel();
      const o: ParseOutcome = label !== undefined ? { stmt: label, problem, localBase: p.localBase } : { problem, localBase: p.localBase };
      return rest.length > 0 ? { ...o, warnings: rest } : o;
    }
    return p.warnings ? { stmt, localBase: p.localBase, warnings: p.warnings } : { stmt, localBase: p.localBase };
  } catch (e) {
    // Warnings given before the problem stand (nasm prints them with the error), and so does the
    // label (see LineParser.failedLineLabel).
    if (isStackOverflow(e)) return { problem: tooDeep(tokens), localBase };
    if (e instanceof LineError) {
      const stmt = p.failedLineLabel();
      let problem: ParseProblem = p.segOperand !== undefined && e.problem.message === SEGMENT_BASES ? { ...e.problem, segOf: p.segOperand, ...(p.segInCount ? p.countProblem() : {}) } : e.problem;
      if (p.timesCount !== undefined && problem.segOf === undefined) problem = { ...problem, afterCount: p.timesCount };
      const o: ParseOutcome = stmt !== undefined ? { stmt, problem, localBase: p.localBase } : { problem, localBase: p.localBase };
      const brace = braceProblem(p.tokensRead(), e.problem.start);
      const warnings = brace !== undefined ? [...p.warnings ?? [], brace] : p.warnings;
      return warnings ? { ...o, warnings } : o;
    }
    throw e;
  }
}

/**
 * The state carried from line to line while parsing a file, and the latest line's outcome; one
 * object reused for every line, so a line whose parse is shared allocates nothing.
 */
export class ParseCursor {
  /** The current non-local label. */
  localBase: string | undefined = undefined;
  /** The latest line's problem (the line is then skipped) and warnings. */
  problem: ParseProblem | undefined = undefined;
  warnings: readonly ParseProblem[] | undefined = undefined;
  /**
   * Set when the latest line's statement is a shared parse (see CachedParse.shared): the label
   * its `.x` names hang from, which the caller keeps with the statement and clears. Undefined
   * for any other line, and for a shared one before the first label (its names stay as written).
   */
  sharedBase: string | undefined = undefined;
}

/**
 * A kept parse that is not clean (see LineEntry.stmt): a problem or a warning, or `.local` names.
 * The outcome's fields are its own, so replaying it reads one object.
 */
export interface CachedParse extends ParseOutcome {
  /**
   * `parseGeneration` when made: parses made before the count of kept parses started over no
   * longer count (entries hold theirs until next used; this bounds the memory of `byBase`).
   */
  readonly generation: number;
  /** The line names `.local` labels, so its parse depends on the current non-local label. */
  readonly usesBase: boolean;
  /** The line sets the non-local label (a label definition or `struc`). */
  readonly setsBase: boolean;
  /**
   * Lines that use the base and set it, or fail: their parses under each base (the first one's
   * is this one).
   */
  byBase?: Map<string, CachedParse>;
  /**
   * Lines that use the base and parse without setting it: their statements under each base, the
   * first one's `stmt` among them. The others are made from it by rebaseStatement; all share
   * its outcome otherwise (no problem, its warnings, the base unchanged), so a statement is all
   * there is to keep per base.
   */
  rebased?: Map<string, ParsedStatement>;
  /**
   * Instead of `rebased`, for most such lines (see sharedStatement): one statement for every base,
   * with its names as written (`.x`, not `label.x`); whoever reads its names makes them full
   * under the label the line is under (ParseCursor.sharedBase). A line under its 12,500th label
   * then costs what any line seen before does.
   */
  shared?: ParsedStatement;
}

/**
 * Parses of lines written verbatim that have no line-cache entry (macro body lines), by text,
 * kept across calls (the language server re-parses after every edit). Lines with an entry keep
 * their parse on it; `cachedParses` counts both.
 */
let parseCache = new Map<string, CachedParse>();
let cachedParses = 0;
let parseGeneration = 0;
const MAX_CACHED_PARSES = 1 << 18;

/**
 * Forgets every kept parse (see `forgetCaches` in index.ts; also past MAX_CACHED_PARSES). Clean
 * parses kept on line entries stay: they go with their entries (see line-cache.ts).
 */
export function forgetParses(): void {
  parseCache = new Map();
  cachedParses = 0;
  parseGeneration++;
}

/**
 * Parses a line's `tokens` under `cursor` (updated), reusing the parse of an identical line: for
 * lines assembled as written (`verbatim`: no macro expansion) the parse is a function of the
 * `text` and, for lines naming `.local` labels, the current non-local label. The statement
 * returned may be shared with other lines and calls: callers must not modify it. `tokens` may be
 * left undefined for a line with an `entry`: the entry's are then read only if the line is parsed.
 */
/** What the dialect holds, for the errors on what it leaves out. */
const DIALECT = 'it has the IA-32 integer and system set: no FPU, SSE, VMX, 64-bit or later extensions';

/**
 * `__?masm_ptr?__` (what `%use masm` makes of `ptr`, in any case) and `&` start a memory
 * reference like `[`, closed by nothing: `dword ptr foo` is `dword [foo]`, `ptr [ebx]` and
 * `ptr 4[ebx]` are `[ebx]` and `[ebx+4]` (nasm 2.16.01 parser.c, measured; fixture use-masm-ptr).
 */
function masmPointer(t: PPToken): boolean {
  return (t.kind === 'op' && t.text === '&') || (t.kind === 'ident' && t.text.length === 14 && t.text.toLowerCase() === '__?masm_ptr?__');
}

/**
 * `__?masm_flat?__:` (masm's `flat:`) at the start of a memory reference, which nasm skips: `[flat:ebx]`,
 * `ptr flat:foo` (`ptr flat:[ebx]` is an expression error, measured).
 */
function isMasmFlat(t: PPToken | undefined, colon: PPToken | undefined): boolean {
  return t !== undefined && t.kind === 'ident' && t.text.length === 15 && colon?.text === ':' && t.text.toLowerCase() === '__?masm_flat?__';
}

/** The index of the `}` closing the `{` at `toks[open]`, or the token count when none does. */
function closingBrace(toks: readonly PPToken[], open: number): number {
  let depth = 0;
  for (let k = open; k < toks.length; k++) {
    if (toks[k].kind !== 'op') continue;
    if (toks[k].text === '{') depth++;
    else if (toks[k].text === '}' && --depth === 0) return k;
  }
  return toks.length;
}

/** `toks` without the commas after source offset `at`: what follows is one argument. */
function withoutCommasAfter(toks: PPToken[], at: number): PPToken[] {
  return toks.filter((t) => t.start <= at || t.kind !== 'op' || t.text !== ',');
}

/** The error for a NASM instruction the dialect leaves out. */
function outsideDialect(word: string): string {
  return WIDE_DATA.has(word.toLowerCase()) ? `\`${word}' is a NASM data directive that Ringside's dialect leaves out (${DIALECT})`
    : `\`${word}' is a NASM instruction that Ringside's dialect leaves out (${DIALECT})`;
}

/**
 * nasm's data directives of 16, 32 and 64 bytes, for SSE and AVX data (their `reso`, `resy` and
 * `resz` are among nasm's instructions, nasm-mnemonics.json): outside the dialect too. nasm takes
 * `do 1` for data (measured: "integer supplied as 128-bit data"), `dz equ 3` too ("symbol `equ'
 * not defined"), and `do:` for a label.
 */
const WIDE_DATA: ReadonlySet<string> = new Set(['do', 'dy', 'dz']);

/** Whether nasm reads `word` as an instruction or directive the dialect leaves out. */
function leftOut(word: string): boolean {
  return isOutsideDialect(word) || WIDE_DATA.has(word.toLowerCase());
}

/** The error for a NASM register the dialect leaves out (`rax`, `xmm0`), named where a symbol could be. */
export function registerOutsideDialect(word: string): string {
  return `\`${word}' is a NASM register that Ringside's dialect leaves out (${DIALECT})`;
}

export function parseLine(text: string, tokens: readonly PPToken[] | undefined, verbatim: boolean, cursor: ParseCursor, evalLimit = DEFAULT_EVAL_LIMIT, entry?: LineEntry,
  floatMode = DEFAULT_FLOAT_MODE, endsBlank = false): ParsedStatement | undefined {
  const localBase = cursor.localBase;
  // The cache holds parses under the default limit and `[float]` mode only.
  if (!verbatim || evalLimit !== DEFAULT_EVAL_LIMIT || floatMode !== DEFAULT_FLOAT_MODE) {
    const toks = tokens ?? entry!.codeOnce();
    return take(withOpenString(parseStatement(toks, localBase, evalLimit, floatMode, endsBlank), verbatim && entry !== undefined ? toks : undefined), cursor, localBase, true);
  }
  // Most lines: a clean parse, kept on the line's entry with no outcome around it.
  if (entry !== undefined && entry.stmt !== undefined) {
    const stmt = entry.stmt;
    cursor.localBase = entry.stmtSetsBase ? stmt.localBase : localBase;
    cursor.problem = undefined;
    cursor.warnings = undefined;
    return stmt;
  }
  // A line with a cache entry keeps its parse there alone: the entry is already found by the
  // line's text, and a second map by text would cost a lookup and an insertion per new line.
  const kept = entry?.parse;
  let first = kept !== undefined && kept.generation === parseGeneration ? kept : entry === undefined ? parseCache.get(text) : undefined;
  if (first !== undefined && first.shared !== undefined) {
    cursor.localBase = localBase;
    cursor.sharedBase = localBase;
    cursor.problem = undefined;
    cursor.warnings = first.warnings;
    return first.shared;
  }
  const baseKey = localBase ?? '';
  if (first !== undefined && first.rebased !== undefined) {
    // The same line under another non-local label: its first parse with the local names made again.
    let stmt = first.rebased.get(baseKey);
    if (stmt === undefined) {
      stmt = rebaseStatement(first.stmt!, tokens ?? entry!.codeOnce(), localBase);
      if (cachedParses >= MAX_CACHED_PARSES) forgetParses();
      else first.rebased.set(baseKey, stmt);
      cachedParses++;
    }
    cursor.localBase = localBase;
    cursor.problem = undefined;
    cursor.warnings = first.warnings;
    return stmt;
  }
  let c = first !== undefined && first.usesBase ? first.byBase!.get(baseKey) : first;
  if (first === undefined && tokens === undefined && entry !== undefined) {
    // Most new lines: read from their characters, without tokens. Such a parse is clean, uses no
    // `.local` name and sets the base exactly when it has a label.
    const stmt = parsePlainLine(entry.text, entry.codeStart, localBase);
    if (stmt !== undefined) {
      if (cachedParses >= MAX_CACHED_PARSES) forgetParses();
      cachedParses++;
      entry.keepStmt(stmt, stmt.label !== undefined);
      entry.parse = undefined;
      cursor.localBase = stmt.localBase;
      cursor.problem = undefined;
      cursor.warnings = undefined;
      return stmt;
    }
  }
  if (c === undefined) {
    tokens ??= entry!.codeOnce();
    const outcome = withOpenString(parseStatement(tokens, localBase), entry !== undefined ? tokens : undefined);
    const stmt = outcome.stmt;
    // A line that fails to parse may have set the base first (nasm defines a label before it reads
    // the instruction): its parse is kept per base, and replays the base it ended with.
    const failed = outcome.problem !== undefined;
    const usesBase = failed || mentionsLocal(tokens);
    // A line naming `.local` labels is parsed again under every other base: its tokens are kept.
    if (usesBase && entry !== undefined) entry.keepCode(tokens);
    // (A `..@x:` label sets no base: manual §3.9. Nor does an `equ`'s; the label of an `at`'s
    // fill, `at field, lbl`, does.)
    const setsBase = failed || (stmt !== undefined && (outcome.localBase !== localBase || (stmt.label !== undefined && !stmt.label.local && !stmt.label.short.startsWith('..') && stmt.op?.name !== 'equ') || strucOfName(stmt)
      || (stmt.fill?.label !== undefined && !stmt.fill.label.local && !stmt.fill.label.short.startsWith('..'))));
    if (cachedParses >= MAX_CACHED_PARSES) { forgetParses(); first = undefined; }
    cachedParses++;
    if (entry !== undefined && stmt !== undefined && !usesBase && outcome.warnings === undefined) {
      entry.keepStmt(stmt, setsBase);
      entry.parse = undefined;
    } else {
      const shared = usesBase && !setsBase && stmt !== undefined && first === undefined ? sharedStatement(stmt, tokens) : undefined;
      c = { stmt, problem: outcome.problem, localBase: outcome.localBase, warnings: outcome.warnings, generation: parseGeneration, usesBase, setsBase, byBase: undefined, rebased: undefined, shared };
      if (usesBase && first !== undefined) first.byBase!.set(baseKey, c);
      else {
        if (shared !== undefined) {
          if (entry !== undefined) entry.parse = c; else parseCache.set(text, c);
          take(outcome, cursor, undefined, true);
          cursor.sharedBase = localBase;
          return shared;
        }
        if (usesBase && !setsBase && stmt !== undefined) c.rebased = new Map([[baseKey, stmt]]);
        else if (usesBase) c.byBase = new Map([[baseKey, c]]);
        if (entry !== undefined) entry.parse = c; else parseCache.set(text, c);
      }
    }
    return take(outcome, cursor, undefined, true);
  }
  return take(c, cursor, c.setsBase ? c.localBase : localBase, false);
}

/** Per statement, the label a shared statement's `.x` names hang from (see sharedStatement); absent when no statement is shared. */
export type SharedBases = readonly (string | undefined)[] | undefined;

/**
 * The statement of a line naming `.x` labels and setting none, shared by every label the line
 * is under (CachedParse.shared): `st`, its parse under the first, with its names as written. The
 * names are made full where they are read: the assembler's symbols and evaluations (see
 * `readNamesUnder` in expr.ts), and the references, symbols and statements index.ts gives. For
 * instructions and lone labels only, with names from the line's own tokens; other lines (data,
 * `times`, `equ`, `at`, directives with arguments of their own syntax) keep a copy per label.
 */
function sharedStatement(st: ParsedStatement, tokens: readonly PPToken[]): ParsedStatement | undefined {
  if (st.kind === StatementKind.Directive || st.times !== undefined || st.at !== undefined || st.fill !== undefined || st.args.length > 0) return undefined;
  // A `$`-escaped name (`$.x`, `$eax`): qualifyName takes the `$` off, so the name kept would
  // not read back as the parse's (and the copy drops `escaped`).
  for (const t of tokens) if (t.kind === 'ident' && t.text.charCodeAt(0) === 0x24) return undefined;
  return rebaseStatement(st, tokens, undefined);
}

/** A statement of these parts, whichever way its line was parsed (see LineParser.finish). */
export function statementOf(label: ParsedStatement['label'], times: Expr | undefined, prefixes: ParsedStatement['prefixes'], op: ParsedStatement['op'],
  operands: readonly ParsedOperand[], data: readonly DataItem[], args: readonly PPToken[], localBase: string | undefined, refs: ParsedStatement['refs'], opIndex: number): ParsedStatement {
  const kind = op === undefined ? StatementKind.Empty : op.directive ? StatementKind.Directive : StatementKind.Instruction;
  const one = valueOperand(operands);
  // Property order is layout order: what each pass reads first (see ParsedStatement).
  return {
    kind, label, times, size16: -1, size32: -1, staticOperands: operands.every(isStaticOperand), enc16: undefined, enc32: undefined,
    valueOperand: one, value: operandValue(operands, one),
    values16: undefined, values32: undefined,
    prefixes, op, operands, data, args, localBase, refs, opIndex, valueShape: undefined,
  };
}

/**
 * `o` with nasm's warning of an unterminated string in `tokens`, a line of a file passed on as
 * written (undefined for a macro's): nasm warns of it as it reads the line, so the preprocessor
 * warns of the lines it reads itself, and the parser of those it passes on unread (a line both
 * read is reported once: the two diagnostics are the same, which the DiagnosticSink keeps once).
 */
function withOpenString(o: ParseOutcome, tokens: readonly PPToken[] | undefined): ParseOutcome {
  const open = tokens !== undefined ? openString(tokens) : undefined;
  if (open === undefined) return o;
  const warning: ParseProblem = { message: open.message, start: open.token.start, end: open.token.end, code: 'open-string' };
  return { ...o, warnings: [warning, ...(o.warnings ?? [])] };
}

function take(o: ParseOutcome, cursor: ParseCursor, base: string | undefined, fresh: boolean): ParsedStatement | undefined {
  cursor.localBase = fresh ? o.localBase : base;
  cursor.problem = o.problem;
  cursor.warnings = o.warnings;
  return o.stmt;
}

function valueOperand(operands: readonly ParsedOperand[]): number {
  let found = -1;
  for (let n = 0; n < operands.length; n++) {
    const o = operands[n];
    if (o.kind === 'mem' && o.terms !== undefined) return -1;
    if (o.kind === 'reg' || (o.kind === 'mem' && o.disp === undefined)) continue;
    if (o.kind === 'farptr' || found >= 0) return -1;
    found = n;
  }
  return found;
}

/** The value of operand `one` (see `valueOperand`): its expression or displacement; undefined for -1. */
export function operandValue(operands: readonly ParsedOperand[], one: number): Expr | undefined {
  if (one < 0) return undefined;
  const o = operands[one];
  return o.kind === 'imm' ? o.expr : (o as Extract<ParsedOperand, { kind: 'mem' }>).disp;
}

/** Whether a line's tokens name a `.local` label (its parse depends on the non-local label above). */
export function mentionsLocal(toks: readonly PPToken[]): boolean {
  for (const t of toks) {
    if (t.kind !== 'ident') continue;
    const c0 = t.text.charCodeAt(0);
    const name = c0 === 0x24 ? t.text.slice(1) : t.text;
    if (name.charCodeAt(0) === 0x2e && name.charCodeAt(1) !== 0x2e) return true;
  }
  return false;
}

/**
 * The operands of the line being parsed (see LineParser.statement), the first of them: counted,
 * not cut back by `length = 0`, which would drop the array's room (and costs a runtime call).
 * Slots past the count hold a previous line's operands until overwritten.
 */
const scratchOperands: ParsedOperand[] = [];

/**
 * Words nasm reads in brackets and refuses there: an operand's (`far`), sizes no displacement has,
 * and the prefixes but a16/a32 (its TOKEN_SPECIAL, TOKEN_SIZE and TOKEN_PREFIX words, tokens.dat).
 */
const NOT_IN_ADDRESS: ReadonlySet<string> = new Set(['far', 'near', 'short', 'to', 'strict', 'tword', 'oword', 'yword', 'zword',
  'o16', 'o32', 'o64', 'osp', 'asp', 'lock', 'rep', 'repe', 'repz', 'repne', 'repnz', 'wait', 'times', 'xacquire', 'xrelease', 'bnd', 'nobnd']);

class LineParser implements TermReader {
  /** The line's tokens (a data item's rescanned string may take the place of the rest: see dataList). */
  private toks: readonly PPToken[];
  private pos = 0;
  private opIndex = -1;
  warnings: ParseProblem[] | undefined;
  /** Whether the line has had its segment override (see segmentOverride). */
  private segmentRead = false;
  /** An instruction's prefixes, as it is read: an `a16` in brackets is one (see bracketAddressSize). */
  private prefixesRead: (Span & { name: string })[] | undefined;
  /** Made on the first reference: many lines have none. */
  private refs: { name: string; start: number; end: number; src?: SourceRange; at?: Written }[] | undefined;
  /** The non-local label before the line's own (an `equ` does not replace it). */
  private baseBeforeLabel: string | undefined = undefined;

  /**
   * `endsBlank`: the line ends with the blank an empty expansion left (LineFlag.EndsBlank), which
   * nasm counts as a standard macro's one empty parameter (see directiveAlone).
   */
  constructor(tokens: readonly PPToken[], public localBase: string | undefined, private readonly evalLimit: number, private readonly floatMode = DEFAULT_FLOAT_MODE,
    private readonly endsBlank = false) {
    this.toks = tokens;
  }

  /** The tokens the parse reads now: a rescanned string's in place of the rest (see dataList). */
  tokensRead(): readonly PPToken[] {
    return this.toks;
  }

  /** An error nasm's parser gives and reads on after (see ParseProblem.error). */
  private goOn(message: string, t: Span): void {
    (this.warnings ??= []).push({ message, start: t.start, end: t.end, code: 'syntax', error: true });
  }

  fail(message: string, t: Span | undefined, code = 'syntax'): never {
    const last = this.toks[this.toks.length - 1];
    const span = t ?? { start: last ? last.end : 0, end: last ? last.end : 0 };
    throw new LineError({ message, start: span.start, end: span.end, code });
  }

  statement(): ParsedStatement | undefined {
    const toks = this.toks;
    if (toks.length === 0) return undefined;
    // MASM's `dword ptr [x]`: to nasm `ptr` is a name like any other, which it warns about
    // (-w+ptr, measured: `mov eax, dword ptr [ebx]` is 'symbol `ptr' not defined' after it).
    // (Not in `[warning -ptr]` and the other raw directives.)
    if (toks[0].text !== '[') for (const t of toks) {
      if (t.kind === 'ident' && t.text.length === 3 && t.text.toLowerCase() === 'ptr') (this.warnings ??= []).push({ message: `\`${t.text}' is not a NASM keyword`, start: t.start, end: t.end, code: 'ptr' });
    }
    // `[bits 32]`-style raw directives (manual §6): to the first `]`, what follows it ignored, as
    // nasm 2.16.01 reads them (measured: `[section .data]*` and `[org 3]*2` are the directive
    // alone; `[bits 16` is "invalid directive line").
    if (toks[0].text === '[') {
      const close = firstClosingBracket(toks, 1);
      // (Or at a `]` in a string: see cutAtBracketInString.)
      const cut = cutAtBracketInString(toks, 1, close);
      if (cut !== undefined) {
        const t = cut[cut.length - 1];
        this.toks = [...cut, { ...t, kind: 'op', text: ']', start: t.end, end: t.end + 1 }];
        return this.statement();
      }
      if (close === toks.length) this.fail('invalid directive line', toks[0]);
      this.noSemicolonBefore(close, 1);
      const word = toks[1];
      // nasm's directive name is what runs from the `[` to a blank or the `]` (measured:
      // `[warning( -user]`, `[bits(32)]`, `[org+5]`, `[+x]` are "unrecognized directive
      // [warning(]", "[bits(32)]", "[org+5]", "[+x]"; `[+ x]` "[+]", `[]` "[]").
      let nameEnd = 2;
      while (nameEnd < close && !spaced(toks[nameEnd - 1], toks[nameEnd])) nameEnd++;
      if (close === 1 || word.kind !== 'ident' || nameEnd > 2) {
        const name = close === 1 ? '' : toks.slice(1, nameEnd).map((t) => t.text).join('');
        this.fail(`unrecognized directive [${name}]`, close === 1 ? toks[0] : word, 'unknown-directive');
      }
      if (isUnbracketedOnly(word.text.toLowerCase())) this.fail(`unrecognized directive [${word.text}]`, word, 'unknown-directive');
      // A name the `]` ends has for its value what follows the `]`; after a blank the value ends
      // at the `]` (measured with nasm 2.16.01: `[bits]16` is bits 16, `[cpu]foo` "unknown CPU
      // type or flag 'foo'", `[cpu]]` of `]'; `[bits ]16` "`' is not a valid segment size",
      // `[cpu ]foo` nothing, `[segment ]]` the section `[segment ]` names).
      const value = close === 2 && !spaced(word, toks[2]) ? toks.slice(3) : toks.slice(2, close);
      return this.finish(undefined, undefined, undefined, { name: word.text.toLowerCase(), start: word.start, end: word.end, directive: true }, NO_OPERANDS, NO_DATA, value);
    }
    return this.lineAfterBrackets();
  }

  /** A line (`this.toks`) that is no `[...]` directive: its label, then the statement after it (see body). */
  private lineAfterBrackets(): ParsedStatement {
    const toks = this.toks;
    let label: ParsedStatement['label'];
    const first = toks[0];
    if (first.kind === 'ident') {
      if (isKeywordWord(first.text)) this.fail('label or instruction expected at start of line', first);
      const lower = first.text.toLowerCase();
      const colon = toks[1]?.text === ':';
      // `section :.data`, `bits: 16`: nasm calls its standard macro there, the colon its
      // arguments' first token (measured with nasm 2.16.01, fixture directive-colon-call).
      const named = colon && isDirectiveWord(first.text) ? callsStandardMacro(toks, 0) : false;
      const call = named === true ? false : colon || first.text.startsWith('$') || wordClass(lower) === 0 || standardCallAfterKeyword(toks, lower);
      // A standard macro that does not take the arguments given: nasm warns and reads the line as written
      // (measured: `dd use16, 5` is that warning and "symbol `use16' not defined"; `use16:` a label).
      if (typeof named === 'number') this.notTaking(first, named);
      if (typeof call === 'number') this.notTaking(toks[1], call);
      else if (call) {
        // No register makes a label, nor does one nasm knows outside the dialect (`rax:`, `cr8:`,
        // `xmm0 equ 1`): measured, as for the keywords.
        // A segment register and its colon read as an override with nothing after it (`es:`, as nasm's
        // "parser: instruction expected", measured; `es` alone is the prefix byte).
        if (colon && register(first)?.cls === 'sreg') this.fail(INSTRUCTION_EXPECTED, first);
        if (!first.text.startsWith('$') && (register(first) || isNasmRegister(first.text))) this.fail('label or instruction expected at start of line', first);
        // A prefix is no label (measured: `rep:` and `lock use16` are "parser: instruction expected").
        if ((wordClass(lower) & (Word.Prefix | Word.Mnemonic)) === Word.Prefix && !first.text.startsWith('$')) this.fail(INSTRUCTION_EXPECTED, first);
        // (`times:` is TIMES with its count starting at the colon: measured, "expression syntax error".)
        if (colon && named === false && lower === 'times') this.fail('expression syntax error', toks[1]);
        if (colon && named === false && isDirectiveWord(first.text)) this.fail(`\`${first.text}' is a directive, not a label (write \`$${first.text}:' for a label of that name)`, first);
        // nasm would assemble it (`lfence`, `rdpmc` ...): taken for a label it would give other bytes.
        if (!colon && leftOut(first.text) && !first.text.startsWith('$') && RESERVE_UNIT[lower] === undefined) this.fail(outsideDialect(first.text), first, 'unsupported-instruction');
        label = this.label(first);
        this.pos = colon ? 2 : 1;
        this.labelRead = label;
        // nasm's -w+label-orphan (on by default): a misspelt mnemonic is otherwise a silent label.
        if (!colon && toks.length === 1) (this.warnings ??= []).push({ message: 'label alone on a line without a colon might be in error', start: first.start, end: first.end, code: 'label-orphan' });
      }
    } else if (!(first.kind === 'op' && first.text === '[')) {
      this.scannedNumber(first);
      this.fail(`label or instruction expected at start of line`, first);
    }
    return this.body(label, first);
  }

  /**
   * nasm's scanner warns of a number past 64 bits as it reads it, so a line that fails on one
   * has that warning first (measured with nasm 2.16.01: `22222222222222222222222 x` and `x: 2...2`).
   */
  private scannedNumber(t: PPToken | undefined): void {
    const warning = scannedOverflow(t);
    if (warning !== undefined) (this.warnings ??= []).push(warning);
  }

  /** nasm's warning of a call of standard macro `word` with a count of parameters it does not take. */
  private notTaking(word: PPToken, count: number): void {
    (this.warnings ??= []).push({ message: `multi-line macro \`${word.text}' exists, but not taking ${count} parameter${count === 1 ? '' : 's'}`, start: word.start, end: word.end, code: 'macro-args' });
  }

  /** The statement after its label, from `this.pos`: `times`, prefixes, then the instruction or directive. */
  private body(label: ParsedStatement['label'], first: PPToken): ParsedStatement {
    const toks = this.toks;
    let times: Expr | undefined;
    let prefixes: (Span & { name: string })[] | undefined;
    // The word that ends the loop: the mnemonic or directive, lower-case, and what it can be.
    let lower: string;
    let keyword: Keyword | undefined;
    for (;;) {
      const t = toks[this.pos];
      if (!t) return prefixes === undefined ? this.finish(label, times, prefixes, undefined, NO_OPERANDS, NO_DATA, NO_TOKENS) : this.prefixesAlone(label, times, prefixes);
      if (t.kind !== 'ident') {
        // `foo [eax]`, `foo 12`: the unknown word is `foo`, taken for a label without a colon.
        this.scannedNumber(t);
        if (this.pos === 1 && label !== undefined) this.fail(INSTRUCTION_EXPECTED, first, 'unknown-mnemonic');
        this.fail(INSTRUCTION_EXPECTED, t);
      }
      lower = t.text.toLowerCase();
      if (lower === 'times' && !t.text.startsWith('$')) {
        times = this.timesPrefix();
        continue;
      }
      keyword = WORDS.get(lower);
      if (keyword !== undefined && (keyword.bits & (Word.Prefix | Word.Mnemonic)) === Word.Prefix) {
        (prefixes ??= []).push({ name: lower, start: t.start, end: t.end });
        this.pos++;
        continue;
      }
      break;
    }
    this.opIndex = this.pos;
    const word = toks[this.pos++];
    const cls = keyword !== undefined ? keyword.bits : 0;
    if ((cls & Word.Directive) !== 0) return this.directiveBody(label, times, prefixes, word, lower, keyword!);
    if ((cls & Word.Mnemonic) === 0) {
      if ((cls & Word.Prefix) !== 0) return this.finish(label, times, prefixes, keyword!.op(word.start, word.end), NO_OPERANDS, NO_DATA, NO_TOKENS);
      if (leftOut(word.text)) this.fail(outsideDialect(word.text), word, 'unsupported-instruction');
      // `foo eax, 1`: the unknown word is `foo`, taken for a label, not the register after it.
      if (this.opIndex === 1 && label !== undefined && register(word)) this.fail(INSTRUCTION_EXPECTED, first, 'unknown-mnemonic');
      this.fail(INSTRUCTION_EXPECTED, word, 'unknown-mnemonic');
    }
    return this.instructionBody(label, times, prefixes, word, keyword!);
  }

  /** A `times` prefix from `this.pos` (at the word): its count, `this.pos` moved past it. */
  private timesPrefix(): Expr {
    this.pos++;
    const toks = this.toks;
    const end = this.operandEnd(this.pos, true);
    this.countEnd = end;
    // (`seg` with nothing after it is no expression: measured, `times seg`.)
    if (end === toks.length && end > this.pos && toks[end - 1].kind === 'ident' && isSegWord(toks[end - 1])) this.fail('expression syntax error', toks[end - 1]);
    // (nasm wants the instruction where the count's expression stops: `times 1 2`.)
    this.dataRegister = undefined;
    this.inDataItem = true;
    let times: Expr;
    this.inTimesCount = true;
    try {
      if (this.pos >= end) this.fail('expression syntax error', toks[this.pos]);
      times = this.expressionUpTo(this.pos, end);
      // (What the count stops before is the instruction nasm wants, after the count's own errors:
      // see ParseProblem.afterCount; measured, `times x ) nop` is "non-constant argument supplied
      // to TIMES", then "parser: instruction expected".)
      if (this.stoppedAt < end) {
        this.timesCount = times;
        this.endsAt(end, INSTRUCTION_EXPECTED);
      }
      this.collectRefs(times);
    } finally { this.inDataItem = false; this.inTimesCount = false; }
    // (A count with a segment is no number to nasm: measured, `times 2 wrt 3 db 1`. Its
    // segment is one operand, after which the instruction must follow: `times 2 wrt 3 + 1
    // db 1` is that error, then "parser: instruction expected".)
    if (end < toks.length && isWrt(toks[end])) {
      if (end + 1 === toks.length) this.fail('expression syntax error', toks[end]);
      const p = new ExprParser(toks, wrtOperand(toks, end), toks.length, this.localBase, this.evalLimit, this.floatMode);
      const target = p.wrtTarget();
      if (!target) { const err = p.error!; this.fail(err.message, err); }
      // (A register is no segment, the evaluator's error, after which it gives up: measured, `times 5 wrt cs db 1`.)
      if (namesRegisterWord(target)) this.fail('invalid right-hand operand to WRT', target, 'expression');
      (this.warnings ??= []).push({ message: 'non-constant argument supplied to TIMES', start: times.start, end: target.end, code: 'invalid-operands', error: true });
      this.pos = p.pos;
      if (this.pos === toks.length) this.fail(INSTRUCTION_EXPECTED, toks[this.pos - 1]);
      return times;
    }
    if (times.k === 'bin' && times.op === 'wrt') this.fail('non-constant argument supplied to TIMES', times, 'invalid-operands');
    // (A register in it: measured, nasm's word for a count it cannot know.)
    if (this.dataRegister !== undefined) times = this.registersCancelled(times) ?? this.fail('non-constant argument supplied to TIMES', this.dataRegister, 'invalid-operands');
    this.pos = end;
    this.timesCount = times;
    // `times 5` alone repeats no instruction (measured: nasm's parser rejects it).
    if (this.pos === toks.length) this.fail(INSTRUCTION_EXPECTED, toks[this.pos - 1]);
    return times;
  }

  /** The line's `times` count, once read (see ParseProblem.afterCount). */
  timesCount: Expr | undefined;

  /** The statement of directive `word` (`lower` in lower case), from `this.pos` past it. */
  private directiveBody(label: ParsedStatement['label'], times: Expr | undefined, prefixes: (Span & { name: string })[] | undefined, word: PPToken, lower: string, keyword: Keyword): ParsedStatement {
    let toks = this.toks;
    if (this.pos === toks.length && MACRO_DIRECTIVES.has(lower)) {
      if (!this.endsBlank || !CALLED_EMPTY.has(lower) || times !== undefined || prefixes !== undefined) return this.directiveAlone(word, label, times, prefixes);
      this.calledEmpty(word, lower);
      // (Those writing a line per parameter write none.)
      if (EACH_PARAMETER.has(lower)) return this.finish(label, undefined, undefined, undefined, NO_OPERANDS, NO_DATA, NO_TOKENS);
    }
    if (this.pos < toks.length && standardMacroCounts(lower)?.max === 0) return this.parametersNotTaken(word, label, times, prefixes);
    // nasm's `align` is a macro, whose lines `times` cannot prefix.
    if ((lower === 'align' || lower === 'alignb') && times !== undefined) this.fail(`\`times' cannot repeat \`${word.text}'`, word);
    // So are its other directives but its parser's own words: after `times` (no macro's call, as
    // the line's first word) they reach its parser, for which they are no instruction (measured
    // with nasm 2.16.01: `times 2 bits 32`, `times 2 use16`, `times 2 section .text`, `times 2
    // struc s`, `times 2 at s` are "parser: instruction expected").
    if (times !== undefined && standardMacroCounts(lower) !== undefined && !PARSER_WORDS.has(lower)) this.fail(INSTRUCTION_EXPECTED, word);
    const op = keyword.op(word.start, word.end);
    if (DATA_UNIT[lower] !== undefined) {
      // (`dt 1`: an integer as 80-bit data is nasm's error where it puts the data out, see the assembler's writeData.)
      const items = this.dataItems(DATA_UNIT[lower]);
      return this.finish(label, times, prefixes, op, NO_OPERANDS, items, NO_TOKENS);
    }
    // (`at r.b,`, `at r.b, db 1,`: nasm drops the empty parameter after the last comma, warning, as
    // for the other standard macros; not after `at r.b, {}`, measured.)
    const endsInComma = toks[toks.length - 1]?.text === ',';
    const loneComma = endsInComma && toks.length === this.pos + 1;
    const aligning = lower === 'align' || lower === 'alignb';
    // (What braces of nothing as a fill are, seen before the braces go: see alignWithoutFill.)
    const fillOfNothing = aligning && this.bracesOfNothingAfterComma();
    // (`incbin ,`, `incbin {}`: nasm's macro is called all the same, its file name empty; the words
    // go to the assembler as written, see its incbinWithoutName.)
    if (lower === 'incbin' && (toks[this.pos]?.text === ',' || (toks[this.pos]?.text === '{' && toks[this.pos + 1]?.text === '}'))) {
      if (endsInComma) this.withoutTrailingParameter(word, lower);
      return this.finish(label, times, prefixes, op, NO_OPERANDS, NO_DATA, toks.slice(this.pos));
    }
    // A standard macro's braced argument is its contents (see unbracedArguments).
    const unbraced = this.pos < toks.length && standardMacroCounts(lower) !== undefined ? unbracedArguments(toks, this.pos, lower) : undefined;
    let wholeArgument: PPToken[] | undefined;
    if (unbraced !== undefined) {
      // (A comma after a braced parameter that takes the rest of the line is dropped with what
      // follows the braces, and warned of all the same: measured, `align 4, {nop},`.)
      const last = unbraced.toks[unbraced.toks.length - 1];
      if (endsInComma && !fillOfNothing && lower !== 'at' && last?.text !== ',') this.withoutTrailingParameter(word, lower);
      const p = unbraced.problem;
      // (`incbin`'s argument whose `{` is not closed is the rest of the line, commas and all, and
      // nasm's macro runs all the same: a file name so written has no offset after it, only
      // `%pathsearch`'s trailing garbage (measured with nasm 2.16.01: `incbin {"a.bin", 2` warns
      // of it and reads from offset 0; `incbin "a.bin", {1, 2` reads from 1, 2 bytes).)
      const wholeLine = p?.message === UNCLOSED_BRACE && lower === 'incbin';
      // (So is `align`'s and `alignb`'s, whose first parameter so written takes the rest of the
      // line; braced, it keeps its commas: see ParsedStatement.wholeArgument.)
      const alignGoesOn = p?.message === UNCLOSED_BRACE && aligning;
      if (aligning && toks[this.pos].text === '{') {
        const close = alignGoesOn && p.at === toks[this.pos] ? toks.length : closingBrace(toks, this.pos);
        const inside = unbraced.toks.slice(this.pos, this.pos + close - this.pos - 1);
        if (inside.some((t) => t.text === ',')) wholeArgument = inside;
        // (`align {4, 8},`: the empty parameter after the braces is dropped, warned of.)
        if (wholeArgument !== undefined && endsInComma && close < toks.length - 1) {
          const comma = toks[toks.length - 1];
          (this.warnings ??= []).push({ message: `dropping trailing empty parameter in call to multi-line macro \`${op.name}'`, start: comma.start, end: comma.end, code: 'pp-macro-params-legacy' });
        }
      }
      if (wholeLine && p.at === this.toks[this.pos]) this.toks = toks = withoutCommasAfter(unbraced.toks, p.at.start);
      else this.toks = toks = unbraced.toks;
      if (p !== undefined) (this.warnings ??= []).push({ message: p.message, start: p.at.start, end: p.at.end, code: 'macro-args', error: true, ...(wholeLine || alignGoesOn ? { putOut: true as const } : {}) });
    }
    if (lower === 'at') {
      if (endsInComma) this.withoutTrailingParameter(word, 'at');
      // `at ,`: the comma stays in the field, which is the last parameter once the empty one
      // after it is dropped (see macro-parameters.ts matchCall), so nasm's `times (,-S)-...` fails
      // (measured with nasm 2.16.01: "expression syntax error"; `at {},` is a field at 0).
      if (loneComma) this.fail('expression syntax error', toks[this.pos]);
      return this.atField(label, prefixes, word);
    }
    if (lower === 'struc' && toks[this.pos]?.kind === 'ident') this.localBase = qualifyName(toks[this.pos].text, undefined);
    if (lower === 'equ') {
      // (With `times`, nasm's error is the assembler's, once for each repetition: see timesEqu.)
      if (!label && times === undefined) this.fail('EQU not preceded by label', word);
      // (No value after `times` is the assembler's error too, once for each repetition: see timesEqu.)
      if (times !== undefined && this.pos >= toks.length) return this.finish(label, times, prefixes, op, NO_OPERANDS, NO_DATA, NO_TOKENS);
      // A constant is no label for `.local` names to hang under (measured: `main:` / `X equ 5` /
      // `.a:` defines main.a, and `X equ .a` is main.a too).
      if (label !== undefined && !label.local) this.localBase = this.baseBeforeLabel;
      let read: ReturnType<LineParser['equValue']>;
      try { read = this.equValue(word); } catch (e) {
        // With `times`, nasm refuses the value as it runs the `equ`, once for each repetition,
        // after its parser's messages (measured: `y: times 2 equ 5, 6` and `y: times 2 equ far 0`).
        if (times === undefined || !(e instanceof LineError) || e.problem.message !== BAD_EQU) throw e;
        return this.finish(label, times, prefixes, op, NO_OPERANDS, NO_DATA, NO_TOKENS);
      }
      const { value: e, form, branch } = read;
      const operand: ParsedOperand = branch === undefined ? { kind: 'imm', expr: e, equWords: form, start: e.start, end: e.end } : { kind: 'imm', expr: e, equWords: form, equBranch: branch, start: e.start, end: e.end };
      return this.finish(label, times, prefixes, op, [operand], NO_DATA, NO_TOKENS);
    }
    if (fillOfNothing) return this.alignWithoutFill(label, prefixes, op, word, endsInComma);
    if (wholeArgument !== undefined) return { ...this.finish(label, times, prefixes, op, NO_OPERANDS, NO_DATA, wholeArgument), wholeArgument: true };
    if (aligning) return this.align(label, times, prefixes, op);
    // (Only a comma written last: `extern a, {}` ends in a parameter of nothing, not dropped, measured.)
    if (endsInComma && toks[toks.length - 1]?.text === ',' && standardMacroCounts(lower) !== undefined && (!loneComma || firstTakesRest(lower) || EACH_PARAMETER.has(lower) || lower === 'sectalign')) {
      const args = this.withoutTrailingParameter(word, lower);
      // (A comma alone stays in a parameter that takes the rest of the line: see
      // macro-parameters.ts matchCall; measured, `cpu ,` is `[cpu ,]`, `float ,` `[float ]`,
      // warned of all the same.)
      return this.finish(label, times, prefixes, op, NO_OPERANDS, NO_DATA, loneComma && (firstTakesRest(lower) || lower === 'sectalign') ? toks.slice(this.pos) : args);
    }
    // nasm reads `resb` as an instruction, whose operands may end in a comma (`resb 1,` is `resb 1`).
    // The directives nasm's standard macros write out as `[NAME %1]` end at the first `]` as
    // that line does (measured: `section .a]zz` is section .a, `cpu 386]zz` cpu 386).
    let end = RESERVE_UNIT[lower] !== undefined && toks.length - this.pos > 1 && toks[toks.length - 1].text === ',' ? toks.length - 1
      : BRACKETED_BY_MACRO.has(lower) ? firstClosingBracket(toks, this.pos) : toks.length;
    // (A `]` in a string ends the line too: see cutAtBracketInString; measured, `bits ']'` is "`''
    // is not a valid segment size", `org ']'` "expression syntax error".)
    const cut = BRACKETED_BY_MACRO.has(lower) ? cutAtBracketInString(toks, this.pos, end) : undefined;
    if (cut !== undefined) { this.toks = toks = cut; end = cut.length; }
    // (`section`, `segment` and `absolute` set `__?SECT?__` all the same, which the assembler's
    // endstruc runs again: see its corruptPlaceLine.)
    if ((BRACKETED_BY_MACRO.has(lower) && !SETS_SECT.has(lower)) || EACH_PARAMETER.has(lower) || lower === 'sectalign') this.noSemicolonBefore(end, this.pos);
    if (RESERVE_UNIT[lower] !== undefined) {
      for (let k = this.pos; k < end; k++) {
        const stop = this.operandEnd(k, false);
        if (isDecoratorOperand(toks, k, stop)) this.fail(INVALID_DECORATOR, { start: toks[k].start, end: toks[stop - 1].end });
        k = stop;
      }
    }
    return this.finish(label, times, prefixes, op, NO_OPERANDS, NO_DATA, toks.slice(this.pos, end));
  }

  /**
   * nasm cuts a comment off a raw directive's line (`[NAME ...]`, as its standard macros write
   * them too) at its first `;`, in a string too, and a line cut before its `]` is none (measured
   * with nasm 2.16.01: `section 'q ;r' s`, `bits ';'` and `[warning ';']` are "invalid directive
   * line"): the tokens from `from` to `end` (the `]`) must hold none.
   */
  private noSemicolonBefore(end: number, from: number): void {
    const cut = semicolonIn(this.toks, from, end);
    if (cut !== undefined) this.fail('invalid directive line', cut);
  }

  /** The statement of instruction `word`: its operands, from `this.pos` past it. */
  private instructionBody(label: ParsedStatement['label'], times: Expr | undefined, prefixes: (Span & { name: string })[] | undefined, word: PPToken, keyword: Keyword): ParsedStatement {
    const toks = this.toks;
    // The operands gather in one array for every line, copied to an exact-size one at the end.
    const operands = scratchOperands;
    let count = 0;
    this.prefixesRead = prefixes;
    while (this.pos < toks.length) {
      const end = this.operandEnd(this.pos, false);
      if (end === this.pos) this.fail('expression syntax error', toks[this.pos]);
      const first = operands[0];
      this.slotBits = count === 0 ? 0 : first.kind === 'reg' ? first.reg.bits : first.kind === 'mem' ? first.size ?? 0 : 0;
      if (isDecoratorOperand(toks, this.pos, end)) this.fail(INVALID_DECORATOR, { start: toks[this.pos].start, end: toks[end - 1].end });
      const cut = decoratorTermEnd(toks, this.pos, end);
      if (cut !== undefined && isDecoratorOperand(toks, this.pos, cut)) {
        this.goOn(AFTER_OPERAND, toks[cut]);
        this.fail(INVALID_DECORATOR, { start: toks[this.pos].start, end: toks[cut - 1].end });
      }
      operands[count++] = this.operand(this.pos, end);
      this.pos = end;
      if (this.pos < toks.length) {
        if (toks[this.pos].text !== ',') this.fail(`comma expected after operand, found \`${toks[this.pos].text}'`, toks[this.pos]);
        // (nasm reads a comma at the end of the operands for their end: `push 1,` is 6A 01.)
        this.pos++;
      }
    }
    const own = count > 0 ? operands.slice(0, count) : NO_OPERANDS;
    return this.finish(label, times, this.prefixesRead, keyword.op(word.start, word.end), own, NO_DATA, NO_TOKENS);
  }

  /**
   * A segment override `r:` written at `t`, in or before brackets: the line's one (nasm's parser
   * keeps one segment per instruction, the first; measured with nasm 2.16.01: `[es: es: 5]`,
   * `es:[ds:5]` and `mov [es:5], [ds:4]` are "instruction has conflicting segment overrides",
   * which it reads on after). Undefined for a second one. (A segment prefix word before the
   * instruction with one is the encoder's to refuse.)
   */
  /**
   * The segment register `toks[from..colon)` is, written as an expression other than the register
   * alone (`+es`, `(es)`, `2*es-es`: see soleRegister), before the `:` of a segment override;
   * undefined when it is none.
   */
  private writtenSegment(from: number, colon: number): RegisterInfo | undefined {
    const p = new ExprParser(this.toks, from, colon, this.localBase, this.evalLimit, this.floatMode);
    const e = p.parse();
    const name = e !== undefined && p.pos === colon ? soleRegister(e) : undefined;
    const r = name === undefined ? undefined : lookupRegister(name);
    return r?.cls === 'sreg' ? r : undefined;
  }

  /**
   * The segment overrides from `toks[i]` on, before `end`, each an expression and a `:`, read into
   * `words`: nasm's parser takes what its evaluator reads before a `:` in an address for one, and
   * says when it is none (measured with nasm 2.16.01: `[-es:di]`, `[5:di]` and `[di+es:4]` are
   * "invalid segment override", `es:ds:[di]` and `[es:+ds:di]` "instruction has conflicting segment
   * overrides"). The index past the last `:`.
   */
  private writtenOverrides(i: number, end: number, words: AddressWords): number {
    for (;;) {
      const p = new ExprParser(this.toks, i, end, this.localBase, this.evalLimit, this.floatMode);
      if (p.parse() === undefined || p.pos >= end || this.toks[p.pos].text !== ':') return i;
      const written = this.writtenSegment(i, p.pos);
      if (written === undefined) this.goOn('invalid segment override', this.toks[i]);
      else words.segment = this.segmentOverride(this.toks[i], written) ?? words.segment;
      i = p.pos + 1;
    }
  }

  private segmentOverride(t: PPToken, r: RegisterInfo): RegisterInfo | undefined {
    if (this.segmentRead) { this.goOn('instruction has conflicting segment overrides', t); return undefined; }
    this.segmentRead = true;
    return r;
  }

  /**
   * `a16`/`a32` in brackets: the instruction's address-size prefix, in the slot the one written
   * before the instruction takes (parser.c, process_size_override; measured with nasm 2.16.01:
   * in bits 32 `mov eax, [a16 foo]` is 67 A1 and two bytes, `[a16 bx]` 67 8B 07, `a16 mov eax,
   * [a16 bx]` the same). Another size in the slot already is nasm's error, which it reads on after.
   */
  private bracketAddressSize(t: PPToken, lower: string): void {
    const written = this.prefixesRead?.find((p) => p.name === 'a16' || p.name === 'a32');
    if (written === undefined) this.prefixesRead = [...(this.prefixesRead ?? []), { name: lower, start: t.start, end: t.end }];
    else if (written.name !== lower) this.goOn('conflicting address size specifications', t);
  }

  /**
   * The arguments of standard macro `name` (`struc a,`, `bits 16,`), written `word`, that end in a
   * comma: nasm's preprocessor drops the empty parameter after it, warning (measured: "dropping
   * trailing empty parameter in call to multi-line macro `struc'", then as `struc a`), or calls
   * the macro with what comes before it all the same when only that count is one it takes.
   */
  private withoutTrailingParameter(word: PPToken, name: string): PPToken[] {
    const toks = this.toks;
    const { min, max } = standardMacroCounts(name)!;
    let n = 1;
    for (let k = this.operandEnd(this.pos, false); k < toks.length; k = this.operandEnd(k + 1, false)) n++;
    const message = n >= min && n <= max ? `dropping trailing empty parameter in call to multi-line macro \`${name}'` : `improperly calling multi-line macro \`${name}' with ${n} parameters`;
    (this.warnings ??= []).push({ message, start: word.start, end: word.end, code: 'pp-macro-params-legacy' });
    // (A parameter that takes the rest of the line keeps the comma after an empty one: nasm cuts
    // its tokens after the last parameter with a token in it (preproc.c, count_mmac_params;
    // measured, `section .a, ,` is `[section .a, ,]`, `section .a,` `[section .a]`).)
    if (firstTakesRest(name) && toks[toks.length - 2]?.text === ',' && toks.length - 2 >= this.pos) return toks.slice(this.pos);
    return toks.slice(this.pos, toks.length - 1);
  }

  /**
   * The value of `x equ value`, which nasm reads as an instruction's operands and wants one
   * number of (measured: `x equ`, `x equ eax+1`, `x equ [eax]` and `x equ 5, 6` are "bad syntax
   * for EQU", `x equ 5,` is 5, `x equ 5 6` an operand's leftover). `form`: the words written
   * before it that nasm's EQU forms do not take (see ParsedOperand's equWords).
   */
  private equValue(word: PPToken): { value: Expr; form: EquForm | undefined; branch: EquRegisterBranch | undefined } {
    const toks = this.toks;
    if (toks.some((t, k) => k >= this.pos && t.text === '{')) {
      const kept = this.withoutDecoratorOperands(word);
      if (kept !== undefined) {
        this.toks = toks.slice(0, kept.end);
        this.pos = kept.start;
        try {
          const read = this.equValue(word);
          // (Before a size, not before `to`: measured, `y equ dword 1, {rn-sae}` is "unsupported
          // mode decorator for instruction", `y equ to 1, {rn-sae}` "invalid combination of opcode
          // and operands".)
          return kept.rounded && (read.form === undefined || read.form === 'size') ? { ...read, form: 'decorator' } : read;
        } finally { this.toks = toks; }
      }
    }
    this.equDecorators = undefined;
    this.equBranch = undefined;
    const words = this.equWords();
    const end = toks.length - this.pos > 1 && toks[toks.length - 1].text === ',' ? toks.length - 1 : toks.length;
    const comma = this.operandEnd(this.pos, false);
    // (Words and nothing after them: measured, `y equ dword` and `y equ abs` are "expression syntax error".)
    if (words.read && (this.pos >= toks.length || comma === this.pos)) this.fail('expression syntax error', toks[this.pos] ?? toks[this.pos - 1]);
    if (comma === this.pos && comma < end) this.fail('expression syntax error', toks[comma]);
    if (comma < end && this.operandEnd(comma + 1, false) === comma + 1) this.fail('expression syntax error', toks[comma]);
    if (this.pos >= end) this.fail(BAD_EQU, toks[this.pos] ?? word);
    if (toks[this.pos].text === '[') this.equReference(this.pos, this.pos, comma);
    // (A prefix is no start of an expression: measured, `y equ rep 1` and `y equ dword o16 1`.)
    if (isUnreadableWord(toks[this.pos].text) && toks[this.pos].kind === 'ident') this.fail('expression syntax error', toks[this.pos]);
    const value = this.equOperand(comma);
    // `far` outside JMP and CALL: nasm's parser refuses it on a value that is no memory
    // reference, which leaves the operand no number (measured: `y equ far 1` and `y equ far eax`
    // are this then "bad syntax for EQU", `y equ far [1]` the second alone).
    if (words.far) {
      this.goOn('invalid use of FAR operand specifier', toks[this.pos]);
      this.fail(BAD_EQU, toks[this.pos]);
    }
    if (comma < end) {
      // nasm's parser reads the operands after the first too, with their errors, before no EQU
      // form takes two (measured with nasm 2.16.01: `y equ 1, 2 3` is "comma, colon, decorator or
      // end of line expected after operand" then "bad syntax for EQU", `y equ 1, (2` "expecting
      // `)'" alone).
      const first = this.pos;
      const values = [value];
      try {
        for (let k = comma + 1; k < end; k = this.operandEnd(k, false) + 1) {
          const stop = this.operandEnd(k, false);
          this.pos = k;
          const more = this.equWords();
          if (this.pos >= stop && more.read) this.fail('expression syntax error', toks[this.pos - 1]);
          if (this.pos >= stop) continue;
          if (toks[this.pos].text === '[') this.equReference(this.pos, this.pos, stop);
          values.push(this.equOperand(stop));
          if (more.far) this.goOn('invalid use of FAR operand specifier', toks[this.pos]);
        }
        // (Where its evaluator gives up on an operand of numbers, nasm's parser drops the line
        // before any EQU form is looked for: measured, `y equ 1, 1/0` and `y equ 1/0, 1` are
        // "division by zero" alone.)
        for (const v of values) {
          const failed = numbersGiveUp(v);
          if (failed !== undefined) this.fail(failed, v, 'expression');
        }
        this.pos = first;
        this.fail(BAD_EQU, toks[this.pos]);
      } catch (problem) {
        // (See ParseProblem.equOperands.)
        if (!(problem instanceof LineError) || !values.some(namesSomething)) throw problem;
        throw new LineError({ ...problem.problem, equOperands: values });
      }
    }
    let named = false;
    for (let k = this.pos; k < this.stoppedAt && !named; k++) named = register(toks[k]) !== undefined;
    const read = named ? this.equRegisters(value, words, toks[this.pos]) : value;
    // (Measured: `x equ y wrt 3` too.)
    if (read.k === 'bin' && read.op === 'wrt') this.fail(BAD_EQU, toks[this.pos]);
    this.collectRefs(read);
    return { value: read, form: this.equDecorators ?? words.form, branch: this.equBranch };
  }

  /**
   * An `equ`'s operands from `this.pos` with decorators among them that nasm's evaluator takes
   * for a rounding mode (see isDecoratorOperand): each is "invalid decorator", and drops out of
   * the operands (measured with nasm 2.16.01: `y equ {z}, 1` and `y equ 1, {z}` define y as 1,
   * `y equ {z}` is then "bad syntax for EQU", `y equ 1, {z}, 2` too). A rounding mode (`{rn-sae}`,
   * `{sae}`) drops out as well, with no error, but puts itself on the operand before, which no EQU
   * form then takes (`rounded`; measured: `y equ 1, {rn-sae}` is "unsupported mode decorator for
   * instruction", `y equ {rn-sae}, 1` defines y as 1). An opmask (`{k1}`) is no expression
   * (measured: `y equ 1, {k1}` is "expression syntax error"). The one operand left, when there is
   * one; undefined when there are no such decorators.
   */
  private withoutDecoratorOperands(word: PPToken): { start: number; end: number; rounded: boolean } | undefined {
    const toks = this.toks;
    const kept: { start: number; end: number }[] = [];
    let dropped = false, rounded = false;
    for (let k = this.pos; k < toks.length; k++) {
      const next = this.operandEnd(k, false);
      // (A decorator's term with more after it: the operand is the term, after the parser's error
      // for the rest; see decoratorTermEnd.)
      const cut = decoratorTermEnd(toks, k, next);
      if (cut !== undefined) this.goOn(AFTER_OPERAND, toks[cut]);
      const stop = cut ?? next;
      const first = toks[k]?.text === '{' ? decoratorEnd(toks, k, stop) : undefined;
      const name = first !== undefined ? decoratorsIn(toks, k, first)![0] : undefined;
      if (name?.startsWith('k') === true) this.fail('expression syntax error', toks[k]);
      if (isDecoratorOperand(toks, k, stop)) { this.goOn(INVALID_DECORATOR, { start: toks[k].start, end: toks[stop - 1].end }); dropped = true; }
      else if (name !== undefined && isRounding(name) && decoratorsIn(toks, k, stop) !== undefined) { dropped = true; rounded ||= kept.length > 0; }
      // (A comma that ends the operands is their end: `y equ 5,` is 5.)
      else if (stop > k || stop < toks.length) kept.push({ start: k, end: stop });
      k = next;
    }
    if (!dropped) return undefined;
    if (kept.length !== 1) this.fail(BAD_EQU, toks[this.pos] ?? word);
    return { ...kept[0], rounded };
  }

  /** The decorators written after an `equ`'s value, which no EQU form takes (see equOperand). */
  private equDecorators: EquForm | undefined;
  /** The branch with a register of the `equ` value just read, where its condition decides (see equBranches). */
  private equBranch: EquRegisterBranch | undefined;

  /**
   * The size and special words before an `equ`'s value, which nasm's parser reads as it reads
   * an operand's (parser.c): `abs`, `rel` and `nosplit` it refuses there and reads on; `far` it
   * refuses once it has the value; a size, `near`, `short` (`form` 'size') or `to` (`form` 'to')
   * make an operand no EQU form takes, which nasm finds as it matches the line in its final pass
   * (measured with nasm 2.16.01: `y equ dword 1` is "mismatch in operand sizes", `y equ to 1` and
   * `y equ to dword 1` "invalid combination of opcode and operands", `y equ strict 1` is 1).
   */
  private equWords(): EquWords {
    const toks = this.toks;
    const first = this.pos;
    let far = false, jump = false;
    let form: 'size' | 'to' | undefined;
    let bits: number | undefined;
    for (; this.pos < toks.length && toks[this.pos].kind === 'ident'; this.pos++) {
      const t = toks[this.pos];
      const lower = t.text.toLowerCase();
      const size = lower === 'fword' ? undefined : SIZE_KEYWORDS[lower] ?? WIDE_SIZES[lower];
      if (isReferenceWord(t)) this.goOn('invalid operand size specification', t);
      else if (lower === 'far') far = true;
      else if (lower === 'to') form = 'to';
      else if (lower === 'near' || lower === 'short') { form ??= 'size'; jump = true; }
      else if (size !== undefined) { form ??= 'size'; bits ??= size; }
      else if (lower !== 'strict') break;
    }
    return { read: this.pos > first, far, form, bits, jump };
  }

  /**
   * An `equ`'s value `value` that names a register, which nasm's parser reads as an instruction's
   * register operand, a register and a number no EQU form takes (measured with nasm 2.16.01: `y
   * equ eax+1` is "bad syntax for EQU", after "invalid register size specification ignored" for
   * a size other than the register's, `near` or `short` on it, `y equ word eax`), or refuses as
   * one (`2*eax`, `-eax`, `eax+ebx` "invalid operand type", `eax*ebx` the product's error, `eax<<1`
   * the shift's then "bad syntax for EQU"); registers that cancel out leave the number (`eax-eax+5`
   * is 5, see operandWithRegisters).
   */
  private equRegisters(value: Expr, words: EquWords, at: PPToken): Expr {
    let e = this.registersCompared(value);
    // A conditional, as in an operand (see registerOperand): an operator on a register in either
    // branch is nasm's error, and a number for a condition picks the branch (measured with nasm
    // 2.16.01: `z equ 1 ? 2 : bx` is 2, `z equ 1 ? bx : 3` "bad syntax for EQU", `z equ 1 ? 3 : bx
    // | 1` the `|`'s error alone).
    if (conditionalIn(this.toks, 0, this.toks.length)) {
      const read = operandEvaluation(e);
      if (read.errors.length > 0) this.equAfterErrors(read, e, at);
      e = chosenBranches(e, constantOf, false);
      const decided = this.equBranches(e, at);
      if (decided !== undefined) return decided;
    }
    const factors = registerFactors(e);
    if (typeof factors === 'string') {
      if (!factors.startsWith('shift')) this.fail(factors, e, 'invalid-operands');
      this.goOn(factors, e);
      this.fail(BAD_EQU, at);
    }
    if (factors.size === 0) return withoutRegisters(e);
    const [name, factor] = [...factors][0];
    if (factors.size > 1 || factor !== 1) this.fail(INVALID_OPERAND, e, 'invalid-operands');
    const reg = lookupRegister(name)!;
    if (words.jump || (words.bits !== undefined && words.bits !== reg.bits)) (this.warnings ??= []).push({ message: 'invalid register size specification ignored', start: e.start, end: e.end, code: 'regsize' });
    this.fail(BAD_EQU, at);
  }

  /**
   * An `equ`'s value `c ? a : b` whose condition names no register, but a name or more, where one
   * branch names registers that do not cancel and the other none: the value with 0 for that
   * branch, which the assembler refuses as nasm's parser does where the condition picks it (see
   * EquRegisterBranch; measured with nasm 2.16.01: `k equ 1` / `z equ k ? 2 : bx` is 2, after `k
   * equ 0` "bad syntax for EQU", `z equ x ? 2 : bx` before `x equ 1` 2, `z equ k ? 2*bx : 2` after
   * `k equ 1` "invalid operand type"). Undefined for any other value.
   */
  private equBranches(e: Expr, at: PPToken): Expr | undefined {
    if (e.k !== 'bin' || e.op !== '?' || firstLeaf(e.a, (x) => x.k === 'sym' && lookupRegister(x.name) !== undefined) !== undefined) return undefined;
    const branches = e.b as Extract<Expr, { k: 'bin' }>;
    const a = registerFactors(branches.a), b = registerFactors(branches.b);
    if (typeof a === 'string' || typeof b === 'string' || (a.size > 0) === (b.size > 0)) return undefined;
    const factors = a.size > 0 ? a : b;
    const [factor] = factors.values();
    const invalid = factors.size > 1 || factor !== 1;
    this.equBranch = { condition: e.a, whenTrue: a.size > 0, message: invalid ? INVALID_OPERAND : BAD_EQU, code: invalid ? 'invalid-operands' : 'syntax', at: invalid ? e : at };
    const zero: Expr = { k: 'num', v: 0, start: e.start, end: e.start };
    const chosen: Expr = { ...branches, a: a.size > 0 ? zero : withoutRegisters(branches.a), b: b.size > 0 ? zero : withoutRegisters(branches.b) };
    return { ...e, b: chosen };
  }

  /**
   * An `equ`'s value `e` with a conditional, which nasm's evaluator gave errors of (`read`): each,
   * then, where it carried on with registers, its parser's word on them as EQU's operand (measured
   * with nasm 2.16.01: `z equ bx ? 2 : 3` and `z equ bx+1 ? 2 : 3` are "the left-hand side of `?'
   * must be a scalar value", the `?` going on with its condition, then "bad syntax for EQU"; `z
   * equ 2*bx ? 2 : 3` that, then "invalid operand type"; `z equ bx << 1 ? 2 : 3` the shift's error
   * first). The first error alone where it gave up, or carried on with no register.
   */
  private equAfterErrors(read: FirstPassEvaluation, e: Expr, at: PPToken): never {
    const registers = read.gaveUp || read.vector === undefined ? [] : registersOf(read.vector).registers.filter((r) => r.factor !== 0);
    if (registers.length === 0) this.fail(read.errors[0], e, 'expression');
    for (const message of read.errors) (this.warnings ??= []).push({ message, start: e.start, end: e.end, code: 'expression', error: true });
    if (registers.length > 1 || registers[0].factor !== 1) this.fail(INVALID_OPERAND, e, 'invalid-operands');
    this.fail(BAD_EQU, at);
  }

  /**
   * An `equ`'s first operand, the tokens before `end`: what its expression stops before is nasm's
   * parser's error, which skips to the next comma and reads on (parser.c; measured with nasm
   * 2.16.01: `x equ 1 2` and `x equ 1 eax` define x as 1, `x equ 1 2, 3` is that error then "bad
   * syntax for EQU", `x: times 2 equ 1 2` that error then x's redefinition). Where it stopped, in
   * `stoppedAt`. A `:` or `[` after it makes the operand a memory reference (see equReference).
   */
  private equOperand(end: number): Expr {
    const toks = this.toks;
    const value = this.expressionUpTo(this.pos, end);
    const stop = this.stoppedAt;
    if (stop === end) return value;
    if (toks[stop].text === ':' || toks[stop].text === '[') this.equReference(this.pos, this.pos, end);
    // Zeroing, broadcast and opmask decorators after the value nasm's parser puts on the operand,
    // which its final pass finds no EQU form for (measured with nasm 2.16.01: `y equ 1 {z}` is
    // "unsupported mode decorator for instruction", `y equ 1 {1to4}` "broadcast not permitted on
    // this operand", `y equ 1 {z}{k1}` "mask not permitted on this operand").
    if (toks[stop].kind === 'op' && toks[stop].text === '{' && decoratorEnd(toks, stop, end) !== undefined) {
      const said = this.warnings?.length ?? 0;
      const decorators = this.decoratorsAfterValue(stop, end);
      // (After an error of its parser nasm stops at the end of its first pass, before its final
      // pass would find no form for the value: the error alone.)
      if (decorators.length > 0 && (this.warnings?.length ?? 0) === said) this.equDecorators = decorationOf(decorators);
      return value;
    }
    // (Braces nasm's scanner refuses: its error as it reads them, then the parser's.)
    const brace = toks[stop].kind === 'op' && toks[stop].text === '{' ? braceProblem(toks, toks[stop].start) : undefined;
    if (brace !== undefined) (this.warnings ??= []).push(brace);
    this.scannedNumber(toks[stop]);
    const unsupported = this.stoppedAfterWrt ? undefined : this.outputFormat(stop);
    if (unsupported !== undefined) this.fail(unsupported, toks[stop]);
    this.goOn(AFTER_OPERAND, toks[stop]);
    return value;
  }

  /**
   * The decorators after a value from `toks[start]` (a decorator token) to `end`, as nasm's parser
   * reads them onto the operand (parser.c parse_braces): an opmask, `{z}` and `{1toN}` it takes,
   * a rounding mode is "not an expected decorator", and anything else ends them, "only a series
   * of valid decorators expected" (measured with nasm 2.16.01: `y equ 1 {z}{rn-sae}` and `y equ 1
   * {rn-sae}` are the first alone, `y equ 1 {z} 2` the second, `y equ 1 {z}{ e}` the scanner's
   * "invalid decorator token inside braces" then the second). Those it takes, by name.
   */
  private decoratorsAfterValue(start: number, end: number): string[] {
    const toks = this.toks;
    const taken: string[] = [];
    // (A second opmask replaces the first, after its error: measured, `mov eax, 1 {k1}{k2}` is
    // "opmask k1 is already set".)
    let mask: string | undefined;
    for (let k = start; k < end;) {
      const next = toks[k].kind === 'op' && toks[k].text === '{' ? decoratorEnd(toks, k, end) : undefined;
      if (next === undefined) {
        const brace = toks[k].kind === 'op' && toks[k].text === '{' ? braceProblem(toks, toks[k].start) : undefined;
        if (brace !== undefined) (this.warnings ??= []).push(brace);
        else this.scannedNumber(toks[k]);
        this.goOn('only a series of valid decorators expected', toks[k]);
        break;
      }
      const name = decoratorsIn(toks, k, next)![0];
      if (isRounding(name)) this.goOn(`{${toks.slice(k + 1, next - 1).map((t) => t.text).join('')}} is not an expected decorator`, { start: toks[k].start, end: toks[next - 1].end });
      else taken.push(name);
      if (name.startsWith('k')) {
        if (mask !== undefined) this.goOn(`opmask ${mask} is already set`, { start: toks[k].start, end: toks[next - 1].end });
        mask = name;
      }
      k = next;
    }
    return taken;
  }

  /**
   * An `equ`'s operand from `toks[start]` to `end` that nasm's parser reads as a memory reference
   * (`from`: where its next expression or `[` is): a value before a `:` is a segment override,
   * which anything but a segment register is refused as, and its brackets must close where the
   * operand ends; no EQU form takes the reference (measured with nasm 2.16.01: `x equ 1:2` and
   * `x equ 1:[2]` are "invalid segment override" then "bad syntax for EQU", `x equ es:2`, `x equ
   * [1]` and `x equ 1[2]` the second alone, `x equ 1:` the first then "expression syntax error",
   * `x equ 1:2 3` the first, "comma, decorator or end of line expected, got 269", then the second,
   * `x equ [1` "expecting ] at end of memory operand" then the second).
   */
  private equReference(start: number, from: number, end: number): never {
    const toks = this.toks;
    let segment = false;
    let brackets = 0;
    let stop: number;
    // (A decorator's term in the reference: see below.)
    let decorator: Span | undefined;
    for (;;) {
      while (toks[from]?.text === '[') { brackets++; from++; }
      // (At a comma nasm's parser reads a 0 and leaves the comma: measured, `x equ 1:,` is no
      // "expression syntax error", `x equ 1:` is.)
      if (from >= toks.length) this.fail('expression syntax error', toks[end - 1]);
      // (A decorator but an opmask is a term of its own kind to nasm's evaluator, no address,
      // which the reference is refused for once the operand is read: measured, `x equ 1:{z}` and
      // `x equ 1:{rn-sae}` are "invalid segment override" then "invalid effective address: bad
      // subexpression type", `x equ 1:{z} 3` the first, "comma, decorator or end of line expected,
      // got 269", then the second, `x equ [{z} 3]` "expecting ] at end of memory operand" then it.)
      const term = toks[from]?.text === '{' ? decoratorEnd(toks, from, end) : undefined;
      if (term !== undefined && !decoratorsIn(toks, from, term)![0].startsWith('k')) {
        decorator = { start: toks[from].start, end: toks[term - 1].end };
        stop = term;
        if (stop < end && toks[stop].kind === 'op' && !REFERENCE_STOPS.has(toks[stop].text)) { this.expressionUpTo(stop + 1, end); stop = this.stoppedAt; }
        break;
      }
      if (from < end) this.expressionUpTo(from, end);
      stop = from < end ? this.stoppedAt : from;
      // (`1[2]`: a displacement before the brackets.)
      if (stop < end && toks[stop].text === '[' && brackets === 0) { from = stop; continue; }
      if (stop === end || toks[stop].text !== ':') break;
      if (stop !== from + 1 || register(toks[from])?.cls !== 'sreg') this.goOn('invalid segment override', toks[stop]);
      else if (segment) this.goOn('instruction has conflicting segment overrides', toks[stop]);
      else segment = true;
      from = stop + 1;
    }
    let recover = true;
    if (brackets === 1 && toks[stop]?.text === ']') { stop++; recover = false; }
    else if (brackets === 1) this.goOn('expecting ] at end of memory operand', toks[stop] ?? toks[end - 1]);
    else if (brackets > 1) this.goOn('excess brackets in memory operand', toks[stop] ?? toks[end - 1]);
    else recover = false;
    // (Decorators after a reference nasm's parser reads onto it: see decoratorsAfterValue.)
    if (!recover && stop < end && toks[stop].text === '{' && decoratorEnd(toks, stop, end) !== undefined) this.decoratorsAfterValue(stop, end);
    else if (!recover && stop < end) this.goOn(`comma, decorator or end of line expected, got ${nasmTokenType(toks[stop])}`, toks[stop]);
    if (decorator !== undefined) this.fail('invalid effective address: bad subexpression type', decorator);
    this.fail(BAD_EQU, toks[start]);
  }

  /**
   * A line of prefixes only (`rep`, `es`, `o16`): nasm emits them as an instruction without an
   * opcode. The last one stands as the statement's op; the encoder knows it for a prefix.
   */
  private prefixesAlone(label: ParsedStatement['label'], times: Expr | undefined, prefixes: (Span & { name: string })[]): ParsedStatement {
    const last = prefixes.pop()!;
    this.opIndex = this.pos - 1;
    return this.finish(label, times, prefixes.length > 0 ? prefixes : undefined, WORDS.get(last.name)!.op(last.start, last.end), NO_OPERANDS, NO_DATA, NO_TOKENS);
  }

  /** `at field, db value` (manual §5.9.2 istruc). */
  private atField(label: ParsedStatement['label'], prefixes: (Span & { name: string })[] | undefined, word: PPToken): ParsedStatement {
    const toks = this.toks;
    const comma = this.operandEnd(this.pos, false);
    // `at .x`: a field of the structure `istruc` names (nasm 2.16), left for the assembler to qualify.
    const first = toks[this.pos];
    const base = this.localBase;
    if (first?.kind === 'ident' && first.text.startsWith('.') && !first.text.startsWith('..')) this.localBase = undefined;
    let field: Expr;
    let atText: { atText?: true } = {};
    // (Called with no parameter, or an empty one, `at , db 6`, nasm's `times (%1-%$strucname)-...`
    // pads to `-S`: a field at 0; measured.)
    // (A `.x` written in braces with a blank before it, `at { .x}`, is pasted to the structure's
    // name blank and all, `(s .x-s)`: read as that text, see Assembler.padToFieldText; measured
    // with nasm 2.16.01, "expecting `)'".)
    const blankField = first !== undefined && comma > this.pos && startsBlank([first]) && first.kind === 'ident' && first.text.startsWith('.') && !first.text.startsWith('..');
    if (first === undefined || comma === this.pos) field = { k: 'num', v: 0, start: word.end, end: word.end };
    else if (blankField) {
      field = { k: 'num', v: 0, start: first.start - 1, end: toks[comma - 1].end };
      atText = { atText: true };
      this.fieldNames(comma);
    }
    // (What follows the field is in nasm's `times (%1-%$strucname)-...`: a `)` ends the count, which
    // wants an instruction next, any other token its `)'. Measured: `at s.a), db 1`, `at s.a 5, db 1`.)
    else try { field = this.expression(this.pos, comma, AT_FIELD_LEFTOVER); } catch (problem) {
      if (!fieldAsText(problem)) throw problem;
      // (The `times` line is its expression: measured, `at .x-, db 6` is `(s.x--s)`, `at eax`
      // "non-constant argument supplied to TIMES".)
      field = { k: 'num', v: 0, start: first.start, end: toks[comma - 1].end };
      atText = { atText: true };
      this.fieldNames(comma);
    } finally { this.localBase = base; }
    this.pos = comma + 1;
    const dataWord = toks[this.pos];
    if (comma >= toks.length || !dataWord || this.atDataIgnored()) {
      return { ...this.finish(label, undefined, prefixes, { name: 'db', start: word.start, end: word.end, directive: true }, NO_OPERANDS, NO_DATA, NO_TOKENS), at: field, ...atText };
    }
    const lower = dataWord.text.toLowerCase();
    if (DATA_UNIT[lower] === undefined) {
      // `at field, times 4 db 7`, `at field, nop`, `at field, lbl: dw 5`, `at field, lbl`: nasm's
      // macro puts what follows the field on a line of its own after the padding, a label at its
      // start too (measured: 07 07 07 07, 90; `lbl` the field's place, alone warned of as an
      // orphan; `at field, 5` "label or instruction expected at start of line"), kept as the
      // statement's fill.
      const opIndex = this.opIndex;
      const ownLabel = this.labelRead;
      const line = this.toks;
      this.toks = toks.slice(this.pos);
      this.pos = 0;
      let fill: ParsedStatement;
      try { fill = this.lineAfterBrackets()!; } finally { this.toks = line; this.labelRead = ownLabel; }
      this.opIndex = opIndex;
      const name = fill.op?.name ?? '';
      if (fill.kind !== StatementKind.Instruction && fill.kind !== StatementKind.Empty && DATA_UNIT[name] === undefined && RESERVE_UNIT[name] === undefined && name !== 'incbin') {
        this.fail("`at' expects a data directive (db, dw, dd, dq) after the field", dataWord);
      }
      return { ...this.finish(label, undefined, prefixes, { name: 'db', start: word.start, end: word.end, directive: true }, NO_OPERANDS, NO_DATA, NO_TOKENS), at: field, ...atText, fill };
    }
    this.pos++;
    const op = { name: lower, start: dataWord.start, end: dataWord.end, directive: true };
    return { ...this.finish(label, undefined, prefixes, op, NO_OPERANDS, this.dataItems(DATA_UNIT[lower]), NO_TOKENS), at: field, ...atText };
  }

  /** The names of `at`'s field read as text, up to `comma`: references all the same, a `.x` the structure's field (see atStructures). */
  private fieldNames(comma: number): void {
    for (let k = this.pos; k < comma; k++) {
      const t = this.toks[k];
      if (t.kind === 'ident' && register(t) === undefined) (this.refs ??= []).push({ name: qualifyName(t.text, this.localBase), start: t.start, end: t.end, src: t.src, at: t.at });
    }
  }

  /**
   * Whether `at`'s data, at the parse position, is a line directive nasm's macro ignores there (see
   * opensLineDirective); `%line`, read again as text, is `%` and `line` here.
   */
  private atDataIgnored(): boolean {
    const t = this.toks[this.pos];
    const next = this.toks[this.pos + 1];
    if (t.text === '%' && next !== undefined && !spaced(t, next)) return next.text.toLowerCase() === 'line';
    return opensLineDirective(t, true);
  }

  /**
   * Whether the argument after the first comma from the parse position starts with braces around
   * nothing (`align 4, {}`): a parameter that takes the rest of the line is then nothing, what
   * follows the braces dropped (see unbracedArguments).
   */
  private bracesOfNothingAfterComma(): boolean {
    const toks = this.toks;
    const comma = this.operandEnd(this.pos, false);
    return toks[comma + 1]?.text === '{' && toks[comma + 2]?.text === '}';
  }

  /**
   * `align N, {}`: nasm's macro is called with an empty fill, no trailing parameter it drops (but
   * for a comma after the braces), so `align`'s `times` line has no instruction, and `alignb`
   * reserves (measured with nasm 2.16.01: `align 4, {}` is "parser: instruction expected", with
   * smartalign too, `alignb 4, {}` is `alignb 4`; `align 4, {},` warns first).
   */
  private alignWithoutFill(label: ParsedStatement['label'], prefixes: (Span & { name: string })[] | undefined, op: OpSpan, word: PPToken, endsInComma: boolean): ParsedStatement {
    if (endsInComma) (this.warnings ??= []).push({ message: `dropping trailing empty parameter in call to multi-line macro \`${op.name}'`, start: word.start, end: word.end, code: 'pp-macro-params-legacy' });
    const toks = this.toks;
    const comma = this.operandEnd(this.pos, false);
    // (At the comma: at the word, the scanner's error for braces would be looked for in the count's.)
    if (op.name === 'align') this.fail(INSTRUCTION_EXPECTED, toks[comma]);
    this.toks = toks.slice(0, comma);
    try { return this.align(label, undefined, prefixes, op); } finally { this.toks = toks; }
  }

  /**
   * `align N` / `alignb N` and their fill. nasm's `align` macro pads with `times n nop`, and both
   * with `times n` the fill they are given (manual §5.10.1): one data directive is kept as the
   * statement's data (`align 8, dw 0x9090` repeats the whole fill once per byte of padding);
   * any other fill is parsed as a statement of its own (`fill`).
   */
  private align(label: ParsedStatement['label'], times: Expr | undefined, prefixes: (Span & { name: string })[] | undefined, op: OpSpan): ParsedStatement {
    const toks = this.toks;
    const from = this.pos;
    const args = toks.slice(from);
    const comma = parameterEnd(toks, from);
    // (A `)` the argument did not open ends the count of nasm's `times (((%1) - ...` before the
    // fill, which it never reads then: the assembler gives the count's error, see alignArgument.)
    if (comma >= toks.length || closesUnopened(toks, from, comma)) return this.finish(label, times, prefixes, op, NO_OPERANDS, NO_DATA, args);
    const word = toks[comma + 1];
    if (word === undefined) {
      // `align 8,`: nasm drops the empty parameter, so the fill is `nop` (alignb: none).
      (this.warnings ??= []).push({ message: `dropping trailing empty parameter in call to multi-line macro \`${op.name}'`, start: toks[comma].start, end: toks[comma].end, code: 'pp-macro-params-legacy' });
      return this.finish(label, times, prefixes, op, NO_OPERANDS, NO_DATA, args);
    }
    // `align 4, nop,`: nasm drops the empty parameter, with the warning, and the fill, its greedy
    // one, loses the comma when a token is before it (see macro-parameters.ts matchCall; measured
    // with nasm 2.16.01: `nop` fills, `db 0x90` too; `align 4, nop,,` warns, then is an error).
    const end = toks.length - 1;
    if (end > comma && toks[end].text === ',') {
      (this.warnings ??= []).push({ message: `dropping trailing empty parameter in call to multi-line macro \`${op.name}'`, start: toks[end].start, end: toks[end].end, code: 'pp-macro-params-legacy' });
      if (toks[end - 1].text !== ',') {
        this.toks = toks.slice(0, end);
        try { return this.align(label, times, prefixes, op); } finally { this.toks = toks; }
      }
    }
    // (`dt`, whose items are checked as the directive's, and a data directive without items
    // (`times n db`, nothing) take the general way.)
    const unit = word.kind === 'ident' ? DATA_UNIT[word.text.toLowerCase()] : undefined;
    if (unit !== undefined && unit !== 10 && comma + 2 < toks.length) {
      this.pos = comma + 2;
      const items = this.dataItems(unit);
      this.pos = from;
      return this.finish(label, times, prefixes, op, NO_OPERANDS, items, args);
    }
    // The fill's own statement, parsed by this parser (its names join the line's references).
    const opIndex = this.opIndex;
    this.pos = comma + 1;
    let fill: ParsedStatement;
    try { fill = this.body(undefined, word); } catch (e) {
      if (!(e instanceof LineError)) throw e;
      this.opIndex = opIndex;
      this.pos = from;
      return { ...this.finish(label, times, prefixes, op, NO_OPERANDS, NO_DATA, args), fillProblem: e.problem };
    }
    this.opIndex = opIndex;
    this.pos = from;
    const name = fill.op?.name ?? '';
    if (fill.kind !== StatementKind.Instruction && DATA_UNIT[name] === undefined && RESERVE_UNIT[name] === undefined && name !== 'incbin') {
      this.fail(`\`${op.name}' cannot repeat \`${word.text}': instruction expected`, word);
    }
    return { ...this.finish(label, times, prefixes, op, NO_OPERANDS, NO_DATA, args), fill };
  }

  /**
   * A directive of MACRO_DIRECTIVES with no operand (`align`, `org`, `section`). In nasm they are
   * standard macros taking one or more, so the word goes on to the parser, which takes it for a
   * label without a colon, and rejects it after a label or a prefix (measured: two warnings).
   */
  private directiveAlone(word: PPToken, label: ParsedStatement['label'], times: Expr | undefined, prefixes: (Span & { name: string })[] | undefined): ParsedStatement {
    const warnings = (this.warnings ??= []);
    warnings.push({ message: `multi-line macro \`${word.text}' exists, but not taking 0 parameters`, start: word.start, end: word.end, code: 'macro-args' });
    if (label !== undefined || times !== undefined || prefixes !== undefined) this.fail(`\`${word.text}' expects an operand`, word);
    warnings.push({ message: 'label alone on a line without a colon might be in error', start: word.start, end: word.end, code: 'label-orphan' });
    return this.finish(this.label(word), undefined, undefined, undefined, NO_OPERANDS, NO_DATA, NO_TOKENS);
  }

  /**
   * A standard macro whose word only an empty expansion follows (`%define E` / `bits E`): nasm
   * counts the blank it leaves as a call with no parameters, which it makes all the same, warning
   * (pp-macro-params-legacy), and its lines run with `%1` empty (measured, nasm 2.16.01: `[bits ]`
   * "`' is not a valid segment size", `[org ]` and `align`'s `times` "expression syntax error",
   * `[section ]` and `global` nothing). The directive is then parsed without its argument.
   */
  private calledEmpty(word: PPToken, lower: string): void {
    (this.warnings ??= []).push({ message: `improperly calling multi-line macro \`${lower}' with 0 parameters`, start: word.start, end: word.end, code: 'pp-macro-params-legacy' });
  }

  /**
   * `use16`/`userel`/`endstruc`/`iend`... given parameters: nasm's standard macro takes none, so it
   * warns and its parser reads the word as a label and the rest as the line (measured, nasm
   * 2.16.01: `use16 nop` is a label and a NOP in the mode before, `use16 x` and `endstruc-`
   * "parser: instruction expected", and after a label the word is no instruction).
   */
  private parametersNotTaken(word: PPToken, label: ParsedStatement['label'], times: Expr | undefined, prefixes: (Span & { name: string })[] | undefined): ParsedStatement {
    let n = 1;
    for (let k = this.operandEnd(this.pos, false); k < this.toks.length; k = this.operandEnd(k + 1, false)) n++;
    // (A brace not closed is nasm's error as it counts the parameters, before the warning: `use16{`.)
    const braces = unbracedArguments(this.toks, this.pos, word.text.toLowerCase())?.problem;
    if (braces !== undefined) (this.warnings ??= []).push({ message: braces.message, start: braces.at.start, end: braces.at.end, code: 'macro-args', error: true });
    (this.warnings ??= []).push({ message: `multi-line macro \`${word.text}' exists, but not taking ${n} parameter${n === 1 ? '' : 's'}`, start: word.start, end: word.end, code: 'macro-args' });
    if (label !== undefined || times !== undefined || prefixes !== undefined) this.fail(INSTRUCTION_EXPECTED, word);
    const asLabel = this.label(word);
    this.labelRead = asLabel;
    return this.body(asLabel, word);
  }

  /** The label the line starts with, once read (see failedLineLabel). */
  private labelRead: ParsedStatement['label'];

  /**
   * A line that fails to parse after its label still defines the label where the line is, as
   * nasm's parser leaves it (measured: `x: db (` twice is "label `x' inconsistently redefined"
   * at the second) but for an `equ`'s: its statement, the label alone; else undefined.
   */
  failedLineLabel(): ParsedStatement | undefined {
    const label = this.labelRead;
    if (label === undefined) return undefined;
    const after = this.toks[this.toks[1]?.text === ':' ? 2 : 1];
    if (after !== undefined && after.kind === 'ident' && after.text.toLowerCase() === 'equ') return undefined;
    return statementOf(label, undefined, NO_PREFIXES, undefined, NO_OPERANDS, NO_DATA, NO_TOKENS, this.localBase, NO_REFS, this.toks.length);
  }

  private finish(label: ParsedStatement['label'], times: Expr | undefined, prefixes: (Span & { name: string })[] | undefined, op: ParsedStatement['op'],
    operands: readonly ParsedOperand[], data: readonly DataItem[], args: readonly PPToken[]): ParsedStatement {
    const opIndex = op === undefined ? this.toks.length : this.opIndex >= 0 ? this.opIndex : 1;
    // Parses live as long as their cache entry: no empty array of their own (those of the parser
    // are made on first use), and exact-size copies of the arrays grown by push (which keep room
    // for 16 or more).
    const refs = this.refs !== undefined ? this.refs.slice() : NO_REFS;
    return statementOf(label, times, prefixes !== undefined ? prefixes.slice() : NO_PREFIXES, op, operands, data, args, this.localBase, refs, opIndex);
  }

  private label(t: PPToken): NonNullable<ParsedStatement['label']> {
    const raw = t.text.startsWith('$') ? t.text.slice(1) : t.text;
    const local = raw.startsWith('.') && !raw.startsWith('..');
    if (local) {
      return { name: qualifyName(raw, this.localBase), short: raw, local, parent: this.localBase, start: t.start, end: t.end, src: t.src };
    }
    // `..@x` labels (macro locals) do not start a new local-label scope (manual §3.9); other `..`
    // names are special symbols of object formats (`..start`, `..got`), none of them in bin.
    this.baseBeforeLabel = this.localBase;
    if (!raw.startsWith('..')) this.localBase = raw;
    // (An error of nasm's last pass: the label is defined all the same, measured: `..x:` twice is
    // also "inconsistently redefined".)
    else if (!raw.startsWith('..@')) (this.warnings ??= []).push({ message: `unrecognised special symbol \`${raw}'`, start: t.start, end: t.end, code: 'syntax', error: true });
    return { name: raw, short: raw, local: false, start: t.start, end: t.end, src: t.src };
  }

  /** Index of the end of an operand starting at i: the next top-level comma, or end of line. */
  private operandEnd(start: number, stopAtWord: boolean): number {
    let depth = 0;
    let i = start;
    for (; i < this.toks.length; i++) {
      const t = this.toks[i];
      if (t.kind === 'op') {
        if (t.text === '(' || t.text === '[') depth++;
        else if (t.text === ')' || t.text === ']') depth--;
        else if (t.text === ',' && depth === 0) return i;
      } else if (stopAtWord && depth === 0 && i > start && t.kind === 'ident' && !isQuestionMark(t)) {
        // `times N db 0`: the count ends where a word follows a complete operand.
        const prev = this.toks[i - 1];
        // (nasm's `seg` reads the word after it: `times seg x db 0`.)
        if (prev.kind === 'ident' && isSegWord(prev)) continue;
        // (Nor after the braces of a decorator, a term of its own: see DECORATOR_TERM.)
        // (Nor after a conditional's `?`, an identifier to the lexer: `times 1 ? k : 2 db 1`.)
        if (prev.kind === 'number' || (prev.kind === 'ident' && !isQuestionMark(prev)) || prev.kind === 'here' || prev.kind === 'string' || prev.text === ')' || prev.text === '}') return i;
      }
    }
    return i;
  }

  /**
   * The expression of `toks[start..end)`; `leftover`: the message for a token it stops before
   * (nasm's for the place the expression is in).
   */
  private expression(start: number, end: number, leftover?: string | ((t: PPToken) => string)): Expr {
    if (start >= end) this.fail('expression syntax error', this.toks[start]);
    const whole = this.expressionUpTo(start, end);
    this.endsAt(end, leftover);
    this.collectRefs(whole);
    return whole;
  }

  /** Fails where the last expressionUpTo stopped, when before `end`, with `leftover`'s message (see expression). */
  private endsAt(end: number, leftover?: string | ((t: PPToken) => string)): void {
    const stop = this.stoppedAt;
    if (stop >= end) return;
    const said = typeof leftover === 'function' ? leftover(this.toks[stop]) : leftover;
    if (this.stoppedAfterWrt) this.fail(said ?? `unexpected \`${this.toks[stop].text}' in expression`, this.toks[stop]);
    // (nasm's scanner has read the token it stops at: its warning of a number past 64 bits first.)
    this.scannedNumber(this.toks[stop]);
    this.fail(this.outputFormat(stop) ?? said ?? `unexpected \`${this.toks[stop].text}' in expression`, this.toks[stop]);
  }

  /** Where the last expressionUpTo stopped, and whether after a `wrt` and its segment. */
  private stoppedAt = 0;
  private stoppedAfterWrt = false;

  /**
   * The expression that starts at `toks[start]`, read as far as it goes before `end`, a `wrt` and
   * its segment with it: where it stops, in `stoppedAt`. Its references are not collected.
   */
  private expressionUpTo(start: number, end: number): Expr {
    // A `{` nasm's scanner refuses (see braceProblem) is a token its evaluator skips at the start
    // of an expression, reading on after it (measured with nasm 2.16.01: `db {e}+1` is only "`e'
    // is not a valid decorator with braces", `times { z} db 0` "invalid decorator token inside
    // braces", then the `times` count `z`'s error, then "parser: instruction expected" at the `}`).
    start = this.pastRefusedBraces(start, end);
    // A lone number (most immediates and data items): its node without a parser. The parser
    // would count one level against the limit, so a limit of 0 takes its way and fails there.
    if (end === start + 1 && this.evalLimit >= 1) {
      const n = simpleNumber(this.toks[start]);
      this.stoppedAt = end;
      this.stoppedAfterWrt = false;
      if (n !== undefined) return n;
    }
    const p = new ExprParser(this.toks, start, end, this.localBase, this.evalLimit, this.floatMode);
    p.decorators = this.inDataItem;
    const e = p.parse();
    if (p.warning) this.takeWarnings(p);
    if (!e) this.failParse(p, end);
    this.stoppedAfterWrt = p.pos < end && isWrt(this.toks[p.pos]) && p.pos + 1 < end;
    if (!this.stoppedAfterWrt) { this.stoppedAt = p.pos; return e; }
    const { whole, stop } = this.withRespectTo(e, p.pos, end);
    this.stoppedAt = stop;
    return whole;
  }

  /**
   * `e wrt ...`, the parser stopped at the `wrt` of `toks[at]`: `e` with the segment after it, an
   * operand with its unary operators (ExprParser.wrtTarget), which the evaluator judges (see
   * withRespectTo in expr.ts); `stop`, where it ends. nasm's word on `wrt seg x` is the output
   * format's at once (measured: "WRT not supported by binary output format").
   */
  private withRespectTo(e: Expr, at: number, end: number): { whole: Expr; stop: number } {
    const toks = this.toks;
    if (toks[at + 1].kind === 'ident' && toks[at + 1].text.toLowerCase() === 'seg') this.fail('WRT not supported by binary output format', toks[at]);
    const p = new ExprParser(toks, at + 1, end, this.localBase, this.evalLimit, this.floatMode);
    const target = p.wrtTarget();
    if (p.warning) this.takeWarnings(p);
    if (!target) { const err = p.error!; this.fail(err.message, err); }
    // (A register is no segment: nasm's evaluator gives up on it before its parser reads on, so
    // what follows is no error of its. Measured with nasm 2.16.01: `push 5 wrt cs // k`, `jmp
    // short 5 wrt cs == 4` and `dd !5 wrt cs % 2` are "invalid right-hand operand to WRT" alone.)
    if (p.pos < end && namesRegisterWord(target)) this.fail('invalid right-hand operand to WRT', target, 'expression');
    return { whole: { k: 'bin', op: 'wrt', a: e, b: target, start: e.start, end: target.end }, stop: p.pos };
  }

  /**
   * Ends the line with the problem `p` stopped at: nasm's word on `seg` where the parser stopped
   * after it (`1 ? seg x : 2`, `(seg x)`: measured, "binary output format does not support
   * segment base references"), else the parser's own.
   */
  private failParse(p: ExprParser, end: number): never {
    const unsupported = p.pos < end && p.pos > 0 ? this.outputFormat(p.pos) : undefined;
    if (unsupported !== undefined && !unsupported.startsWith('WRT')) this.fail(unsupported, this.toks[p.pos]);
    const err = p.error!;
    this.fail(err.message, err);
  }

  /**
   * The terms of a memory reference written as `+`/`-` terms, each a name, a number or a product
   * of two, the first one naming a register (`[ebp-8]`, `[ebx+ecx*4+16]`), put in the scratch
   * terms as ExprParser and splitTerms would make them (with every prefix of the sum naming a register,
   * splitTerms splits at every `+` and `-`), without the tree: their count. -1 for any other
   * form: the caller then parses the expression.
   */
  private simpleTerms(i: number, end: number): number {
    // The parser counts each operand and unary operator against the limit (ExprParser.reads): a
    // bracket with more tokens than that may pass it, and is left to the parser to count.
    if (end - i > this.evalLimit) return -1;
    const toks = this.toks;
    let count = 0;
    let neg = false;
    for (;;) {
      const a = this.simplePrimary(i++);
      if (a === undefined) return -1;
      let e = a;
      if (i < end && toks[i].kind === 'op' && toks[i].text === '*') {
        const b = i + 1 < end ? this.simplePrimary(i + 1) : undefined;
        if (b === undefined) return -1;
        e = { k: 'bin', op: '*', a, b, start: a.start, end: b.end };
        i += 2;
      }
      if (count === 0 && !mentionsRegister(e)) return -1;
      termExprs[count] = e;
      termNegated[count++] = neg;
      if (i === end) return count;
      const t = toks[i++];
      if (t.kind !== 'op' || (t.text !== '+' && t.text !== '-') || i === end) return -1;
      neg = t.text === '-';
    }
  }

  /** A name or simple number token as ExprParser's primary makes it; undefined for others. */
  private simplePrimary(k: number): Expr | undefined {
    const t = this.toks[k];
    if (t.kind === 'ident') {
      // (`$ecx` is a symbol's name, not a register: ExprParser marks it.)
      if (t.text.charCodeAt(0) === 0x24) return undefined;
      return { k: 'sym', name: qualifyName(t.text, this.localBase), start: t.start, end: t.end, tok: k };
    }
    return simpleNumber(t);
  }

  collectRefs(root: Expr): void {
    // (A loop, its names left to right, not recursion: an expression may be as deep as nasm lets
    // it, 8,191 operators, which a recursion over it takes more stack for than a cold process has.)
    let pending: Expr[] | undefined;
    for (let e: Expr | undefined = root; e !== undefined; e = pending?.pop()) {
      if (e.k === 'sym') this.collectRef(e);
      else if (e.k === 'un') (pending ??= []).push(e.a);
      else if (e.k === 'bin') (pending ??= []).push(e.b, e.a);
    }
  }

  private collectRef(e: Extract<Expr, { k: 'sym' }>): void {
    if ((lookupRegister(e.name) || e.name === DECORATOR_TERM) && e.escaped === undefined) {
      // An operand's registers are read as a sum (see operandWithRegisters): not a reference.
      if (this.inOperand) { this.operandNamesRegister = true; return; }
      if (!this.inDataItem) this.fail(`register \`${e.name}' is not allowed in an expression here`, e, 'invalid-operands');
      this.dataRegister ??= e;
      return;
    }
    const t = this.toks[e.tok];
    (this.refs ??= []).push({ name: e.name, start: e.start, end: e.end, src: t.src, at: t.at });
  }

  /**
   * The items of `db`...`dt` (`unit` bytes each) or of an `at` field's data (`unit` undefined: no
   * floats), read as nasm 2.16's parse_eops reads them (see dataList).
   */
  private dataItems(unit: number | undefined): DataItem[] {
    const items: DataItem[] = [];
    this.slotBits = (unit ?? 0) * 8;
    this.dataList(this.pos, unit, items);
    this.pos = this.toks.length;
    // nasm emits nothing for `db` alone and warns (-w+db-empty): a macro argument left empty.
    if (items.length === 0) (this.warnings ??= []).push({ message: 'no operand for data declaration', start: this.toks[this.opIndex].start, end: this.toks[this.opIndex].end, code: 'db-empty' });
    return items.slice();
  }

  /**
   * A list of data items from `toks[pos]`, added to `items`; the index of the token that ends it,
   * a `)` or the end of the line. After a string, a float, `?`, a string function or a `(...)`
   * list the list wants a comma, a `)` or its end; after an expression nasm stands on the token
   * the expression stopped at and skips one stray token before it wants them. A `)` where nasm
   * wants a comma or an item ends the list (it closes a `dup` list; at the top level nothing
   * follows it). Measured: `dd 1 2` and `dd 1) 2, 3` are 01000000, `dd 1 2 3` and `dd 1.5 x` are
   * 'comma expected after operand', `dd 1.5)` and `dd 1.5,)` are 0000c03f, `db 1,` is 01.
   *
   * Before an item nasm 2.15 takes, in any number and order, MASM's `N dup` (the item repeated N
   * times), a size (`dd byte 1`: the item's units are bytes) and `%`; after any of them a `(`
   * opens a list of items, which the count and size apply to (measured: `db 2 dup (1, word 2)` is
   * 01 02 00 01 02 00, `db 2 dup 3 dup (1)` six 01, `db word (1, 2)` 01 00 02 00, `db 3 dup 1` 01
   * 01 01, `db (1, 2)` an error, `db 3 dup` nothing and a warning).
   */
  private dataList(pos: number, unit: number | undefined, items: DataItem[]): number {
    let toks = this.toks;
    let n = toks.length;
    while (pos < n && toks[pos].text !== ')') {
      const first = pos;
      let counts: Expr[] | undefined;
      let itemUnit = unit;
      // After a count, a size or `%`: a `(` opens a list.
      let prefixed = false;
      let item: DataItem | undefined;
      // The item's last token, and the token nasm stands on after it: the same, or for an
      // expression the one it stopped at.
      let last = pos;
      let at = pos;
      let expression = false;
      while (pos < n && toks[pos].text !== ')') {
        const t = toks[pos];
        const size = t.kind === 'ident' ? dataElementSize(t.text) : undefined;
        if (size !== undefined || (t.kind === 'op' && t.text === '%')) {
          if (size !== undefined) itemUnit = size;
          prefixed = true;
          pos++;
          continue;
        }
        last = at = pos;
        if (prefixed && t.text === '(') {
          const sub: DataItem[] = [];
          const close = this.dataList(pos + 1, itemUnit, sub);
          // (The list may have reread a string: its tokens are the line's from there on.)
          toks = this.toks;
          n = toks.length;
          // (nasm prints the null string it has for the end of the line.)
          if (close === n) this.fail('expected `)\' after subexpression, got `(null)\'', undefined);
          item = { kind: 'group', counts: counts ?? NO_COUNTS, unit: itemUnit, items: sub.length > 0 ? sub.slice() : NO_DATA, start: toks[first].start, end: toks[close].end };
          last = at = close;
          break;
        }
        let reread = false;
        if (t.kind === 'string' && (toks[pos + 1]?.kind === 'string' || isOpenString(toks[pos + 1]))) {
          // nasm 2.16.01 looks past a string for a comma by reading the next token, which unquotes
          // a string where it is written, then reads the item as an expression from the first
          // string: the second's characters and the end of the line its unquoting wrote (measured:
          // `db 'a''|'` is "expression syntax error", `db 'a''b', 5` is 61, `db 'a''x|'` "comma
          // expected after operand"; an unterminated one is its characters to the line's end:
          // `db 'a'', 5` is 61 05).
          const next = toks[pos + 1];
          const rescanned = rescannedString(next);
          if (rescanned !== undefined) {
            toks = this.toks = toks.slice(0, pos + 1).concat(rescanned);
            n = toks.length;
            // (The first string is then a number: `db 'ab' ''` is 61 and a warning.)
            reread = true;
          }
        }
        const float = itemUnit !== undefined ? this.floatItem(pos, itemUnit) : undefined;
        if (float === undefined && t.kind === 'op' && (t.text === '-' || t.text === '+') && (toks[pos + 1]?.kind === 'string' || isOpenString(toks[pos + 1]))) {
          // nasm 2.16.01 reads a sign and a string for a float, unquoting the string where it is
          // written, then reads the item again from after the sign: the string's characters and
          // the end of the line its unquoting wrote (measured: `db -'1', 7` is FF, `dw -'A'` is
          // "symbol `A' not defined", `dw -''` "expression syntax error"; an unterminated one is
          // its characters to the line's end: `db -'1+2` is 01).
          const next = toks[pos + 1];
          const rescanned = rescannedString(next);
          if (rescanned !== undefined) {
            toks = this.toks = toks.slice(0, pos + 1).concat(rescanned);
            n = toks.length;
          }
        }
        if (float !== undefined) {
          item = float;
          last = at = t.kind === 'op' ? pos + 1 : pos;
        } else if (t.kind === 'string' && !reread && (pos + 1 === n || toks[pos + 1].text === ',' || toks[pos + 1].text === ')')) {
          const bytes = decodeString(t.text);
          if (!bytes) this.fail('invalid escape sequence in string', t);
          item = { kind: 'bytes', bytes, start: t.start, end: t.end };
        } else if (t.kind === 'ident' && t.text.charCodeAt(0) === 0x5f && toks[pos + 1]?.text !== '(' && utfFunction(t.text) !== undefined) {
          // A string function's word with no `(` after it takes the string after it (measured:
          // `dw __?utf16?__ "ab"` is 61 00 62 00); anything else there, or nothing, is nasm's
          // "__?utf16?__ must be followed by a string constant" (`__?Utf16?__` named as written,
          // `__UTF16__` in lower case), and it reads on from that token as from an item's last
          // (`dw __?utf16?__ + 1` is also "comma expected after operand", `dw __?utf16?__, 4` not).
          const next = toks[pos + 1];
          const result = utfBytes(t, utfFunction(t.text)!, next);
          if ('error' in result) this.goOn(result.error, result.at ?? t);
          item = { kind: 'bytes', bytes: 'error' in result ? NO_BYTES : result.bytes, start: t.start, end: (next ?? t).end };
          last = at = next === undefined || next.text === ',' ? pos : pos + 1;
        } else if (t.kind === 'ident' && toks[pos + 1]?.text === '(' && utfFunction(t.text) !== undefined) {
          // `__?utf16?__('...')` first in an item is a string, padded like one, and the whole item
          // (manual §3.4.5; measured: `dd __utf16__('a') | 0` is an error, `dd 0 | __utf16__('a')` is not).
          const result = utfCall(t, utfFunction(t.text)!, toks[pos + 2], toks[pos + 3]);
          if ('error' in result && toks[pos + 2]?.kind === 'string') this.fail(result.error, result.at ?? t);
          let close = pos + 3;
          if ('error' in result) {
            // No string: nasm's parser says so and reads on, the token after it for the `)` (none
            // needed where the `)` stood for the string), then wants a comma (measured with nasm
            // 2.16.01: `dd __?utf16?__(x) + 1` is also "comma expected after operand", `dd
            // __?utf16?__(1+2)` "unterminated __?utf16?__ function" and that, `dd __?utf16?__(x), 1`
            // and `dd __?utf16?__()` the first alone).
            this.goOn(result.error, result.at ?? t);
            close = toks[pos + 2] === undefined || toks[pos + 2].text === ')' ? pos + 2 : pos + 3;
            if (toks[pos + 2] !== undefined && toks[close]?.text !== ')') this.goOn(`unterminated __?${standardNameOf(t.text)}?__ function`, toks[close] ?? toks[n - 1]);
            close = Math.min(close, n - 1);
          }
          item = { kind: 'bytes', bytes: 'error' in result ? NO_BYTES : result.bytes, start: t.start, end: toks[close].end };
          last = at = close;
        } else if (isQuestionMark(t)) {
          item = { kind: 'reserve', start: t.start, end: t.end };
        } else if (t.kind === 'string' && toks[pos + 1]?.kind === 'string') {
          // A string then another (the second one from a string reread, see above): nasm's
          // expression is the first, taken for a number, and it stops at the second, a stray token
          // it skips before it wants a comma (measured: `db 'a' \`'', 5` is 61 05, `db 'a' \`'x' 7`
          // "comma expected after operand").
          item = { kind: 'expr', expr: this.expression(pos, pos + 1), start: t.start, end: t.end };
          at = pos + 1;
          expression = true;
        } else {
          let e = this.dataExpression(pos);
          const stop = this.dataStop;
          // A conditional that names a register: nasm's evaluator reads both branches, an
          // operator on a register in either its error, and the condition picks one, registers
          // and all (measured with nasm 2.16.01: `dd 0 ? bx : 'a'` and `dd 1 ? 2 : bx+1` are data,
          // `dd 4 ? 1 : cs | al` the `|`'s error alone).
          if (this.dataRegister !== undefined && conditionalIn(toks, pos, stop)) e = chosenBranches(e, constantOf, true);
          if (this.dataRegister !== undefined) e = this.registersCancelled(e) ?? e;
          // A register in a data item or a `dup` count: nasm's evaluator takes it, its output
          // does not (measured: `db ax+1` and `db 2 dup (ax)` "expression is not simple or
          // relocatable", `db ax dup (1)` "non-constant argument supplied to DUP"), and its
          // parser reads on: each item so, then any other error of the line (`db ax, )`).
          // (Its operators' errors first: see dataRegisterErrors.)
          if (this.dataRegister !== undefined) {
            const r = this.dataRegister;
            const { errors, registers } = dataRegisterErrors(e);
            for (const x of errors) (this.warnings ??= []).push({ message: x.message, start: x.node.start, end: x.node.end, code: 'invalid-operands', error: true });
            if (registers) (this.warnings ??= []).push({ message: stop < n && isDupWord(toks[stop]) ? 'non-constant argument supplied to DUP' : 'expression is not simple or relocatable', start: r.start, end: r.end, code: 'invalid-operands', error: true });
          }
          // `N dup`: a count, and the item follows.
          if (stop < n && isDupWord(toks[stop])) {
            (counts ??= []).push(e);
            prefixed = true;
            pos = stop + 1;
            continue;
          }
          item = { kind: 'expr', expr: e, start: e.start, end: toks[stop - 1].end };
          last = stop - 1;
          at = stop;
          expression = true;
        }
        break;
      }
      // Prefixes with no item (`db 3 dup`): nothing, and the list ends.
      if (item === undefined) return pos;
      if (item.kind !== 'group' && (counts !== undefined || itemUnit !== unit)) {
        item = { kind: 'group', counts: counts ?? NO_COUNTS, unit: itemUnit, items: [item], start: toks[first].start, end: toks[last].end };
      }
      items.push(item);
      if (expression) {
        if (at === n || toks[at].text === ')') return at;
        if (toks[at].kind === 'op' && toks[at].text === '{') at = this.strayBraces(at);
        else if (toks[at].text !== ',') this.scannedNumber(toks[at++]);
      } else at++;
      if (at === n || toks[at].text === ')') return at;
      if (toks[at].text !== ',') { this.scannedNumber(toks[at]); this.fail('comma expected after operand', toks[at]); }
      pos = at + 1;
    }
    return pos;
  }

  /**
   * The stray token after a data item's expression that nasm skips, when it is braces: its
   * scanner's one decorator token, `{` to `}` (or to the end, unclosed), whose contents it says
   * are none of its decorators (see braceProblem), and skips (measured with nasm 2.16.01:
   * `db 1 {2}, 3` is only "`2' is not a valid decorator with braces", `dw 1 {k1}, 3` 01 00 03 00,
   * `db 1 {2` only "invalid decorator token inside braces"). The index of the token after it.
   */
  private strayBraces(open: number): number {
    const toks = this.toks;
    const problem = braceProblem(toks, toks[open].start);
    if (problem !== undefined) (this.warnings ??= []).push(problem);
    // (The scanner reads letters, digits and `-` right after the `{`, then wants the `}`, blanks
    // before it allowed; else it stops where it is: measured, `db 1 { 2}, 3` is also "comma
    // expected after operand", at the 2.)
    let k = open + 1;
    while (k < toks.length && !spaced(toks[k - 1], toks[k]) && /^[A-Za-z0-9-]+$/.test(toks[k].text)) k++;
    return k < toks.length && toks[k].text === '}' ? k + 1 : k;
  }

  /**
   * Where an expression at `toks[start]` that must end before `end` starts to nasm's evaluator:
   * after braces its scanner refuses, which it skips there (see expressionUpTo).
   */
  private pastRefusedBraces(start: number, end: number): number {
    const first = this.toks[start];
    if (first === undefined || first.kind !== 'op' || first.text !== '{' || braceProblem(this.toks, first.start) === undefined) return start;
    const from = this.strayBraces(start);
    if (from >= end) this.fail('expression syntax error', this.toks[end - 1]);
    return from;
  }

  /** Where the latest dataExpression stopped: the index of the token after its expression. */
  private dataStop = 0;

  /** The warnings of expression parser `p`, which has one (see ExprParser.laterWarnings). */
  private takeWarnings(p: ExprParser): void {
    const warnings = this.warnings ??= [];
    warnings.push(p.warning!);
    if (p.laterWarnings !== undefined) warnings.push(...p.laterWarnings);
  }

  /** The first register the latest dataExpression or `times` count named (see collectRefs). */
  private dataRegister: Expr | undefined;
  private inDataItem = false;

  /**
   * The width in bits of the place the value being parsed goes to, where the line says it: a data
   * item's unit, an operand's size keyword, or a register before the operand (0: not said). nasm
   * warns that a segment put in more than 16 bits is zero-extended (see outputFormat).
   */
  private slotBits = 0;

  /**
   * nasm's word on the `wrt` or `seg` the parser stopped at `toks[at]` (see outputFormatMessage),
   * after the warning nasm gives first of a segment put in a place wider than 16 bits (measured
   * with nasm 2.16.01: `dd seg x`, `mov eax, seg x`, `push dword seg x` warn "32-bit segment
   * relocation zero-extended from 16 bits [-w+zext-reloc]", `dq seg x` of 64 bits, `dw seg x` not).
   */
  private outputFormat(at: number): string | undefined {
    const message = outputFormatMessage(this.toks, at);
    if (message !== SEGMENT_BASES) return message;
    this.segmentWidth(at, this.segNamed(at), this.immediateBits(at));
    return message;
  }

  /**
   * The width in bits of the immediate a `seg` at `toks[at]` is put in, where the line says it: an
   * operand nasm's instruction forms give a byte (a shift count, `int`'s, `enter`'s second, ...),
   * else slotBits; 0 for `push` with no size, whose immediate is the segment size's; 16 where the
   * line does not say.
   */
  private immediateBits(at: number): number {
    const op = this.inTimesCount || this.inDataItem || this.opIndex < 0 ? undefined : this.toks[this.opIndex];
    const lower = op?.kind === 'ident' ? op.text.toLowerCase() : '';
    const byteOperand = BYTE_IMMEDIATE_OPERAND.get(lower);
    if (byteOperand !== undefined) {
      let operand = 0, depth = 0;
      for (let k = this.opIndex + 1; k < at; k++) {
        const x = this.toks[k].text;
        if (x === '(' || x === '[') depth++;
        else if (x === ')' || x === ']') depth--;
        else if (x === ',' && depth === 0) operand++;
      }
      if (operand === byteOperand) return 8;
    }
    // (A data item's unit of a byte is no error: measured, `db 1, seg x` is the bin format's word alone.)
    if (this.slotBits === 0 || (this.slotBits === 8 && this.inDataItem)) return lower === 'push' ? 0 : 16;
    return this.slotBits;
  }

  /**
   * What nasm gives first of a segment put in `bits` bits (measured with nasm 2.16.01): a place
   * wider than 16 bits the warning "32-bit segment relocation zero-extended from 16 bits
   * [-w+zext-reloc]" (`dd seg x`, `mov eax, seg x`, `push dword seg x`; `dq seg x` of 64 bits,
   * `dw seg x` not), a byte the error "segment reference must be 16 bits" (`mov al, seg x`, `int
   * seg x`, `shl eax, seg x`), and 0, the segment size's width (`push seg x`, `[seg x]`), the
   * warning in 32-bit code (see ParseProblem.in32BitCode). Of a label alone, which the assembly
   * tells (see segNamed).
   */
  private segmentWidth(at: number, name: string | undefined, bits: number): void {
    // (The segment size is the assembly's to tell, which hears of a name's `seg` alone.)
    if ((bits !== 0 && bits !== 8 && bits <= 16) || (bits === 0 && name === undefined)) return;
    const start = this.toks[at - 1].start, end = this.toks[at].end;
    const problem: ParseProblem = bits === 8 ? { message: 'segment reference must be 16 bits', start, end, code: 'seg-width', error: true }
      : { message: `${bits === 0 ? 32 : bits}-bit segment relocation zero-extended from 16 bits`, start, end, code: 'zext-reloc', ...(bits === 0 ? { in32BitCode: true as const } : {}) };
    (this.warnings ??= []).push(name === undefined ? problem : { ...problem, segOf: name });
  }

  /**
   * The address size of the memory reference `toks[i..end)` (`words` its size words), for a `seg`
   * in it: its registers', a size or `a16`/`a32` written, or 0, the segment size (see segmentWidth).
   */
  private addressBits(i: number, end: number, words: AddressWords | undefined): number {
    if (words?.dispSize === 16 || words?.dispSize === 32) return words.dispSize;
    const prefix = this.prefixesRead?.find((p) => p.name === 'a16' || p.name === 'a32');
    if (prefix !== undefined) return prefix.name === 'a32' ? 32 : 16;
    for (let k = i; k < end; k++) {
      const t = this.toks[k];
      const reg = register(t);
      if (reg !== undefined && (reg.cls === 'gpr16' || reg.cls === 'gpr32')) return reg.bits;
      const lower = t.kind === 'ident' ? t.text.toLowerCase() : '';
      if (lower === 'a32' || lower === 'a16') return lower === 'a32' ? 32 : 16;
    }
    return 0;
  }

  /** The name after the `seg` the parse stopped at, if any (see outputFormat). */
  segOperand: string | undefined;
  /** Whether that `seg` is in a `times` count (see ParseProblem.segInCount). */
  segInCount = false;
  /** While a `times` count is read. */
  private inTimesCount = false;
  /** Where the latest `times` count ends (see countProblem). */
  private countEnd = 0;

  /** ParseProblem's segInCount, and what follows the count when it is no instruction (see noInstructionAt). */
  countProblem(): Pick<ParseProblem, 'segInCount' | 'noInstructionAt'> {
    const t = this.toks[this.countEnd];
    const lower = t?.kind === 'ident' ? t.text.toLowerCase() : '';
    const bits = WORDS.get(lower)?.bits ?? 0;
    if ((bits & (Word.Mnemonic | Word.Prefix)) !== 0 || DATA_UNIT[lower] !== undefined || RESERVE_UNIT[lower] !== undefined || lower === 'incbin') return { segInCount: true };
    const at = t ?? this.toks[this.toks.length - 1];
    return { segInCount: true, noInstructionAt: t !== undefined ? at : { start: at.end, end: at.end } };
  }

  /**
   * Notes the name `toks[at]` after a `seg` the bin format's word is given for, when it is one not
   * local, which the assembly tells a number from an address (see ParseProblem.segOf).
   */
  private segNamed(at: number): string | undefined {
    const t = this.toks[at];
    const name = t.kind === 'ident' && t.text.charCodeAt(0) !== 0x2e && register(t) === undefined ? t.text : undefined;
    if (name !== undefined) { this.segOperand = name; this.segInCount = this.inTimesCount; }
    return name;
  }

  /** A data item's expression, from `toks[start]` as far as it goes; it stopped at `dataStop`; a register in it in `dataRegister`. */
  private dataExpression(start: number): Expr {
    this.dataRegister = undefined;
    this.inDataItem = true;
    try {
      return this.dataItemExpression(start);
    } finally {
      this.inDataItem = false;
    }
  }

  private dataItemExpression(from: number): Expr {
    const toks = this.toks;
    const end = this.operandEnd(from, false);
    // (`db 1,,2`: nasm's evaluator finds no expression at the second comma.)
    if (end === from) this.fail('expression syntax error', toks[from]);
    const start = this.pastRefusedBraces(from, end);
    let e: Expr;
    let stop = end;
    if (end === start + 1) e = this.expression(start, end);
    else {
      const p = new ExprParser(toks, start, end, this.localBase, this.evalLimit, this.floatMode);
      p.decorators = true;
      const parsed = p.parse();
      if (p.warning) this.takeWarnings(p);
      if (!parsed) this.failParse(p, end);
      e = parsed;
      stop = p.pos;
      if (stop < end && isWrt(toks[stop]) && stop + 1 < end) ({ whole: e, stop } = this.withRespectTo(e, stop, end));
      else {
        // (`dd seg x`: nasm's word on it, not a missing comma.)
        const unsupported = stop < end ? this.outputFormat(stop) : undefined;
        if (unsupported !== undefined) this.fail(unsupported, toks[stop]);
      }
      this.collectRefs(e);
    }
    this.dataStop = stop;
    return e;
  }

  /**
   * A floating-point constant as a data item (manual §3.4.6): `1.5`, `-1e10`, `__?QNaN?__`, with
   * no more than a sign before it, as the `unit` bytes of its float format; undefined when the
   * item does not start with one.
   */
  private floatItem(from: number, unit: number): DataItem | undefined {
    const toks = this.toks;
    const sign = toks[from].kind === 'op' && (toks[from].text === '-' || toks[from].text === '+') ? 1 : 0;
    const end = from + sign + 1;
    const t = toks[from + sign];
    if (t === undefined) return undefined;
    const bcdDigits = t.kind === 'number' ? packedBcdDigits(t.text) : undefined;
    if (bcdDigits !== undefined) return this.packedBcdItem(t, bcdDigits, from, end, unit, sign === 1 && toks[from].text === '-');
    const value = floatConstant(t);
    if (value === undefined) return undefined;
    // `db yword 1.5` (nasm 2.15's sizes, see dataList).
    const format = FLOAT_FORMATS[unit];
    if (format === undefined) this.fail(`no ${unit * 8}-bit floating-point format supported`, t);
    if ('error' in value && value.inFinalPass !== true) this.fail(value.error, toks[from + sign]);
    if ('error' in value) (this.warnings ??= []).push({ message: value.error, start: t.start, end: t.end, code: 'float-significand', error: true, putOut: true });
    const encoded = encodeFloat('error' in value ? QUIET_NAN : value, sign === 1 && toks[from].text === '-', format, this.floatMode);
    const span = { start: toks[from].start, end: toks[end - 1].end };
    for (const w of encoded.warnings) (this.warnings ??= []).push({ ...w, ...span });
    return { kind: 'bytes', bytes: encoded.bytes, ...span };
  }

  /** `dt 1234p`, `dt 0p1234` (see packedBcdDigits): its ten bytes. */
  private packedBcdItem(t: PPToken, digits: string, from: number, end: number, unit: number, negative: boolean): DataItem {
    const span = { start: this.toks[from].start, end: this.toks[end - 1].end };
    if (unit !== 10) this.fail('packed BCD requires an 80-bit format', t);
    const bcd = packedBcd(digits, negative);
    if ('error' in bcd) this.fail(bcd.error, t);
    if (bcd.truncated) (this.warnings ??= []).push({ message: 'packed BCD truncated to 18 digits', ...span, code: 'packed-bcd' });
    return { kind: 'bytes', bytes: bcd.bytes, ...span };
  }

  private operand(start: number, end: number): ParsedOperand {
    // (Decorators take four tokens after a term at least: most operands are shorter.)
    if (end - start >= 4) {
      const braces = this.decoratorsAt(start, end);
      if (braces >= 0) return this.decoratedOperand(start, braces, end);
    }
    const toks = this.toks;
    let i = start;
    let size: 8 | 16 | 32 | 48 | 64 | 80 | undefined;
    let strict = false;
    let jump: JumpWord | undefined;
    // `oword`, `yword`, `zword` on a register: sizes of no IA-32 register, which nasm ignores with
    // a warning (measured with 2.16.01: `mov ax, zword bx`, `push oword ax`).
    let wide = false;
    for (; i < end; i++) {
      const t = toks[i];
      if (t.kind !== 'ident') break;
      const lower = t.text.toLowerCase();
      // Size keywords are four or five letters: registers and most names need no lookup. The
      // first one written is the size (measured: `mov word dword [bx], 1` stores a word).
      if ((lower.length === 4 || lower.length === 5) && SIZE_KEYWORDS[lower] !== undefined) { if (size === undefined && !wide) size = SIZE_KEYWORDS[lower]; }
      else if (lower.length === 5 && (lower === 'oword' || lower === 'yword' || lower === 'zword') && register(toks[end - 1])) { if (size === undefined) wide = true; }
      else if (lower === 'strict') strict = true;
      else if (lower === 'short' || lower === 'near' || lower === 'far') jump = lower;
      // (Words of a memory reference: nasm says so of each and reads on; measured, `mov eax, abs`
      // is this and "expression syntax error", `mov eax, rel 5` this alone.)
      // (One alone is read as a name, as the plain-line parser reads it, and refused by the
      // assembler with both messages: see Assembler.missingSymbol.)
      else if (isReferenceWord(t) && i + 1 < end) this.goOn('invalid operand size specification', t);
      else break;
    }
    if (size !== undefined) this.slotBits = size;
    // `__?masm_ptr?__` (masm's `ptr`) or `&`: a memory reference, brackets or not (see masmPointer).
    const pointer = i < end && masmPointer(toks[i]);
    if (pointer) i += isMasmFlat(toks[i + 1], toks[i + 2]) ? 3 : 1;
    if (i >= end || (pointer && toks[i].text === '[' && toks[i - 1].text === ':')) this.fail('expression syntax error', toks[Math.min(i, end - 1)]);
    const t = toks[i];
    // The operand's extent, as two numbers: a span object per operand would outlive the parse
    // only as garbage (the operand itself carries start and end).
    const from = toks[start].start, to = toks[end - 1].end;
    if (t.text === '[') return this.bracketed(i, end, from, to, size, jump, strict, undefined);
    const reg = register(t);
    // `es:[di]`, `es:di`, `es:0x10`: a segment register and `:` before the operand make it a
    // memory reference, `[es:di]`, but to JMP and CALL a far pointer (nasm, measured).
    if (reg && reg.cls === 'sreg' && i + 2 < end && toks[i + 1].text === ':' && !isJumpOrCall(toks[this.opIndex])) {
      const segment = this.segmentOverride(t, reg);
      if (toks[i + 2].text === '[') return this.bracketed(i + 2, end, from, to, size, jump, strict, segment);
      const open = this.bracketAt(i + 2, end);
      if (open >= 0) return this.displaced(i + 2, open, end, from, to, size, jump, strict, segment);
      return this.memory(i + 2, end, from, to, size, jump, strict, segment);
    }
    if (reg && i + 1 === end && !pointer) {
      if (jump !== undefined || wide || (size !== undefined && size !== reg.bits)) this.registerSizeIgnored(jump, from, to);
      return { kind: 'reg', reg, start: from, end: to };
    }
    // `seg:offset` far pointer (manual §3.6 / jmp far forms).
    let colon = -1;
    let depth = 0;
    // The `:` of a conditional `c ? a : b` is no far pointer's.
    let open = 0;
    // `4[ebx]`: a displacement before a bracket (see displaced).
    let bracket = -1;
    for (let k = i; k < end; k++) {
      const x = toks[k].text;
      if (x === '(') depth++;
      else if (x === ')') depth--;
      else if (depth === 0 && isQuestionMark(toks[k])) open++;
      else if (x === ':' && depth === 0) { if (open === 0) { colon = k; break; } open--; }
      else if (x === '[' && depth === 0) { bracket = k; break; }
    }
    if (bracket >= 0) return this.displaced(i, bracket, end, from, to, size, jump, strict, undefined, pointer);
    if (colon >= 0 && pointer) this.fail('invalid segment override', { start: from, end: to }, 'invalid-operands');
    if (pointer) return this.memory(i, end, from, to, size, jump, strict);
    if (colon >= 0) {
      // Only JMP and CALL take `seg:offset` (measured: `mov eax, 5:6` and `push 5:6` are errors
      // of nasm's parser); to the others what comes before the `:` is a segment override, which
      // nasm reads as an expression (see writtenSegment).
      if (!isJumpOrCall(toks[this.opIndex])) {
        const written = this.writtenSegment(i, colon);
        if (written === undefined) this.fail('invalid segment override', { start: from, end: to }, 'invalid-operands');
        const segment = this.segmentOverride(toks[i], written);
        if (toks[colon + 1]?.text === '[') return this.bracketed(colon + 1, end, from, to, size, jump, strict, segment);
        const open = colon + 1 < end ? this.bracketAt(colon + 1, end) : -1;
        if (open >= 0) return this.displaced(colon + 1, open, end, from, to, size, jump, strict, segment);
        return this.memory(colon + 1, end, from, to, size, jump, strict, segment);
      }
      // nasm takes no `short`/`near`/`far` and no size but word or dword on `seg:offset`.
      if (jump !== undefined || (size !== undefined && size !== 16 && size !== 32)) this.fail('mismatch in operand sizes', { start: from, end: to }, 'operand-size');
      // A memory reference after the colon fits no form (measured: `jmp es:[bx]` and `jmp
      // 5:[eax]` are invalid combinations), nor does a register on either side, where its
      // registers do not cancel (see farPointerPart).
      for (let k = i; k < end; k++) if (toks[k].text === '[') this.fail('invalid combination of opcode and operands', { start: from, end: to }, 'invalid-operands');
      const selector = this.farPointerPart(i, colon, from, to);
      // `0x10:word 0x20`: the size may be written on the offset instead, but not on both (measured).
      const written = size;
      let k = colon + 1;
      for (; k < end && toks[k].kind === 'ident'; k++) {
        const lower = toks[k].text.toLowerCase();
        const offsetSize = SIZE_KEYWORDS[lower];
        if (lower === 'strict') continue;
        if (offsetSize === undefined && lower !== 'short' && lower !== 'near' && lower !== 'far') break;
        if ((offsetSize !== 16 && offsetSize !== 32) || written !== undefined) this.fail('mismatch in operand sizes', { start: from, end: to }, 'operand-size');
        size = offsetSize;
      }
      const offset = this.farPointerPart(k, end, from, to);
      return { kind: 'farptr', selector, offset, size: size === 16 || size === 32 ? size : undefined, start: from, end: to };
    }
    this.inOperand = true;
    const expr = this.expression(i, end, AFTER_OPERAND);
    this.inOperand = false;
    if (this.operandNamesRegister) return this.operandWithRegisters(expr, size, jump, strict, from, to);
    if (jump === 'far' && !isJumpOrCall(toks[this.opIndex])) this.fail('invalid use of FAR operand specifier', { start: from, end: to }, 'invalid-operands');
    return { kind: 'imm', expr, size, strict: strict || undefined, jump, start: from, end: to };
  }

  /**
   * The selector or the offset of a far pointer, `toks[start..end)` (`from`, `to`: the operand's
   * extent): where it names registers, the number they leave when they cancel or are compared,
   * as nasm's evaluator makes them (see register-sum.ts); its error of an operator on one; else
   * no form takes it (measured with nasm 2.16.01: `jmp 3:2*ax-ax-ax+7`, `jmp (es-es):5`, `jmp
   * 3:(lab != ax)` and `jmp 3:(1 ? 4 : ax)` assemble; `jmp 5:eax`, `jmp 3:ax+1` and `jmp 3:(0 ?
   * 4 : ax)` are "invalid combination of opcode and operands", `jmp 3:(es<<1)` the shift's error).
   */
  private farPointerPart(start: number, end: number, from: number, to: number): Expr {
    this.inOperand = true;
    this.operandNamesRegister = false;
    let e: Expr;
    try { e = this.expression(start, end, AFTER_OPERAND); } finally { this.inOperand = false; }
    if (!this.operandNamesRegister) return e;
    this.operandNamesRegister = false;
    const error = operandEvaluationErrors(e)[0];
    if (error !== undefined) this.fail(error, e, 'expression');
    e = chosenBranches(this.registersCompared(e), constantOf, false);
    const factors = registerFactors(e);
    if (typeof factors === 'string' || factors.size > 0) this.fail('invalid combination of opcode and operands', { start: from, end: to }, 'invalid-operands');
    return withoutRegisters(e);
  }

  /**
   * Where decorators follow the operand `toks[start..end)`, a decorator token after a term outside
   * parentheses and brackets (nasm's evaluator stops there, and its parser reads them: parser.c
   * parse_braces); -1 where none does.
   */
  private decoratorsAt(start: number, end: number): number {
    const toks = this.toks;
    let depth = 0;
    for (let k = start; k < end; k++) {
      const t = toks[k];
      if (t.kind !== 'op') continue;
      if (t.text === '(' || t.text === '[') depth++;
      else if (t.text === ')' || t.text === ']') depth--;
      else if (t.text === '{' && depth === 0 && k > start && endsTerm(toks[k - 1]) && decoratorEnd(toks, k, end) !== undefined) return k;
    }
    return -1;
  }

  /**
   * An instruction's operand `toks[start..braces)` with decorators from `braces` to `end` (see
   * decoratorsAfterValue), which no form of the dialect takes: nasm's final pass refuses the line
   * as it matches it, by the first operand that has them (see the assembler's decoratedMatch).
   * After an error of its parser nasm stops at the end of its first pass: the error alone
   * (measured with nasm 2.16.01: `mov eax, 1 {z}` is "unsupported mode decorator for
   * instruction", `mov eax, ebx {k1}` "mask not permitted on this operand", `mov eax, [ebx]
   * {1to4}` "broadcast not permitted on this operand", `mov eax, 1 {z}{rn-sae}` "{rn-sae} is not
   * an expected decorator" alone).
   */
  private decoratedOperand(start: number, braces: number, end: number): ParsedOperand {
    const said = this.errorsSaid();
    this.decorated = true;
    const op = this.operand(start, braces);
    const names = this.decoratorsAfterValue(braces, end);
    return names.length > 0 && this.errorsSaid() === said ? { ...op, decorated: decorationOf(names), end: this.toks[end - 1].end } : op;
  }

  /** How many errors the parser has gone on after in this line, but those nasm gives in its final pass only (see registerSetRead). */
  private errorsSaid(): number {
    let n = 0;
    for (const w of this.warnings ?? []) if (w.error === true && w.message !== INVALID_SET_SIZE) n++;
    return n;
  }

  /** Set once an operand with decorators is read: the operands from it on are matched after them (see registerSetRead). */
  private decorated = false;

  /**
   * A register with a register set added (`ebx+1`), which `problem` refuses. nasm's parser gives
   * "invalid register set size" in its final pass only and reads on with the register alone
   * (measured with nasm 2.16.01: `mov eax, ebx {z}` / `mov eax, ebx+2` is the decorator's error
   * then the set's; `mov eax, ebx+2` / `mov ecx, 1/0` the division's alone). "Register set not
   * valid for operand" is what its match says of a form, after what it says of decorators on that
   * operand or one before it, which no form of the dialect takes (measured: `mov eax, ebx+1 {z}`
   * is "unsupported mode decorator for instruction", `ebx+1 {k1}` "mask not permitted on this
   * operand", `mov eax {z}, ebx+1` the decorator's; `mov ebx+1, eax {z}` "register set not valid
   * for operand"); else the line's error.
   */
  private registerSetRead(problem: string, span: Span): void {
    if (problem === INVALID_SET_SIZE) (this.warnings ??= []).push({ message: problem, start: span.start, end: span.end, code: 'invalid-operands', error: true });
    else if (!this.decorated) this.fail(problem, span, 'invalid-operands');
  }

  /**
   * `e`, whose registers cancel out (`eax-eax+3`, `2*ax-ax-ax`), with each a 0, as nasm's evaluator
   * makes it (measured: `dd eax-eax+3` is 3, `times ecx-ecx+2 nop` two NOPs); undefined when they
   * do not. Clears `dataRegister` when they do.
   */
  private registersCancelled(e: Expr): Expr | undefined {
    e = this.registersCompared(e);
    const factors = registerFactors(e);
    if (typeof factors === 'string' || factors.size > 0) return undefined;
    this.dataRegister = undefined;
    return withoutRegisters(e);
  }

  /** `e` with its comparisons of registers made numbers (see register-sum.ts), or the line fails with nasm's message. */
  private registersCompared(e: Expr): Expr {
    const compared = registersCompared(e);
    return typeof compared === 'string' ? this.fail(compared, e, 'expression') : compared;
  }

  /** Set while an operand's expression is read: a register in it is no error yet (see operandWithRegisters). */
  private inOperand = false;
  private operandNamesRegister = false;

  /**
   * An operand outside brackets whose expression names registers, as nasm reads it (see
   * register-sum.ts): a register with a register set of one (`cl-1`, `ax*1`), a number when the
   * registers cancel out (`bx-bx+5`), else nasm's error.
   */
  private operandWithRegisters(expr: Expr, size: 8 | 16 | 32 | 48 | 64 | 80 | undefined, jump: JumpWord | undefined, strict: boolean, from: number, to: number): ParsedOperand {
    this.operandNamesRegister = false;
    try {
      return this.registerOperand(expr, size, jump, strict, from, to);
    } catch (problem) {
      // (See ParseProblem.registerOperand.)
      if (!(problem instanceof LineError) || !(namesNumbersOperator(expr) || namesProduct(expr))) throw problem;
      throw new LineError({ ...problem.problem, registerOperand: expr });
    }
  }

  /** The operand `expr` names registers in, as operandWithRegisters reads it, or the line's problem with it. */
  private registerOperand(expr: Expr, size: 8 | 16 | 32 | 48 | 64 | 80 | undefined, jump: JumpWord | undefined, strict: boolean, from: number, to: number): ParsedOperand {
    const span = { start: from, end: to };
    const written = expr;
    expr = this.registersCompared(expr);
    // (A name's value is not known here: a condition that names one stays nasm's error, and a name
    // in the branch not taken goes unread; an operator on a register there is still nasm's error,
    // which the assembler gives, see ParseProblem.registerOperand.)
    if (conditionalIn(this.toks, this.opIndex, this.toks.length)) {
      const error = operandEvaluationErrors(expr)[0];
      if (error !== undefined) this.fail(error, span, 'expression');
      expr = chosenBranches(expr, constantOf, false);
    }
    const factors = registerFactors(expr);
    if (typeof factors === 'string') this.fail(factors, span, 'invalid-operands');
    if (factors.size > 1) this.fail(INVALID_OPERAND, span, 'invalid-operands');
    const rest = withoutRegisters(expr);
    if (factors.size === 0) return { kind: 'imm', expr: rest, size, strict: strict || undefined, jump, start: from, end: to, ...(rest !== written ? { written } : {}) };
    const [name, factor] = [...factors][0];
    // (A name's value, a label's or a constant's, is not known here: nasm's error for a label.)
    const constant = constantOf(rest);
    if (factor !== 1 || constant === undefined || (namesProduct(expr) && zeroRegisterFirst(expr))) this.fail(INVALID_OPERAND, span, 'invalid-operands');
    const problem = registerSetProblem(constant);
    if (problem !== undefined) this.registerSetRead(problem, span);
    const reg = lookupRegister(name)!;
    if (jump !== undefined || (size !== undefined && size !== reg.bits)) this.registerSizeIgnored(jump, from, to);
    return { kind: 'reg', reg, start: from, end: to };
  }

  /**
   * The memory reference in brackets from `toks[open]` (a `[`) to the operand's `end`: nasm reads
   * it up to its `]`, then wants the operand's end (measured: `[ebx` and `[ebx ecx]` want the
   * `]`, `[ebx] 5` and `[ebx][ecx]` the end).
   */
  private bracketed(open: number, end: number, from: number, to: number, size: 8 | 16 | 32 | 48 | 64 | 80 | undefined, jump: JumpWord | undefined, strict: boolean,
    segment: RegisterInfo | undefined): ParsedOperand {
    const toks = this.toks;
    const close = closingBracket(toks, open, end);
    const op = this.memory(open + 1, close < 0 ? end : close, from, to, size, jump, strict, segment);
    if (close < 0) this.fail('expecting ] at end of memory operand', toks[end - 1]);
    if (close < end - 1) this.fail(`comma, decorator or end of line expected, got ${nasmTokenType(toks[close + 1])}`, toks[close + 1]);
    return op;
  }

  /**
   * A size or `short`/`near`/`far` written on a register that does not fit it: nasm ignores it with
   * a warning (-w+regsize), but `far` is an error outside JMP and CALL (parser.c, measured).
   */
  private registerSizeIgnored(jump: JumpWord | undefined, from: number, to: number): void {
    const mnemonic = this.toks[this.opIndex].text.toLowerCase();
    if (jump === 'far' && mnemonic !== 'jmp' && mnemonic !== 'call') this.fail('invalid use of FAR operand specifier', { start: from, end: to }, 'invalid-operands');
    (this.warnings ??= []).push({ message: 'invalid register size specification ignored', start: from, end: to, code: 'regsize' });
  }

  /** The first `[` outside parentheses in `toks[start..end)`, or -1. */
  private bracketAt(start: number, end: number): number {
    let depth = 0;
    for (let k = start; k < end; k++) {
      const x = this.toks[k].text;
      if (x === '(') depth++;
      else if (x === ')') depth--;
      else if (x === '[' && depth === 0) return k;
    }
    return -1;
  }

  /**
   * nasm's displacement[regs] form, `4[ebx]`, `table[esi*4]`, `es:4[bx]`: the expression before
   * the bracket (`toks[start..open)`) is added to the memory reference the bracket holds, and
   * nothing may follow the bracket (parser.c; measured: `mov eax, 4[ebx]` is 8B 43 04, `4[ebx]+2`
   * and `4[ebx][ecx]` are errors). MASM's `dword ptr [ebx]` is one where `ptr` is a label: nasm
   * reads `[ebx+ptr]`, and 'symbol `ptr' not defined' where there is none.
   */
  private displaced(start: number, open: number, end: number, from: number, to: number, size: 8 | 16 | 32 | 48 | 64 | 80 | undefined, jump: JumpWord | undefined, strict: boolean,
    segment: RegisterInfo | undefined, pointer = false): ParsedOperand {
    const toks = this.toks;
    // After `&` or masm's `ptr` the reference has begun: words before the displacement are the
    // address's, as in brackets (measured with nasm 2.16.01: `mov ax, & word [bx]` is [bx] with a
    // 16-bit displacement, 8B 87 00 00; `& dword [bx]` "invalid 16-bit effective address").
    const words: AddressWords = { dispSize: undefined, nosplit: false, segment };
    if (pointer) start = this.addressWords(start, open, words);
    let close = open + 1;
    for (let depth = 1; close < end; close++) {
      const x = toks[close].text;
      if (x === '[') depth++;
      else if (x === ']' && --depth === 0) break;
    }
    if (close >= end) this.fail('expecting ] at end of memory operand', toks[end - 1]);
    if (close !== end - 1) this.fail(`comma, decorator or end of line expected, got ${nasmTokenType(toks[close + 1])}`, toks[close + 1]);
    // (`es:ds:[di]`: overrides before the brackets, see writtenOverrides.)
    if (start < open && toks[open - 1].text === ':') start = this.writtenOverrides(start, open, words);
    const displacement = start === open ? undefined : this.memoryExpression(start, open);
    return this.memory(open + 1, close, from, to, size, jump, strict, words.segment, displacement, words);
  }

  /**
   * A memory reference of `toks[start..end)` (inside its brackets), plus `displacement` when
   * written before them (see displaced).
   */
  private memory(start: number, end: number, from: number, to: number, size: 8 | 16 | 32 | 48 | 64 | 80 | undefined, jump: JumpWord | undefined, strict: boolean,
    outerSegment?: RegisterInfo, displacement?: Expr, lead?: AddressWords): ParsedOperand {
    const op = this.reference(start, end, from, to, size, jump === 'far', strict, outerSegment, displacement, lead);
    return jump === 'near' || jump === 'short' ? { ...op, jump } as ParsedOperand : op;
  }

  /**
   * The words an address begins with from `toks[i]`, before `end` (its displacement's size,
   * `nosplit`, a segment and its colon...), noted in `words`: the index of the first token after them.
   */
  private addressWords(i: number, end: number, words: AddressWords): number {
    const toks = this.toks;
    for (; i < end; i++) {
      const t = toks[i];
      if (t.kind !== 'ident') break;
      const lower = t.text.toLowerCase();
      if (lower === 'byte') { words.dispSize = 8; words.byteAfterWider = words.wider; words.byteWritten = true; }
      else if (lower === 'word' || lower === 'dword' || lower === 'long' || lower === 'qword') { words.dispSize = SIZE_KEYWORDS[lower] as DisplacementSize; words.wider = true; words.byteAfterWider = false; }
      else if (lower === 'nosplit') words.nosplit = true;
      else if (lower === 'rel') words.rel = true;
      else if (lower === 'abs') continue;
      else if (lower === 'a16' || lower === 'a32') this.bracketAddressSize(t, lower);
      else if (lower === 'a64') this.fail(outsideDialect(t.text), t, 'unsupported-instruction');
      // (An operand's words and the other prefixes: nasm says so of each and reads on; measured,
      // `[far]` is this and "expression syntax error", `[near ebx+4]` and `[o16 ebx]` this alone.)
      else if (NOT_IN_ADDRESS.has(lower)) this.goOn('invalid size specification in effective address', t);
      else if (isMasmFlat(t, toks[i + 1])) i++;
      // (Without its colon nasm says so, drops the word and reads the address from the next
      // token: measured, `[__?masm_flat?__]` is this and "expression syntax error".)
      else if (lower === '__?masm_flat?__') { this.goOn('unknown use of FLAT in MASM emulation', t); return i + 1; }
      else {
        const r = register(t);
        if (r && r.cls === 'sreg' && toks[i + 1]?.text === ':') { words.segment = this.segmentOverride(t, r) ?? words.segment; i++; continue; }
        break;
      }
    }
    return i;
  }

  /** A memory reference as `memory` makes it, without any `near` or `short`. */
  private reference(start: number, end: number, from: number, to: number, size: 8 | 16 | 32 | 48 | 64 | 80 | undefined, far: boolean, strict: boolean,
    outerSegment: RegisterInfo | undefined, displacement: Expr | undefined, lead?: AddressWords): ParsedOperand {
    const toks = this.toks;
    const words: AddressWords = { dispSize: lead?.dispSize, nosplit: lead?.nosplit ?? false, segment: outerSegment, wider: lead?.wider ?? false, byteAfterWider: lead?.byteAfterWider ?? false, rel: lead?.rel ?? false, byteWritten: lead?.byteWritten ?? false };
    const i = this.addressWords(start, end, words);
    const { dispSize, nosplit } = words;
    // (nasm: `[]` and `[cs:]` hold no expression; `[[ebx]]` one bracket too many.)
    if (i >= end) this.fail('expression syntax error', toks[start - 1]);
    if (toks[i].text === '[') this.fail('excess brackets in memory operand', toks[i]);
    let termCount = displacement === undefined ? this.simpleTerms(i, end) : -1;
    if (termCount < 0) {
      const comma = splitAt(toks, i, end);
      if (comma >= 0) return this.splitReference(i, comma, end, from, to, size, far, strict, words, displacement);
    }
    let e: Expr | undefined;
    let written: Expr | undefined;
    let conditional = false, operators = false;
    if (termCount < 0) {
      e = this.memoryExpression(i, end, words);
      // A comparison of registers is a number, as outside brackets (measured with nasm 2.16.01:
      // `[eax+0=100]` and `[ebx+eax=eax]` are [0], `[ebx+eax<>eax]` [1], `[ebx+2<3]` "`<':
      // operands differ by a non-scalar"), and so are registers that cancel out under an
      // operator on numbers (`[ebx+((ecx-ecx)|4)]` is [ebx+4]). An ordering of registers that do
      // not cancel stays, an operator on a register whose errors the assembler gives (see
      // REGISTER_OPERATOR; measured: `[ebx+!$ <=> 4]` is the `!`'s error alone).
      operators = numbersOperatorIn(toks, i, end);
      if (operators) {
        const compared = registersCompared(e);
        if (typeof compared !== 'string' && compared !== e) { written = e; e = compared; }
      }
      // The bracket's terms first: nasm's base register hint comes from them (`ecx[ebx]` is
      // [ebx+ecx], 8B 04 0B, where `[ecx+ebx]` is 8B 04 19).
      if (displacement !== undefined) e = { k: 'bin', op: '+', a: e, b: displacement, start: displacement.start, end: e.end };
      conditional = conditionalIn(toks, i, end);
    }
    const segment = words.segment;
    const refCount = this.refs === undefined ? 0 : this.refs.length;
    try {
      // (A conditional's condition may name a symbol, which defers the reference as a factor's does.)
      if (e !== undefined) {
        const terms = conditional ? withChosenBranches(this, e) : e;
        termCount = splitTerms(terms.k === 'bin' && terms.op === 'wrt' ? terms.a : terms, false, 0);
      }
      const found = withAddressWords(effectiveAddress(this, termCount, from, to, size, far, strict, segment, dispSize, nosplit), words.rel === true, words.byteAfterWider === true, words.byteWritten === true);
      const outside = displacement !== undefined && found.kind === 'mem' ? { ...found, outside: displacement } : found;
      const op = written !== undefined && outside.kind === 'mem' ? { ...outside, written } : outside;
      // (`[ebx+x wrt 3]`: the segment is the displacement's, nasm's WRT term of the address.)
      if (e?.k !== 'bin' || e.op !== 'wrt' || op.kind !== 'mem') return op;
      const disp = op.disp ?? { k: 'num', v: 0, start: e.a.end, end: e.a.end };
      return { ...op, disp: { k: 'bin', op: 'wrt', a: disp, b: e.b, start: disp.start, end: e.end } };
    } catch (problem) {
      // (A reference with an operator on numbers or a conditional that it cannot make: nasm's
      // evaluator's errors of it come first, which the assembler, knowing its names, gives; see
      // REGISTER_OPERATOR.)
      if (problem !== FACTOR_SYMBOL && !(problem instanceof LineError && (operators || conditional))) throw problem;
      // A register's factor names a symbol: the assembler makes the reference (see `terms`).
      const terms = e ?? this.memoryExpression(i, end);
      if (this.refs !== undefined) this.refs.length = refCount;
      this.collectNames(terms);
      const deferred: ParsedOperand = { kind: 'mem', size, far: far || undefined, segment, scale: 1, dispSize, nosplit: nosplit || undefined, strict: strict || undefined, start: from, end: to, terms, ...deferredWords(words) };
      return written === undefined ? deferred : { ...deferred, written };
    }
  }

  /**
   * nasm's split form `[base+disp, index*scale]` (`toks[i..comma)`, `toks[comma+1..end)`; see
   * splitEffectiveAddress). A register's factor that names a symbol (`[eax, ecx*N]`) defers the
   * reference to the assembler as in a reference of one part (see `terms`, `splitIndex`). A
   * `displacement` before the brackets joins the first part, as nasm's parse_mref adds it to the
   * operand before the bracket's (measured with nasm 2.16.01: `x [ebx,esi]` is `[ebx+x, esi]`).
   */
  private splitReference(i: number, comma: number, end: number, from: number, to: number, size: 8 | 16 | 32 | 48 | 64 | 80 | undefined, far: boolean, strict: boolean,
    words: AddressWords, displacement?: Expr): ParsedOperand {
    const written = i === comma ? undefined : this.memoryExpression(i, comma);
    const first = displacement === undefined || written === undefined ? written ?? displacement
      : { k: 'bin' as const, op: '+', a: written, b: displacement, start: displacement.start, end: written.end };
    const second = this.memoryExpression(comma + 1, end);
    const refCount = this.refs === undefined ? 0 : this.refs.length;
    try {
      return withAddressWords(splitEffectiveAddress(this, first, second, from, to, size, far, strict, words.segment, words.dispSize, words.nosplit), words.rel === true, words.byteAfterWider === true, words.byteWritten === true);
    } catch (problem) {
      if (problem !== FACTOR_SYMBOL) throw problem;
      // (An empty part before the comma is 0 there: measured, `[0, ecx]` is `[, ecx]`.)
      const terms: Expr = { k: 'bin', op: '+', a: first ?? { k: 'num', v: 0, start: second.start, end: second.start }, b: second, start: first?.start ?? second.start, end: second.end };
      if (this.refs !== undefined) this.refs.length = refCount;
      this.collectNames(terms);
      const { segment, dispSize, nosplit } = words;
      return { kind: 'mem', size, far: far || undefined, segment, scale: 1, dispSize, nosplit: nosplit || undefined, strict: strict || undefined, start: from, end: to, terms, splitIndex: true, ...deferredWords(words) };
    }
  }

  /** The expression inside a memory reference's brackets, from token `i` to `end`. */
  private memoryExpression(i: number, end: number, words?: AddressWords): Expr {
    const p = new ExprParser(this.toks, i, end, this.localBase, this.evalLimit, this.floatMode);
    const e = p.parse();
    if (p.warning) this.takeWarnings(p);
    if (!e) { const err = p.error!; this.fail(err.message, err); }
    let whole = e, stop = p.pos;
    if (stop < end && isWrt(this.toks[stop]) && stop + 1 < end) ({ whole, stop } = this.withRespectTo(e, stop, end));
    // (`[seg x]`: the output format's word, with no warning of the address's width; measured.)
    // (Segment overrides written as expressions: see writtenOverrides; measured, `[+es:di]`.)
    if (words !== undefined && stop < end && this.toks[stop].text === ':') return this.memoryExpression(this.writtenOverrides(i, end, words), end, words);
    if (stop < end) {
      const message = outputFormatMessage(this.toks, stop);
      if (message === SEGMENT_BASES) this.segmentWidth(stop, this.segNamed(stop), this.addressBits(i, end, words));
      this.scannedNumber(this.toks[stop]);
      this.fail(message ?? 'expecting ] at end of memory operand', this.toks[stop]);
    }
    return whole;
  }

  /** An operator on a register: nasm's errors of it depend on the names in the reference, which the assembler knows (see REGISTER_OPERATOR). */
  registerOperator(): never {
    throw FACTOR_SYMBOL;
  }

  /** A symbol as a register's factor (`[ecx*COUNT]`): the reference waits for the assembler. */
  factorSymbol(): never {
    throw FACTOR_SYMBOL;
  }

  /** `$` or `$$` in a register's factor: as a symbol there. */
  factorPosition(): never {
    throw FACTOR_SYMBOL;
  }

  /** Notes the symbols `e` names, leaving out its registers. */
  private collectNames(e: Expr): void {
    if (e.k === 'sym' && (e.escaped === true || !lookupRegister(e.name))) this.collectRefs(e);
    else if (e.k === 'un') this.collectNames(e.a);
    else if (e.k === 'bin') { this.collectNames(e.a); this.collectNames(e.b); }
  }
}

/**
 * Whether an `at` field whose parse failed with `problem` may still make an expression of nasm's
 * `times (FIELD-NAME)-...` line: it ends in an operator (`.x-`) or names a register.
 */
function fieldAsText(problem: unknown): boolean {
  if (!(problem instanceof LineError)) return false;
  const message = problem.problem.message;
  return message === 'expression syntax error' || (message.startsWith('register `') && message.endsWith("' is not allowed in an expression here"));
}

/** nasm's parser, where it wants an instruction: after a label, prefixes or `times`'s count. */
export const INSTRUCTION_EXPECTED = 'parser: instruction expected';

/** nasm's parser, after an operand's expression stopped before the operand's end. */
const AFTER_OPERAND = 'comma, colon, decorator or end of line expected after operand';
const INVALID_DECORATOR = 'invalid decorator';
const BAD_EQU = 'bad syntax for EQU';

/** The size and special words before an `equ`'s value (see LineParser.equWords): `bits`, the first size's; `jump`, `near` or `short` written. */
/** What no EQU form takes in an `equ`'s value: a size (or `near`, `short`), `to`, or decorators after it (see ParsedOperand's equWords). */
type EquForm = 'size' | 'to' | 'decorator' | 'mask' | 'broadcast';

interface EquWords { readonly read: boolean; readonly far: boolean; readonly form: 'size' | 'to' | undefined; readonly bits: number | undefined; readonly jump: boolean }

/** The sizes nasm has beyond the IA-32 registers' (see SIZE_KEYWORDS), in bits. */
const WIDE_SIZES: Readonly<Record<string, number>> = wordTable({ oword: 128, yword: 256, zword: 512 });

/** nasm's word for a token after an `at` field (see atField). */
const AT_FIELD_LEFTOVER = (t: PPToken): string => (t.text === ')' ? INSTRUCTION_EXPECTED : "expecting `)'");

/**
 * Whether a token from `toks[start]` to `end` is a comparison's operator, or another of
 * NUMBERS_OPERATORS with a register named twice (only then can registers cancel out under it;
 * an expression without is left to the evaluator, whose walks loop where these recurse).
 */
function numbersOperatorIn(toks: readonly PPToken[], start: number, end: number): boolean {
  let operator = false;
  for (let k = start; k < end; k++) {
    const t = toks[k];
    if (t.kind !== 'op') continue;
    if (COMPARISONS.has(t.text)) return true;
    operator ||= NUMBERS_OPERATORS.has(t.text);
  }
  return operator && registerNamedTwice(toks, start, end);
}

/** Whether a register is named twice among `toks[start..end)`, in any case. */
function registerNamedTwice(toks: readonly PPToken[], start: number, end: number): boolean {
  const named = new Set<string>();
  for (let k = start; k < end; k++) {
    const t = toks[k];
    if (t.kind !== 'ident' || register(t) === undefined) continue;
    const name = t.text.toLowerCase();
    if (named.has(name)) return true;
    named.add(name);
  }
  return false;
}

/** The operators nasm's evaluator applies to numbers only (but the comparisons): registers under them are a number only where they cancel out. */
const NUMBERS_OPERATORS: ReadonlySet<string> = new Set(['|', '^', '&', '||', '^^', '&&', '<<', '>>', '<<<', '>>>', '/', '//', '%', '%%', '~', '!']);

/** The comma outside parentheses among `toks[start..end)`, which splits a memory reference (see splitReference); -1 when there is none. */
function splitAt(toks: readonly PPToken[], start: number, end: number): number {
  let depth = 0;
  for (let k = start; k < end; k++) {
    const x = toks[k];
    if (x.kind !== 'op') continue;
    if (x.text === '(') depth++;
    else if (x.text === ')') depth--;
    else if (x.text === ',' && depth === 0) return k;
  }
  return -1;
}

/** The `]` that closes the `[` at `toks[open]`, before `end`; -1 when there is none. */
function closingBracket(toks: readonly PPToken[], open: number, end: number): number {
  let depth = 0;
  for (let k = open; k < end; k++) {
    const x = toks[k].text;
    if (x === '[') depth++;
    else if (x === ']' && --depth === 0) return k;
  }
  return -1;
}

/** What the words an address begins with set (see LineParser.addressWords). */
/**
 * The words an address begins with (see LineParser.addressWords). `wider`: a word, dword or qword
 * was written; `byteAfterWider`: then `byte` last (see widenedByte).
 */
interface AddressWords { dispSize: DisplacementSize | undefined; nosplit: boolean; segment: RegisterInfo | undefined; wider?: boolean; byteAfterWider?: boolean; rel?: boolean; byteWritten?: boolean }

/** The words of a deferred reference (see `terms`) that its registers, once made, take (see withAddressWords). */
function deferredWords(words: AddressWords): { rel?: true; byteAfterWider?: true; byteWritten?: true } {
  if (words.rel !== true && words.byteAfterWider !== true && words.byteWritten !== true) return {};
  return { ...(words.rel === true ? { rel: true } : {}), ...(words.byteAfterWider === true ? { byteAfterWider: true } : {}), ...(words.byteWritten === true ? { byteWritten: true } : {}) };
}

/** The directives nasm's parser reads itself among those that are also standard macros (see standardMacroCounts). */
const PARSER_WORDS: ReadonlySet<string> = new Set(['incbin']);

/** Directives that are standard macros in nasm taking at least one parameter (see directiveAlone). */
const MACRO_DIRECTIVES: ReadonlySet<string> = new Set([
  'align', 'alignb', 'sectalign', 'org', 'bits', 'section', 'segment', 'absolute', 'struc', 'istruc', 'at', 'global', 'extern', 'static', 'required', 'common', 'cpu', 'float', 'default',
]);

/** Standard macros writing a directive line per parameter (`%rep %0` in standard.mac): none for none. */
const EACH_PARAMETER: ReadonlySet<string> = new Set(['global', 'extern', 'static', 'required', 'common', 'float']);

/** Those of BRACKETED_BY_MACRO whose macros define `__?SECT?__` as the line they write. */
const SETS_SECT: ReadonlySet<string> = new Set(['section', 'segment', 'absolute']);

/** Directives nasm's standard macros write out as the raw directive `[NAME %1]` (its macros/standard.mac). */
const BRACKETED_BY_MACRO: ReadonlySet<string> = new Set(['section', 'segment', 'absolute', 'bits', 'cpu', 'float', 'default', 'org']);

/**
 * Where the macro parameter from `toks[from]` ends: at the first comma outside the parentheses and
 * brackets it opens, where a `)` it did not open closes none (nasm's macro call splits at commas
 * alone: measured with nasm 2.16.01, `align 4 ), nop` passes `4 )` and `nop`).
 */
function parameterEnd(toks: readonly PPToken[], from: number): number {
  let depth = 0;
  for (let k = from; k < toks.length; k++) {
    const t = toks[k];
    if (t.kind !== 'op') continue;
    if (t.text === '(' || t.text === '[') depth++;
    else if ((t.text === ')' || t.text === ']') && depth > 0) depth--;
    else if (t.text === ',' && depth === 0) return k;
  }
  return toks.length;
}

/** Whether `toks[from..end)` have a `)` that closes a parenthesis they did not open. */
function closesUnopened(toks: readonly PPToken[], from: number, end: number): boolean {
  let depth = 0;
  for (let k = from; k < end && depth >= 0; k++) {
    if (toks[k].kind !== 'op') continue;
    if (toks[k].text === '(') depth++;
    else if (toks[k].text === ')') depth--;
  }
  return depth < 0;
}

/** The index of the first `]` among `toks` from `from` on, else their length. */
/** The first of `toks[from..end)` with a `;` in it (in a string: comments are gone), if any (see noSemicolonBefore). */
export function semicolonIn(toks: readonly PPToken[], from: number, end: number): PPToken | undefined {
  for (let k = from; k < end; k++) if (toks[k].kind !== 'op' && toks[k].text.includes(';')) return toks[k];
  return undefined;
}

/**
 * nasm's raw directive line (`[NAME ...]`, as its standard macros write them too) runs to the first
 * `]` of its text, one in a string too, closed or not, which leaves the string open (measured with
 * nasm 2.16.01: `[bits 32']` is bits 32, `[bits '32]` "`'32' is not a valid segment size",
 * `[warning -'a ] b']` "unknown warning name: 'a", `[cpu ']']` "unknown CPU type or flag '''"):
 * `toks` to the string before `close` (the first `]` token) that holds one, that string cut before
 * it, or undefined when none does.
 */
function cutAtBracketInString(toks: readonly PPToken[], from: number, close: number): PPToken[] | undefined {
  for (let k = from; k < close; k++) {
    const t = toks[k];
    const inString = t.kind === 'string' || t.kind === 'invalid' ? t.text.indexOf(']') : -1;
    if (inString >= 0) return [...toks.slice(0, k), { ...t, kind: 'invalid', text: t.text.slice(0, inString), end: t.start + inString }];
  }
  return undefined;
}

/**
 * What the raw directive line `[NAME %1]` of one of nasm's standard macros reads as its value, of
 * the argument `toks[from..)`: to its first `]`, one in a string too (see cutAtBracketInString).
 */
export function rawDirectiveValue(toks: readonly PPToken[], from: number): readonly PPToken[] {
  const end = firstClosingBracket(toks, from);
  return (cutAtBracketInString(toks, from, end) ?? toks.slice(0, end)).slice(from);
}

function firstClosingBracket(toks: readonly PPToken[], from: number): number {
  for (let k = from; k < toks.length; k++) if (toks[k].kind === 'op' && toks[k].text === ']') return k;
  return toks.length;
}

/** The size `word` names when it is a size keyword (see DATA_ELEMENT_SIZE), else undefined. */
function dataElementSize(word: string): number | undefined {
  // Size keywords are four or five letters: most names need no lookup.
  return word.length === 4 || word.length === 5 ? DATA_ELEMENT_SIZE[word.toLowerCase()] : undefined;
}

/** `dup` after a data item's expression, in any case: the expression is a count (see dataList). */
function isDupWord(t: PPToken): boolean {
  return t.kind === 'ident' && t.text.length === 3 && t.text.toLowerCase() === 'dup';
}

function isJumpOrCall(t: PPToken | undefined): boolean {
  const lower = t?.text.toLowerCase();
  return lower === 'jmp' || lower === 'call';
}

/** An unterminated string (the lexer's `invalid` token that begins with a quote). */
function isOpenString(t: PPToken | undefined): boolean {
  if (t === undefined || t.kind !== 'invalid') return false;
  const c = t.text.charCodeAt(0);
  return c === 0x27 || c === 0x22 || c === 0x60;
}

/**
 * The tokens nasm reads where string token `t` (or an unterminated one, closed at the line's end)
 * was written once it unquoted it in place: its characters up to a NUL, where the line now ends
 * (undefined for a string it cannot unquote).
 */
function rescannedString(t: PPToken): PPToken[] | undefined {
  const bytes = decodeString(t.kind === 'string' ? t.text : closedAtLineEnd(t.text));
  if (!bytes) return undefined;
  let text = '';
  for (const b of bytes) {
    if (b === 0) break;
    text += String.fromCharCode(b);
  }
  const out: PPToken[] = [];
  for (const r of tokenizeLine(text)) {
    if (r.kind === 'comment') break;
    out.push({ kind: r.kind, text: r.text, start: Math.min(t.start + 1 + r.start, t.end), end: Math.min(t.start + 1 + r.end, t.end), src: t.src });
  }
  return out;
}

/**
 * Unterminated string `text` closed where its line ends. A `\` left last in a backquoted one is
 * itself (nasm 2.16.01's unquoting, measured: `db 'a' \`'', 5\` is 61 05, `db 'a' \`x\` "comma
 * expected after operand"), so it is closed as an escaped one.
 */
function closedAtLineEnd(text: string): string {
  let slashes = 0;
  while (text.charCodeAt(text.length - 1 - slashes) === 0x5c) slashes++;
  return text + (text[0] === '`' && slashes % 2 === 1 ? '\\' : '') + text[0];
}

/** `abs`, `rel` or `nosplit`: words of a memory reference, which nasm's parser refuses before an operand. */
function isReferenceWord(t: PPToken): boolean {
  if (t.kind !== 'ident' || t.text.length > 7) return false;
  const lower = t.text.toLowerCase();
  return lower === 'abs' || lower === 'rel' || lower === 'nosplit';
}

/**
 * Where the operand of the `wrt` at `toks[at]` starts, for a caller that only needs where it ends:
 * after a `seg`, which is one of nasm's unary operators there (`wrt seg x`) and not Ringside's.
 */
export function wrtOperand(toks: readonly PPToken[], at: number): number {
  const t = toks[at + 1];
  return t !== undefined && t.kind === 'ident' && t.text.length === 3 && t.text.toLowerCase() === 'seg' && at + 2 < toks.length ? at + 2 : at + 1;
}

/**
 * The operand (from 0) nasm's instruction forms give a byte immediate, by mnemonic: a `seg` there
 * is its error "segment reference must be 16 bits" (measured with nasm 2.16.01).
 */
const BYTE_IMMEDIATE_OPERAND: ReadonlyMap<string, number> = new Map([
  ['rol', 1], ['ror', 1], ['rcl', 1], ['rcr', 1], ['shl', 1], ['sal', 1], ['shr', 1], ['sar', 1], ['bt', 1], ['bts', 1], ['btr', 1], ['btc', 1],
  ['shld', 2], ['shrd', 2], ['int', 0], ['aam', 0], ['aad', 0], ['enter', 1], ['in', 1], ['out', 0],
]);

function isSegWord(t: PPToken): boolean {
  return t.text.length === 3 && t.text.toLowerCase() === 'seg';
}

/** Whether `e` names a register (written without a `$`). */
function namesRegisterWord(e: Expr): boolean {
  return firstLeaf(e, (x) => x.k === 'sym' && x.escaped === undefined && lookupRegister(x.name) !== undefined) !== undefined;
}

export function isWrt(t: PPToken): boolean {
  return t.kind === 'ident' && t.text.length === 3 && t.text.toLowerCase() === 'wrt';
}

const SEGMENT_BASES = 'binary output format does not support segment base references';

/**
 * nasm's message for `wrt` and `seg`, which the bin format has no use for (measured): where the
 * parser stopped at `wrt`, or at the operand of a `seg` it took for a name.
 */
function outputFormatMessage(toks: readonly PPToken[], at: number): string | undefined {
  // (`wrt` with nothing after it is no expression: measured, `dw 1 wrt`.)
  if (toks[at].text.toLowerCase() === 'wrt') return at + 1 < toks.length ? 'WRT not supported by binary output format' : 'expression syntax error';
  if (at > 0 && toks[at - 1].kind === 'ident' && toks[at - 1].text.toLowerCase() === 'seg') {
    return segOfNumber(toks, at) ? 'cannot apply SEG to a non-relocatable value' : SEGMENT_BASES;
  }
  return undefined;
}

/**
 * Whether the operand of a `seg` from `toks[at]` (nasm's unary operator: a primary after any
 * unary operators) is no relocatable value, whatever its names are: a number or a string, one
 * negated or complemented, or a parenthesized expression of numbers (measured with nasm
 * 2.16.01: `seg ~1`, `seg -x`, `seg (1+2)`, `seg "a"` are "cannot apply SEG to a
 * non-relocatable value"; `seg x`, `seg (x)`, `seg $` the output format's word).
 */
function segOfNumber(toks: readonly PPToken[], at: number): boolean {
  let k = at;
  for (; k < toks.length && toks[k].kind === 'op' && UNARY_OPERATORS.has(toks[k].text); k++) if (toks[k].text !== '+') return true;
  const t = toks[k];
  if (t === undefined) return false;
  if (t.kind === 'number' || t.kind === 'string') return true;
  if (t.text !== '(') return false;
  for (let depth = 0; k < toks.length; k++) {
    const x = toks[k];
    if (x.text === '(') depth++;
    else if (x.text === ')' && --depth === 0) return true;
    else if (x.kind !== 'number' && x.kind !== 'string' && x.kind !== 'op') return false;
  }
  return false;
}

/** The unary operators nasm reads before a primary (its expr6). */
const UNARY_OPERATORS: ReadonlySet<string> = new Set(['-', '+', '~', '!']);
