// The parse of a line's common forms straight from its characters, without tokens: a label and
// an instruction whose operands are registers, numbers, names and memory references of `+`/`-`
// terms (`block_3:`, `  mov eax, [ebx+ecx*4+16]`, `  sub dword [ebp-8], 12`, `  jne done`). The
// statement is the one LineParser makes from the line's tokens; any other form, and any line
// with a problem, a warning or a `.local` name, is left to it.

import { isDirectiveWord, isKeywordWord, SIZE_KEYWORDS } from './directives';
import { effectiveAddress, mentionsRegister, termExprs, termNegated, type TermReader } from './effective-address';
import { DEFAULT_EVAL_LIMIT, simpleNumberAt, type Expr } from './expr';
import { PREFIX_WORDS } from './instruction-set';
import { isBlank, isIdentChar } from './lexer';
import { mnemonicKeyword, NO_DATA, NO_OPERANDS, NO_PREFIXES, NO_REFS, NO_TOKENS, statementOf, type Keyword, type ParsedOperand, type ParsedStatement } from './parser';
import { LONGEST_NASM_REGISTER, NASM_REGISTER_NAMES } from '../isa/nasm-registers';
import { lookupRegister, REGISTERS } from '../isa/registers';
import type { RegisterInfo } from '../isa/types';

const enum Ch {
  Tab = 9, CR = 13, Space = 32, Star = 42, Plus = 43, Comma = 44, Minus = 45, D0 = 48, D9 = 57, Colon = 58, Semi = 59,
  A = 65, Z = 90, LBracket = 91, RBracket = 93, Underscore = 95, a = 97, z = 122,
}

/** `ptr` in any case at `i` (compared by character: most names of three letters are registers). */
function isPtr(text: string, i: number): boolean {
  return (text.charCodeAt(i) | 0x20) === 0x70 && (text.charCodeAt(i + 1) | 0x20) === 0x74 && (text.charCodeAt(i + 2) | 0x20) === 0x72;
}

/**
 * Thrown by `fail` (an invalid memory reference, which LineParser reports): a thrown constant,
 * since no stack is wanted. Other forms left to LineParser are returned as undefined: a throw
 * costs more than the parse.
 */
const DECLINED = { declined: true };

/** Words that LineParser reads specially at the start of a memory reference. */
const MEMORY_WORDS: ReadonlySet<string> = new Set(['byte', 'word', 'dword', 'nosplit', 'rel', 'abs']);

/** The words that may come before an operand (see LineParser.operand), in lower case. */
const OPERAND_WORDS: readonly string[] = [...Object.keys(SIZE_KEYWORDS), 'strict', 'short', 'near', 'far'];

type Ref = ParsedStatement['refs'][number];

/**
 * Reads one line at a time (one object for every line). `tok` counts the tokens tokenizeLine
 * would have made so far: expressions and statements hold token indexes.
 */
class PlainLineParser implements TermReader {
  private text = '';
  private i = 0;
  private tok = 0;
  private localBase: string | undefined = undefined;
  /** The line's first symbol use, and any others (most lines have none or one). */
  private ref: Ref | undefined = undefined;
  private moreRefs: Ref[] | undefined = undefined;

  /** The statement of `text`, whose code starts at column `start`, under `localBase`; undefined for a form left to LineParser. */
  parse(text: string, start: number, localBase: string | undefined): ParsedStatement | undefined {
    this.text = text;
    this.i = start;
    this.tok = 0;
    this.localBase = localBase;
    this.ref = undefined;
    this.moreRefs = undefined;
    let label: ParsedStatement['label'];
    let wordStart = start, wordEnd = this.name();
    if (wordEnd < 0) return undefined;
    this.blanks();
    if (text.charCodeAt(this.i) === Ch.Colon) {
      const name = text.slice(wordStart, wordEnd);
      // (A prefix is no label either: LineParser's error, see lineAfterBrackets.)
      if (isDirectiveWord(name) || isKeywordWord(name) || namesRegisterAt(text, wordStart, wordEnd) || namesPrefix(name)) return undefined;
      label = { name, short: name, local: false, start: wordStart, end: wordEnd, src: undefined };
      this.localBase = name;
      this.i++;
      this.tok++;
      this.blanks();
      if (this.atEnd()) return statementOf(label, undefined, NO_PREFIXES, undefined, NO_OPERANDS, NO_DATA, NO_TOKENS, name, NO_REFS, this.tok);
      wordStart = this.i;
      wordEnd = this.name();
      if (wordEnd < 0) return undefined;
      this.blanks();
    }
    const keyword = mnemonicAt(text, wordStart, wordEnd);
    if (keyword === undefined) return undefined;
    const opIndex = this.tok - 1;
    // Instructions take up to three operands: the array is made at its size.
    let operands: readonly ParsedOperand[] = NO_OPERANDS;
    if (!this.atEnd()) {
      const a = this.operand();
      if (a === undefined) return undefined;
      if (this.atEnd()) operands = [a];
      else {
        const b = this.nextOperand();
        if (b === undefined) return undefined;
        if (this.atEnd()) operands = [a, b];
        else {
          const c = this.nextOperand();
          if (c === undefined || !this.atEnd()) return undefined;
          operands = [a, b, c];
        }
      }
    }
    const refs = this.ref === undefined ? NO_REFS : this.moreRefs === undefined ? [this.ref] : [this.ref, ...this.moreRefs];
    return statementOf(label, undefined, NO_PREFIXES, keyword.op(wordStart, wordEnd), operands, NO_DATA, NO_TOKENS, this.localBase, refs, opIndex);
  }

  fail(): never {
    throw DECLINED;
  }

  registerOperator(): never {
    throw DECLINED;
  }

  /** A symbol as a register's factor (`[ecx*COUNT]`): LineParser's to defer. */
  factorSymbol(): never {
    throw DECLINED;
  }

  factorPosition(): never {
    throw DECLINED;
  }

  collectRefs(e: Expr): void {
    switch (e.k) {
      case 'sym':
        if (namesRegister(e.name)) throw DECLINED;
        this.addRef(e);
        return;
      case 'un': this.collectRefs(e.a); return;
      case 'bin': this.collectRefs(e.a); this.collectRefs(e.b); return;
      default: return;
    }
  }

  private addRef(e: Expr & { k: 'sym' }): void {
    const ref = { name: e.name, start: e.start, end: e.end, src: undefined, at: undefined };
    if (this.ref === undefined) this.ref = ref; else (this.moreRefs ??= []).push(ref);
  }

  /** The comma at the current column, and the operand after it. */
  private nextOperand(): ParsedOperand | undefined {
    if (this.text.charCodeAt(this.i) !== Ch.Comma) return undefined;
    this.i++;
    this.tok++;
    this.blanks();
    return this.operand();
  }

  /** An operand, and the blanks after it, which the line's end or a comma must follow. */
  private operand(): ParsedOperand | undefined {
    const text = this.text;
    const from = this.i;
    let size: 8 | 16 | 32 | 48 | 64 | 80 | undefined;
    let strict = false;
    let jump: 'short' | 'near' | 'far' | undefined;
    for (;;) {
      const c = text.charCodeAt(this.i);
      // (`near [x]` and `short [x]` are LineParser's, as is `far` on a value: rare forms.)
      if (c === Ch.LBracket) return jump === 'near' || jump === 'short' ? undefined : this.memory(from, size, jump === 'far', strict);
      let expr: Expr | undefined;
      if (c >= Ch.D0 && c <= Ch.D9) {
        expr = this.number();
        if (expr === undefined) return undefined;
      } else {
        const start = this.i, end = this.name();
        if (end < 0) return undefined;
        const keyword = operandWord(text, start, end);
        if (keyword !== undefined) {
          const keywordSize = SIZE_KEYWORDS[keyword];
          // (The first size written holds, as in nasm: see LineParser.operand.)
          if (keywordSize !== undefined) size ??= keywordSize;
          else if (keyword === 'strict') strict = true;
          else jump = keyword as 'short' | 'near' | 'far';
          this.blanks();
          continue;
        }
        const reg = registerAt(text, start, end);
        if (reg !== undefined) {
          // A size or jump kind on a register is ignored with a warning, or an error.
          if (size !== undefined || jump !== undefined || strict || !this.operandEnd()) return undefined;
          return { kind: 'reg', reg, start: from, end };
        }
        const sym = { k: 'sym', name: text.slice(start, end), start, end, tok: this.tok - 1 } as const;
        // A longer register's name is an expression's, which LineParser rejects.
        if (namesRegister(sym.name)) return undefined;
        // (`nop use16`: a standard macro's call after a word nasm then takes for a label, LineParser's.)
        if (sym.tok === 1 && namesBareStandardMacro(text, start, end)) return undefined;
        this.addRef(sym);
        expr = sym;
      }
      if (!this.operandEnd() || jump === 'far') return undefined;
      return { kind: 'imm', expr, size, strict: strict || undefined, jump, start: from, end: expr.end };
    }
  }

  /** `[terms]` from `[` on, each term a name or a number or a product of two, the first naming a register. */
  private memory(from: number, size: 8 | 16 | 32 | 48 | 64 | 80 | undefined, far: boolean, strict: boolean): ParsedOperand | undefined {
    const text = this.text;
    this.i++;
    this.tok++;
    this.blanks();
    let count = 0;
    let neg = false;
    for (;;) {
      const a = this.primary();
      if (a === undefined) return undefined;
      let e = a;
      if (text.charCodeAt(this.i) === Ch.Star) {
        this.i++;
        this.tok++;
        this.blanks();
        const b = this.primary();
        if (b === undefined) return undefined;
        e = { k: 'bin', op: '*', a, b, start: a.start, end: b.end };
      }
      // (A name standing alone there is a register, none of those words.)
      if (count === 0 && (!mentionsRegister(e) || (a !== e && a.k === 'sym' && MEMORY_WORDS.has(a.name.toLowerCase())))) return undefined;
      termExprs[count] = e;
      termNegated[count++] = neg;
      const c = text.charCodeAt(this.i);
      if (c === Ch.RBracket) break;
      if (c !== Ch.Plus && c !== Ch.Minus) return undefined;
      neg = c === Ch.Minus;
      this.i++;
      this.tok++;
      this.blanks();
    }
    this.i++;
    this.tok++;
    const to = this.i;
    if (!this.operandEnd()) return undefined;
    return effectiveAddress(this, count, from, to, size, far, strict, undefined, undefined, false);
  }

  /**
   * A name or a number as a term of a memory reference, and the blanks after it. A register's
   * term is its shared node (see termExprs).
   */
  private primary(): Expr | undefined {
    const text = this.text;
    const c = text.charCodeAt(this.i);
    let e: Expr | undefined;
    if (c >= Ch.D0 && c <= Ch.D9) e = this.number();
    else {
      const start = this.i, end = this.name();
      if (end < 0) return undefined;
      const reg = registerAt(text, start, end);
      e = reg !== undefined ? REGISTER_TERMS.get(reg)! : { k: 'sym', name: text.slice(start, end), start, end, tok: this.tok - 1 };
    }
    this.blanks();
    return e;
  }

  /**
   * A number of at most 15 characters whose value is a safe integer, as simpleNumber makes it.
   * Digits alone are read here; other forms (`0x80`, `10h`) by parseNumber.
   */
  private number(): Expr | undefined {
    const text = this.text, start = this.i;
    let i = start, v = 0, decimal = true;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= Ch.D0 && c <= Ch.D9) v = v * 10 + c - Ch.D0;
      else if ((c >= Ch.a && c <= Ch.z) || (c >= Ch.A && c <= Ch.Z) || c === Ch.Underscore) decimal = false;
      else break;
    }
    this.i = i;
    this.tok++;
    if (decimal && i - start <= 15) return { k: 'num', v, start, end: i };
    return simpleNumberAt(text.slice(start, i), start, i);
  }

  /**
   * A name from its first character (a letter or `_`: `.local`, `$name` and `?` take the
   * tokenizer's way) to past its last: that column, or -1 when no name starts here.
   */
  private name(): number {
    const text = this.text;
    let i = this.i;
    const c = text.charCodeAt(i);
    if (!((c >= Ch.a && c <= Ch.z) || (c >= Ch.A && c <= Ch.Z) || c === Ch.Underscore)) return -1;
    for (i++; i < text.length && isIdentChar(text.charCodeAt(i)); i++);
    // `ptr` draws nasm's warning (see LineParser.statement): the line is left to LineParser.
    if (i - this.i === 3 && isPtr(text, this.i)) return -1;
    this.i = i;
    this.tok++;
    return i;
  }

  /** Past the blanks after an operand: whether the line's end or a comma follows them. */
  private operandEnd(): boolean {
    this.blanks();
    return this.atEnd() || this.text.charCodeAt(this.i) === Ch.Comma;
  }

  private blanks(): void {
    const text = this.text;
    let i = this.i;
    for (let c = text.charCodeAt(i); isBlank(c); c = text.charCodeAt(++i));
    this.i = i;
  }

  /** At the end of the code: the line's end or its comment. */
  private atEnd(): boolean {
    return this.i >= this.text.length || this.text.charCodeAt(this.i) === Ch.Semi;
  }
}

/**
 * The registers by their names' `nameCodes`: a register is found without cutting its name out.
 * Names of more than three characters are not looked up (nor by LineParser's `register`).
 */
const REGISTERS_BY_CODES: ReadonlyMap<number, RegisterInfo> = new Map(REGISTERS.map((r) => [nameCodes(r.name, 0, r.name.length), r]));

/** The longest register name's length: no longer name needs looking up. */
const LONGEST_REGISTER = Math.max(...REGISTERS.map((r) => r.name.length));

/** Whether `name` is a register's (which LineParser does not take for a symbol). */
function namesRegister(name: string): boolean {
  return name.length <= LONGEST_REGISTER && lookupRegister(name) !== undefined;
}

/** Each register's term in a memory reference, one node for every use (see termExprs). */
const REGISTER_TERMS: ReadonlyMap<RegisterInfo, Expr> = new Map(REGISTERS.map((r) => [r, { k: 'sym', name: r.name, start: 0, end: 0, tok: -1 }]));

/** A name of at most six characters as one number, each character in lower case (see equalsLowerCase). */
function nameCodes(text: string, start: number, end: number): number {
  let codes = 0;
  for (let k = start; k < end; k++) codes = codes * 256 + (text.charCodeAt(k) | 0x20);
  return codes;
}

/** Every register name, nasm's and the dialect's, by its nameCodes: none of them makes a label (LineParser says why). */
const REGISTER_NAME_CODES: ReadonlySet<number> = new Set([...NASM_REGISTER_NAMES, ...REGISTERS.map((r) => r.name)].map((n) => nameCodes(n, 0, n.length)));

/** Whether the name from `start` to `end` is a register's, in any letter case (a label's length rules out most). */
function namesRegisterAt(text: string, start: number, end: number): boolean {
  return end - start <= LONGEST_NASM_REGISTER && REGISTER_NAME_CODES.has(nameCodes(text, start, end));
}

/** Whether `name` is an instruction prefix in any letter case (`rep`, `lock`, `o16`, ...). */
function namesPrefix(name: string): boolean {
  return name.length <= 5 && PREFIX_WORDS.has(name.toLowerCase());
}

/** The register named from `start` to `end` in any letter case, if any. */
function registerAt(text: string, start: number, end: number): RegisterInfo | undefined {
  return end - start <= 3 ? REGISTERS_BY_CODES.get(nameCodes(text, start, end)) : undefined;
}

/**
 * Whether `text[start..end)` names a standard macro that takes no argument (`use16`, `iend`, ...,
 * see standard-macros.ts): written after a mnemonic, it is called, the mnemonic taken for a label.
 * Its length and first letter rule out nearly every name without a lookup.
 */
function namesBareStandardMacro(text: string, start: number, end: number): boolean {
  const n = end - start;
  if (n !== 4 && n !== 5 && n !== 6 && n !== 8) return false;
  const c = text.charCodeAt(start) | 0x20;
  return (c === 0x75 || c === 0x69 || c === 0x65) && BARE_STANDARD_MACROS.has(text.slice(start, end).toLowerCase());
}

/** The standard macros that take no argument. */
const BARE_STANDARD_MACROS: ReadonlySet<string> = new Set(['use16', 'use32', 'use64', 'userel', 'useabs', 'usebnd', 'usenobnd', 'iend', 'endstruc']);

/** The word of OPERAND_WORDS written from `start` to `end` in any letter case, if any. */
function operandWord(text: string, start: number, end: number): string | undefined {
  const length = end - start;
  if (length < 3 || length > 6) return undefined;
  for (const w of OPERAND_WORDS) {
    if (w.length !== length) continue;
    if (equalsLowerCase(text, start, w)) return w;
  }
  return undefined;
}

/**
 * Mnemonics found so far, by a hash of their letters in lower case: a file writes a few dozen
 * mnemonics over and over, and one found here costs no string and no lookup by string.
 */
const knownMnemonics: (Keyword | undefined)[] = new Array(256).fill(undefined);

/** The keyword of the mnemonic written from `start` to `end` in any letter case, if it is one. */
function mnemonicAt(text: string, start: number, end: number): Keyword | undefined {
  let hash = end - start;
  for (let k = start; k < end; k++) hash = (hash * 31 + (text.charCodeAt(k) | 0x20)) & 0xff;
  const known = knownMnemonics[hash];
  if (known !== undefined && known.name.length === end - start && equalsLowerCase(text, start, known.name)) return known;
  const keyword = mnemonicKeyword(text.slice(start, end).toLowerCase());
  if (keyword !== undefined) knownMnemonics[hash] = keyword;
  return keyword;
}

/**
 * `text` from `start` on is `lower` in any letter case. `c | 0x20` is a letter in lower case and
 * leaves a digit as it is, and gives no other identifier character a letter's or digit's code.
 */
function equalsLowerCase(text: string, start: number, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) if ((text.charCodeAt(start + k) | 0x20) !== lower.charCodeAt(k)) return false;
  return true;
}

const parser = new PlainLineParser();

/**
 * The statement LineParser makes of `text` (its code starting at column `start`, a line assembled
 * as written) under `localBase`, when the line is of a form read here; undefined otherwise.
 */
export function parsePlainLine(text: string, start: number, localBase: string | undefined): ParsedStatement | undefined {
  // A line that may hold more operands than nasm's --limit-eval allows in one expression (two
  // characters each at the least) is LineParser's, which counts them (ExprParser.reads).
  if (text.length > 2 * DEFAULT_EVAL_LIMIT) return undefined;
  try {
    return parser.parse(text, start, localBase);
  } catch (e) {
    if (e === DECLINED) return undefined;
    throw e;
  }
}
