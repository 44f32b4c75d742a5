// NASM 2.16's preprocessor functions (manual §4.4) that Ringside implements: which they are, how
// many arguments each takes and evaluates, and what a call makes of its arguments (nasm 2.16.01's
// preproc.c, measured). The call itself is read where single-line macros expand (preprocessor.ts).

import { isConditional } from './conditionals';
import type { Value } from './expr';
import type { PPToken } from './source';
import { CONTROL_IN_STRING, cutAtControl, quoteBytes } from './strings';

interface FunctionShape {
  /** The least and most argument counts (nasm warns of another count and leaves the call as written). */
  readonly least: number;
  readonly most: number;
  /**
   * What each argument is, by position, the last letter for the rest: `e` a preprocessor
   * expression, `s` a string (one string token's bytes, else the tokens' text), `t` tokens.
   */
  readonly params: string;
}

const IMPLEMENTED: ReadonlyMap<string, FunctionShape> = new Map([
  ['%eval', { least: 1, most: Infinity, params: 'e' }],
  ['%abs', { least: 1, most: 1, params: 'e' }],
  ['%cond', { least: 2, most: 3, params: 'et' }],
  ['%sel', { least: 2, most: Infinity, params: 'et' }],
  ['%count', { least: 0, most: Infinity, params: 't' }],
  ['%num', { least: 1, most: 3, params: 'e' }],
  // (`%str` takes all between its parentheses as one argument, commas too.)
  ['%str', { least: 1, most: 1, params: 's' }],
  ['%strcat', { least: 1, most: Infinity, params: 's' }],
  ['%strlen', { least: 1, most: 1, params: 's' }],
  ['%substr', { least: 2, most: 3, params: 'se' }],
  ['%tok', { least: 1, most: 1, params: 's' }],
]);

/** nasm's digits for `%num` in bases up to 64 (measured: 36 in base 64 is `A`, 62 `@`, 63 `_`). */
const NUM_DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ@_';
/** The most digits `%num` pads or cuts to (nasm 2.16.01: 253 is taken, 254 and -254 "too large"). */
const NUM_MOST_DIGITS = 253;

/** Whether `t` names a preprocessor function Ringside implements (`%eval`, in any case). */
export function isImplementedFunction(t: PPToken): boolean {
  if (t.kind !== 'preproc') return false;
  const name = t.text.toLowerCase();
  return IMPLEMENTED.has(name) || testKind(name) !== undefined;
}

/**
 * The `%if` kind function `name` (lower case) tests, `%isdef` `def`, `%isnidn` `nidn`, `%is` ``
 * (an expression); undefined for another function. nasm 2.16.01 has no `%isfile` nor
 * `%isdirective` (measured: they stay as written).
 */
export function testKind(name: string): string | undefined {
  return name.startsWith('%is') && isConditional(`%if${name.slice(3)}`) ? name.slice(3) : undefined;
}

/** Whether function `name` (lower case) takes `count` arguments. */
export function takesArguments(name: string, count: number): boolean {
  if (testKind(name) !== undefined) return true;
  const a = IMPLEMENTED.get(name);
  return a !== undefined && count >= a.least && count <= a.most;
}

/** What function `name`'s argument `k` is (see FunctionShape.params). */
export function parameterKind(name: string, k: number): string {
  const p = IMPLEMENTED.get(name)?.params ?? 't';
  return p[Math.min(k, p.length - 1)];
}

/**
 * The value of function `name`'s argument `k` written empty, where nasm reads that as its default
 * (`%num(255,,16)` is `'ff'`); undefined where it is an expression syntax error.
 */
export function emptyArgumentValue(name: string, k: number): Value | undefined {
  if (name === '%substr' && k === 2) return { v: -1, sec: -1 };
  if (name !== '%num' || k === 0) return undefined;
  return { v: k === 1 ? -1 : 10, sec: -1 };
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
 * - `%num(n[, digits[, base]])`: n unsigned in base 2 to 64 (default 10) as a string, padded with
 *   zeros to |digits| digits, and cut to them when digits is positive (`%num(12345,2)` is `'45'`); by
 *   default at least one digit, a count of 0 none of 0 (`%num(0, 0)` is `''`).
 * - `%str(...)`: the tokens' text as a string; `%strcat(...)` its string arguments' bytes joined;
 *   `%strlen(s)` their count; `%substr(s, start[, len])` from start (below 1: 1), len bytes (by
 *   default -1; a negative len counts back from the end, -1 to it); `%tok(s)` its bytes read as a
 *   line (given as its text).
 * `strings` are the `s` arguments' bytes; `report` takes nasm's errors and warnings (`%sel(0)`:
 * "not a valid selector").
 */
export function functionResult(name: string, count: number, values: readonly (Value | undefined)[],
  report: (severity: 'error' | 'warning', message: string) => void, strings: readonly (Uint8Array | undefined)[] = []): FunctionToken[] | number | string {
  const quoted = (bytes: Uint8Array): FunctionToken[] => [{ kind: 'string', text: bytes.length === 0 ? "''" : quoteBytes(bytes) }];
  const int = (value: Value | undefined): bigint => value?.v === undefined ? 0n : BigInt.asIntN(64, value.big ?? BigInt(value.v));
  switch (name) {
    case '%cond': return int(values[0]) !== 0n ? 1 : count > 2 ? 2 : [];
    case '%sel': {
      const n = int(values[0]);
      if (n < 1n) { report('warning', `%sel(${n}) is not a valid selector`); return []; }
      if (n >= BigInt(count)) { report('warning', `%sel(${n}) exceeds the number of arguments`); return []; }
      return Number(n);
    }
    case '%count': return [{ kind: 'number', text: String(count) }];
    case '%str': return quoted(strings[0]!);
    case '%strlen': return [{ kind: 'number', text: String(strings[0]!.length) }];
    case '%tok': {
      // Read as a C string first: a control character ends it, with nasm's error (see cutAtControl).
      const cut = cutAtControl(strings[0]!);
      if (cut !== undefined) report('error', CONTROL_IN_STRING);
      return new TextDecoder().decode(cut ?? strings[0]!);
    }
    case '%strcat': {
      const all = new Uint8Array(strings.reduce((n, b) => n + b!.length, 0));
      let k = 0;
      for (const b of strings) { all.set(b!, k); k += b!.length; }
      return quoted(all);
    }
    case '%substr': {
      const str = strings[0]!;
      const from = Math.max(0, Number(int(values[1])) - 1);
      const len = values.length > 2 ? Number(int(values[2])) : -1;
      const n = len < 0 ? str.length - from + len + 1 : len;
      return quoted(from >= str.length || n <= 0 ? new Uint8Array(0) : str.subarray(from, Math.min(str.length, from + n)));
    }
    case '%num': {
      let n = BigInt.asUintN(64, int(values[0]));
      // By default -1: at least one digit, none cut (an error in the count is 0: `%num(0, 1/0)` is `''`).
      let digits = values.length > 1 ? int(values[1]) : -1n;
      const base = values.length > 2 ? int(values[2]) : 10n;
      let width = digits < 0n ? -digits : digits;
      if (width > NUM_MOST_DIGITS) { report('error', `digit count ${digits} specified to %num() too large`); digits = -1n; width = 1n; }
      if (base < 2n || base > 64n) { report('error', `invalid base ${base} given to %num()`); return []; }
      let text = '';
      // A negative count pads only; a positive one also cuts (`%num(12345,-2)` is `'12345'`); 0 makes
      // no digit of 0 (`%num(0, 0)` is `''`, measured).
      while ((digits <= 0n && n > 0n) || BigInt(text.length) < width) { text = NUM_DIGITS[Number(n % base)] + text; n /= base; }
      return [{ kind: 'string', text: `'${text}'` }];
    }
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
