// NASM 2.16's preprocessor functions (manual §4.4) that Ringside implements: which they are, how
// many arguments each takes, and the tokens a call's evaluated arguments become (nasm 2.16.01's
// preproc.c, measured). The call itself is read where single-line macros expand (preprocessor.ts).

import type { Value } from './expr';
import type { PPToken } from './source';

/** A function's least and most argument counts (nasm warns of another count and leaves the call as written). */
const IMPLEMENTED: ReadonlyMap<string, { readonly least: number; readonly most: number }> = new Map([
  ['%eval', { least: 1, most: Infinity }],
  ['%abs', { least: 1, most: 1 }],
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

/**
 * The tokens `%eval` or `%abs` (`name`) makes of its arguments' values, in order (undefined: an
 * argument nasm reported an error in, which makes nothing, or 0 in `%abs`): each a decimal number, a negative
 * one as `-` before it, `%abs`'s unsigned (nasm 2.16.01: `%abs(0-(1<<63))` is
 * 9223372036854775808), separated by commas (`%eval(2+3, 4*2)` is `5,8`).
 */
export function functionResult(name: string, values: readonly (Value | undefined)[]): { kind: PPToken['kind']; text: string; gap: boolean }[] {
  const out: { kind: PPToken['kind']; text: string; gap: boolean }[] = [];
  values.forEach((value, k) => {
    if (k > 0) out.push({ kind: 'op', text: ',', gap: false });
    // nasm's `%abs` of an argument it reported an error in is 0 (`%abs()`, `%abs(1/0)`).
    if ((value === undefined || value.v === undefined) && name !== '%abs') return;
    let n = value?.v === undefined ? 0n : BigInt.asIntN(64, value.big ?? BigInt(value.v));
    if (name === '%abs' && n < 0n) n = BigInt.asUintN(64, -n);
    if (n < 0n) out.push({ kind: 'op', text: '-', gap: false });
    out.push({ kind: 'number', text: (n < 0n ? -n : n).toString(), gap: false });
  });
  return out;
}
