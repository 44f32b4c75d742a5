// A macro's parameter counts as nasm 2.16.01 reads them (read_param_count), for `%macro`,
// `%unmacro` and `%ifmacro` alike.

import { withDotsApart } from './number-dots';
import { exceeds64Bits, isFloatText, parseNumber, parseNumberExact } from './numbers';
import { spaced, type PPToken } from './source';

/** A message on a macro's parameter counts: an error, or nasm's number-overflow warning. */
export interface CountProblem {
  readonly message: string;
  readonly overflow?: true;
}

/**
 * The value of parameter count `text` (a number token nasm reads) as nasm 2.16.01's
 * read_param_count takes it: the number cut to a 32-bit int, and when that is negative, 0 and an
 * error, after the warning of a number past 64 bits (measured: `%macro m 4294967297` takes one
 * parameter; `2222222222` and `0x80000000` are "parameter count `...' is out of bounds").
 */
export function readParamCount(text: string, problems: CountProblem[]): number {
  if (exceeds64Bits(text)) problems.push({ message: `numeric constant ${text} does not fit in 64 bits`, overflow: true });
  const n = Number(BigInt.asIntN(32, parseNumberExact(text)));
  if (n >= 0) return n;
  problems.push({ message: `parameter count \`${text}' is out of bounds [0; 2147483647]` });
  return 0;
}

/**
 * The value of count `text`, a number token to the lexer: readParamCount's; for one nasm's
 * tokenizer makes a number of but no number form reads (`2A`, `0b12`, `0q9`), nasm's "unable to
 * parse parameter count" and 0 (measured with nasm 2.16.01: `%macro m 1-2A` is that, then
 * "minimum parameter count exceeds maximum"); undefined for a float (`3e2`), no number to nasm.
 */
export function paramCountOf(text: string, problems: CountProblem[]): number | undefined {
  if (isFloatText(text)) return undefined;
  if (parseNumber(text) === undefined) { problems.push({ message: `unable to parse parameter count \`${text}'` }); return 0; }
  return readParamCount(text, problems);
}

/** A count range after a macro's name, `N`, `N-M` or `N-*`, then perhaps `+`, as nasm 2.16.01 reads it. */
export interface CountRange {
  /** nasm's tokens, a blank between two as null (see spaced); `1.nolist` is a count and a name (see withDotsApart). */
  readonly seq: readonly (PPToken | null)[];
  /** The first count; undefined when it is no count (a problem says so). */
  readonly first: number | undefined;
  /**
   * The count after `-`, Infinity for `*`; undefined without a `-`, or when it is no count or
   * less than the first (a problem says so).
   */
  readonly last: number | undefined;
  readonly plus: boolean;
  /** The index in `seq` of the range's last token (0 for a lone count, even one that is no count). */
  readonly at: number;
  /** nasm's messages on the counts, in order. */
  readonly problems: CountProblem[];
}

/**
 * The range at the start of `written` (single-line macros expanded): the `-`, the count after it
 * and the `+` only when written right after what they follow, as nasm reads them (measured: `m 1
 * - 2` is one parameter, and tokens left). `directive` is named in the messages as written, with
 * `orNothing` where nasm's says a count may be left out (`%ifmacro`).
 */
export function readCountRange(written: readonly PPToken[], directive: string, orNothing: boolean): CountRange {
  const after = withDotsApart(written);
  const seq: (PPToken | null)[] = [];
  for (let k = 0; k < after.length; k++) {
    if (k > 0 && spaced(after[k - 1], after[k])) seq.push(null);
    seq.push(after[k]);
  }
  const problems: CountProblem[] = [];
  const count = (t: PPToken | null | undefined): number | undefined => (!t || t.kind !== 'number' ? undefined : paramCountOf(t.text, problems));
  let at = 0;
  const first = count(seq[0]);
  if (first === undefined) problems.push({ message: `\`${directive}' expects a parameter count${orNothing ? ' or nothing' : ''}` });
  let last: number | undefined;
  if (seq[at + 1]?.text === '-') {
    at += 2;
    const n = count(seq[at]);
    if (seq[at]?.text === '*') last = Infinity;
    else if (n === undefined) problems.push({ message: `\`${directive}' expects a parameter count after \`-'` });
    else if (n < (first ?? 0)) problems.push({ message: 'minimum parameter count exceeds maximum' });
    else last = n;
  }
  let plus = false;
  if (at < seq.length && seq[at + 1]?.text === '+') { at++; plus = true; }
  return { seq, first, last, plus, at, problems };
}
