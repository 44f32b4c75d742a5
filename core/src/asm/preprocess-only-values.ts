// The value of a preprocessor expression under `nasm -E`, which knows no symbol: nasm's evaluator
// holds every name as one "unknown" term (eval.c, nasm 2.16.01), with arithmetic of its own that
// decides which expressions are numbers and which are "non-constant".

import { COMPARISONS, constantOf, type Expr } from './expr';
import { foldExpr } from './expr-walk';

/**
 * A value of nasm's evaluator under -E: a number, or the unknown term with its coefficient and no
 * number beside it (nasm's add_vectors stops at the unknown term, leaving out the number after it;
 * a coefficient of 0 is kept by a product, but a sum that cancels the term leaves the number 0).
 */
type Vector = { readonly unknown: number } | { readonly v: number };

/**
 * A register: a part of its own in nasm's vector, which only a `?` that picks the other branch
 * leaves out (measured with nasm 2.16.01 -E: `%if (a-a) ? al : 5` is true); anything else done
 * with one is the general evaluator's.
 */
const REGISTER = 'register';

/** The branches of a `c ? a : b` (its `:` node's value), for the `?` to choose from. */
interface Branches { readonly branches: readonly [Vector | typeof REGISTER, Vector | typeof REGISTER] }

/** Why the fold stops: an operand or operator this model leaves to the general evaluator. */
const OTHER = null;

type Part = Vector | Branches | typeof REGISTER | typeof OTHER;

function isVector(p: Part): p is Vector {
  return typeof p === 'object' && p !== null && !('branches' in p);
}

/**
 * `e`'s value as nasm -E has it, names that `known` has no number for being unknown: a number, or
 * 'non-constant' when the unknown term is left (measured with nasm 2.16.01 -E: `%if a=b` and `%if
 * a+1==b+2` are true, `%if a-b==3`, `%if a<b` and `%if a*0+1` false, `%if a`, `%if a+1` and `%if
 * a*0==0` "non-constant value"). Undefined for what the model leaves out: registers, `$`, strings,
 * and what nasm would refuse or the host cannot count exactly.
 */
export function preprocessOnlyValue(e: Expr, known: (name: string) => number | undefined, isRegister: (name: string) => boolean): number | 'non-constant' | undefined {
  let named = false;
  const r = foldExpr<Part>(e, {
    leaf: (x) => {
      if (x.k === 'num') return x.big === undefined ? { v: x.v } : OTHER;
      if (x.k !== 'sym') return OTHER;
      if (isRegister(x.name)) return REGISTER;
      const v = x.escaped === true ? undefined : known(x.name);
      named ||= v === undefined;
      return v === undefined ? { unknown: 1 } : { v };
    },
    unary: (x, a) => (a === REGISTER && (x.op === '-' || x.op === '+') ? REGISTER : !isVector(a) ? OTHER : exactly(x.op === '-' ? scaled(a, -1) : x.op === '+' ? a : otherOperator(x, a))),
    binary: (x, a, b) => {
      if (x.op === ':') return (isVector(a) || a === REGISTER) && (isVector(b) || b === REGISTER) ? { branches: [a, b] } : OTHER;
      if (a === REGISTER || b === REGISTER) return withRegister(x.op, a, b);
      if (!isVector(a)) return OTHER;
      if (b !== null && typeof b === 'object' && 'branches' in b) return x.op === '?' ? chosen(a, b) : OTHER;
      return isVector(b) ? exactly(combined(x.op, a, b)) : OTHER;
    },
  });
  // (Without a name, or past the numbers the host's arithmetic is exact for, the general evaluator's.)
  if (!isVector(r) || !named || !Number.isSafeInteger('v' in r ? r.v : r.unknown)) return undefined;
  return 'v' in r ? r.v : r.unknown === 0 ? 0 : 'non-constant';
}

/**
 * `r`, or OTHER once a number in it is past what the host counts exactly: a sum or product past
 * 2^53 rounds, and a comparison of it could go either way (found in review: `%if (a-a) +
 * 94906267*94906267 == 94906267*94906267 + 1` was true, false to nasm -E).
 */
function exactly(r: Vector | typeof OTHER): Vector | typeof OTHER {
  return r !== OTHER && !Number.isSafeInteger('v' in r ? r.v : r.unknown) ? OTHER : r;
}

function combined(op: string, a: Vector, b: Vector): Vector | typeof OTHER {
  if (op === '+') return sum(a, b);
  if (op === '-') return sum(a, scaled(b, -1));
  if (op === '*') {
    // (A number times anything scales it; nasm's is_simple takes an unknown term of 0 for 0.)
    if (!('unknown' in a) || a.unknown === 0) return scaled(b, numberOf(a));
    if (!('unknown' in b) || b.unknown === 0) return scaled(a, numberOf(b));
    return { unknown: 1 };
  }
  if (!COMPARISONS.has(op)) return otherOperator({ k: 'bin', op, a: NO_NUMBER, b: NO_NUMBER, start: 0, end: 0 }, a, b);
  // A comparison is of the difference, unknown while any unknown term is in it, a 0 one too; and
  // `<=>` of -1 is nasm's mark of an unknown comparison (see expr.ts).
  const d = sum(a, scaled(b, -1));
  if ('unknown' in d) return { unknown: 1 };
  const v = compared(op, d.v);
  return op === '<=>' && v < 0 ? { unknown: 1 } : { v };
}

const DIVISIONS: ReadonlySet<string> = new Set(['/', '//', '%', '%%']);

const NO_NUMBER: Expr = { k: 'num', v: 0, start: 0, end: 0 };

/**
 * An operator other than a sum, a product and a comparison (`x` its node, `a` and `b` its
 * operands): unknown when an operand is the unknown term alone, else the operator on the numbers,
 * an unknown term of 0 being 0 (nasm's is_just_unknown, then reloc_value; measured, `%if ~a==~b`
 * and `%if a=b && 1` are true). What the numbers give no value for is the general evaluator's.
 */
function otherOperator(x: Extract<Expr, { k: 'un' | 'bin' }>, a: Vector, b?: Vector): Vector | typeof OTHER {
  // (A division by a number 0 is nasm's error before it looks at the unknown term: `%if a/0`.)
  if (b !== undefined && 'v' in b && b.v === 0 && DIVISIONS.has(x.op)) return OTHER;
  if (('unknown' in a && a.unknown !== 0) || (b !== undefined && 'unknown' in b && b.unknown !== 0)) return { unknown: 1 };
  const operand = (o: Vector): Expr => ({ k: 'num', v: numberOf(o), start: 0, end: 0 });
  const v = constantOf(x.k === 'un' ? { ...x, a: operand(a) } : { ...x, a: operand(a), b: operand(b!) });
  return v === undefined ? OTHER : { v };
}

/**
 * A sum, a difference or a product by a number with a register in it: a register still, whose
 * parts only a `?` can leave out (one that cancels, `al-al`, is the general evaluator's to see);
 * what nasm's evaluator refuses of a register (a shift, a comparison) is the general evaluator's.
 */
function withRegister(op: string, a: Part, b: Part): Part {
  const plain = (p: Part): boolean => p === REGISTER || isVector(p);
  if ((op === '+' || op === '-') && plain(a) && plain(b)) return REGISTER;
  if (op === '*' && ((a === REGISTER && isVector(b) && 'v' in b) || (b === REGISTER && isVector(a) && 'v' in a))) return REGISTER;
  return OTHER;
}

/**
 * `c ? a : b`: unknown when `c` is the unknown term alone, else the branch its number picks, an
 * unknown term of 0 being 0 (measured with nasm 2.16.01 -E: `%if a=b ? 1 : 0` is true, `%if a ?
 * 1 : 2` "non-constant value").
 */
function chosen(c: Vector, b: Branches): Vector | typeof REGISTER {
  if ('unknown' in c && c.unknown !== 0) return { unknown: 1 };
  return b.branches[numberOf(c) !== 0 ? 0 : 1];
}

function sum(a: Vector, b: Vector): Vector {
  if ('unknown' in a && 'unknown' in b) return a.unknown + b.unknown !== 0 ? { unknown: a.unknown + b.unknown } : { v: 0 };
  if ('unknown' in a) return a;
  if ('unknown' in b) return b;
  return { v: a.v + b.v };
}

function scaled(a: Vector, m: number): Vector {
  return 'unknown' in a ? { unknown: a.unknown * m } : { v: a.v * m };
}

function numberOf(a: Vector): number {
  return 'v' in a ? a.v : 0;
}

/** nasm's comparison of a difference `d` with 0 (`<=>`: -1, 0 or 1). */
function compared(op: string, d: number): number {
  switch (op) {
    case '=': case '==': return d === 0 ? 1 : 0;
    case '!=': case '<>': return d !== 0 ? 1 : 0;
    case '<': return d < 0 ? 1 : 0;
    case '<=': return d <= 0 ? 1 : 0;
    case '>': return d > 0 ? 1 : 0;
    case '>=': return d >= 0 ? 1 : 0;
    default: return Math.sign(d);
  }
}
