// DAP breakpoints kept per kind (each source, functions, instructions), each set replacing only its
// own kind as DAP requires, while the runtime takes one list of address breakpoints: this table
// merges them, gives every DAP breakpoint a stable id, and maps the runtime's ids back to it.

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { BreakpointSpec } from '../../core/src/runtime/breakpoints';
import type { GuestSession } from '../../core/src/runtime/session';

export type BreakpointKind = 'source' | 'function' | 'instruction';

export interface PlannedBreakpoint {
  /** Stable DAP id. */
  readonly id: number;
  readonly kind: BreakpointKind;
  /** Unset when it could not be placed (`message` says why). */
  readonly spec?: BreakpointSpec;
  readonly message?: string;
  /** Breakpoint.reason when it cannot be placed and could only be by the user changing it. */
  readonly reason?: 'failed';
  /** The 0-based source line it ended up on (source breakpoints). */
  readonly line?: number;
  /** What the client asked for (source breakpoints), to place it again in a re-assembled guest. */
  readonly request?: SourceBreakpointRequest;
  /** The function breakpoint as the client set it, to place it again in a re-assembled guest. */
  readonly functionRequest?: DebugProtocol.FunctionBreakpoint;
  /** The instruction breakpoint as the client set it, to check it again against a re-assembled guest's code. */
  readonly instructionRequest?: DebugProtocol.InstructionBreakpoint;
}

/** A source breakpoint as the client set it: its file, 0-based line and attributes. */
export interface SourceBreakpointRequest {
  readonly clientPath: string;
  readonly line: number;
  readonly condition?: string;
  readonly hitCondition?: string;
  readonly logMessage?: string;
}

export interface ApplyResult {
  readonly id: number;
  readonly verified: boolean;
  readonly address?: number;
  readonly message?: string;
}

export class BreakpointTable {
  private nextId = 1;
  /** Per group key (`source:<path>`, `function`, `instruction`). */
  private readonly groups = new Map<string, PlannedBreakpoint[]>();
  private runtimeToDap = new Map<number, number>();
  private readonly kindById = new Map<number, BreakpointKind>();

  newId(): number {
    return this.nextId++;
  }

  /** Replaces one group and pushes the union to the runtime; results in the group's order. */
  replace(session: GuestSession, key: string, planned: readonly PlannedBreakpoint[]): ApplyResult[] {
    this.groups.set(key, [...planned]);
    for (const p of planned) this.kindById.set(p.id, p.kind);
    return this.apply(session).get(key) ?? [];
  }

  /** Places every breakpoint again (`place` gives its new plan, e.g. against a re-assembled guest's source map). */
  replan(place: (p: PlannedBreakpoint) => PlannedBreakpoint): void {
    for (const [key, list] of this.groups) this.groups.set(key, list.map(place));
  }

  /** The planned breakpoints of one kind, each with what applying gave it (from `apply`). */
  planned(kind: BreakpointKind, results: ReadonlyMap<string, readonly ApplyResult[]>): { planned: PlannedBreakpoint; result: ApplyResult | undefined }[] {
    const out: { planned: PlannedBreakpoint; result: ApplyResult | undefined }[] = [];
    for (const [key, list] of this.groups) {
      list.forEach((p, i) => { if (p.kind === kind) out.push({ planned: p, result: results.get(key)?.[i] }); });
    }
    return out;
  }

  /** Re-sends every breakpoint (after a new session is loaded); results per group. */
  apply(session: GuestSession): Map<string, ApplyResult[]> {
    const specs: BreakpointSpec[] = [];
    const owners: number[] = [];
    for (const list of this.groups.values()) {
      for (const p of list) if (p.spec !== undefined) { specs.push(p.spec); owners.push(p.id); }
    }
    const results = session.setBreakpoints(specs);
    const byDap = new Map<number, ApplyResult>();
    this.runtimeToDap = new Map();
    results.forEach((r, i) => {
      const id = owners[i];
      if (r.ok) {
        this.runtimeToDap.set(r.id, id);
        byDap.set(id, { id, verified: true, address: r.address });
      } else {
        byDap.set(id, { id, verified: false, message: r.message });
      }
    });
    const out = new Map<string, ApplyResult[]>();
    for (const [key, list] of this.groups) {
      out.set(key, list.map((p) => byDap.get(p.id) ?? { id: p.id, verified: false, message: p.message ?? 'not placed' }));
    }
    return out;
  }

  /** DAP ids and the kind of the first, for runtime breakpoint ids that caused a stop. */
  resolve(runtimeIds: readonly number[]): { ids: number[]; kind: BreakpointKind | undefined } {
    const ids = runtimeIds.map((r) => this.runtimeToDap.get(r)).filter((x): x is number => x !== undefined);
    return { ids, kind: ids.length > 0 ? this.kindById.get(ids[0]) : undefined };
  }
}
