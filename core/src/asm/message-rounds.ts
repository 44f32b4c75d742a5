// Each time nasm gives a message, where the editor wants it once: a message of a `%rep` body (or
// of a macro a `%rep` expands) is printed, and listed, once per round (measured with nasm 2.16.01).

import type { Diagnostic, SourceRange } from './api';
import type { DiagnosticPlaces, Round } from './diagnostics';
import type { PPLines } from './source';

/**
 * The preprocessed line a message is listed after (and printed as of): the line it is about,
 * `line`, or for one the preprocessor reported with `passed` lines passed on, the line it was
 * reading then (just passed on, or about to be: the one its range is on).
 */
export function messageLine(lines: PPLines, range: SourceRange, line: number, passed: number, early = false): number {
  const f = range.file, l = range.start.line;
  const on = (k: number): boolean => k >= 0 && k < lines.count && lines.line[k] === l && lines.file(k) === f;
  // (A `[warning]` line's own warnings are reported as of the line after it: see WarningSwitches.)
  // (Not a macro's call before the line its expansion assembled: `m yy` / `db %1` is listed after
  // `db %1`, where `yy` is written at the call.)
  if (line >= 0) return !on(line) && on(line - 1) && lines.origin(line - 1).depth === lines.origin(line).depth ? line - 1 : line;
  // (`early`: most often of the line about to be passed on, whose last round may be the line before.)
  if (early && on(passed)) return passed;
  return on(passed - 1) ? passed - 1 : on(passed) ? passed : Math.max(0, Math.min(passed, lines.count) - 1);
}

/** Each time nasm gives one of `diagnostics` (whose places are `places`), with the line it is listed after. */
export interface MessageTime {
  readonly diagnostic: Diagnostic;
  readonly line: number;
}

/**
 * Every time nasm gives each of `diagnostics`: once, and again for each later round, in nasm's
 * order: by the line each is listed after, those of one line as they were reported. (Ringside
 * reports the preprocessor's messages, then the parser's, then the assembler's, where nasm gives
 * each line's as it reads the line and assembles it: measured over the fixtures' recorded
 * messages, whose order this gives.)
 */
export function everyTime(lines: PPLines, diagnostics: readonly Diagnostic[], places: DiagnosticPlaces): MessageTime[] {
  const out: MessageTime[] = [];
  // nasm defines a line's label as it parses the line, after the preprocessor's messages and before
  // the parser's and the assembler's: a label redefined on a line that fails to parse is reported
  // first (measured: `x: db (` twice, "label `x' inconsistently redefined" then "expression syntax
  // error"), after its parser's warning of a label alone with no colon (measured: `lbl: nop` /
  // `lbl`). Ringside's parser reports before its assembler: such messages are moved up. (Not a
  // `times`'d `equ`'s, 'equ-redefinition', which nasm runs after parsing the line: measured, `y:
  // times x equ 5` is "non-constant argument supplied to TIMES" first.)
  const early = new Set<MessageTime>();
  let sorted = true;
  const add = (diagnostic: Diagnostic, line: number, first: boolean): void => {
    if (out.length > 0 && out[out.length - 1].line > line) sorted = false;
    const t = { diagnostic, line };
    if (first) early.add(t);
    out.push(t);
  };
  diagnostics.forEach((d, i) => {
    const first = d.code === 'duplicate-label' || places.lines[i] < 0;
    if (d.code === 'duplicate-label') sorted = false;
    // (nasm's warning of an unset `%!NAME` comes as it writes out the line: Ringside's, as it writes
    // out a line it passes on, before it does; so its warnings of a string or `%[` left open, as it
    // reads the line and its `%[...]`.)
    const early = EARLY_WARNINGS.has(d.code);
    // (Of the body's line, one a macro's argument put there: see Preprocessor.readEnvironment.)
    const range = early ? d.statementRange ?? d.range : d.range;
    add(d, messageLine(lines, range, places.lines[i], places.passed[i], early), first);
    for (const r of places.rounds[i].later ?? []) add(roundOf(d, r), messageLine(lines, range, r.line, r.passed, early), first);
  });
  // (Array.prototype.sort is stable.)
  return sorted ? out : orphansBeforeRedefinitions(out.sort((a, b) => a.line - b.line || Number(!early.has(a)) - Number(!early.has(b))));
}

/** `times` with each warning of a label alone moved before a redefinition of its line that came first (see everyTime). */
function orphansBeforeRedefinitions(times: MessageTime[]): MessageTime[] {
  for (let k = 1; k < times.length; k++) {
    if (times[k].diagnostic.code !== 'label-orphan') continue;
    let j = k;
    while (j > 0 && times[j - 1].line === times[k].line && times[j - 1].diagnostic.code === 'duplicate-label') j--;
    if (j < k) times.splice(j, 0, ...times.splice(k, 1));
  }
  return times;
}

/** The warnings Ringside gives about the line it is about to pass on (see everyTime). */
const EARLY_WARNINGS = new Set(['pp-environment', 'pp-open-brackets', 'open-string']);

/**
 * Every time each of `diagnostics` was given (once, and again for each later round), with the count
 * of lines the preprocessor had passed on by then (`passed` gives the first time's), in that order.
 */
export function timesByPassed(diagnostics: readonly Diagnostic[], places: DiagnosticPlaces, passed: (d: Diagnostic, i: number) => number): { diagnostic: Diagnostic; passed: number; entry: number }[] {
  const out: { diagnostic: Diagnostic; passed: number; entry: number }[] = [];
  diagnostics.forEach((d, i) => {
    out.push({ diagnostic: d, passed: passed(d, i), entry: i });
    for (const r of places.rounds[i].later ?? []) out.push({ diagnostic: roundOf(d, r), passed: r.passed, entry: i });
  });
  // (Array.prototype.sort is stable: the messages of one line stay as they were given.)
  return out.sort((a, b) => a.passed - b.passed);
}

/**
 * `diagnostics` (whose places are `places`), each with the chains of macro calls and `%include`
 * lines its later rounds came through where they differ from its own and from each other
 * (Diagnostic.alsoExpandedFrom); the same array when no diagnostic has such a round.
 */
export function withOtherChains(diagnostics: readonly Diagnostic[], places: DiagnosticPlaces): readonly Diagnostic[] {
  let out: Diagnostic[] | undefined;
  diagnostics.forEach((d, i) => {
    const later = places.rounds[i].later;
    if (later === undefined) return;
    const seen = new Set([chainKey(d.expansion)]);
    const chains: (readonly SourceRange[])[] = [];
    for (const r of later) {
      const chain = roundOf(d, r).expansion ?? [];
      const key = chainKey(chain);
      if (seen.has(key)) continue;
      seen.add(key);
      chains.push(chain);
    }
    if (chains.length === 0) return;
    (out ??= diagnostics.slice())[i] = { ...d, alsoExpandedFrom: chains };
  });
  return out ?? diagnostics;
}

function chainKey(chain: readonly SourceRange[] | undefined): string {
  return (chain ?? []).map((s) => `${s.file}:${s.start.line}:${s.start.col}`).join('\0');
}

/**
 * `d` as round `r` gave it: the same place and message, after the macro calls that led there this
 * time (a macro calling another from one line, called from two: the inner call's place is the
 * same, `d`'s too, the outer calls are not), with this round's notes.
 */
function roundOf(d: Diagnostic, r: Round): Diagnostic {
  const a = d.expansion ?? [], b = r.expansion ?? [];
  const own = r.related === undefined ? d : { ...d, related: r.related };
  if (a.length === b.length && a.every((s, k) => s.file === b[k].file && s.start.line === b[k].start.line && s.start.col === b[k].start.col)) return own;
  return { ...own, expansion: r.expansion };
}
