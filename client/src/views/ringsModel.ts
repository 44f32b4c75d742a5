// Rings view model: from the `ringside/rings` response, the four privilege levels of IA-32
// protected mode (SDM Vol. 3A §5.5) with the one the CPU runs at now (CPL, and the CPL the guest
// believes it has when a VMM deprivileges it), the code seen running in each ring during the
// session, and which rings may use I/O instructions (CPL <= IOPL, SDM Vol. 1 §18.5.1); with the
// descriptor tables, the segments, gate handlers and TSS stack of each ring (ringsTablesModel.ts).

import type { RingsResponse, RingsVcpu } from '../../../core/src/protocol';
import { hex32 } from './hex';
import { ringTables } from './ringsTablesModel';

export const RING_NAMES: readonly string[] = ['kernel', 'ring 1', 'ring 2', 'user'];

/** Code seen at each ring in this session, most recent first (label names without offsets). */
export type RingHistory = readonly (readonly string[])[];

export const EMPTY_HISTORY: RingHistory = [[], [], [], []];

const HISTORY_PER_RING = 6;

export interface RingPicture {
  readonly level: number;
  /** The CPU runs at this ring now. */
  readonly current: boolean;
  /** The guest believes it runs at this ring (differs from `current` under ring compression). */
  readonly virtual: boolean;
  /** CPL <= IOPL: IN/OUT/CLI/STI are allowed here. */
  readonly ioAllowed: boolean;
  /** What has run here this session, most recent first. */
  readonly seen: readonly string[];
  /** Code and data segments whose DPL is this ring (GDT, then LDT). */
  readonly segments: readonly string[];
  /** Gates whose handlers run in this ring (IDT vectors, call gates), with the labels they enter. */
  readonly entries: readonly string[];
  /** The stack a transfer into this ring from an outer one switches to (TSS SSn:ESPn). */
  readonly stack?: string;
}

export interface VcpuPicture {
  readonly title: string;
  readonly protectedMode: boolean;
  readonly rings: readonly RingPicture[];
  /** One line each: where EIP is, which descriptors are in use. */
  readonly facts: readonly string[];
  /** The descriptor tables in one line each (GDT, LDT, IDT, TR), when the response has them. */
  readonly tableFacts: readonly string[];
}

export interface RingsPicture {
  readonly technique: RingsResponse['technique'];
  readonly vcpus: readonly VcpuPicture[];
}

/** The label part of `serial_puts+0x4`; EIP itself when there is no label. */
function codeName(v: RingsVcpu): string {
  if (v.symbol !== undefined) {
    const plus = v.symbol.indexOf('+');
    return plus < 0 ? v.symbol : v.symbol.slice(0, plus);
  }
  return hex32(v.eip);
}

/** Adds where each vCPU is now to what has been seen; returns the same history when nothing is new. */
export function recordRings(history: RingHistory, r: RingsResponse): RingHistory {
  let next: (readonly string[])[] | undefined;
  for (const v of r.vcpus) {
    if (!v.protectedMode || v.realCpl < 0 || v.realCpl > 3) continue;
    const rings = next ?? history;
    const seen = rings[v.realCpl];
    const name = codeName(v);
    if (seen[0] === name) continue;
    next ??= [...history];
    next[v.realCpl] = [name, ...seen.filter((s) => s !== name)].slice(0, HISTORY_PER_RING);
  }
  return next ?? history;
}

function vcpuPicture(v: RingsVcpu, history: RingHistory, several: boolean): VcpuPicture {
  const title = several ? `VM ${v.vm} · vCPU ${v.vcpu}` : 'CPU 0';
  const where = v.symbol !== undefined ? `${v.symbol} (${hex32(v.eip)})` : hex32(v.eip);
  const line = v.source !== undefined ? ` — ${v.source.file.split(/[\\/]/).pop()}:${v.source.line + 1}` : '';
  const facts = [`EIP ${where}${line}: ${v.instruction}`];
  if (!v.protectedMode) {
    return { title, protectedMode: false, rings: [], facts: [...facts, 'Real mode (CR0.PE = 0): no privilege rings yet.'], tableFacts: [] };
  }
  facts.push(
    `CPL ${v.realCpl}${v.virtualCpl !== v.realCpl ? ` (the guest believes ${v.virtualCpl})` : ''} · CS DPL ${v.csDpl} · SS DPL ${v.ssDpl} · IOPL ${v.iopl}`,
    `Paging ${v.pagingEnabled ? 'on' : 'off'} · ${v.instructions} instructions retired`,
  );
  if (v.vmxMode !== undefined) facts.push(`VMX ${v.vmxMode} operation`);
  const tables = v.descriptorTables !== undefined ? ringTables(v.descriptorTables) : undefined;
  const rings: RingPicture[] = [0, 1, 2, 3].map((level) => ({
    level,
    current: level === v.realCpl,
    virtual: level === v.virtualCpl && v.virtualCpl !== v.realCpl,
    ioAllowed: level <= v.iopl,
    seen: history[level] ?? [],
    segments: tables?.segments[level] ?? [],
    entries: tables?.entries[level] ?? [],
    stack: tables?.stacks[level],
  }));
  return { title, protectedMode: true, rings, facts, tableFacts: tables?.facts ?? [] };
}

/** The picture for the current stop; `history` should already include it (see recordRings). */
export function ringsPicture(r: RingsResponse, history: RingHistory): RingsPicture {
  return { technique: r.technique, vcpus: r.vcpus.map((v) => vcpuPicture(v, history, r.vcpus.length > 1)) };
}
