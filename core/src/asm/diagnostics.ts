// Collects diagnostics for one assembly run. Each carries a stable code and, for lines that came
// from macros or includes, the chain of sites that led there.

import type { Diagnostic, Severity, SourceRange } from './api';
import { warningClass, type WarningSwitches } from './warning-switches';
import { PACKAGE_BODY_FILE } from './standard-packages';

export interface DiagnosticPlaces {
  readonly lines: readonly number[];
  readonly passed: readonly number[];
  /** Per entry, its later rounds (see Rounds). */
  readonly rounds: readonly Rounds[];
}

/**
 * Where a diagnostic was reported again after its first time, once more for each `%rep` round
 * (or each expansion a `%rep` makes of a macro): nasm prints it for each, where the editor wants
 * it once. Each is the preprocessed line it is about (-1: none) and the count of lines passed on.
 */
export interface Rounds {
  /** The first time's line and count (as `DiagnosticPlaces.lines` and `passed` have them). */
  readonly line: number;
  readonly passed: number;
  later?: Round[];
  /** The first time's notes (see Round.related). */
  readonly related?: Diagnostic['related'];
  /** The places of the first time and the later rounds (see placeOf), once there are later ones: to find a place again at once. */
  placesSeen?: Set<number>;
}

/** A later round: as Rounds' first, and the macro calls and `%include` lines that led there (another macro's call may have). */
export interface Round {
  readonly line: number;
  readonly passed: number;
  readonly expansion: readonly SourceRange[] | undefined;
  /**
   * The notes of this round where they are not the first time's: a label's definition named as
   * the latest before (measured with nasm 2.16.01: `lab: nop` / `%rep 2` / `lab: nop` / `%endrep`
   * says the second round's was originally defined in the first's).
   */
  readonly related?: Diagnostic['related'];
}

/** A diagnostic withdrawn from a sink with where it was reported (see DiagnosticSink.take), to report again later. */
export interface HeldDiagnostic {
  readonly diagnostic: Diagnostic;
  readonly key: string;
  readonly position: number;
  readonly line: number;
  readonly rounds: Rounds;
}

export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  errors = 0;
  /**
   * Keys of diagnostics already reported, so repeated passes do not duplicate them, each with its
   * entry's rounds: the same diagnostic reported about another line is another round's.
   */
  private readonly seen = new Map<string, Rounds>();
  /** The dedup key of each entry of `list`, for `rollback`. */
  private readonly keys: string[] = [];
  /** Where in the preprocessed lines each diagnostic of `list` was reported (see WarningSwitches). */
  private readonly positions: number[] = [];
  /** The position of a warning reported without one: the count of lines the preprocessor has passed on. */
  position: () => number = () => -1;

  /** Per entry of `list`: the preprocessed line a warning was reported about, -1 when reported without one. */
  private readonly lines: number[] = [];
  /** Per entry of `list`: its later rounds. */
  private readonly rounds: Rounds[] = [];

  /**
   * Where in the preprocessed lines each warning of `list` was reported, for the listing: the line
   * it is about (-1 when reported without one), else the count of lines passed on by then. The
   * arrays themselves, kept by the listing in place of the sink.
   */
  places(): DiagnosticPlaces {
    return { lines: this.lines, passed: this.positions, rounds: this.rounds };
  }

  /** A point to roll back to: diagnostics reported after it can be withdrawn. */
  mark(): number {
    return this.list.length;
  }

  /**
   * Withdraws the diagnostics reported since `mark` (a tentative assembly pass that did not
   * settle, a test nasm makes silently), but those `keep` says stay, and those from `until` on.
   * (A later round of a diagnostic from before `mark` stays: no pass or test withdrawn gives one.)
   */
  rollback(mark: number, keep?: (d: Diagnostic) => boolean, until = Infinity): void {
    let kept = mark;
    for (let i = mark; i < this.list.length; i++) {
      if (i >= until || (keep !== undefined && keep(this.list[i]))) {
        this.list[kept] = this.list[i]; this.keys[kept] = this.keys[i]; this.positions[kept] = this.positions[i]; this.rounds[kept] = this.rounds[i]; this.lines[kept++] = this.lines[i];
        continue;
      }
      this.seen.delete(this.keys[i]);
      if (this.list[i].severity === 'error') this.errors--;
    }
    this.list.length = kept;
    this.keys.length = kept;
    this.positions.length = kept;
    this.lines.length = kept;
    this.rounds.length = kept;
  }

  /**
   * Withdraws the diagnostics reported since `mark` but those `keep` says stay, and returns them
   * as they were reported (for `put`).
   */
  take(mark: number, keep: (d: Diagnostic) => boolean): HeldDiagnostic[] {
    const held: HeldDiagnostic[] = [];
    for (let i = mark; i < this.list.length; i++) {
      if (!keep(this.list[i])) held.push({ diagnostic: this.list[i], key: this.keys[i], position: this.positions[i], line: this.lines[i], rounds: this.rounds[i] });
    }
    if (held.length > 0) this.rollback(mark, keep);
    return held;
  }

  /** Reports a diagnostic `take` withdrew, as it was (once, as any: again, it is another round's). */
  put(h: HeldDiagnostic): void {
    const seen = this.seen.get(h.key);
    if (seen !== undefined) {
      again(seen, h.line, h.position, h.diagnostic.expansion);
      for (const r of h.rounds.later ?? []) again(seen, r.line, r.passed, r.expansion, r.related);
      return;
    }
    this.seen.set(h.key, h.rounds);
    this.keys.push(h.key);
    this.positions.push(h.position);
    this.lines.push(h.line);
    this.rounds.push(h.rounds);
    if (h.diagnostic.severity === 'error') this.errors++;
    this.list.push(h.diagnostic);
  }

  /** `repeat`: which of the same diagnostic at the same place this is, when nasm gives one several times over (0: the first). */
  report(severity: Severity, code: string, message: string, range: SourceRange, expansion?: readonly SourceRange[], related?: Diagnostic['related'], position = -1, line = -1, repeat = 0,
    statementRange?: SourceRange): void {
    // A line of a `%use` package's macro is written nowhere the user can see: reported at the
    // call, as nasm reports the lines of its `.nolist` macros (`bf16 3.4e38`'s overflow).
    if (range.file === PACKAGE_BODY_FILE && expansion !== undefined && expansion.length > 0) { range = expansion[0]; expansion = expansion.slice(1); }
    const key = `${severity}\0${code}\0${message}\0${range.file}\0${range.start.line}\0${range.start.col}\0${range.end.line}:${range.end.col}\0${expansion?.length ? rangeKey(expansion[0]) : ''}${repeat > 0 ? `\0${repeat}` : ''}${statementRange !== undefined ? `\0${rangeKey(statementRange)}` : ''}`;
    const seen = this.seen.get(key);
    if (seen !== undefined) { again(seen, line, position, expansion, sameRelated(related, seen.related) ? undefined : related); return; }
    const rounds: Rounds = related === undefined ? { line, passed: position } : { line, passed: position, related };
    this.seen.set(key, rounds);
    this.keys.push(key);
    this.positions.push(position);
    this.lines.push(line);
    this.rounds.push(rounds);
    if (severity === 'error') this.errors++;
    const d: Diagnostic = statementRange === undefined ? { severity, code, message, range } : { severity, code, message, range, statementRange };
    this.list.push(expansion && expansion.length > 0 ? (related ? { ...d, expansion, related } : { ...d, expansion }) : related ? { ...d, related } : d);
  }

  /**
   * An error, about preprocessed line `line` when given (else placed as a warning reported without
   * one), for the listing; `statementRange` as Diagnostic's.
   */
  error(code: string, message: string, range: SourceRange, expansion?: readonly SourceRange[], related?: Diagnostic['related'], line?: number, statementRange?: SourceRange): void {
    this.report('error', code, message, range, expansion, related, line ?? this.position(), line, 0, statementRange);
  }

  /** A warning about preprocessed line `line` (by default, about the lines passed on so far); `repeat` as for `report`. */
  warning(code: string, message: string, range: SourceRange, expansion?: readonly SourceRange[], line?: number, repeat = 0): void {
    this.report('warning', code, message, range, expansion, undefined, line ?? this.position(), line, repeat);
  }

  /**
   * Drops the warnings `[warning -name]` turned off where they were reported, and makes errors of
   * those `[warning +error=name]` made so: whether it made any.
   */
  applySwitches(switches: WarningSwitches): boolean {
    const errors = this.errors;
    let kept = 0;
    for (let i = 0; i < this.list.length; i++) {
      let d = this.list[i];
      let verdict = d.severity === 'warning' ? switches.verdict(d.code, d.message, this.positions[i]) : 'on';
      // (A later round the class is on again for is then the first given: measured with nasm
      // 2.16.01, `[warning -pp-macro-params-legacy]` / `%rep 2` / `align 8,` / `[warning
      // +pp-macro-params-legacy]` / `%endrep` warns of the second round's `align`.)
      const later = verdict === 'off' ? this.rounds[i].later?.filter((r) => switches.verdict(d.code, d.message, r.passed) !== 'off') : undefined;
      if (later !== undefined && later.length > 0) {
        const first = later.shift()!;
        this.rounds[i] = { line: first.line, passed: first.passed, ...(later.length > 0 ? { later } : {}) };
        this.seen.set(this.keys[i], this.rounds[i]);
        this.lines[i] = first.line;
        this.positions[i] = first.passed;
        d = withExpansion(d, first.expansion);
        verdict = switches.verdict(d.code, d.message, first.passed);
      }
      if (verdict === 'off') { this.seen.delete(this.keys[i]); continue; }
      if (verdict === 'error') this.errors++;
      this.list[kept] = verdict === 'error' ? { ...d, severity: 'error', warningClass: warningClass(d.code, d.message) } : d;
      const rounds = this.rounds[i];
      // (A round after a switch that turned the class off is not given; one turned on again is, as the first's verdict says.)
      if (rounds.later !== undefined && d.severity === 'warning') rounds.later = rounds.later.filter((r) => switches.verdict(d.code, d.message, r.passed) !== 'off');
      this.keys[kept] = this.keys[i];
      this.lines[kept] = this.lines[i];
      this.rounds[kept] = rounds;
      this.positions[kept++] = this.positions[i];
    }
    this.list.length = kept; this.keys.length = kept; this.positions.length = kept; this.lines.length = kept; this.rounds.length = kept;
    return this.errors > errors;
  }
}

/** `d` after the macro calls and `%include` lines `expansion` (none: undefined). */
function withExpansion(d: Diagnostic, expansion: readonly SourceRange[] | undefined): Diagnostic {
  if (expansion !== undefined && expansion.length > 0) return { ...d, expansion };
  if (d.expansion === undefined) return d;
  const { expansion: _dropped, ...rest } = d;
  return rest;
}

/**
 * `rounds` with the time a diagnostic was reported again, about `line` with `passed` lines passed
 * on, when that is another place in the preprocessed lines: another round's (a place reported
 * again, in another pass or by another check, is the same time).
 */
function again(rounds: Rounds, line: number, passed: number, expansion: readonly SourceRange[] | undefined, related?: Diagnostic['related']): void {
  if (rounds.line === line && rounds.passed === passed) return;
  // (A %rep of many rounds gives as many: each is looked for in a set, not among the others.)
  const seen = (rounds.placesSeen ??= new Set([placeOf(rounds.line, rounds.passed)]));
  const place = placeOf(line, passed);
  if (seen.has(place)) return;
  seen.add(place);
  (rounds.later ??= []).push(related === undefined ? { line, passed, expansion } : { line, passed, expansion, related });
}

/** Whether notes `a` and `b` are the same messages at the same places. */
function sameRelated(a: Diagnostic['related'], b: Diagnostic['related']): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  return a.every((n, k) => n.message === b[k].message && rangeKey(n.range) === rangeKey(b[k].range));
}

/**
 * A time's place as one number: its line, or for one reported about no line, the count of lines
 * passed on (a report about line L has passed L: see DiagnosticSink.report's callers).
 */
function placeOf(line: number, passed: number): number {
  return line >= 0 ? 2 * line : 2 * passed + 1;
}

function rangeKey(r: SourceRange): string {
  return `${r.file}:${r.start.line}:${r.start.col}`;
}
