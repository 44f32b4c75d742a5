// The parse of a line's common forms straight from its characters, without tokens: a label and
// an instruction whose operands are registers, numbers, names and memory references of `+`/`-`
// terms (`block_3:`, `  mov eax, [ebx+ecx*4+16]`, `  sub dword [ebp-8], 12`, `  jne done`). The
// statement is the one LineParser makes from the line's tokens; any other form, and any line
// with a problem, a warning or a `.local` name, is left to it.

import { SIZE_KEYWORDS } from './directives';
import { effectiveAddress, mentionsRegister, termExprs, termNegated, termRegister, type TermReader } from './effective-address';
import { simpleNumberAt, type Expr } from './expr';
import { isIdentChar } from './lexer';
import { mnemonicKeyword, NO_DATA, NO_OPERANDS, NO_PREFIXES, NO_REFS, NO_TOKENS, statementOf, type Keyword, type ParsedOperand, type ParsedStatement } from './parser';
import { REGISTERS } from '../isa/registers';
import type { RegisterInfo } from '../isa/types';

const enum Ch {
  Tab = 9, CR = 13, Space = 32, Star = 42, Plus = 43, Comma = 44, Minus = 45, D0 = 48, D9 = 57, Colon = 58, Semi = 59,
  A = 65, Z = 90, LBracket = 91, RBracket = 93, Underscore = 95, a = 97, z = 122,
}

/** Thrown to leave the line to LineParser (a thrown constant: no stack is captured). */
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

  /** The statement of `text`, whose code starts at column `start`, under `localBase`; throws DECLINED for a form left to LineParser. */
  parse(text: string, start: number, localBase: string | undefined): ParsedStatement {
    this.text = text;
    this.i = start;
    this.tok = 0;
    this.localBase = localBase;
    this.ref = undefined;
    this.moreRefs = undefined;
    let label: ParsedStatement['label'];
    let wordStart = start, wordEnd = this.name();
    this.blanks();
    if (text.charCodeAt(this.i) === Ch.Colon) {
      const name = text.slice(wordStart, wordEnd);
      label = { name, short: name, local: false, start: wordStart, end: wordEnd, src: undefined };
      this.localBase = name;
      this.i++;
      this.tok++;
      this.blanks();
      if (this.atEnd()) return statementOf(label, undefined, NO_PREFIXES, undefined, NO_OPERANDS, NO_DATA, NO_TOKENS, name, NO_REFS, this.tok);
      wordStart = this.i;
      wordEnd = this.name();
      this.blanks();
    }
    const keyword = mnemonicAt(text, wordStart, wordEnd);
    if (keyword === undefined) throw DECLINED;
    const opIndex = this.tok - 1;
    // Instructions take up to three operands: the array is made at its size.
    let operands: readonly ParsedOperand[] = NO_OPERANDS;
    if (!this.atEnd()) {
      const a = this.operand();
      if (this.atEnd()) operands = [a];
      else {
        const b = this.nextOperand();
        if (this.atEnd()) operands = [a, b];
        else {
          const c = this.nextOperand();
          if (!this.atEnd()) throw DECLINED;
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

  collectRefs(e: Expr): void {
    switch (e.k) {
      case 'sym': {
        // Registers are the names of at most three characters lookupRegister knows.
        if (termRegister(e)) throw DECLINED;
        const ref = { name: e.name, start: e.start, end: e.end, src: undefined, at: undefined };
        if (this.ref === undefined) this.ref = ref; else (this.moreRefs ??= []).push(ref);
        return;
      }
      case 'un': this.collectRefs(e.a); return;
      case 'bin': this.collectRefs(e.a); this.collectRefs(e.b); return;
      default: return;
    }
  }

  /** The comma at the current column, and the operand after it. */
  private nextOperand(): ParsedOperand {
    if (this.text.charCodeAt(this.i) !== Ch.Comma) throw DECLINED;
    this.i++;
    this.tok++;
    this.blanks();
    return this.operand();
  }

  /** An operand, and the blanks after it; then the line ends or a comma follows. */
  private operand(): ParsedOperand {
    const text = this.text;
    const from = this.i;
    let size: 8 | 16 | 32 | 48 | 64 | 80 | undefined;
    let strict = false;
    let jump: 'short' | 'near' | 'far' | undefined;
    for (;;) {
      const c = text.charCodeAt(this.i);
      if (c === Ch.LBracket) return this.memory(from, size, jump === 'far', strict);
      let expr: Expr;
      if (c >= Ch.D0 && c <= Ch.D9) expr = this.number();
      else {
        const start = this.i, end = this.name();
        const keyword = operandWord(text, start, end);
        if (keyword !== undefined) {
          const keywordSize = SIZE_KEYWORDS[keyword];
          if (keywordSize !== undefined) size = keywordSize;
          else if (keyword === 'strict') strict = true;
          else jump = keyword as 'short' | 'near' | 'far';
          this.blanks();
          continue;
        }
        const reg = registerAt(text, start, end);
        if (reg !== undefined) {
          // A size or jump kind on a register is ignored with a warning, or an error.
          if (size !== undefined || jump !== undefined || strict) throw DECLINED;
          this.operandEnd();
          return { kind: 'reg', reg, start: from, end };
        }
        expr = { k: 'sym', name: text.slice(start, end), start, end, tok: this.tok - 1 };
        this.collectRefs(expr);
      }
      this.operandEnd();
      return { kind: 'imm', expr, size, strict: strict || undefined, jump, start: from, end: expr.end };
    }
  }

  /** `[terms]` from `[` on, each term a name or a number or a product of two, the first naming a register. */
  private memory(from: number, size: 8 | 16 | 32 | 48 | 64 | 80 | undefined, far: boolean, strict: boolean): ParsedOperand {
    const text = this.text;
    this.i++;
    this.tok++;
    this.blanks();
    let count = 0;
    let neg = false;
    for (;;) {
      const a = this.primary();
      let e = a;
      if (text.charCodeAt(this.i) === Ch.Star) {
        this.i++;
        this.tok++;
        this.blanks();
        const b = this.primary();
        e = { k: 'bin', op: '*', a, b, start: a.start, end: b.end };
      }
      // (A name standing alone there is a register, none of those words.)
      if (count === 0 && (!mentionsRegister(e) || (a !== e && a.k === 'sym' && MEMORY_WORDS.has(a.name.toLowerCase())))) throw DECLINED;
      termExprs[count] = e;
      termNegated[count++] = neg;
      const c = text.charCodeAt(this.i);
      if (c === Ch.RBracket) break;
      if (c !== Ch.Plus && c !== Ch.Minus) throw DECLINED;
      neg = c === Ch.Minus;
      this.i++;
      this.tok++;
      this.blanks();
    }
    this.i++;
    this.tok++;
    const to = this.i;
    this.operandEnd();
    return effectiveAddress(this, count, from, to, size, far, strict, undefined, undefined, false);
  }

  /**
   * A name or a number as a term of a memory reference, and the blanks after it. A register's
   * term is its shared node (see termExprs).
   */
  private primary(): Expr {
    const text = this.text;
    const c = text.charCodeAt(this.i);
    let e: Expr;
    if (c >= Ch.D0 && c <= Ch.D9) e = this.number();
    else {
      const start = this.i, end = this.name();
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
  private number(): Expr {
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
    const e = simpleNumberAt(text.slice(start, i), start, i);
    if (e === undefined) throw DECLINED;
    return e;
  }

  /**
   * A name from its first character (a letter or `_`: `.local`, `$name` and `?` take the
   * tokenizer's way) to past its last: that column.
   */
  private name(): number {
    const text = this.text;
    let i = this.i;
    const c = text.charCodeAt(i);
    if (!((c >= Ch.a && c <= Ch.z) || (c >= Ch.A && c <= Ch.Z) || c === Ch.Underscore)) throw DECLINED;
    for (i++; i < text.length && isIdentChar(text.charCodeAt(i)); i++);
    this.i = i;
    this.tok++;
    return i;
  }

  /** Past the blanks after an operand, which the line's end or a comma must follow. */
  private operandEnd(): void {
    this.blanks();
    if (!this.atEnd() && this.text.charCodeAt(this.i) !== Ch.Comma) throw DECLINED;
  }

  private blanks(): void {
    const text = this.text;
    let i = this.i;
    for (let c = text.charCodeAt(i); c === Ch.Space || c === Ch.Tab || c === Ch.CR; c = text.charCodeAt(++i));
    this.i = i;
  }

  /** At the end of the code: the line's end or its comment. */
  private atEnd(): boolean {
    return this.i >= this.text.length || this.text.charCodeAt(this.i) === Ch.Semi;
  }
}

/**
 * The registers by their names' characters in lower case (see equalsLowerCase), as one number:
 * a register is found without cutting its name out. Names of more than three characters are
 * none (LineParser's `register` reads no longer name either).
 */
const REGISTERS_BY_CODES: ReadonlyMap<number, RegisterInfo> = new Map(REGISTERS.map((r) => [nameCodes(r.name, 0, r.name.length), r]));

/** Each register's term in a memory reference, one node for every use (see termExprs). */
const REGISTER_TERMS: ReadonlyMap<RegisterInfo, Expr> = new Map(REGISTERS.map((r) => [r, { k: 'sym', name: r.name, start: 0, end: 0, tok: -1 }]));

function nameCodes(text: string, start: number, end: number): number {
  let codes = 0;
  for (let k = start; k < end; k++) codes = codes * 256 + (text.charCodeAt(k) | 0x20);
  return codes;
}

/** The register named from `start` to `end` in any letter case, if any. */
function registerAt(text: string, start: number, end: number): RegisterInfo | undefined {
  return end - start <= 3 ? REGISTERS_BY_CODES.get(nameCodes(text, start, end)) : undefined;
}

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
 * `text` from `start` on is `lower` (lower-case letters and digits) in any letter case: a
 * character with bit 5 set is itself or its upper-case letter, and identifiers hold no others.
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
  try {
    return parser.parse(text, start, localBase);
  } catch (e) {
    if (e === DECLINED) return undefined;
    throw e;
  }
}
