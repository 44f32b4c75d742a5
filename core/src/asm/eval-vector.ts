// A value as nasm's evaluator holds it (asm/eval.c): a list of parts in order of their kind, each
// register named with its factor first (in a memory reference or an operand), then the unknown
// part (a name not defined yet), then the number, then each segment's base with its factor.
// Ringside's own evaluator sums a value another way (expr.ts, linearSum); nasm's list shows where
// the two differ: a sum drops a part whose factors cancel and stops after merging an unknown part
// (add_vectors), a product keeps parts a factor of 0 left (scalar_mult). What reads those quirks
// reads them here: whether nasm's first pass takes an expression for a number (a `times` count, an
// alignment), the value that pass gives an `equ`, the term nasm's `sectalign` takes for an
// alignment, and the errors its evaluator and parser give of an operand, registers and all.

import { COMPARISONS, CONDITION_NOT_SCALAR, evaluate, givesUp, isScalarOnly, leafValue, nonScalarDifference, NOT_POWER_OF_TWO, numberOperation, scalarOnlyMessage, SHIFTS, type EvalContext, type Expr, type Value } from './expr';
import { firstLeaf, foldExpr } from './expr-walk';
import { lookupRegister } from '../isa/registers';

/** The kind of a part: a segment's number (0 on), or one of these, which come before any segment; a register's comes before them all (see registerPart). */
const UNKNOWN_PART = -2;
const NUMBER_PART = -1;

/**
 * The kind of register `name`'s part: nasm numbers its registers in the order of their names
 * (x86/regs.h, from EXPR_REG_START), all before its unknown part. The name's letters read as
 * digits of a number, so that the kinds are in the names' order.
 */
function registerPart(name: string): number {
  let code = 0;
  for (let k = 0; k < REGISTER_NAME_DIGITS; k++) code = code * 37 + (k < name.length ? registerDigit(name.charCodeAt(k)) : 0);
  return REGISTER_PARTS + code;
}

/** The longest register name (`mm7`, `cr0`, `eax`...; AVX-512's `zmm31` too), and where the registers' kinds begin. */
const REGISTER_NAME_DIGITS = 6;
const REGISTER_PARTS = UNKNOWN_PART - 37 ** REGISTER_NAME_DIGITS;

/** Whether `root` has a product, the one operator whose vector may keep a part of factor 0 (see scalarMult). */
export function namesProduct(root: Expr): boolean {
  return someOperator(root, (op) => op === '*');
}

/** Whether `root` has an operator other than a sum, a difference, a sign and a product: one nasm's evaluator applies to numbers only, a comparison or `?`. */
export function namesNumbersOperator(root: Expr): boolean {
  return someOperator(root, (op) => op !== '+' && op !== '-' && op !== '*');
}

/**
 * Whether nasm's evaluator may give an error of `root`, or leave a part of factor 0 in its value:
 * it has an operator other than a sum, a difference and a sign, but for a product with a number
 * written other than 0 (which scales whatever the other side is). A quick look, before the model
 * is run (see firstPassEvaluation).
 */
export function mayRefuse(root: Expr): boolean {
  return someOperator(root, (op, e) => op !== '+' && op !== '-' && (op !== '*' || !(nonZeroNumber(e.a) || nonZeroNumber((e as Extract<Expr, { k: 'bin' }>).b))));
}

function nonZeroNumber(e: Expr): boolean {
  return e.k === 'num' && e.v !== 0;
}

/** Whether an operator of `root` is one `test` takes. Walked in a loop, as firstLeaf. */
function someOperator(root: Expr, test: (op: string, e: Extract<Expr, { k: 'un' | 'bin' }>) => boolean): boolean {
  let pending: Expr[] | undefined;
  for (let e: Expr | undefined = root; e !== undefined; e = pending?.pop()) {
    if (e.k !== 'un' && e.k !== 'bin') continue;
    if (test(e.op, e)) return true;
    if (e.k === 'un') (pending ??= []).push(e.a);
    else (pending ??= []).push(e.b, e.a);
  }
  return false;
}

/**
 * Whether nasm's parser refuses `vector` as the value of an operand outside brackets, "invalid
 * operand type" (parser.c): one that is neither unknown alone nor relocatable (see isRelocatable)
 * is read as a register, which must be its first part, of factor 1 (a part a product made 0
 * counts), with nothing after it but a number (measured with nasm 2.16.01: `mov eax, 2*ebx`,
 * `mov eax, ebx*0 + ecx` and `mov eax, ebx + lab` are refused so). `here`: the current segment.
 */
export function invalidOperandValue(vector: EvalVector, here: number): boolean {
  if (isJustUnknown(vector) || isRelocatable(vector, here)) return false;
  if (vector.length === 0 || vector[0].kind >= UNKNOWN_PART || vector[0].factor !== 1) return true;
  for (let k = 1; k < vector.length; k++) if (vector[k].factor !== 0 && vector[k].kind !== NUMBER_PART) return true;
  return false;
}

/**
 * Whether nasm's parser refuses operand `e`, one register of factor 1 plus numbers to Ringside's
 * parser (see registerFactors in register-sum.ts), for a register a product made 0 that comes
 * before it in nasm's order (see invalidOperandValue; measured with nasm 2.16.01: `mov eax, ebx*0 +
 * ecx` and `mov eax, ecx + ebx*0` are "invalid operand type", `mov eax, ebx + ecx*0` is `mov eax,
 * ebx`). `e` has no name but its registers.
 */
export function zeroRegisterFirst(e: Expr): boolean {
  const vector = firstPassEvaluation(e, NAMES_UNKNOWN, true).vector;
  return vector !== undefined && invalidOperandValue(vector, -1);
}

/**
 * The errors nasm's evaluator gives of operand or data item `e`, names unknown: it evaluates both
 * branches of a conditional, so an operator on a register in the branch not taken is still its
 * error (measured with nasm 2.16.01: `mov eax, 4 ? 1 : 2 | al`, `push 4 ? 1 : 2 | al` and
 * `dd 4 ? 1 : cs | al` are "`|' operator may only be applied to scalar values", as `mov eax, 2 |
 * al` is).
 */
export function operandEvaluationErrors(e: Expr): readonly string[] {
  return operandEvaluation(e).errors;
}

/** Operand or data item `e` as nasm's evaluator makes it, names unknown, registers parts of their own (see operandEvaluationErrors). */
export function operandEvaluation(e: Expr): FirstPassEvaluation {
  return firstPassEvaluation(e, NAMES_UNKNOWN, true);
}

/**
 * Whether `evaluation`, carried on with after its errors, is an address nasm's parser gives a
 * segment, or takes as relative to the current one: a segment's part of factor 1 or -1 (parser.c,
 * reloc_seg and is_self_relative). One of another factor is no segment of the operand, which is
 * then a number to `resb` (measured with nasm 2.16.01, lab in .text: `resb lab*5 ? fwd : 1` in
 * .bss is the `?`'s error then "forward reference in RESx ...", `resb lab ? fwd : 1` the `?`'s
 * then "attempt to reserve non-constant quantity of BSS space").
 */
export function segmentBased(evaluation: FirstPassEvaluation): boolean {
  if (!evaluation.address) return false;
  return evaluation.vector === undefined || evaluation.vector.some((p) => p.kind >= 0 && (p.factor === 1 || p.factor === -1));
}

/**
 * Whether nasm's parser refuses `vector` as a data item's value, "expression is not simple or
 * relocatable" (parser.c, value_to_extop): read in order up to an unknown part, a register, a
 * segment added twice or of a factor other than 1, or taken away when it is not the current one
 * `here` or a second time.
 */
export function refusedAsData(vector: EvalVector, here: number): boolean {
  let added = false, self = false;
  for (const p of vector) {
    if (p.factor === 0 || p.kind === NUMBER_PART) continue;
    if (p.kind === UNKNOWN_PART) return false;
    if (p.kind < UNKNOWN_PART) return true;
    if (p.factor === -1 && p.kind === here && !self) self = true;
    else if (p.factor === 1 && !added) added = true;
    else return true;
  }
  return false;
}

/** A context where no name but a register has a value. */
const NAMES_UNKNOWN: EvalContext = { symbol: () => undefined, here: () => undefined, base: () => undefined, error: () => undefined };

/**
 * nasm's is_reloc: no register nor unknown part, a segment added once at most and the current
 * segment `here` taken away once at most (a segment of another factor let by, as nasm does).
 */
function isRelocatable(vector: EvalVector, here: number): boolean {
  let added = false, self = false;
  for (const p of vector) {
    if (p.factor === 0 || p.kind === NUMBER_PART) continue;
    if (p.kind < NUMBER_PART) return false;
    if (p.factor === 1) {
      if (added) return false;
      added = true;
    } else if (p.factor === -1) {
      if (p.kind !== here || self) return false;
      self = true;
    }
  }
  return true;
}

/**
 * Whether `vector` has a segment's part nasm's parser takes in no address: of a factor other than
 * 1, but for one -1 of the section the statement is in, `here` (parser.c: "impossible segment base
 * multiplier"; a factor of 0 too, see hasZeroSegmentPart).
 */
export function impossibleSegmentPart(vector: EvalVector, here: number): boolean {
  let self = false;
  for (const p of vector) {
    if (p.kind < 0 || p.factor === 1) continue;
    if (p.factor === -1 && p.kind === here && !self) { self = true; continue; }
    return true;
  }
  return false;
}

/** Whether `vector` has a segment's part of factor 0, which a product keeps (see scalarMult). */
export function hasZeroSegmentPart(vector: EvalVector): boolean {
  return vector.some((p) => p.kind >= 0 && p.factor === 0);
}

/** The name of the register whose part is of `kind` (see registerPart). */
function registerName(kind: number): string {
  let code = kind - REGISTER_PARTS, name = '';
  for (let k = 0; k < REGISTER_NAME_DIGITS; k++, code = Math.floor(code / 37)) {
    const d = code % 37;
    if (d !== 0) name = String.fromCharCode(d >= 11 ? d - 11 + 97 : d - 1 + 48) + name;
  }
  return name;
}

/** A lower-case letter or a digit of a register's name as a digit of its kind (digits before letters, as in the names' order). */
function registerDigit(c: number): number {
  return c >= 97 ? c - 97 + 11 : c - 48 + 1;
}

interface Part { readonly kind: number; readonly factor: number }

/** A value's parts, in order of kind, each kind once. */
type EvalVector = readonly Part[];

const UNKNOWN: EvalVector = [{ kind: UNKNOWN_PART, factor: 1 }];

/**
 * Whether nasm's first pass takes `e` for a number: there a name not defined yet is an unknown
 * part of its own, which cancels out of a sum (`end - start`, both ahead, is 0) but of nothing
 * else (`C`, `C + D`, `C * 2`, `end - $`, `end - start` with `start` behind: not a number, and
 * 'non-constant argument supplied to TIMES' or 'to DUP' in that pass; measured). For expressions
 * `evaluate` finds unknown in the first pass.
 */
export function firstPassNumber(e: Expr, ctx: EvalContext): boolean {
  return firstPassEvaluation(e, ctx).number;
}

/** What nasm's first pass makes of an expression (see firstPassEvaluation). */
export interface FirstPassEvaluation {
  /** Whether it is a number there. */
  readonly number: boolean;
  /**
   * That number, once its unknown parts cancel out (`d2 - d1`, both defined further on: 0), or
   * once a sum stops at one (measured with nasm 2.16.01, x defined further on: `4 % (x + 4 - x)`
   * and `4 % (x*0 + 4)` are "division by zero" in that pass, `4 % (x - x + 4)` is 0); undefined
   * when it is no number, or one an operator made nothing of (see numberOperation).
   */
  readonly value: number | undefined;
  /** The errors nasm's evaluator gives of it there, in order. */
  readonly errors: readonly string[];
  /** Whether it names something not known in that pass. */
  readonly unknown: boolean;
  /** Whether nasm's evaluator gave up on it after an error (its parser then drops the line). */
  readonly gaveUp: boolean;
  /** Whether it is neither a number nor unknown alone there: an address, a label's or `$`'s. */
  readonly address: boolean;
  /** Its vector; undefined where nasm's evaluator gave up, or where Ringside does not model it (`wrt`, `seg`). */
  readonly vector: EvalVector | undefined;
}

/**
 * The registers of `vector` (see firstPassEvaluation's `registers`), each with its factor, a
 * factor of 0 too (nasm's parser counts a register a product made 0; parse_mref), in nasm's order;
 * and its number part (0 when it has none).
 */
export function registersOf(vector: EvalVector): { readonly registers: readonly { readonly name: string; readonly factor: number }[]; readonly number: number } {
  const registers: { name: string; factor: number }[] = [];
  let number = 0;
  for (const p of vector) {
    if (p.kind === NUMBER_PART) number = p.factor;
    else if (p.kind < UNKNOWN_PART) registers.push({ name: registerName(p.kind), factor: p.factor });
  }
  return { registers, number };
}

/**
 * `e` as nasm's first pass evaluates it, its names read from `ctx` (eval.c), with `registers`
 * each a part of its own (nasm's parser evaluates an operand so, then reads the registers off the
 * vector, parser.c), else names like any other: a sum, a difference,
 * a sign and a product on vectors, the other operators on a number or an unknown part alone. An
 * operator given anything else gives its error, after which the evaluator gives up (a division,
 * a product, `~`, `!`, a function) or carries on (a shift with its left operand, `| ^ & || ^^ &&`
 * with the number they make, `?` with its condition). A division checks its divisor for 0 before
 * it looks for an unknown part (measured with nasm 2.16.01, x defined further on: `times 4 % (x*0
 * + 4)` is "division by zero", `times x*lab` "unable to multiply two non-scalar objects", `times
 * (x<<lab)` the shift's error, then "non-constant argument supplied to TIMES"). A comparison is
 * unknown when the difference of its sides has an unknown part, even one of factor 0 (is_unknown),
 * and a difference with no unknown part is compared as it is (`times y != 2 >> y` is 0 there).
 * Walked by foldExpr: an operand as deep as nasm allows is deeper than a recursion fits in the
 * host's stack.
 */
export function firstPassEvaluation(e: Expr, ctx: EvalContext, registers = false, report?: (message: string) => void): FirstPassEvaluation {
  const errors: string[] = [];
  let unknown = false;
  let gaveUp = false;
  // (Whether it gives up after the error is givesUp's to say; `carryOn`: what it goes on with.
  // `report`: told of each as it is given, in the order of the names `ctx` is asked for.)
  const fail = (message: string, carryOn?: EvalVector): EvalVector | undefined => {
    if (!gaveUp) { errors.push(message); report?.(message); }
    if (!givesUp(message)) return carryOn;
    gaveUp = true;
    return undefined;
  };
  // (A conditional's branches, by its `:` node: both are evaluated, the condition picks one.)
  let branches: Map<Expr, readonly [EvalVector | undefined, EvalVector | undefined]> | undefined;
  const vector = foldExpr<EvalVector | undefined>(e, {
    leaf: (x) => {
      if (x.k === 'num') return [{ kind: NUMBER_PART, factor: x.v }];
      if (registers && x.k === 'sym' && x.escaped === undefined && lookupRegister(x.name) !== undefined) return [{ kind: registerPart(x.name.toLowerCase()), factor: 1 }];
      const v = leafValue(x, ctx);
      if (v.v !== undefined) return valueVector(v.v, v.sec);
      unknown = true;
      return UNKNOWN;
    },
    unary: (x, a) => {
      if (a === undefined || x.op === '+') return a;
      if (x.op === '-') return scalarMult(a, -1);
      if (!isScalarOnly(x.op)) return undefined;
      if (isJustUnknown(a)) return UNKNOWN;
      if (!isSimple(a)) return fail(scalarOnlyMessage(x.op));
      const n = numberOperation(x, relocValue(a), 0, ctx);
      // (`__?ilog2e?__` of no power of two goes on with the log rounded down: see ilog2 in expr.ts.)
      if (n === NOT_POWER_OF_TWO) return fail(n, [{ kind: NUMBER_PART, factor: floorLog2(relocValue(a)) }]);
      return numberOf(n, fail);
    },
    binary: (x, a, b) => {
      if (x.op === ':') { (branches ??= new Map()).set(x, [a, b]); return a ?? b ?? UNKNOWN; }
      if (a === undefined || b === undefined) return undefined;
      if (x.op === '+' || x.op === '-') return addVectors(a, x.op === '-' ? scalarMult(b, -1) : b);
      if (x.op === '*') return product(a, b) ?? fail('unable to multiply two non-scalar objects');
      if (x.op === '?') {
        const [f, g] = branches?.get(x.b) ?? [undefined, undefined];
        // (After an error it gives up at, in either branch, there is no value: see conditional in expr.ts.)
        if (gaveUp) return undefined;
        if (isSimple(a)) return relocValue(a) !== 0 ? f : g;
        return isJustUnknown(a) ? UNKNOWN : fail(CONDITION_NOT_SCALAR, a);
      }
      if (COMPARISONS.has(x.op)) return comparison(x.op, addVectors(a, scalarMult(b, -1)), fail);
      if (!isScalarOnly(x.op)) return undefined;
      const scalar = (isSimple(a) || isJustUnknown(a)) && (isSimple(b) || isJustUnknown(b));
      if (DIVISIONS.has(x.op)) {
        if (!scalar) return fail(scalarOnlyMessage(x.op));
        if (!isJustUnknown(b) && relocValue(b) === 0) return fail('division by zero');
      } else if (!scalar) {
        const shift = SHIFTS.has(x.op);
        fail(scalarOnlyMessage(x.op), a);
        if (shift) return a;
      }
      if (isJustUnknown(a) || isJustUnknown(b)) return UNKNOWN;
      return numberOf(numberOperation(x, relocValue(a), relocValue(b), ctx), fail);
    },
  });
  const number = vector !== undefined && isSimple(vector);
  const value = number ? relocValue(vector) : NaN;
  return { number, value: Number.isNaN(value) ? undefined : value, errors, unknown, gaveUp, address: vector !== undefined && !number && !isJustUnknown(vector), vector };
}

const DIVISIONS: ReadonlySet<string> = new Set(['/', '%', '//', '%%']);

/** A number an operator made, or its error (after which nasm's evaluator gives up). */
/** The log base 2 of `n`, read as an unsigned 64-bit number, rounded down (0 for 0). */
function floorLog2(n: number): number {
  const x = BigInt.asUintN(64, BigInt(n));
  return x === 0n ? 0 : x.toString(2).length - 1;
}

function numberOf(v: number | string, fail: (message: string) => EvalVector | undefined): EvalVector | undefined {
  return typeof v === 'string' ? fail(v) : [{ kind: NUMBER_PART, factor: v }];
}

/**
 * Comparison `op` of two sides whose difference is `d`, as nasm's evaluator makes it (eval.c,
 * rexp3): unknown when `d` has an unknown part; `==` and `!=` tell whether `d` is the number 0;
 * the others compare the number, and of anything else give their error and carry on with 0;
 * `<=>` of a smaller side is unknown (see expr-three-way).
 */
function comparison(op: string, d: EvalVector, fail: (message: string, carryOn?: EvalVector) => EvalVector | undefined): EvalVector | undefined {
  // (Past any register: nasm's is_unknown.)
  if (d.find((p) => p.kind >= UNKNOWN_PART)?.kind === UNKNOWN_PART) return UNKNOWN;
  const zero = isSimple(d) && relocValue(d) === 0;
  const number = (v: number): EvalVector => [{ kind: NUMBER_PART, factor: v }];
  if (op === '=' || op === '==') return number(zero ? 1 : 0);
  if (op === '!=' || op === '<>') return number(zero ? 0 : 1);
  if (!isSimple(d)) return fail(nonScalarDifference(op), number(0));
  const v = relocValue(d);
  // (nasm's mark of an unknown comparison is -1, which a `<=>` of a smaller side gives too.)
  if (op === '<=>') return v < 0 ? UNKNOWN : number(Math.sign(v));
  return number((v < 0 && (op === '<' || op === '<=')) || (v > 0 && (op === '>' || op === '>=')) || (v === 0 && (op === '<=' || op === '>=')) ? 1 : 0);
}

/**
 * The value `equ` gives its name of `e` in nasm's first pass, in `first` (a view as made by
 * FirstPassEqus.view for the first pass): nasm's parser takes a value with an unknown part for
 * the number 0, else the sum (measured with nasm 2.16.01: `len equ e - b + 2` before `b:` and
 * `e:` is 2 there, `len equ e*0 + 2` and `len equ f + 1` before `f equ 0` are 0). Undefined
 * when it is no number or address (`a + b`, two labels). A label's number part is its address
 * here, not its offset in its section: the value returned is one of Ringside's.
 */
export function firstPassEquValue(e: Expr, first: EvalContext): Value | undefined {
  const t = vectorOf(e, (x) => {
    // Another operator than a sum or a product, over a name not known: as nasm's first pass
    // evaluates it, where unknown parts that cancel leave a number (measured with nasm 2.16.01:
    // `z equ (e - b) || 1` before `b:` and `e:` is 1 there, `z equ (e - b) && 1` 0); else as
    // evaluated now.
    if ((x.k === 'un' || x.k === 'bin') && firstLeaf(x, (y) => y.k === 'sym' && evaluate(y, first).v === undefined) !== undefined) return firstPassEvaluation(x, first).vector;
    const v = evaluate(x, first);
    if (v.v === undefined) return x.k === 'sym' ? UNKNOWN : undefined;
    return valueVector(v.v, v.sec);
  });
  if (t === undefined) return undefined;
  if (t[0]?.kind === UNKNOWN_PART) return { v: 0, sec: -1 };
  let v = 0, sec = -1;
  for (const p of t) {
    if (p.kind === NUMBER_PART) v = p.factor;
    else if (p.factor === 0) continue;
    else if (p.factor !== 1 || sec >= 0) return undefined;
    else sec = p.kind;
  }
  return { v, sec };
}

/**
 * The first term of `e`'s value as nasm's evaluator holds it, a label's number part being its
 * offset in its section (its value less `address` of it): the number part, which a sum drops
 * where two cancel (a label's or a product's is kept, 0 too), else the first segment's factor.
 * nasm's `sectalign` takes it for the alignment of any value (directiv.c, `e->value`; measured
 * with nasm 2.16.01: `align 2*lab` with lab at 0 is "segment alignment `2*lab' is not power of
 * two", `align lab+lab` is not, nor `align lab+4`). Undefined for another operator than `+`,
 * `-`, a product nasm's evaluator takes, or a value not known.
 */
export function firstTermValue(e: Expr, ctx: EvalContext, address: (sec: number) => number): number | undefined {
  const t = vectorOf(e, (x) => {
    if (x.k !== 'num' && x.k !== 'sym' && x.k !== 'here' && x.k !== 'base') return undefined;
    const v = evaluate(x, ctx);
    if (v.v === undefined || v.big !== undefined) return undefined;
    return valueVector(v.sec < 0 ? v.v : v.v - address(v.sec), v.sec);
  });
  return t === undefined ? undefined : t.find((p) => p.factor !== 0 || p.kind === NUMBER_PART)?.factor ?? 0;
}

/**
 * `e`'s vector: sums, differences, signs and products as nasm's evaluator makes them, anything
 * else as `term` gives it (undefined: no value nasm's way). A chain of sums is walked in a loop:
 * one as long as nasm allows is deeper than the host's stack (see linearChain in expr.ts).
 */
function vectorOf(e: Expr, term: (e: Expr) => EvalVector | undefined): EvalVector | undefined {
  if (e.k === 'un' && (e.op === '-' || e.op === '+')) {
    const a = vectorOf(e.a, term);
    return a === undefined || e.op === '+' ? a : scalarMult(a, -1);
  }
  if (e.k === 'bin' && e.op === '*') {
    const a = vectorOf(e.a, term), b = vectorOf(e.b, term);
    return a === undefined || b === undefined ? undefined : product(a, b);
  }
  if (e.k !== 'bin' || (e.op !== '+' && e.op !== '-')) return term(e);
  const spine: Extract<Expr, { k: 'bin' }>[] = [];
  let x: Expr = e;
  while (x.k === 'bin' && (x.op === '+' || x.op === '-')) { spine.push(x); x = x.a; }
  let sum = vectorOf(x, term);
  for (let i = spine.length - 1; i >= 0 && sum !== undefined; i--) {
    const b = vectorOf(spine[i].b, term);
    sum = b === undefined ? undefined : addVectors(sum, spine[i].op === '-' ? scalarMult(b, -1) : b);
  }
  return sum;
}

/** nasm's product of two vectors: one that is a number scales the other; undefined (nasm's "unable to multiply two non-scalar objects") unless both are only unknown. */
function product(a: EvalVector, b: EvalVector): EvalVector | undefined {
  if (isSimple(a)) return scalarMult(b, relocValue(a));
  if (isSimple(b)) return scalarMult(a, relocValue(b));
  return isJustUnknown(a) && isJustUnknown(b) ? UNKNOWN : undefined;
}

/** The vector of a number or a label: its number part `v`, and segment `sec`'s base once when it has one. */
function valueVector(v: number, sec: number): EvalVector {
  return sec < 0 ? [{ kind: NUMBER_PART, factor: v }] : [{ kind: NUMBER_PART, factor: v }, { kind: sec, factor: 1 }];
}

/**
 * nasm's add_vectors: a part on one side only is kept as it is, one on both sides only when its
 * factors do not cancel. It merges the parts in order of kind and returns once it has merged an
 * unknown part while both sides still had parts: what comes after it is dropped (measured with
 * nasm 2.16.01, `C equ e - 4 - b` and `C equ -4 + e - b` before `b:` and `e:` are 0 in the first
 * pass, `C equ e - b - 4` -4).
 */
function addVectors(p: EvalVector, q: EvalVector): EvalVector {
  const out: Part[] = [];
  let i = 0, j = 0;
  while (i < p.length && j < q.length) {
    const kind = Math.min(p[i].kind, q[j].kind);
    if (p[i].kind !== kind) out.push(q[j++]);
    else if (q[j].kind !== kind) out.push(p[i++]);
    else {
      const factor = int64Factor(p[i++].factor + q[j++].factor);
      if (factor !== 0) out.push({ kind, factor });
    }
    if (kind === UNKNOWN_PART) return out;
  }
  return out.concat(p.slice(i), q.slice(j));
}

/** nasm's scalar_mult: every part times `m`, a part that becomes 0 kept. */
function scalarMult(t: EvalVector, m: number): EvalVector {
  return t.map((p) => ({ kind: p.kind, factor: int64Factor(p.factor * m) }));
}

/**
 * A factor as nasm's int64_t holds it: a sum or product past 2^63 wraps (measured with nasm
 * 2.16.01: `[63 <=> 0x8000000000000000]` is `[0]`, the `<=>` of a difference that wrapped below 0,
 * unknown, in the first pass too, where Ringside's first took it for 1). A factor held beyond
 * 2^53 is already not exact; this keeps its sign nasm's.
 */
function int64Factor(n: number): number {
  return Number.isSafeInteger(n) || !Number.isFinite(n) ? n : Number(BigInt.asIntN(64, BigInt(n)));
}

/** nasm's is_simple: no part but the number has a factor other than 0. */
function isSimple(t: EvalVector): boolean {
  return t.every((p) => p.kind === NUMBER_PART || p.factor === 0);
}

/** nasm's is_just_unknown: the first part whose factor is not 0 is the unknown part. */
function isJustUnknown(t: EvalVector): boolean {
  return t.find((p) => p.factor !== 0)?.kind === UNKNOWN_PART;
}

/** nasm's reloc_value: the first part whose factor is not 0 when it is the number, else 0. */
function relocValue(t: EvalVector): number {
  const first = t.find((p) => p.factor !== 0);
  return first?.kind === NUMBER_PART ? first.factor : 0;
}
