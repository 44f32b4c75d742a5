// How nasm's assembler reads a line the preprocessor changed: nasm writes the expanded tokens back
// to text (preproc.c detoken) and its scanner reads that text again (stdscan.c), so tokens an
// expansion put side by side with no blanks between them read as one (`%define f(x) x` / `db f(1)2`
// is `db 12`, `1 h< 2` with `%define h <` is `1 << 2`), and a `%` construct the preprocessor left
// (`%?` outside a macro) reads as the operator `%` and what follows it (`db %?` is `db % ?`).

import { isIdentChar, isQuoted, tokenizeLine, type Token } from './lexer';
import { follow, isPieces, spaced, writtenAt, type PPToken } from './source';
import type { SourceRange } from './api';

/**
 * The tokens of line `line` of `file` as nasm's assembler reads them (see the file comment): the
 * input itself when no run of tokens without blanks between them can read differently.
 */
export function reread(toks: readonly PPToken[], file: string, line: number): readonly PPToken[] {
  // Most lines have no two tokens that could join: found with no blanks looked up.
  let k = 0;
  while (k < toks.length && toks[k].kind !== 'preproc' && (k === 0 || !mayJoin(toks[k - 1], toks[k]) || spaced(toks[k - 1], toks[k])) && !openBefore(toks, k)) k++;
  if (k === toks.length) return toks;
  let out: PPToken[] | undefined;
  for (let i = 0; i < toks.length;) {
    // The run of tokens from `i` on with no blanks between them.
    let j = i + 1;
    let joins = toks[i].kind === 'preproc';
    for (; j < toks.length && !spaced(toks[j - 1], toks[j]); j++) joins ||= mayJoin(toks[j - 1], toks[j]);
    // (A string an expansion left unterminated runs to the line's end as the scanner reads it:
    // measured with nasm 2.16.01, `%define Q(x) x"` / `db Q(1), 5` is `db 1`, the `, 5` in it.)
    for (let q = i; q < j; q++) if (openBefore(toks, q)) { j = toks.length; joins = true; }
    if (!joins) {
      if (out !== undefined) for (let k = i; k < j; k++) follow(out, toks[k], toks[k - 1]);
      i = j;
      continue;
    }
    out ??= toks.slice(0, i);
    // (A `;` a `%{...}` left, `%{ ;c}`, begins a comment: the rest of the line is in it.)
    if (readRun(out, toks, i, j, file, line)) break;
    i = j;
  }
  return out ?? toks;
}

/** Whether `toks[k]` is an unterminated string with tokens after it, which it takes in (see reread). */
function openBefore(toks: readonly PPToken[], k: number): boolean {
  return k + 1 < toks.length && toks[k].kind === 'invalid' && isQuoted(toks[k]);
}

/**
 * Whether `a` and `b` written together may read as other tokens: two words (names, numbers, `$`),
 * a number and the sign of its exponent (`1e` `+5`), two operators (`<` `<`), or a `%` construct.
 */
function mayJoin(a: PPToken, b: PPToken): boolean {
  if (b.kind === 'preproc') return true;
  const x = a.text.charCodeAt(a.text.length - 1), y = b.text.charCodeAt(0);
  if (isIdentChar(x) && isIdentChar(y)) return true;
  if (a.kind === 'number' && (y === 0x2b || y === 0x2d)) return (x | 0x20) === 0x65 || (x | 0x20) === 0x70;
  return isOperatorChar(x) && isOperatorChar(y);
}

/** A character of nasm's operators of two or three (`<< >> // %% == <> != <= >= && || ^^ <=> <<< >>>`). */
function isOperatorChar(c: number): boolean {
  switch (c) {
    case 0x3c: case 0x3e: case 0x3d: case 0x21: case 0x2f: case 0x26: case 0x7c: case 0x5e: case 0x25: return true;
    default: return false;
  }
}

/**
 * Reads `toks[i..j)`, a run with no blanks between its tokens, as nasm's scanner reads their text,
 * onto `out`: a token read as written is kept, any other made where the first of the tokens it was
 * read from is, written where they all are. Whether the run ended in a comment, which nasm's
 * scanner reads to the line's end (measured with 2.16.01: `db 5 %{ ;c}, 2` is `db 5 %`, "expression
 * syntax error"; in a macro, `db %{ ;c` is `db %`, "no operand for data declaration").
 */
function readRun(out: PPToken[], toks: readonly PPToken[], i: number, j: number, file: string, line: number): boolean {
  let text = '';
  const offsets: number[] = [];
  // (Blanks only in a run an unterminated string extends to the line's end: see reread.)
  for (let k = i; k < j; k++) {
    if (k > i && spaced(toks[k - 1], toks[k])) text += ' ';
    offsets.push(text.length);
    text += toks[k].text;
  }
  offsets.push(text.length);
  const gap = spaced(toks[i - 1], toks[i]);
  let first = true;
  for (const r of scannerTokens(text)) {
    // The run's tokens the new one was read from: `k` to `m`.
    let k = i;
    while (offsets[k - i + 1] <= r.start) k++;
    let m = k;
    while (offsets[m - i + 1] < r.end) m++;
    // (The comment itself is no token the parser reads.)
    if (r.kind === 'comment') return true;
    const t = toks[k];
    if (k === m && offsets[k - i] === r.start && offsets[k - i + 1] === r.end && t.kind === r.kind) follow(out, t, toks[k - 1]);
    else {
      let end = t.end;
      let at: PPToken['at'] = t.at;
      if (m > k) {
        const pieces: SourceRange[] = [];
        for (let q = k; q <= m; q++) {
          end = Math.max(end, toks[q].end);
          const w = writtenAt(toks[q], file, line);
          if (isPieces(w)) pieces.push(...w); else pieces.push(w);
        }
        at = pieces;
      }
      // (A token after a blank of the run's text keeps it: a string an expansion left unterminated
      // can end inside the run, at another's quote, `db a`b x, c, a`b x, c` reading `b x, c` after it.)
      out.push({ kind: r.kind, text: r.text, start: t.start, end, src: t.src, at, gap: first ? gap : text.charCodeAt(r.start - 1) === 0x20 });
    }
    first = false;
  }
  return false;
}

/**
 * `text` as nasm's assembler scanner reads it: as tokenizeLine, but `%` is always an operator
 * (`%` or `%%`), the scanner knowing nothing of the preprocessor's `%` constructs.
 */
function scannerTokens(text: string): Token[] {
  const out: Token[] = [];
  let from = 0;
  for (;;) {
    const toks = tokenizeLine(text.slice(from));
    const p = toks.findIndex((t) => t.kind === 'preproc');
    for (let k = 0; k < (p < 0 ? toks.length : p); k++) out.push({ ...toks[k], start: toks[k].start + from, end: toks[k].end + from });
    if (p < 0) return out;
    const start = toks[p].start + from;
    const width = text.charCodeAt(start + 1) === 0x25 ? 2 : 1;
    out.push({ kind: 'op', text: text.slice(start, start + width), start, end: start + width });
    from = start + width;
  }
}
