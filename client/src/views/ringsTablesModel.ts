// What runs where, from the descriptor tables the `ringside/rings` response carries: each ring's
// segments (GDT/LDT descriptors by DPL, SDM Vol. 3A §5.5), the gates whose handlers run in it (IDT
// and call gates by the DPL of their target code segment, §5.8.4, §6.12.1), and the stack the TSS
// gives a transfer into it (§7.2.1); plus one-line facts about the tables themselves.

import type { RingsDescriptor, RingsDescriptorTables, RingsGateTarget, RingsIdtGate } from '../../../core/src/protocol';
import { hex32, hexShort } from './hex';

export interface RingTables {
  /** Per ring 0-3: `0x08 code, execute/read, flat 4 GiB, 32-bit — 41 labels: start, serial_init, …`. */
  readonly segments: readonly (readonly string[])[];
  /** Per ring 0-3: `INT 0x00–0x1f: 32 interrupt gates, DPL 0 → exception_0 … exception_31`. */
  readonly entries: readonly (readonly string[])[];
  /** Per ring 0-2: `SS0:ESP0 = 0x0010:0x00105000`, when the TSS sets one. */
  readonly stacks: readonly (string | undefined)[];
  /** GDT/IDT/LDT/TSS summary lines and anything that fits no ring (task gates, gates to non-code selectors). */
  readonly facts: readonly string[];
}

const FLAT_LIMIT = 0xffff_ffff;
const LABEL_NAMES = 4;

const sel = (v: number): string => `0x${v.toString(16).padStart(2, '0')}`;
const vec = (v: number): string => `0x${v.toString(16).padStart(2, '0')}`;

function span(base: number, limit: number): string {
  return base === 0 && limit === FLAT_LIMIT ? 'flat 4 GiB' : `base ${hex32(base)}, limit ${hexShort(limit)}`;
}

function targetName(t: RingsGateTarget): string {
  return t.symbol ?? `${sel(t.selector)}:${hex32(t.offset)}`;
}

function segmentLine(d: RingsDescriptor, table: 'GDT' | 'LDT'): string {
  const where = table === 'LDT' ? 'LDT ' : '';
  const missing = d.present ? '' : ' (not present)';
  const shape = d.base !== undefined && d.limit !== undefined ? `, ${span(d.base, d.limit)}` : '';
  const bits = d.big === undefined ? '' : d.big ? ', 32-bit' : ', 16-bit';
  let labels = '';
  if (d.labels !== undefined && d.labels.count > 0) {
    const more = d.labels.count > LABEL_NAMES ? ', …' : '';
    labels = ` — ${d.labels.count} label${d.labels.count === 1 ? '' : 's'}: ${d.labels.names.slice(0, LABEL_NAMES).join(', ')}${more}`;
  }
  const conforming = d.kind === 'code' && (d.type & 4) !== 0 ? ' (conforming: runs at the caller\'s ring)' : '';
  return `${where}${sel(d.selector)} ${d.typeName}${shape}${bits}${missing}${conforming}${labels}`;
}

function gateKey(g: RingsIdtGate): string {
  return `${g.kind}|${g.bits}|${g.dpl}|${g.target.ring ?? '-'}|${g.target.selector}|${g.target.conforming === true}`;
}

/** Consecutive vectors with the same kind, DPL and target segment become one line. */
function idtLines(gates: readonly RingsIdtGate[]): { ring: number | undefined; line: string }[] {
  const out: { ring: number | undefined; line: string }[] = [];
  for (let i = 0; i < gates.length;) {
    let j = i + 1;
    while (j < gates.length && gates[j].vector === gates[j - 1].vector + 1 && gateKey(gates[j]) === gateKey(gates[i])) j++;
    const first = gates[i];
    const last = gates[j - 1];
    const kind = first.kind.replace('-', ' ');
    const userCallable = first.dpl === 3 ? ': INT n allowed from ring 3' : '';
    if (first.kind === 'task-gate') {
      out.push({ ring: undefined, line: `INT ${vec(first.vector)}${j - i > 1 ? `–${vec(last.vector)}` : ''}: task gate → TSS ${sel(first.target.selector)}` });
    } else if (j - i === 1) {
      out.push({ ring: first.target.ring, line: `INT ${vec(first.vector)}: ${kind}, DPL ${first.dpl}${userCallable} → ${targetName(first.target)}` });
    } else {
      const targets = `${targetName(first.target)} … ${targetName(last.target)}`;
      out.push({ ring: first.target.ring, line: `INT ${vec(first.vector)}–${vec(last.vector)}: ${j - i} ${kind}s, DPL ${first.dpl}${userCallable} → ${targets}` });
    }
    i = j;
  }
  return out;
}

export function ringTables(t: RingsDescriptorTables): RingTables {
  const segments: string[][] = [[], [], [], []];
  const entries: string[][] = [[], [], [], []];
  const facts: string[] = [];
  const place = (d: RingsDescriptor, table: 'GDT' | 'LDT'): void => {
    if (d.kind === 'code' || d.kind === 'data') segments[d.dpl].push(segmentLine(d, table));
    else if (d.kind === 'call-gate' && d.target !== undefined) {
      const line = `${table === 'LDT' ? 'LDT ' : ''}call gate ${sel(d.selector)}, DPL ${d.dpl} → ${targetName(d.target)}`;
      if (d.target.ring !== undefined) entries[d.target.ring].push(line);
      else facts.push(`${line}: the target selector is not a code segment`);
    } else if (d.kind === 'task-gate' && d.target !== undefined) facts.push(`${table} ${sel(d.selector)}: task gate → TSS ${sel(d.target.selector)}`);
    else if (d.kind === 'tss' || d.kind === 'ldt') facts.push(`${table} ${sel(d.selector)}: ${d.typeName} at ${hex32(d.base ?? 0)}, limit ${hexShort(d.limit ?? 0)}`);
  };

  facts.push(`GDT at ${hex32(t.gdt.base)}: ${Math.floor((t.gdt.limit + 1) / 8)} slots, ${t.gdt.entries.length} in use${t.gdt.unmappedAt !== undefined ? ` (unreadable from ${hex32(t.gdt.unmappedAt)})` : ''}`);
  for (const d of t.gdt.entries) place(d, 'GDT');
  if (t.ldt !== undefined) {
    facts.push(`LDT ${sel(t.ldt.selector)} at ${hex32(t.ldt.base)}: ${t.ldt.entries.length} in use`);
    for (const d of t.ldt.entries) place(d, 'LDT');
  }
  facts.push(`IDT at ${hex32(t.idt.base)}: ${t.idt.gates.length} present gate${t.idt.gates.length === 1 ? '' : 's'}${t.idt.unmappedAt !== undefined ? ` (unreadable from ${hex32(t.idt.unmappedAt)})` : ''}`);
  for (const { ring, line } of idtLines(t.idt.gates)) {
    if (ring !== undefined) entries[ring].push(line);
    else facts.push(line);
  }

  const stacks: (string | undefined)[] = [undefined, undefined, undefined, undefined];
  if (t.tss !== undefined) {
    facts.push(`TR ${sel(t.tss.selector)}: ${t.tss.bits}-bit TSS at ${hex32(t.tss.base)}${t.tss.busy ? ' (busy)' : ''}`);
    for (const s of t.tss.stacks) {
      // A null SS means the ring has no stack: a transfer into it would fault (#TS, SDM Vol. 3A §6.12.1).
      if ((s.ss & 0xfffc) !== 0) stacks[s.ring] = `SS${s.ring}:ESP${s.ring} = 0x${s.ss.toString(16).padStart(4, '0')}:${hex32(s.esp)}`;
    }
  }
  return { segments, entries, stacks, facts };
}
