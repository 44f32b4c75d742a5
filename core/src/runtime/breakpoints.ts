// Breakpoint records the session keeps: instruction breakpoints by EIP with an optional condition,
// hit-count condition and log message; data breakpoints on linear or physical ranges; and the
// exception / ring-transition / triple-fault stop filters. Definitions are validated here, so a
// bad condition is reported when it is set, not when it is hit.

import { parseExpression, quoted, type Expression } from './expression';

export interface BreakpointSpec {
  readonly address: number;
  /** More addresses the same breakpoint is at (a macro body line's code at each call), sharing its hit count. */
  readonly alsoAt?: readonly number[];
  /** Stop only when this expression is non-zero (`eax == 5 && [esp] > 0x100`). */
  readonly condition?: string;
  /** Stop on hits that satisfy this: `N` or `>= N` / `> N` / `== N` / `% N` (every Nth). */
  readonly hitCondition?: string;
  /** Log this message (with `{expr}` parts) instead of stopping. */
  readonly logMessage?: string;
}

export type BreakpointResult =
  | { readonly ok: true; readonly id: number; readonly address: number }
  | { readonly ok: false; readonly message: string };

export interface AddressBreakpoint {
  readonly id: number;
  readonly address: number;
  readonly condition: Expression | null;
  readonly hitTest: ((hits: number) => boolean) | null;
  readonly logMessage: string | null;
  hits: number;
}

export type DataAccess = 'read' | 'write' | 'readWrite';

export interface DataBreakpointSpec {
  readonly address: number;
  readonly length: number;
  readonly access: DataAccess;
  /** 'linear' (guest virtual) or 'physical'. */
  readonly space: 'linear' | 'physical';
  readonly condition?: string;
  /** As a breakpoint's (parseHitCondition): over the instructions that accessed the range while the condition held. */
  readonly hitCondition?: string;
}

export interface DataBreakpoint {
  readonly id: number;
  readonly start: number;
  /** One past the last byte. */
  readonly end: number;
  readonly access: DataAccess;
  readonly space: 'linear' | 'physical';
  readonly condition: Expression | null;
  readonly hitTest: ((hits: number) => boolean) | null;
  hits: number;
}

/** Stop when exception `vector` is delivered and `condition` (if any) holds. */
export interface ExceptionFilter {
  readonly vector: number;
  readonly condition: Expression | null;
}

/**
 * A hit condition over the hit count (1 = the first hit), in the forms VS Code's JavaScript
 * debugger accepts (vscode-js-debug, breakpoints/conditions/hitCondition.ts): an optional `>`,
 * `>=`, `<`, `<=`, `=`, `==`, `===` or `%` and a decimal count; a bare count is `== N`, `% N`
 * holds on every Nth hit.
 */
export function parseHitCondition(text: string): ((hits: number) => boolean) | string {
  const m = /^\s*(>=|>|<=|<|={1,3}|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) return `bad hit condition ${quoted(text)} (use N, = N, < N, <= N, > N, >= N or % N)`;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>=': return (h) => h >= n;
    case '>': return (h) => h > n;
    case '<=': return (h) => h <= n;
    case '<': return (h) => h < n;
    case '%': return n === 0 ? 'hit condition % 0 never holds' : (h) => h % n === 0;
    default: return (h) => h === n;
  }
}

export function compileCondition(text: string | undefined): Expression | null | string {
  if (text === undefined || text.trim() === '') return null;
  const p = parseExpression(text);
  return p.ok ? p.expression : `condition ${quoted(text)}: ${p.message} at column ${p.column + 1}`;
}

/** Whether an access of `size` bytes at `address` by `kind` touches data breakpoint `bp`. */
export function dataBreakpointMatches(bp: DataBreakpoint, address: number, size: number, write: boolean): boolean {
  if (bp.access === 'read' && write) return false;
  if (bp.access === 'write' && !write) return false;
  return address < bp.end && address + size > bp.start;
}
