// The exception breakpoint filters the adapter offers (DAP `exceptionBreakpointFilters`): one per
// guest CPU exception vector (Intel SDM Vol. 3A §6.3, Table 6-1), plus ring transitions and
// triple fault (§6.15, shutdown). Each takes a condition in the runtime's expression language.

import type { DebugProtocol } from '@vscode/debugprotocol';

export interface FilterDefinition {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  /** Exception vector, or the non-vector stop this filter arms. */
  readonly vector?: number;
  readonly special?: 'ring-transition' | 'triple-fault';
}

const VECTORS: readonly [number, string, string][] = [
  [0, '#DE', 'Divide error (DIV/IDIV by zero or quotient overflow)'],
  [1, '#DB', 'Debug exception (single step, debug registers, ICEBP)'],
  [3, '#BP', 'Breakpoint (INT3)'],
  [4, '#OF', 'Overflow (INTO with OF=1)'],
  [5, '#BR', 'BOUND range exceeded'],
  [6, '#UD', 'Invalid opcode'],
  [7, '#NM', 'Device not available'],
  [8, '#DF', 'Double fault'],
  [10, '#TS', 'Invalid TSS'],
  [11, '#NP', 'Segment not present'],
  [12, '#SS', 'Stack-segment fault'],
  [13, '#GP', 'General protection'],
  [14, '#PF', 'Page fault'],
  [17, '#AC', 'Alignment check'],
];

export const FILTERS: readonly FilterDefinition[] = [
  ...VECTORS.map(([vector, name, description]): FilterDefinition => ({
    id: name.slice(1).toLowerCase(), label: `${name} ${description.replace(/ \(.*$/, '')}`, description: `Vector ${vector}: ${description}`, vector,
  })),
  { id: 'ring-transition', label: 'Ring transition', description: 'Stop whenever the CPL changes (interrupt, IRET, far call/return, SYSENTER/SYSEXIT)', special: 'ring-transition' },
  { id: 'triple-fault', label: 'Triple fault', description: 'Stop when the processor shuts down after a fault while delivering #DF (SDM Vol. 3A §6.15)', special: 'triple-fault' },
];

const BY_ID = new Map(FILTERS.map((f) => [f.id, f]));

export function filterById(id: string): FilterDefinition | undefined {
  return BY_ID.get(id);
}

export function filterForVector(vector: number): FilterDefinition | undefined {
  return FILTERS.find((f) => f.vector === vector);
}

const CONDITION = 'Stop only when this expression is non-zero, e.g. `cr2 >= 0x80000000`, `[esp] == 0x10`, `eax == 2`';

export function exceptionBreakpointFilters(): DebugProtocol.ExceptionBreakpointsFilter[] {
  return FILTERS.map((f) => ({
    filter: f.id, label: f.label, description: f.description, default: false, supportsCondition: true, conditionDescription: CONDITION,
  }));
}
