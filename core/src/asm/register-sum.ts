// An operand outside brackets that names a register inside an expression (`cl-1`, `ax*1`,
// `bx-bx+5`), as nasm 2.16.01's parser reads it: the expression is a sum of registers times
// numbers plus a number, and the number after a register is the size of an AVX-512 register set
// less one (`zmm0+3`). Measured: `add al, cl-1` and `add al, cl+0` are `add al, cl`;
// `mov ax, 3*ax-2*ax` is `mov ax, ax`; `mov ax, bx-bx+5` is `mov ax, 5` and `bx-bx+x` is `x`;
// `cl+1`, `cl+3` ... `cl+15` say "register set not valid for operand", `cl+2`, `cl-2`, `cl+31`
// "invalid register set size"; `2*bx`, `cl+dl`, `-cl` and `cl-x` (a label) "invalid operand type".

import { COMPARISONS, constantOf, scalarOnlyMessage, type Expr } from './expr';
import { firstLeaf } from './expr-walk';
import { lookupRegister } from '../isa/registers';

/** What nasm makes of a register operand with `constant` added: undefined for the register alone, else its error. */
export function registerSetProblem(constant: number): string | undefined {
  const setSize = constant + 1;
  // A set of 0 or 1 registers is the register alone; sets of 2, 4, 8 or 16 are AVX-512's.
  if (setSize === 0 || setSize === 1) return undefined;
  return setSize === 2 || setSize === 4 || setSize === 8 || setSize === 16 ? 'register set not valid for operand' : 'invalid register set size';
}

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
function addFactors(e: Expr, factor: number, factors: Map<string, number>): string | undefined {
  if (!namesRegister(e)) return undefined;
  switch (e.k) {
    case 'sym':
      factors.set(e.name, (factors.get(e.name) ?? 0) + factor);
      return undefined;
    case 'un':
      if (e.op === '+') return addFactors(e.a, factor, factors);
      return e.op === '-' || e.op.startsWith('ilog2') ? INVALID_OPERAND : scalarOnlyMessage(e.op);
    case 'bin': {
      if (e.op === '+' || e.op === '-') return addFactors(e.a, factor, factors) ?? addFactors(e.b, e.op === '-' ? -factor : factor, factors);
      if (e.op === '?') return 'the left-hand side of `?\' must be a scalar value';
      if (e.op !== '*') return COMPARISONS.has(e.op) ? INVALID_OPERAND : scalarOnlyMessage(e.op);
      if (namesRegister(e.a) && namesRegister(e.b)) return 'unable to multiply two non-scalar objects';
      const [reg, num] = namesRegister(e.a) ? [e.a, e.b] : [e.b, e.a];
      const n = constantOf(num);
      return n === undefined ? INVALID_OPERAND : addFactors(reg, factor * n, factors);
    }
    default: return INVALID_OPERAND;
  }
}

export const INVALID_OPERAND = 'invalid operand type';

/** `e` with each register's name a 0: what it adds besides its registers, when they are a sum (registerFactors). */
export function withoutRegisters(e: Expr): Expr {
  if (!namesRegister(e)) return e;
  switch (e.k) {
    case 'sym': return { k: 'num', v: 0, start: e.start, end: e.end };
    case 'un': return { ...e, a: withoutRegisters(e.a) };
    case 'bin': return { ...e, a: withoutRegisters(e.a), b: withoutRegisters(e.b) };
    default: return e;
  }
}

function namesRegister(e: Expr): boolean {
  return firstLeaf(e, (x) => x.k === 'sym' && x.escaped === undefined && lookupRegister(x.name) !== undefined) !== undefined;
}
