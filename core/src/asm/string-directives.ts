// nasm's string directives (manual §4.2): `%strlen`, `%strcat`, `%substr` and `%deftok` make a
// single-line macro from the strings in their (expanded) arguments.

import { openString, tokenizeLine } from './lexer';
import { signedNumbers } from './macros';
import type { PPToken } from './source';
import { decodeString, quoteBytes } from './strings';

/**
 * What a string directive defines its name as: the body, and the message of an unterminated string
 * `%deftok` read in its string (nasm warns of it); or nasm's error, which defines nothing.
 */
export type StringMacro = { readonly body: PPToken[]; readonly openString?: string } | { readonly error: string };

/**
 * The macro `%strlen`, `%strcat`, `%substr` or `%deftok` (`op`; `d` as written, `%istrlen`...)
 * defines from its arguments `args`, single-line macros expanded; its tokens take the columns of
 * the name `name`.
 */
export function stringMacro(d: string, op: string, args: readonly PPToken[], name: PPToken): StringMacro {
  const at = (t: PPToken): PPToken => ({ kind: t.kind, text: t.text, start: name.start, end: name.end });
  const strings: Uint8Array[] = [];
  const numbers: number[] = [];
  for (const t of args) {
    if (t.kind === 'string') { const b = decodeString(t.text); if (b) strings.push(b); }
    else if (t.kind === 'number' || (t.kind === 'op' && t.text === '-')) numbers.push(t.kind === 'op' ? NaN : Number(t.text));
    else if (!(t.kind === 'op' && t.text === ',')) return { error: `\`${d}': expects strings${op === '%substr' ? ' and numbers' : ''}, found \`${t.text}'` };
  }
  // (nasm's words differ by directive: measured with nasm 2.16.01.)
  if (strings.length === 0) return { error: op === '%substr' ? '`%substr\' requires a string as parameter' : `\`${d}' requires string as second parameter` };
  if (op === '%strlen') return { body: [at({ kind: 'number', text: String(strings[0].length), start: 0, end: 0 })] };
  if (op === '%deftok') {
    const tokens = tokenizeLine(new TextDecoder().decode(strings[0]));
    // nasm reads the string as a line, and warns of an unterminated string in it.
    const open = openString(tokens);
    // The tokens take the name's columns; their blanks are the string's.
    const body = tokens.filter((t) => t.kind !== 'comment').map((t, k, all) => ({ ...at(t), gap: k > 0 && all[k - 1].end < t.start }));
    return open !== undefined ? { body, openString: open.message } : { body };
  }
  if (op === '%strcat') {
    const all = new Uint8Array(strings.reduce((n, b) => n + b.length, 0));
    let k = 0;
    for (const b of strings) { all.set(b, k); k += b.length; }
    return { body: [at({ kind: 'string', text: quoteBytes(all), start: 0, end: 0 })] };
  }
  // %substr NAME string, start[, length]: 1-based start (measured with nasm 2.16: a start below
  // 1 is taken as 1), a negative length counts back from the end (-1: to the end).
  const nums = signedNumbers(args);
  if (nums.length === 0) return { error: `\`${d}' requires a starting index` };
  const str = strings[0];
  const len = str.length;
  const from = Math.max(0, (nums[0] ?? 1) - 1);
  const countArg = nums[1] ?? 1;
  const count = countArg < 0 ? len - from + countArg + 1 : countArg;
  const sub = from < 0 || from >= len || count <= 0 ? new Uint8Array(0) : str.subarray(from, Math.min(len, from + count));
  return { body: [at({ kind: 'string', text: sub.length === 0 ? "''" : quoteBytes(sub), start: 0, end: 0 })] };
}
