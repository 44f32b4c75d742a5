// A macro's parameter counts as nasm 2.16.01 reads them (read_param_count), for `%macro`,
// `%unmacro` and `%ifmacro` alike.

import { exceeds64Bits, isFloatText, parseNumber, parseNumberExact } from './numbers';

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
