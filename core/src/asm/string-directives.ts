// nasm's string directives (manual §4.2): `%strlen`, `%strcat`, `%substr` and `%deftok` make a
// single-line macro from the strings in their (expanded) arguments.

import { openString, tokenizeLine } from './lexer';
import type { PPToken } from './source';
import { CONTROL_IN_STRING, cutAtControl, decodeString, quoteBytes } from './strings';

/**
 * What a string directive defines its name as: the body, and the message of an unterminated string
 * `%deftok` read in its string (nasm warns of it); or nasm's error, which defines nothing.
 */
export type StringMacro = { readonly body: PPToken[]; readonly openString?: string; readonly control?: string } | { readonly error: string };

/**
 * The macro `%strlen`, `%strcat` or `%deftok` (`op`; `d` as written, `%iStrLen`...) defines from
 * its arguments `args`, single-line macros expanded, as nasm 2.16.01 reads them (measured): the
 * first token of `%strlen` and `%deftok` must be a string, whatever follows it is ignored
 * (`%strlen L 'ab' foo` is 2); `%strcat` joins strings, commas between them or not, and any other
 * token is its error (`%strcat S 'a', 1`: "non-string passed to `%strcat': 1"); nothing is ''.
 * Its tokens take the columns of the name `name`.
 */
export function stringMacro(d: string, op: string, args: readonly PPToken[], name: PPToken): StringMacro {
  const at = (t: PPToken): PPToken => ({ kind: t.kind, text: t.text, start: name.start, end: name.end });
  if (op === '%strcat') {
    const strings: Uint8Array[] = [];
    for (const t of args) {
      if (t.kind === 'string') strings.push(decodeString(t.text) ?? new Uint8Array(0));
      else if (t.text !== ',') return { error: `non-string passed to \`${d}': ${t.text}` };
    }
    const all = new Uint8Array(strings.reduce((n, b) => n + b.length, 0));
    let k = 0;
    for (const b of strings) { all.set(b, k); k += b.length; }
    return { body: [at({ kind: 'string', text: all.length === 0 ? "''" : quoteBytes(all), start: 0, end: 0 })] };
  }
  const first = args[0];
  if (first === undefined || first.kind !== 'string') return { error: `\`${d}' requires string as second parameter` };
  const bytes = decodeString(first.text) ?? new Uint8Array(0);
  if (op === '%strlen') return { body: [at({ kind: 'number', text: String(bytes.length), start: 0, end: 0 })] };
  // nasm reads the string as a C string (a control character ends it, with its error), then as a
  // line, and warns of an unterminated string in it.
  const cut = cutAtControl(bytes);
  const tokens = tokenizeLine(new TextDecoder().decode(cut ?? bytes));
  const open = openString(tokens);
  // The tokens take the name's columns; their blanks are the string's.
  const body = tokens.filter((t) => t.kind !== 'comment').map((t, k, all) => ({ ...at(t), gap: k > 0 && all[k - 1].end < t.start }));
  return { body, openString: open?.message, control: cut !== undefined ? CONTROL_IN_STRING : undefined };
}

/**
 * `%substr`'s part of `str` (nasm 2.16.01's preproc.c, measured): from `start` counted from 1 (below
 * 1: 1), `count` bytes, a negative count counting back from the end (-1: to the end).
 */
export function substring(str: Uint8Array, start: number, count: number): Uint8Array {
  const len = str.length;
  const from = Math.max(0, start - 1);
  let n = count < 0 ? len + count + 1 - from : count;
  if (from + n > len) n = len - from;
  return len === 0 || n <= 0 || from >= len ? new Uint8Array(0) : str.subarray(from, from + n);
}
