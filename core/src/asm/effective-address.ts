// A memory reference's `+`/`-` terms made into base, index, scale and displacement (NASM manual
// §3.3), for both ways a line is parsed: from its tokens (parser.ts) and from its characters
// (parse-plain.ts). The terms are gathered in scratch arrays, read by `effectiveAddress`.

import { CONDITION_NOT_SCALAR, constantOf, evaluate, isScalarOnly, scalarOnlyMessage, type Expr, type Value } from './expr';
import type { ParsedOperand, Span } from './parser';
import { chosenBranches } from './register-sum';
import { lookupRegister } from '../isa/registers';
import type { RegisterInfo } from '../isa/types';
import type { DisplacementSize } from '../isa/operands';

/**
 * The code of a failure whose message depends on the mode the line is assembled in, which the
 * parser does not know: whoever reports it says `invalidEffectiveAddress(bits)` instead.
 */
export const MODE_ADDRESS = 'effective-address';

/**
 * nasm's message for a memory reference no addressing form takes: it names the mode's address
 * size, whatever the registers' (measured: in bits 32 `[ax+bx]`, `[eax-ebx]`, `[al]` and
 * `[eax*16]` are "invalid 32-bit effective address"; in bits 16 "invalid 16-bit ...").
 */
export function invalidEffectiveAddress(bits: number): string {
  return `invalid ${bits}-bit effective address`;
}

/** Fails with invalidEffectiveAddress of the mode (see MODE_ADDRESS). */
function failForMode(p: TermReader, at: Span): never {
  return p.fail('invalid effective address', at, MODE_ADDRESS);
}

/**
 * The code of a failure at an operator other than `+`, `-` and a product with a number applied to
 * a register: nasm's evaluator gives its errors of the whole reference, in its order, which the
 * assembler, knowing the names in it, takes from the evaluator's model (see firstPassEvaluation).
 */
export const REGISTER_OPERATOR = 'register-operator';

/**
 * nasm's evaluator on an operator other than `+`, `-` and a product with a number applied to a
 * register (measured: `[eax<<1]`, `[eax/2]`, `[eax&1]`, `[~eax]`, `[eax*ebx]`, `[eax ? 1 : 2]`),
 * where that operator is its first error.
 */
export function nonScalarMessage(e: Expr): string {
  if (e.k === 'un') return scalarOnlyMessage(e.op);
  if (e.k !== 'bin') return 'invalid effective address';
  if (e.op === '*') return 'unable to multiply two non-scalar objects';
  if (e.op === '?') return CONDITION_NOT_SCALAR;
  return isScalarOnly(e.op) ? scalarOnlyMessage(e.op) : 'invalid effective address';
}

/** What `effectiveAddress` needs of the parser that read the terms. */
export interface TermReader {
  /** Ends the line's parse with a problem. */
  fail(message: string, at: Span, code?: string): never;
  /** Fails at operator `e` applied to a register (see REGISTER_OPERATOR); a parser defers the reference to the assembler. */
  registerOperator(e: Expr): never;
  /** Notes the symbols a displacement term names (a register there is a problem). */
  collectRefs(e: Expr): void;
  /**
   * The value of a symbol in a register's factor (`[ecx*COUNT]`), which only the assembler knows:
   * a parser defers the reference to it or gives up (undefined).
   */
  factorSymbol(name: string, node: Expr): Value | undefined;
  /** `$` (`here`) or `$$` in a register's factor (`[ecx*($-$$)]`): as factorSymbol. */
  factorPosition(which: 'here' | 'base'): Value | undefined;
  /**
   * Whether nasm's first pass takes factor `e` for a number (see firstPassNumber in eval-vector.ts): a
   * name not defined by then is unknown there, and must cancel out. Undefined: nothing to check.
   */
  readonly factorFirstPass?: (e: Expr) => boolean;
}

/**
 * The terms of the memory reference being parsed, each with whether it is subtracted: counted,
 * not cut back, since arrays grown by push for every memory operand would be garbage made with
 * room for 16. Slots past the count hold an earlier reference's terms until overwritten. A term
 * naming a register, alone or scaled, is read for its register only and never kept, so a parser
 * may give it one node for every use, without columns (parse-plain does).
 */
export const termExprs: Expr[] = [];
export const termNegated: boolean[] = [];

/**
 * The registers among the terms, each once (see `effectiveAddress`), with their scales and whether
 * a scale was written: counted like the terms, in parallel arrays (no object per register).
 */
const regInfo: RegisterInfo[] = [];
const regScale: number[] = [];
const regExplicit: boolean[] = [];
/** Whether the register was written more than once, its scales summed (see `effectiveAddress`). */
const regSummed: boolean[] = [];

/**
 * Splits a memory reference's expression at the `+` and `-` whose sides name a register: the
 * terms put in the scratch arrays from `count` on; returns the new count. (Both parsers make the
 * same terms for the common forms without the tree.)
 */
export function splitTerms(e: Expr, neg: boolean, count: number): number {
  if (e.k === 'bin' && (e.op === '+' || e.op === '-') && (mentionsRegister(e.a) || mentionsRegister(e.b))) {
    if (e.a.k !== 'bin' || e.a.a.k !== 'bin') return splitTerms(e.b, e.op === '-' ? !neg : neg, splitTerms(e.a, neg, count));
    // The chain of left operands split in a loop, in the same order (see mentionsRegister).
    const spine: (Expr & { k: 'bin' })[] = [e];
    let x: Expr = e.a;
    while (x.k === 'bin' && (x.op === '+' || x.op === '-') && (mentionsRegister(x.a) || mentionsRegister(x.b))) { spine.push(x); x = x.a; }
    let n = splitTerms(x, neg, count);
    for (let i = spine.length - 1; i >= 0; i--) n = splitTerms(spine[i].b, spine[i].op === '-' ? !neg : neg, n);
    return n;
  }
  if (e.k === 'un' && (e.op === '-' || e.op === '+') && mentionsRegister(e.a)) {
    // (Signs in a loop, as many as nasm allows: see mentionsRegister.)
    let x: Expr = e, negated = neg;
    while (x.k === 'un' && (x.op === '-' || x.op === '+') && mentionsRegister(x.a)) { if (x.op === '-') negated = !negated; x = x.a; }
    return splitTerms(x, negated, count);
  }
  termExprs[count] = e;
  termNegated[count] = neg;
  return count + 1;
}

function termRegister(e: Expr): RegisterInfo | undefined {
  if (e.k !== 'sym' || e.name.length > 3) return undefined;
  const r = lookupRegister(e.name);
  return r !== undefined && e.escaped === undefined ? r : undefined;
}

export function mentionsRegister(e: Expr): boolean {
  // (The chain of left operands in a loop: one as long as nasm allows, 8,191 operators, is deeper
  // than the host's stack; see evaluateChain in expr.ts.)
  let x = e;
  for (;;) {
    if (x.k === 'bin') {
      if (mentionsRegister(x.b)) return true;
      x = x.a;
    } else if (x.k === 'un') x = x.a;
    else return x.k === 'sym' && termRegister(x) !== undefined;
  }
}

/**
 * A product naming a register other than `reg*n` (`(ecx+4)*2`, `2*(ecx*2)`): its terms, each
 * multiplied out, appended to the scratch terms from `count` on; returns the new count.
 */
function distributeProduct(p: TermReader, e: Expr & { k: 'bin' }, neg: boolean, count: number): number {
  const registerLeft = mentionsRegister(e.a);
  if (registerLeft === mentionsRegister(e.b)) p.registerOperator(e);
  const times = factor(p, registerLeft ? e.b : e.a);
  if (times === undefined) p.registerOperator(e);
  return scaledTerms(p, registerLeft ? e.a : e.b, times, neg, count);
}

/** `e` times `times` as terms of a memory reference, appended from `count` on; the new count. */
function scaledTerms(p: TermReader, e: Expr, times: number, neg: boolean, count: number): number {
  if (e.k === 'bin' && (e.op === '+' || e.op === '-')) return scaledTerms(p, e.b, times, e.op === '-' ? !neg : neg, scaledTerms(p, e.a, times, neg, count));
  if (e.k === 'un' && (e.op === '+' || e.op === '-') && mentionsRegister(e.a)) return scaledTerms(p, e.a, times, e.op === '-' ? !neg : neg, count);
  if (e.k === 'bin' && e.op === '*' && mentionsRegister(e)) {
    const registerLeft = mentionsRegister(e.a);
    if (registerLeft === mentionsRegister(e.b)) p.registerOperator(e);
    const inner = factor(p, registerLeft ? e.b : e.a);
    if (inner === undefined) p.registerOperator(e);
    return scaledTerms(p, registerLeft ? e.a : e.b, times * inner, neg, count);
  }
  // A register or a number, each a term the caller reads (`ecx*4`, `4*2`); any other operator on a
  // register is nasm's error, not a product to distribute again (`[(eax/2)*2]`, `[(~eax)*4]`).
  if (termRegister(e) === undefined && mentionsRegister(e)) p.registerOperator(e);
  termExprs[count] = { k: 'bin', op: '*', a: e, b: { k: 'num', v: times, start: e.start, end: e.end }, start: e.start, end: e.end };
  termNegated[count] = neg;
  return count + 1;
}

/**
 * A register's factor: a number, of constants the reader knows (nasm: defined on an earlier line)
 * and of labels and `$` whose addresses cancel (measured with nasm 2.16.01: `[ebx*(y - y + 4)]`
 * and `[ebx*($-$$+3)]` are taken, `[ebx*y]` is "unable to multiply two non-scalar objects").
 */
function factor(p: TermReader, e: Expr): number | undefined {
  if (e.k === 'num' && e.big === undefined) return e.v;
  if (p.factorFirstPass !== undefined && !p.factorFirstPass(e)) return undefined;
  return numberOf(p, e);
}

/**
 * The memory reference `e` with its conditionals that name registers made the branches their
 * conditions choose (see chosenBranches), each condition read as a factor is, a name defined
 * later too (nasm's first pass takes it for unknown, which its later passes resolve: measured).
 */
export function withChosenBranches(p: TermReader, e: Expr): Expr {
  return chosenBranches(e, (c) => numberOf(p, c));
}

/** The number `e` is, of constants and positions `p` knows; undefined when it is none. */
function numberOf(p: TermReader, e: Expr): number | undefined {
  let ok = true;
  const position = (which: 'here' | 'base'): Value | undefined => { const v = p.factorPosition(which); if (v === undefined) ok = false; return v; };
  const v = evaluate(e, {
    symbol: (name, node) => { const s = p.factorSymbol(name, node); if (s === undefined) ok = false; return s; },
    here: () => position('here'), base: () => position('base'), error: () => { ok = false; },
  });
  return ok && v.sec < 0 && v.big === undefined ? v.v : undefined;
}

/**
 * `op` with the words written in its brackets that count only when it has registers: `rel`,
 * nasm's warning's cue (see MemOperand.rel), and `byte` after a wider size (`[dword byte
 * ebx+4]`), where the byte size is the one nasm checks but the wider one it has seen makes the
 * displacement the address's full size (assemble.c, IS_MOD_01; measured with nasm 2.16.01:
 * 8B 83 04000000, and `[word byte bx+4]` in bits 16 8B 87 0400). An absolute address keeps its
 * `byte` (8B 05 and nasm's warning). The same of a split form and of a reference whose register's
 * factor names a symbol (measured: `[rel ebx+8, ecx*1]` warns, `[dword byte ecx*ONE+4]` is 8B 81
 * 04000000).
 */
export function withAddressWords(op: ParsedOperand, rel: boolean, byteAfterWider: boolean, byteWritten: boolean): ParsedOperand {
  if ((!rel && !byteAfterWider && !byteWritten) || op.kind !== 'mem') return op;
  const reg = op.base ?? op.index;
  // (An absolute address with `byte` before a wider size: see MemOperand.byteWritten.)
  if (reg === undefined) return byteWritten && op.dispSize !== 8 && op.dispSize !== undefined ? { ...op, byteWritten: true } : op;
  if (!rel && !byteAfterWider) return op;
  const widened = byteAfterWider ? { ...op, dispSize: reg.bits === 16 ? 16 as const : 32 as const } : op;
  return rel ? { ...widened, rel: true } : widened;
}

/** nasm's error for a split form it cannot read (see splitEffectiveAddress). */
export const MIB_PROBLEM = 'invalid mib expression';

/**
 * nasm's split form `[base+disp, index*scale]` (`first` before the comma, undefined when nothing
 * is written there, `second` after it), as its parser.c reads it: the part before the comma a
 * reference with no index (empty, no register at all), the part after a register, scaled or not,
 * which is the index, with nothing added to it. Measured with nasm 2.16.01: `[eax,ecx*4]` is [eax+ecx*4]; `[8,ecx]` an
 * index without base, 8B 04 0D 08000000, where `[ecx+8]` is 8B 41 08; `[,ecx]` the same with 0;
 * `[eax*2,ecx]`, `[eax,ecx+4]`, `[eax,ecx+ebx]` and `[eax,x]` are "invalid mib expression".
 */
export function splitEffectiveAddress(p: TermReader, first: Expr | undefined, second: Expr, from: number, to: number, size: 8 | 16 | 32 | 48 | 64 | 80 | undefined, far: boolean,
  strict: boolean, segment: RegisterInfo | undefined, dispSize: DisplacementSize | undefined, nosplit: boolean): ParsedOperand {
  const span = { start: from, end: to };
  const outer = effectiveAddress(p, first === undefined ? 0 : splitTerms(first, false, 0), from, to, size, far, strict, segment, dispSize, nosplit);
  const inner = effectiveAddress(p, splitTerms(second, false, 0), from, to, undefined, false, false, undefined, undefined, true, true);
  if (outer.kind !== 'mem' || inner.kind !== 'mem' || outer.index !== undefined) p.fail(MIB_PROBLEM, span);
  const index = inner.index ?? inner.base;
  // (What is added to the index must come to 0, names and all, a name's value the assembler's as
  // a factor's is: measured, `[eax, ecx+N-2]` is [eax+ecx] with N equ 2, before or after.)
  const added = inner.disp === undefined ? 0 : constantOf(inner.disp) ?? numberOf(p, inner.disp);
  if ((inner.index !== undefined && inner.base !== undefined) || added !== 0) p.fail(MIB_PROBLEM, span);
  const scale = inner.index === undefined ? 1 : inner.scale;
  // An index alone at scale 1 stays an index (nasm's hint that it is no base).
  const indexAlone = outer.base === undefined && index !== undefined && scale === 1;
  return { ...outer, index, scale, nosplit: outer.nosplit === true || indexAlone || undefined };
}

/**
 * nasm's message for more than two registers in an address (the first `count` of regInfo and
 * regScale): its parse_mref reads them in the order of its register numbers (their names'
 * alphabetical order), the first at scale 1 the base, the first other the index, and at the next
 * says "two index registers" when no base was found, else "too many registers" (measured with
 * nasm 2.16.01: `[esp+ecx*2+ebx*8]` is the first, `[ecx+ebx*0+edx]` the second).
 */
function tooManyRegisters(count: number): string {
  const order = [...Array(count).keys()].sort((x, y) => (regInfo[x].name < regInfo[y].name ? -1 : 1));
  let base = false, index = false;
  for (const k of order) {
    if (regScale[k] === 1 && !base) base = true;
    else if (!index) index = true;
    else break;
  }
  return base ? 'invalid effective address: too many registers' : 'invalid effective address: two index registers';
}

/**
 * The memory operand of the first `termCount` scratch terms, spanning columns `from` to `to`,
 * with what was written around and inside the brackets; `indexPart`: the part after the comma of
 * the split form (see splitEffectiveAddress).
 */
export function effectiveAddress(p: TermReader, termCount: number, from: number, to: number, size: 8 | 16 | 32 | 48 | 64 | 80 | undefined, far: boolean, strict: boolean,
  segment: RegisterInfo | undefined, dispSize: DisplacementSize | undefined, nosplit: boolean, indexPart = false): ParsedOperand {
  let regCount = 0;
  let disp: Expr | undefined;
  // A register's coefficient is summed over the terms (nasm: `[ebx+ecx-ecx]` is `[ebx]`), and a
  // product of a sum with a number is made its terms' products first (`[(ecx+4)*2]`).
  for (let n = 0; n < termCount; n++) {
    const e = termExprs[n], neg = termNegated[n];
    const r = termRegister(e);
    if (r) {
      if (r.cls !== 'gpr32' && r.cls !== 'gpr16') failForMode(p, e);
      regInfo[regCount] = r; regScale[regCount] = neg ? -1 : 1; regSummed[regCount] = false; regExplicit[regCount++] = false;
      continue;
    }
    if (e.k === 'bin' && e.op === '*') {
      const ra = termRegister(e.a), rb = termRegister(e.b);
      if (ra || rb) {
        if (mentionsRegister(ra ? e.b : e.a)) p.registerOperator(e);
        const r = (ra ?? rb)!;
        const times = factor(p, ra ? e.b : e.a);
        if (times === undefined) p.registerOperator(e);
        if (r.cls !== 'gpr32' && r.cls !== 'gpr16') failForMode(p, e);
        regInfo[regCount] = r; regScale[regCount] = times === 0 ? 0 : neg ? -times : times; regSummed[regCount] = false; regExplicit[regCount++] = true;
        continue;
      }
      if (mentionsRegister(e)) { termCount = distributeProduct(p, e, neg, termCount); continue; }
    }
    if (mentionsRegister(e)) p.registerOperator(e);
    p.collectRefs(e);
    // A subtracted term stays a subtraction (`[ebx+tbl-$$]`: the difference of two labels is a
    // number, where `tbl + -$$` would negate a label).
    if (disp !== undefined) disp = { k: 'bin', op: neg ? '-' : '+', a: disp, b: e, start: disp.start, end: e.end };
    else disp = neg ? { k: 'un', op: '-', a: e, start: e.start, end: e.end } : e;
  }
  // Same register written twice (`[eax+eax]`, `[eax*2+eax]`) is one index with the scales added.
  for (let a = 0; a < regCount; a++) {
    for (let b = a + 1; b < regCount; b++) {
      if (regInfo[a] !== regInfo[b]) continue;
      regScale[a] += regScale[b]; regExplicit[a] = true; regSummed[a] = true;
      for (let k = b + 1; k < regCount; k++) { regInfo[k - 1] = regInfo[k]; regScale[k - 1] = regScale[k]; regExplicit[k - 1] = regExplicit[k]; regSummed[k - 1] = regSummed[k]; }
      regCount--; b--;
    }
  }
  // A register whose terms cancel is gone; one multiplied by 0 is still a register nasm counts
  // (its evaluator keeps a term a product made 0, and drops one a sum did), an index of no scale
  // (measured with nasm 2.16.01: `[ecx*2 + ebx*0]` is "two index registers", `[ecx + ebx*0 +
  // edx]` "too many registers", `[ecx + ebx*0]` is [ecx]).
  for (let a = 0; a < regCount; a++) {
    if (regScale[a] !== 0 || !regSummed[a]) continue;
    for (let k = a + 1; k < regCount; k++) { regInfo[k - 1] = regInfo[k]; regScale[k - 1] = regScale[k]; regExplicit[k - 1] = regExplicit[k]; regSummed[k - 1] = regSummed[k]; }
    regCount--; a--;
  }
  if (regCount > 2) p.fail(tooManyRegisters(regCount), { start: from, end: to });
  // (Two registers neither of which can be the base come before a subtracted one: measured,
  // `[-ecx+ebx*2]` is "two index registers", `[ebx-ecx]` an invalid address.)
  if (regCount === 2 && regScale[0] !== 1 && regScale[1] !== 1) p.fail('invalid effective address: two index registers', { start: from, end: to });
  // Registers of two sizes are nasm's address size error, which comes before it reads the scales
  // (see the encoder's mixesAddressSizes; measured: `[eax-bx]`, `[eax+bx*3]` are that error first).
  const mixedSizes = regCount === 2 && regInfo[0].bits !== regInfo[1].bits;
  for (let a = 0; a < regCount; a++) if (regScale[a] < 0 && !mixedSizes) failForMode(p, { start: from, end: to });
  let base: RegisterInfo | undefined;
  let index: RegisterInfo | undefined;
  let scale = 1;
  // Whether the index is a register added to itself (`[eax+eax]`), which nasm splits into base and
  // index at scale 2 whatever `nosplit` says (assemble.c, process_ea: EAH_SUMMED; measured:
  // `[nosplit eax+eax]` is 8B 0C 00, as `[eax+eax]`, where `[nosplit eax*2]` is 8B 0C 45 00000000).
  let indexSummed = false;
  if (regCount === 1) {
    // `nosplit` keeps a register written scaled by 1 an index (measured with nasm 2.16.01:
    // `[nosplit ecx*1]` is 8B 04 0D 00000000, `[ecx*1]` 8B 01).
    if (regScale[0] === 1 && !(nosplit && regExplicit[0] && !regSummed[0])) base = regInfo[0];
    else { index = regInfo[0]; scale = regScale[0]; indexSummed = regSummed[0]; }
  } else if (regCount === 2) {
    // A scaled register must be the index; otherwise the first written is the base, unless it was
    // written multiplied, by 1 too (nasm's hint names it no base; measured with nasm 2.16.01:
    // `[ebx*1+ecx*1]` is 8B 0C 19, ecx the base, as `[ebx*1+ecx]`).
    const a = regScale[0] !== 1 || (regScale[1] === 1 && regExplicit[0]) ? 1 : 0, b = 1 - a;
    if (regScale[a] !== 1) p.fail('invalid effective address: two index registers', { start: from, end: to });
    base = regInfo[a]; index = regInfo[b]; scale = regScale[b];
    if (index.name === 'esp' && scale === 1) [base, index] = [index, base];
  }
  if (index !== undefined && scale === 0) { index = undefined; scale = 1; }
  if (scale !== 1 && scale !== 2 && scale !== 4 && scale !== 8 && !mixedSizes) {
    // nasm folds `[eax*3]`/`[eax*5]`/`[eax*9]` into base+index*(n-1) when there is no base,
    // `nosplit` or not (assemble.c, process_ea; measured: `[nosplit ecx*3]` is 8A 04 49 too), but
    // not the index of the split form (`indexPart`: `[eax, ecx*3]` is "invalid 32-bit effective address").
    if (!base && index && (scale === 3 || scale === 5 || scale === 9) && !indexPart) { base = index; scale -= 1; }
    else failForMode(p, { start: from, end: to });
  }
  return {
    kind: 'mem', size, far: far || undefined, segment, base, index, scale: scale as 1 | 2 | 4 | 8, disp, dispSize,
    nosplit: (nosplit && !(indexSummed && scale === 2 && base === undefined)) || undefined, strict: strict || undefined, start: from, end: to,
  };
}

type MemoryOperand = Extract<ParsedOperand, { kind: 'mem' }>;

/** Thrown by `FactorReader.fail` to `resolveMemory`. */
class MemoryProblem {
  readonly kind = 'problem';
  constructor(readonly message: string, readonly at: Span, readonly code: string | undefined) {}
}

/** The reader of a deferred reference's terms, whose symbols were noted when the line was parsed. */
class FactorReader implements TermReader {
  constructor(readonly factorSymbol: (name: string, node: Expr) => Value | undefined, readonly factorPosition: (which: 'here' | 'base') => Value | undefined,
    readonly factorFirstPass: ((e: Expr) => boolean) | undefined) {}
  fail(message: string, at: Span, code?: string): never {
    throw new MemoryProblem(message, at, code);
  }
  registerOperator(e: Expr): never {
    throw new MemoryProblem(nonScalarMessage(e), e, REGISTER_OPERATOR);
  }
  collectRefs(): void {}
}

/**
 * The registers of a value as nasm's evaluator holds it, each with its factor (see registersOf in
 * eval-vector.ts), and what it adds besides them.
 */
export interface RegisterSum { readonly registers: readonly { readonly name: string; readonly factor: number }[]; readonly rest: Expr }

/**
 * Memory reference `o` made of the registers nasm's evaluator found in its value, `parts` one for a
 * reference, two for a split form: its parser reads the registers off the value as of any
 * reference, and gives its errors of them (measured with nasm 2.16.01: `[ebx + (ecx<<1) + edx]` is
 * the shift's error, then "invalid effective address: too many registers", `[ebx, ecx|1]` the
 * `|`'s, then "invalid mib expression"); or the problem with it.
 */
export function carriedOnMemory(o: MemoryOperand, parts: readonly RegisterSum[]): MemoryOperand | MemoryProblem {
  const reader = new FactorReader(() => undefined, () => undefined, undefined);
  try {
    const [first, second] = parts.map((part) => sumExpr(part, o));
    const made = (second !== undefined
      ? splitEffectiveAddress(reader, first, second, o.start, o.end, o.size, o.far === true, o.strict === true, o.segment, o.dispSize, o.nosplit === true)
      : effectiveAddress(reader, splitTerms(first, false, 0), o.start, o.end, o.size, o.far === true, o.strict === true, o.segment, o.dispSize, o.nosplit === true)) as MemoryOperand;
    return o.jump === undefined ? made : { ...made, jump: o.jump };
  } catch (problem) {
    if (problem instanceof MemoryProblem) return problem;
    throw problem;
  }
}

/** `sum` as an expression at `at`'s columns: each register (times its factor, but 1), then the rest. */
function sumExpr(sum: RegisterSum, at: Span): Expr {
  const { start, end } = at;
  let e: Expr = sum.rest;
  for (let k = sum.registers.length - 1; k >= 0; k--) {
    const r = sum.registers[k];
    const reg: Expr = { k: 'sym', name: r.name, start, end, tok: -1 };
    const term: Expr = r.factor === 1 ? reg : { k: 'bin', op: '*', a: reg, b: { k: 'num', v: r.factor, start, end }, start, end };
    e = { k: 'bin', op: '+', a: term, b: e, start, end };
  }
  return e;
}

/**
 * A memory reference whose register factor names a symbol or `$` (`[tbl+ecx*COUNT]`, see the
 * operand's `terms`), made with that symbol's value from `symbol` (undefined when not known on
 * this line) and `$`'s or `$$`'s from `position`, or the problem with it: nasm takes a constant
 * defined on an earlier line (measured).
 */
export function resolveMemory(o: MemoryOperand, symbol: (name: string, node: Expr) => Value | undefined, position: (which: 'here' | 'base') => Value | undefined,
  firstPass?: (e: Expr) => boolean): MemoryOperand | MemoryProblem {
  try {
    const reader = new FactorReader(symbol, position, firstPass);
    const terms = o.terms!;
    const r = (o.splitIndex === true && terms.k === 'bin'
      ? splitEffectiveAddress(reader, terms.a, terms.b, o.start, o.end, o.size, o.far === true, o.strict === true, o.segment, o.dispSize, o.nosplit === true)
      : effectiveAddress(reader, splitTerms(withChosenBranches(reader, terms), false, 0), o.start, o.end, o.size, o.far === true, o.strict === true, o.segment, o.dispSize, o.nosplit === true)) as MemoryOperand;
    const made = withAddressWords(r, o.rel === true, o.byteAfterWider === true, o.byteWritten === true) as MemoryOperand;
    return o.jump === undefined ? made : { ...made, jump: o.jump };
  } catch (problem) {
    if (problem instanceof MemoryProblem) return problem;
    throw problem;
  }
}
