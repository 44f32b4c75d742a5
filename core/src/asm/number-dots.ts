// Where nasm's preprocessor ends a number token at a `.` (preproc.c tokenize), which Ringside's
// lexer reads as one token: `3.`, `1.nolist`, `2..5`.

import type { PPToken } from './source';

/**
 * `expanded` as nasm's preprocessor scans them (an expression, a macro's parameter counts): a number with a `.` that no digit or
 * exponent follows ends before it, and what follows is a name (nasm 2.16.01, measured: `%assign x
 * 3.` is 3 with the trailing-garbage warning, `%assign x (3.)` "expecting `)'", where `3.5` is
 * "expression syntax error"; `%substr s "abcdef" 2..` and `2..5` are 'b', the start ended by the
 * name `..` or `..5`).
 */
export function withDotsApart(expanded: readonly PPToken[]): readonly PPToken[] {
  if (!expanded.some((t) => numberEnd(t) > 0)) return expanded;
  return expanded.flatMap((t) => {
    const end = numberEnd(t);
    if (end <= 0) return [t];
    const rest = t.text.slice(end);
    return [{ ...t, text: t.text.slice(0, end), end: t.start + end }, { ...t, kind: rest === '.' ? 'op' as const : 'ident' as const, text: rest, start: t.start + end, gap: false }];
  });
}

/**
 * Where nasm's preprocessor ends number token `t` at a `.` (preproc.c tokenize: one that a digit,
 * a hex digit in a hex number, an exponent or `p` follows, past underscores, goes on), whether or
 * not what is before it reads as a number (measured: `%macro m 2A.foo` is "unable to parse
 * parameter count `2A'", and `.foo` a default); else -1.
 */
function numberEnd(t: PPToken): number {
  if (t.kind !== 'number' || !t.text.includes('.')) return -1;
  const text = t.text;
  let hex = text.startsWith('$');
  for (let i = hex ? 1 : 0; i < text.length; i++) {
    const c = text[i];
    if (/[hHxX]/.test(c)) hex = true;
    if (c !== '.') continue;
    let r = i + 1;
    while (text[r] === '_') r++;
    const next = text[r] ?? '';
    if (/[0-9pP]/.test(next) || (hex ? /[0-9a-fA-F]/.test(next) : /[eE]/.test(next))) continue;
    return i > 0 ? i : -1;
  }
  return -1;
}
