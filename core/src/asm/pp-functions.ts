// NASM 2.16's preprocessor functions (manual §4.4) that Ringside implements: which they are, how
// many arguments each takes and evaluates, and what a call makes of its arguments (nasm 2.16.01's
// preproc.c, measured). The call itself is read where single-line macros expand (preprocessor.ts).

import type { Value } from './expr';
import type { PPToken } from './source';

interface FunctionShape {
  /** The least and most argument counts (nasm warns of another count and leaves the call as written). */
  readonly least: number;
  readonly most: number;
  /** How many arguments, from the first, are preprocessor expressions. */
  readonly evaluated: number;
}

const IMPLEMENTED: ReadonlyMap<string, FunctionShape> = new Map([
  ['%eval', { least: 1, most: Infinity, evaluated: Infinity }],
  ['%abs', { least: 1, most: 1, evaluated: 1 }],
  ['%cond', { least: 2, most: 3, evaluated: 1 }],
  ['%sel', { least: 2, most: Infinity, evaluated: 1 }],
  ['%count', { least: 0, most: Infinity, evaluated: 0 }],
]);

/** Whether `t` names a preprocessor function Ringside implements (`%eval`, in any case). */
export function isImplementedFunction(t: PPToken): boolean {
  return t.kind === 'preproc' && IMPLEMENTED.has(t.text.toLowerCase());
}

/** Whether function `name` (lower case) takes `count` arguments. */
export function takesArguments(name: string, count: number): boolean {
  const a = IMPLEMENTED.get(name);
  return a !== undefined && count >= a.least && count <= a.most;
}

/** How many of function `name`'s first arguments are preprocessor expressions. */
export function evaluatedArguments(name: string): number {
  return IMPLEMENTED.get(name)?.evaluated ?? 0;
}

/** A token a function makes: a number or a comma, or the argument to put in the call's place. */
export type FunctionToken = { readonly kind: PPToken['kind']; readonly text: string };

/**
 * What function `name` (lower case) makes of its `count` arguments, the first ones evaluated to
 * `values` (undefined: one nasm reported an error in): tokens, the index of the argument that
 * stands for the call, or a warning and nothing. As nasm 2.16.01 (measured):
 * - `%eval`: each value a decimal number, a negative one as `-` before it, separated by commas
 *   (`%eval(2+3, 4*2)` is `5,8`); an argument with an error makes nothing (`%eval(1,)` is `1,`).
 * - `%abs`: unsigned (`%abs(0-(1<<63))` is 9223372036854775808); an error is 0.
 * - `%cond(c, a[, b])`: a when c is not 0, else b or nothing; an error in c is 0.
 * - `%sel(n, a, ...)`: the nth of the rest, from 1; else nothing with nasm's warnings.
 * - `%count(...)`: how many arguments (`%count()` is 1, as a single-line macro counts them).
 */
export function functionResult(name: string, count: number, values: readonly (Value | undefined)[]): FunctionToken[] | number | { warning: string } {
  const int = (value: Value | undefined): bigint => value?.v === undefined ? 0n : BigInt.asIntN(64, value.big ?? BigInt(value.v));
  switch (name) {
    case '%cond': return int(values[0]) !== 0n ? 1 : count > 2 ? 2 : [];
    case '%sel': {
      const n = int(values[0]);
      if (n < 1n) return { warning: `%sel(${n}) is not a valid selector` };
      if (n >= BigInt(count)) return { warning: `%sel(${n}) exceeds the number of arguments` };
      return Number(n);
    }
    case '%count': return [{ kind: 'number', text: String(count) }];
  }
  const out: FunctionToken[] = [];
  values.forEach((value, k) => {
    if (k > 0) out.push({ kind: 'op', text: ',' });
    // nasm's `%abs` of an argument it reported an error in is 0 (`%abs()`, `%abs(1/0)`).
    if (value?.v === undefined && name !== '%abs') return;
    let n = int(value);
    if (name === '%abs' && n < 0n) n = BigInt.asUintN(64, -n);
    if (n < 0n) out.push({ kind: 'op', text: '-' });
    out.push({ kind: 'number', text: (n < 0n ? -n : n).toString() });
  });
  return out;
}
