// Token pasting as nasm 2.16's preprocessor does it (manual §4.1.4, §4.3.9): `%+`, tokens written
// against a macro parameter, and the names an expansion puts side by side.

import type { SourceRange } from './api';
import { isNameText, tokenizeLine } from './lexer';
import { isFloatText } from './numbers';
import { follow, gapped, isPieces, pastedAt, spaced, writtenAt, type PPToken } from './source';

/**
 * Whether `a` and `b`, written against each other where a macro parameter is substituted, join
 * into one token: as nasm 2.16.01 pastes them (preproc.c expand_mmac_params), a name or a float
 * before a name or a number, a number before a number; a number before a name stays apart, for
 * the name to expand (measured: with `%define A 5`, `%1A` and `4%2` of 4 and A are `45`).
 */
export function pastes(a: PPToken, b: PPToken): boolean {
  if (a.kind === 'ident') return b.kind === 'ident' || b.kind === 'number';
  return a.kind === 'number' && (b.kind === 'number' || (b.kind === 'ident' && isFloatText(a.text)));
}

/**
 * Whether the argument of a call of nasm's `sectalign` macro ends in a `%` that its `%ifidni
 * %1,off` pastes to the comma (see rereadRuns): after a name, with no blanks between,
 * `%,` is one token and the `%ifidni` has one argument, its error the macro's only effect
 * (measured with nasm 2.16.01: `sectalign 4 {z}%` and `sectalign 4 z%`; `sectalign 4 %` is the
 * `[sectalign 4 %]` line's own error).
 */
export function percentEatsComma(args: readonly PPToken[]): boolean {
  let k = args.length - 1;
  if (k < 1 || args[k].kind !== 'op' || args[k].text !== '%') return false;
  for (; k > 0 && !spaced(args[k - 1], args[k]); k--) {
    const p = args[k - 1];
    if (p.kind === 'ident') return true;
    if (p.kind !== 'op' && p.kind !== 'number') return false;
  }
  return false;
}

/**
 * `a` and `b` (written against each other in a macro body, on line `line` of `file`) pasted:
 * one token, or the tokens nasm reads the joined text as (measured: a name before `1e+10` is
 * `xyzzy1e+10`, read as `xyzzy1e`, `+`, `10`).
 */
export function pasted(a: PPToken, b: PPToken, file: string, line: number): PPToken[] {
  const text = a.text + b.text;
  const end = Math.max(a.end, b.end);
  const at = pastedAt(a, b, file, line);
  const kind = /^[0-9$]/.test(text) && a.kind === 'number' ? 'number' : 'ident';
  if (kind === 'number' || isNameText(text)) return [{ kind, text, start: a.start, end, src: a.src, at, gap: a.gap }];
  return tokenizeLine(text).map((r, k) => ({ kind: r.kind, text: r.text, start: a.start, end, src: a.src, at, gap: k === 0 ? a.gap : false }));
}

/** Whether `toks` hold a `%+`. */
export function hasPaste(toks: readonly PPToken[]): boolean {
  for (const t of toks) if (t.kind === 'preproc' && t.text === '%+') return true;
  return false;
}

/** Set when pasting dropped a line's first `%+` (see pasteTokens): nasm drops the blanks before it with it. */
export interface PasteStart {
  dropped: boolean;
}

/**
 * `a %+ b` → `ab` (manual §4.1.4), and with `implicit`, as nasm's expand_smacro after a pass that
 * expanded something, a name followed by names or numbers with no blanks between them (which only
 * an expansion can put side by side): `%define f(x) x` / `f(a)b` is the name `ab`, a macro if one
 * is defined. `toks` are on line `line` of `file`; the input itself when nothing is pasted.
 * A `%+` with nothing before it on the line sets `start.dropped`.
 */
export function pasteTokens(toks: PPToken[], file: string, line: number, implicit: boolean, start?: PasteStart): PPToken[] {
  let out: PPToken[] | undefined;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.kind === 'preproc' && t.text === '%+' && i + 1 < toks.length) {
      out ??= toks.slice(0, i);
      // nasm 2.16.01's paste_tokens (measured with -E): a `%+` with nothing before it on the line
      // goes, with the blanks before and after it (`  %1 %+ a:` with %1 empty is `a:`); a run of
      // them goes, and with nothing after the run, they all go (`x %+ %+` is `x`, `%+ %+` is
      // nothing); two tokens that make no one token stay, with no blanks between them (`5, %+ 6`
      // is `5,6`). A lone `%+` with nothing after it stays (`x %+`).
      let j = i + 1;
      while (j < toks.length && toks[j].kind === 'preproc' && toks[j].text === '%+') j++;
      if (out.length === 0 && start !== undefined) start.dropped = true;
      if (j === toks.length) { i = j - 1; continue; }
      const b = toks[j];
      if (out.length === 0) { toks = toks.slice(); toks[j] = gapped(b, false); i = j - 1; continue; }
      const a = out.pop()!;
      i = j;
      const re = tokenizeLine(a.text + b.text);
      if (re.length !== 1) { out.push(a); out.push(gapped(b, false)); continue; }
      const made: PPToken = { ...re[0], start: a.start, end: b.end, src: a.src, at: pastedAt(a, b, file, line), gap: spaced(out[out.length - 1], a) };
      // nasm reads on from the pasted token, which joins the names and numbers an expansion put
      // against it as any name does (measured with nasm 2.16.01: with `%define g(x) x %+ _2`,
      // `g(val)e` is the name `val_2e`, not the macro `val_2` before an `e`).
      const after = toks[j + 1];
      if (implicit && made.kind === 'ident' && after !== undefined && joinsName(after) && !spaced(b, after)) { toks = toks.slice(); toks[j] = made; i = j - 1; continue; }
      out.push(made);
      continue;
    }
    let j = i + 1;
    if (implicit && t.kind === 'ident') while (j < toks.length && joinsName(toks[j]) && !spaced(toks[j - 1], toks[j])) j++;
    if (j === i + 1) { if (out !== undefined) follow(out, t, toks[i - 1]); continue; }
    out ??= toks.slice(0, i);
    // nasm reads the joined text as a line again.
    let text = t.text;
    const at: SourceRange[] = [];
    for (let k = i; k < j; k++) {
      if (k > i) text += toks[k].text;
      const w = writtenAt(toks[k], file, line);
      if (isPieces(w)) at.push(...w); else at.push(w);
    }
    const gap = spaced(out[out.length - 1], t);
    for (const r of tokenizeLine(text)) if (r.kind !== 'comment') out.push({ kind: r.kind, text: r.text, start: t.start, end: toks[j - 1].end, src: t.src, at, gap: r.start > 0 ? false : gap });
    i = j - 1;
  }
  return out ?? toks;
}

/**
 * What nasm's implicit pasting joins to a name before it: a name, or a number that is not a
 * floating-point constant. Not a context-local name (`%$x`, here already `..@N.x`): nasm pastes
 * the text as written, `a%$x`, which it reads again as the two tokens (measured: in a context
 * with `%$n` 3, `%xdefine x%$n%$q 6` defines `x3` as `%$q 6`).
 */
function joinsName(t: PPToken): boolean {
  return (t.kind === 'ident' && t.contextLocal === undefined) || (t.kind === 'number' && !isFloatText(t.text));
}

/**
 * nasm 2.16.01's pasting after a macro line's parameters are put in (preproc.c expand_mmac_params,
 * paste_tokens): a name and the names, numbers and operators written against it are joined and
 * read again, so tokens an argument put side by side inside them become one (measured: with %1
 * `1` and %2 `q`, `G(%1%2)` holds the number `1q` where `(%1%2)` holds 1 and q; with %1 `1` and
 * %2 `36`, `__?float32?__(%1e+%2)` is the float `1e+36`). `toks` itself when no run reads
 * otherwise; a token that stays as it was keeps all it had.
 */
export function rereadRuns(toks: PPToken[], file: string, line: number): PPToken[] {
  let out: PPToken[] | undefined;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    let j = i + 1;
    let operator = false, touching = false;
    if (t.kind === 'ident') {
      for (; j < toks.length && joinsRun(toks[j]) && !spaced(toks[j - 1], toks[j]); j++) {
        operator ||= toks[j].kind === 'op' || toks[j].kind === 'here';
        touching ||= j > i + 1 && ((toks[j].kind === 'op') === (toks[j - 1].kind === 'op') || (toks[j - 1].kind === 'number' && (toks[j].text === '+' || toks[j].text === '-')));
      }
    }
    // (Only a run with an operator in it, which the pasting of a parameter to its neighbours did
    // not join, and with two words, two operators, or a number and a sign side by side, may read
    // otherwise: `1.2e` and `+5` are the float `1.2e+5`.)
    const run = operator && touching ? toks.slice(i, j) : undefined;
    const again = run === undefined ? undefined : readAgain(run, file, line, spaced(toks[i - 1], t));
    if (again === undefined) { out?.push(t); continue; }
    out ??= toks.slice(0, i);
    out.push(...again);
    i = j - 1;
  }
  return out ?? toks;
}

/** What nasm's pasting after parameters joins to a name before it: a name, a number or an operator. */
function joinsRun(t: PPToken): boolean {
  return t.kind === 'ident' || t.kind === 'number' || t.kind === 'op' || t.kind === 'here';
}

/** The tokens the joined text of `run` reads as, when they are not the run's own; undefined when they are. */
function readAgain(run: readonly PPToken[], file: string, line: number, gap: boolean): PPToken[] | undefined {
  let text = '';
  const offsets: number[] = [];
  for (const x of run) { offsets.push(text.length); text += x.text; }
  const re = tokenizeLine(text);
  if (re.length === run.length && re.every((r, k) => r.text === run[k].text)) return undefined;
  const piece = (offset: number): number => { let k = 0; while (k + 1 < offsets.length && offsets[k + 1] <= offset) k++; return k; };
  return re.map((r, k) => {
    const a = piece(r.start), b = piece(r.end - 1);
    const first = run[a];
    if (a === b && r.text === first.text) return k === 0 ? gapped(first, gap) : gapped(first, false);
    const at: SourceRange[] = [];
    for (let q = a; q <= b; q++) { const w = writtenAt(run[q], file, line); if (isPieces(w)) at.push(...w); else at.push(w); }
    return { kind: r.kind, text: r.text, start: first.start, end: run[b].end, src: first.src, at, gap: k === 0 ? gap : false };
  });
}
