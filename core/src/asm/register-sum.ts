// An operand outside brackets that names a register inside an expression (`cl-1`, `ax*1`,
// `bx-bx+5`), as nasm 2.16.01's parser reads it: the expression is a sum of registers times
// numbers plus a number, and the number after a register is the size of an AVX-512 register set
// less one (`zmm0+3`). Measured: `add al, cl-1` and `add al, cl+0` are `add al, cl`;
// `mov ax, 3*ax-2*ax` is `mov ax, ax`; `mov ax, bx-bx+5` is `mov ax, 5` and `bx-bx+x` is `x`;
// `cl+1`, `cl+3` ... `cl+15` say "register set not valid for operand", `cl+2`, `cl-2`, `cl+31`
// "invalid register set size"; `2*bx`, `cl+dl`, `-cl` and `cl-x` (a label) "invalid operand type".

import { COMPARISONS, CONDITION_NOT_SCALAR, constantOf, DECORATOR_TERM, isQuestionMark, nonScalarDifference, scalarOnlyMessage, type Expr } from './expr';
import type { Token } from './lexer';
import { firstLeaf } from './expr-walk';
import { lookupRegister } from '../isa/registers';

/**
 * The register expression `e` is, when each of its terms names a register and they sum to one
 * register once: as nasm's parser takes a segment override before a `:` (measured with nasm
 * 2.16.01: `+es:[di]`, `(es):[di]`, `es*1:[di]` and `2*es-es:[di]` are `[es:di]`; `es+0:[di]`,
 * whose evaluator keeps a number term beside the register, `-es:[di]` and `es*2:[di]` "invalid
 * segment override"). Else undefined.
 */
export function soleRegister(e: Expr): string | undefined {
  if (!termsNameRegisters(e)) return undefined;
  const factors = registerFactors(e);
  if (typeof factors === 'string' || factors.size !== 1) return undefined;
  const [[name, factor]] = factors;
  return factor === 1 ? name : undefined;
}

function termsNameRegisters(e: Expr): boolean {
  if (e.k === 'un' && e.op === '+') return termsNameRegisters(e.a);
  if (e.k === 'bin' && (e.op === '+' || e.op === '-')) return termsNameRegisters(e.a) && termsNameRegisters(e.b);
  return namesRegister(e);
}

/** What nasm makes of a register operand with `constant` added: undefined for the register alone, else its error. */
export function registerSetProblem(constant: number): string | undefined {
  const setSize = constant + 1;
  // A set of 0 or 1 registers is the register alone; sets of 2, 4, 8 or 16 are AVX-512's.
  if (setSize === 0 || setSize === 1) return undefined;
  return setSize === 2 || setSize === 4 || setSize === 8 || setSize === 16 ? 'register set not valid for operand' : INVALID_SET_SIZE;
}

/** nasm's parser's word on a register set of a size no register set has. */
export const INVALID_SET_SIZE = 'invalid register set size';

/**
 * The factor of each register in `e` (none of them 0), or nasm's error when `e` is no sum of
 * registers times numbers plus the rest (measured: `-cl` "invalid operand type", `bx*cx` "unable
 * to multiply two non-scalar objects", `bx<<1` and `1/bx` the operator's word on scalar values).
 */
export function registerFactors(e: Expr): ReadonlyMap<string, number> | string {
  const factors = new Map<string, number>();
  const problem = addFactors(e, 1, factors);
  if (problem !== undefined) return problem;
  for (const [name, factor] of factors) if (factor === 0) factors.delete(name);
  return factors;
}

/** Adds `factor` times `e`'s registers to `factors`; nasm's error when they are no sum. */
function addFactors(e: Expr, factor: number, factors: Map<string, number>, isRegister = isRegisterSymbol): string | undefined {
  if (!namesRegister(e, isRegister)) return undefined;
  switch (e.k) {
    case 'sym':
      // (By the register, in any case: measured, `ax-AX+1` is 1.)
      factors.set(e.name.toLowerCase(), (factors.get(e.name.toLowerCase()) ?? 0) + factor);
      return undefined;
    case 'un':
      if (e.op === '+') return addFactors(e.a, factor, factors, isRegister);
      return e.op === '-' || e.op.startsWith('ilog2') ? INVALID_OPERAND : scalarOnlyMessage(e.op);
    case 'bin': {
      if (e.op === '+' || e.op === '-') return addFactors(e.a, factor, factors, isRegister) ?? addFactors(e.b, e.op === '-' ? -factor : factor, factors, isRegister);
      if (e.op === '?') return CONDITION_NOT_SCALAR;
      // (A register after `wrt` is no segment: measured, `push lab wrt cs` is this; before it, `push eax wrt lab`, "invalid operand type".)
      if (e.op === 'wrt') return namesRegister(e.b, isRegister) ? 'invalid right-hand operand to WRT' : INVALID_OPERAND;
      if (e.op !== '*') return COMPARISONS.has(e.op) ? INVALID_OPERAND : scalarOnlyMessage(e.op);
      if (namesRegister(e.a, isRegister) && namesRegister(e.b, isRegister)) return 'unable to multiply two non-scalar objects';
      const [reg, num] = namesRegister(e.a, isRegister) ? [e.a, e.b] : [e.b, e.a];
      const n = constantOf(num);
      return n === undefined ? INVALID_OPERAND : addFactors(reg, factor * n, factors, isRegister);
    }
    default: return INVALID_OPERAND;
  }
}

export const INVALID_OPERAND = 'invalid operand type';

/**
 * `e` with each conditional that names a register made the branch its condition chooses: nasm's
 * evaluator takes `c ? a : b` for `a` or `b` itself when `c` is a number, registers and all
 * (measured with nasm 2.16.01: `mov eax, (1 ? ebx : 2)` is `mov eax, ebx`, `[ebx+(1 ? eax : 2)*4]`
 * is [ebx+eax*4], and after or before `X equ 0`, `[ebx+(X ? eax : ecx)*4]` [ebx+ecx*4]).
 * `value`: the condition's number, undefined where it is none (a register or a label there stays,
 * for nasm's "the left-hand side of `?' must be a scalar value"). `readOther`: the branch not
 * taken is kept as its names' `(s - s)`, read for nasm's errors.
 */
export function chosenBranches(e: Expr, value: (c: Expr) => number | undefined, readOther = true): Expr {
  if (e.k === 'un') {
    const a = chosenBranches(e.a, value, readOther);
    return a === e.a ? e : { ...e, a };
  }
  if (e.k !== 'bin' || !namesRegister(e)) return e;
  if (e.op === '?' && !namesRegister(e.a)) {
    const c = value(e.a);
    const branches = e.b as Extract<Expr, { k: 'bin' }>;
    // (The other branch is read too, for its errors: measured, `[ebx+(1 ? eax : zz)*4]` is
    // "symbol `zz' not defined".)
    // (`readOther` false: not for an operand outside brackets, where what the register adds must be a
    // number known to the parser.)
    if (c === undefined) return e;
    const chosen = chosenBranches(c !== 0 ? branches.a : branches.b, value, readOther);
    return readOther ? withSidesRead(chosen, [c !== 0 ? branches.b : branches.a], isRegisterSymbol) : chosen;
  }
  const a = chosenBranches(e.a, value, readOther);
  const b = chosenBranches(e.b, value, readOther);
  return a === e.a && b === e.b ? e : { ...e, a, b };
}

/** Whether `toks[start..end)` holds a conditional's `?` (see chosenBranches). */
export function conditionalIn(toks: readonly Token[], start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (isQuestionMark(toks[k])) return true;
  return false;
}

/**
 * `e` with each comparison whose sides name registers made what nasm's evaluator makes of it: it
 * compares the difference of the two sides, which, where the registers do not cancel out, is no
 * number, unequal to any and of no order (measured with nasm 2.16.01: `db eax == 1` is 0,
 * `db eax != 1` 1, `db eax+1 == 1+eax` 1, `%if eax == 0` false, `db eax < 1` "`<': operands
 * differ by a non-scalar"); where they cancel, the comparison of the rest. nasm's message for an
 * ordering of such sides. `isRegister`: which names are registers (the preprocessor's evaluator
 * has its own).
 */
export function registersCompared(e: Expr, isRegister: (e: Extract<Expr, { k: 'sym' }>) => boolean = isRegisterSymbol): Expr | string {
  return someRegister(e, isRegister) ? comparedSides(e, isRegister) : e;
}

/** Whether `root` names a register, read in a loop: an expression may be deeper than the stack (see evaluateChain). */
function someRegister(root: Expr, isRegister: (e: Extract<Expr, { k: 'sym' }>) => boolean): boolean {
  const pending: Expr[] = [root];
  for (let e = pending.pop(); e !== undefined; e = pending.pop()) {
    if (e.k === 'sym' && isRegister(e)) return true;
    if (e.k === 'un') pending.push(e.a);
    else if (e.k === 'bin') pending.push(e.b, e.a);
  }
  return false;
}

function comparedSides(e: Expr, isRegister: (e: Extract<Expr, { k: 'sym' }>) => boolean): Expr | string {
  if (e.k === 'un') {
    let a = comparedSides(e.a, isRegister);
    if (typeof a === 'string') return a;
    a = cancelled(a, isRegister);
    return a === e.a ? e : { ...e, a };
  }
  if (e.k !== 'bin') return e;
  let a = comparedSides(e.a, isRegister);
  if (typeof a === 'string') return a;
  let b = comparedSides(e.b, isRegister);
  if (typeof b === 'string') return b;
  if (e.op !== '+' && e.op !== '-') { a = cancelled(a, isRegister); b = cancelled(b, isRegister); }
  if (!COMPARISONS.has(e.op) || !(namesRegister(a, isRegister) || namesRegister(b, isRegister))) return a === e.a && b === e.b ? e : { ...e, a, b };
  const factors = new Map<string, number>();
  // (Sides that are no sums of registers are the evaluator's to refuse, as before.)
  if (addFactors(a, 1, factors, isRegister) !== undefined || addFactors(b, -1, factors, isRegister) !== undefined) return { ...e, a, b };
  if ([...factors.values()].every((f) => f === 0)) return { ...e, a: withoutRegisters(a, isRegister), b: withoutRegisters(b, isRegister) };
  if (e.op !== '=' && e.op !== '==' && e.op !== '!=' && e.op !== '<>') return nonScalarDifference(e.op);
  // The sides are still evaluated, but for their registers, so that nasm's errors in them stand
  // (measured: `mov eax, ebx=lbl` is `mov eax, 0`, `dd ebx<>lbl` 1, `dd ebx=zz` "symbol `zz' not
  // defined", `mov eax, [eax=10/0]` "division by zero").
  return unequalSides(e, withoutRegisters(a, isRegister), withoutRegisters(b, isRegister));
}

/**
 * Comparison `e` of sides whose registers do not cancel, `a` and `b` without them: the unequal
 * sides' value (`!=` 1, `==` 0), which is unknown where their difference is: nasm's evaluator
 * compares the difference, unknown while a part of it is (is_unknown looks past its registers;
 * measured with nasm 2.16.01, `times fwd != al db 1` before `fwd:` is "non-constant argument
 * supplied to TIMES", where `db fwd != al` is 1). Written `(a - b)*0 != 1`, or `== 1`: a product
 * by 0 keeps an unknown part where a difference would cancel it (see eval-vector.ts).
 */
function unequalSides(e: Extract<Expr, { k: 'bin' }>, a: Expr, b: Expr): Expr {
  const { start, end } = e;
  const zero: Expr = { k: 'bin', op: '*', a: { k: 'bin', op: '-', a, b, start, end }, b: { k: 'num', v: 0, start, end }, start, end };
  return { k: 'bin', op: e.op === '=' || e.op === '==' ? '==' : '!=', a: zero, b: { k: 'num', v: 1, start, end }, start, end };
}

/**
 * `e` with each register a 0 when they are a sum that cancels out (`ax-ax`): a number to nasm's
 * evaluator, which an operator on numbers takes (measured with nasm 2.16.01: `db (ax-ax)|1` is 1,
 * `db 2 dup (1|ax-ax)` 01 01); `e` itself otherwise.
 */
function cancelled(e: Expr, isRegister: (e: Extract<Expr, { k: 'sym' }>) => boolean): Expr {
  if (!namesRegister(e, isRegister)) return e;
  const factors = new Map<string, number>();
  if (addFactors(e, 1, factors, isRegister) !== undefined || ![...factors.values()].every((f) => f === 0)) return e;
  return withoutRegisters(e, isRegister);
}

/**
 * `v` plus, for each of `sides`, `(side - side)`: no value, but evaluated, with its registers 0
 * when they are a sum (see withoutRegisters), else as it is, for the evaluator to refuse (measured:
 * `[ebx+(1 ? eax : ecx*edx)*4]` is "unable to multiply two non-scalar objects").
 */
function withSidesRead(v: Expr, sides: readonly Expr[], isRegister: (e: Extract<Expr, { k: 'sym' }>) => boolean): Expr {
  const { start, end } = v;
  for (const side of sides) {
    const s = addFactors(side, 1, new Map(), isRegister) === undefined ? withoutRegisters(side, isRegister) : side;
    v = { k: 'bin', op: '+', a: v, b: { k: 'bin', op: '-', a: s, b: s, start: s.start, end: s.end }, start, end };
  }
  return v;
}

/** `e` with each register's name a 0: what it adds besides its registers, when they are a sum (registerFactors). */
export function withoutRegisters(e: Expr, isRegister = isRegisterSymbol): Expr {
  if (!namesRegister(e, isRegister)) return e;
  switch (e.k) {
    case 'sym': return { k: 'num', v: 0, start: e.start, end: e.end };
    case 'un': return { ...e, a: withoutRegisters(e.a, isRegister) };
    case 'bin': return { ...e, a: withoutRegisters(e.a, isRegister), b: withoutRegisters(e.b, isRegister) };
    default: return e;
  }
}

/** A register, or a decorator, which nasm's evaluator holds as a term of its own as it does a register (see DECORATOR_TERM). */
function isRegisterSymbol(e: Extract<Expr, { k: 'sym' }>): boolean {
  return e.escaped === undefined && (lookupRegister(e.name) !== undefined || e.name === DECORATOR_TERM);
}

function namesRegister(e: Expr, isRegister = isRegisterSymbol): boolean {
  return firstLeaf(e, (x) => x.k === 'sym' && isRegister(x)) !== undefined;
}

/**
 * `resb`'s count `e`, which nasm's parser reads as an instruction's operand: where it names a
 * register, the number left once its registers compare or cancel out, else nasm's message of it
 * (measured with nasm 2.16.01: `resb eax-eax+3` and `resb (eax==eax)+2` reserve 3, `resb al == 3`
 * nothing; `resb eax` and `resb eax+1` are "invalid combination of opcode and operands", `resb
 * 2*eax` "invalid operand type", `resb eax|1` the `|`'s error, `resb eax<1` the `<`'s). `e`
 * itself where it names none.
 */
export function reserveCount(e: Expr): Expr | string {
  if (!namesRegister(e)) return e;
  const compared = registersCompared(e);
  if (typeof compared === 'string') return compared;
  const chosen = chosenBranches(compared, constantOf, false);
  const factors = registerFactors(chosen);
  if (typeof factors === 'string') return factors;
  if (factors.size === 0) return withoutRegisters(chosen);
  const [factor] = [...factors.values()];
  return factors.size > 1 || factor !== 1 ? INVALID_OPERAND : 'invalid combination of opcode and operands';
}

/** An error nasm's evaluator gives of an operator applied to a register, at `node`. */
export interface RegisterOperatorError { readonly message: string; readonly node: Expr }

/**
 * The errors nasm 2.16.01's evaluator gives of data item `e`, which names registers, in order:
 * it holds a register as a term of its own, which no operator takes but `+`, `-`, a product with
 * a number and a comparison. A product of two, a division, `~`, `!` or a function is its error,
 * after which it reads no further; a shift is its error, going on with its left operand; `| ^ &
 * || ^^ &&` theirs, going on with a number (eval.c). `registers`: whether the value still names
 * one, which the data refuses (measured: `dd ebx*ecx` and `dd eax = ebx*ecx` are "unable to
 * multiply two non-scalar objects" alone, `dd ebx<<1` the shift's error then "expression is not
 * simple or relocatable", `dd ebx|1` and `dd (ebx<<1)-ebx` the operator's error alone).
 */
export function dataRegisterErrors(e: Expr): { readonly errors: readonly RegisterOperatorError[]; readonly registers: boolean } {
  const errors: RegisterOperatorError[] = [];
  const v = registerTerms(e, errors);
  return { errors, registers: v !== undefined && [...v.values()].some((c) => c !== 0) };
}

/** `e`'s registers with their factors as nasm's evaluator holds them, its errors added to `errors`; undefined where it gave up. */
function registerTerms(e: Expr, errors: RegisterOperatorError[]): Map<string, number> | undefined {
  if (e.k === 'sym') return isRegisterSymbol(e) ? new Map([[e.name.toLowerCase(), 1]]) : new Map();
  if (e.k === 'un') {
    const a = registerTerms(e.a, errors);
    if (a === undefined || e.op === '+') return a;
    if (e.op === '-') return scaledTerms(a, -1);
    if (!hasTerms(a)) return a;
    errors.push({ message: scalarOnlyMessage(e.op), node: e });
    return undefined;
  }
  if (e.k !== 'bin') return new Map();
  if (e.op === 'wrt') return registerTerms(e.a, errors);
  const a = registerTerms(e.a, errors);
  if (a === undefined) return undefined;
  if (e.op === '?') return hasTerms(a) ? (errors.push({ message: CONDITION_NOT_SCALAR, node: e }), a) : new Map();
  const b = registerTerms(e.b, errors);
  if (b === undefined) return undefined;
  const registers = hasTerms(a) || hasTerms(b);
  if (e.op === '+' || e.op === '-') {
    for (const [name, c] of b) a.set(name, (a.get(name) ?? 0) + (e.op === '-' ? -c : c));
    return a;
  }
  if (!registers) return a;
  if (e.op === '*') {
    if (hasTerms(a) && hasTerms(b)) { errors.push({ message: 'unable to multiply two non-scalar objects', node: e }); return undefined; }
    return hasTerms(a) ? scaledTerms(a, constantOf(e.b) ?? 1) : scaledTerms(b, constantOf(e.a) ?? 1);
  }
  if (COMPARISONS.has(e.op)) {
    for (const [name, c] of b) a.set(name, (a.get(name) ?? 0) - c);
    if (hasTerms(a) && e.op !== '=' && e.op !== '==' && e.op !== '!=' && e.op !== '<>') errors.push({ message: nonScalarDifference(e.op), node: e });
    return new Map();
  }
  const message = scalarOnlyMessage(e.op);
  errors.push({ message, node: e });
  if (message.startsWith('division')) return undefined;
  return message.startsWith('shift') ? a : new Map();
}

function hasTerms(t: ReadonlyMap<string, number>): boolean {
  for (const c of t.values()) if (c !== 0) return true;
  return false;
}

function scaledTerms(t: Map<string, number>, m: number): Map<string, number> {
  for (const [name, c] of t) t.set(name, c * m);
  return t;
}
