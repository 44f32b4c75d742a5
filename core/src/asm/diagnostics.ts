// Collects diagnostics for one assembly run. Each carries a stable code and, for lines that came
// from macros or includes, the chain of sites that led there.

import type { Diagnostic, Severity, SourceRange } from './api';

export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  errors = 0;
  /** Keys of diagnostics already reported, so repeated passes do not duplicate them. */
  private readonly seen = new Set<string>();
  /** The dedup key of each entry of `list`, for `rollback`. */
  private readonly keys: string[] = [];

  /** A point to roll back to: diagnostics reported after it can be withdrawn. */
  mark(): number {
    return this.list.length;
  }

  /** Withdraws the diagnostics reported since `mark` (a tentative assembly pass that did not settle). */
  rollback(mark: number): void {
    for (let i = mark; i < this.list.length; i++) {
      this.seen.delete(this.keys[i]);
      if (this.list[i].severity === 'error') this.errors--;
    }
    this.list.length = mark;
    this.keys.length = mark;
  }

  report(severity: Severity, code: string, message: string, range: SourceRange, expansion?: readonly SourceRange[], related?: Diagnostic['related']): void {
    const key = `${severity}\0${code}\0${message}\0${range.file}\0${range.start.line}\0${range.start.col}\0${expansion?.length ? rangeKey(expansion[0]) : ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.keys.push(key);
    if (severity === 'error') this.errors++;
    const d: Diagnostic = { severity, code, message, range };
    this.list.push(expansion && expansion.length > 0 ? (related ? { ...d, expansion, related } : { ...d, expansion }) : related ? { ...d, related } : d);
  }

  error(code: string, message: string, range: SourceRange, expansion?: readonly SourceRange[], related?: Diagnostic['related']): void {
    this.report('error', code, message, range, expansion, related);
  }

  warning(code: string, message: string, range: SourceRange, expansion?: readonly SourceRange[]): void {
    this.report('warning', code, message, range, expansion);
  }
}

function rangeKey(r: SourceRange): string {
  return `${r.file}:${r.start.line}:${r.start.col}`;
}
