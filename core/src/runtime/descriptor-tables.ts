// The guest's descriptor tables as the debugger sees them (the Rings view's "what runs where"): GDT
// and LDT entries, IDT gates and the TSS's inner-ring stacks, read through the side-effect-free
// linear reader (no TLB fill, no A/D bits, no accessed-bit writes to descriptors).

import type { Machine } from '../machine/machine';
import {
  descBase, descBig, descDpl, descIsSegment, descLimit, descPresent, descType, gateOffset, gateSelector,
  SYS_CALL_GATE16, SYS_CALL_GATE32, SYS_INT_GATE16, SYS_INT_GATE32, SYS_LDT, SYS_TASK_GATE, SYS_TRAP_GATE16,
  SYS_TRAP_GATE32, SYS_TSS16_AVAILABLE, SYS_TSS16_BUSY, SYS_TSS32_AVAILABLE, SYS_TSS32_BUSY,
} from '../machine/cpu/segment-bits';
import { readLinear } from './guest-memory';
import type { SymbolTable } from './symbols';

export type DescriptorKind = 'code' | 'data' | 'tss' | 'ldt' | 'call-gate' | 'task-gate' | 'interrupt-gate' | 'trap-gate' | 'reserved';

/** Where a gate sends control: selector:offset, the label there, and the ring the handler runs in. */
export interface GateTarget {
  readonly selector: number;
  readonly offset: number;
  readonly symbol?: string;
  /** DPL of the code segment the selector names — the CPL after the transfer (non-conforming code). */
  readonly ring?: number;
  /** The target code segment is conforming: the handler keeps the caller's CPL. */
  readonly conforming?: boolean;
}

export interface DescriptorInfo {
  /** Index in its table and the selector naming it (RPL 0, TI = 1 for the LDT). */
  readonly index: number;
  readonly selector: number;
  readonly kind: DescriptorKind;
  /** The 4-bit type field and its SDM name (Vol. 3A Tables 3-1, 3-2). */
  readonly type: number;
  readonly typeName: string;
  readonly dpl: number;
  readonly present: boolean;
  /** Segment, TSS and LDT descriptors: linear base and byte-granular limit. */
  readonly base?: number;
  readonly limit?: number;
  /** Code/data: D/B (32-bit). */
  readonly big?: boolean;
  /** Call and task gates. */
  readonly target?: GateTarget;
  /** Code segments: how many of the guest's labels lie within the limit (EIP offsets it can run), and the first few. */
  readonly labels?: { readonly count: number; readonly names: readonly string[] };
  /** The two descriptor dwords as stored. */
  readonly low: number;
  readonly high: number;
}

export interface DescriptorTableInfo {
  readonly base: number;
  readonly limit: number;
  /** Entries that are not all zero (the null descriptor and unused slots are left out). */
  readonly entries: readonly DescriptorInfo[];
  /** The table runs onto an unmapped page from this linear address on. */
  readonly unmappedAt?: number;
}

export interface IdtGateInfo {
  readonly vector: number;
  readonly kind: 'interrupt-gate' | 'trap-gate' | 'task-gate' | 'reserved';
  readonly bits: 16 | 32;
  /** INT n from CPL > DPL is a #GP (SDM Vol. 3A §6.12.1.1); exceptions and IRQs ignore it. */
  readonly dpl: number;
  readonly present: boolean;
  readonly target: GateTarget;
}

export interface TssInfo {
  readonly selector: number;
  readonly base: number;
  readonly limit: number;
  readonly bits: 16 | 32;
  readonly busy: boolean;
  /** SS:ESP loaded on a transfer to rings 0-2 (SDM Vol. 3A §7.2.1, Figure 7-2; §7.6 for a 16-bit TSS). */
  readonly stacks: readonly { readonly ring: number; readonly ss: number; readonly esp: number }[];
  readonly unmappedAt?: number;
}

export interface DescriptorTables {
  readonly gdt: DescriptorTableInfo;
  /** The LDT LDTR selects, when one is loaded. */
  readonly ldt?: DescriptorTableInfo & { readonly selector: number };
  /** Present gates only. */
  readonly idt: { readonly base: number; readonly limit: number; readonly gates: readonly IdtGateInfo[]; readonly unmappedAt?: number };
  /** The task TR selects, when one is loaded. */
  readonly tss?: TssInfo;
}

/** At most this many label names per code segment (the count is exact). */
const LABEL_NAMES = 8;

const SYSTEM_TYPES: Readonly<Record<number, readonly [DescriptorKind, string]>> = {
  [SYS_TSS16_AVAILABLE]: ['tss', '16-bit TSS (available)'],
  [SYS_LDT]: ['ldt', 'LDT'],
  [SYS_TSS16_BUSY]: ['tss', '16-bit TSS (busy)'],
  [SYS_CALL_GATE16]: ['call-gate', '16-bit call gate'],
  [SYS_TASK_GATE]: ['task-gate', 'task gate'],
  [SYS_INT_GATE16]: ['interrupt-gate', '16-bit interrupt gate'],
  [SYS_TRAP_GATE16]: ['trap-gate', '16-bit trap gate'],
  [SYS_TSS32_AVAILABLE]: ['tss', '32-bit TSS (available)'],
  [SYS_TSS32_BUSY]: ['tss', '32-bit TSS (busy)'],
  [SYS_CALL_GATE32]: ['call-gate', '32-bit call gate'],
  [SYS_INT_GATE32]: ['interrupt-gate', '32-bit interrupt gate'],
  [SYS_TRAP_GATE32]: ['trap-gate', '32-bit trap gate'],
};

/** SDM Vol. 3A Table 3-1: bit 3 code/data, then conforming/expand-down, readable/writable, accessed. */
function segmentTypeName(type: number): string {
  const accessed = (type & 1) !== 0 ? ', accessed' : '';
  if ((type & 8) !== 0) return `code, execute${(type & 2) !== 0 ? '/read' : '-only'}${(type & 4) !== 0 ? ', conforming' : ''}${accessed}`;
  return `data, read${(type & 2) !== 0 ? '/write' : '-only'}${(type & 4) !== 0 ? ', expand-down' : ''}${accessed}`;
}

const u32 = (b: Uint8Array, at: number): number => (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
const u16 = (b: Uint8Array, at: number): number => b[at] | (b[at + 1] << 8);

/** Up to `count` descriptors' bytes from linear `base` (a short read when a page is unmapped). */
function readTable(machine: Machine, base: number, limit: number, maxEntries: number): { bytes: Uint8Array; unmappedAt?: number } {
  const entries = Math.min(maxEntries, Math.floor((limit + 1) / 8));
  const r = readLinear(machine, base, entries * 8);
  return { bytes: r.bytes, unmappedAt: r.unmappedAt };
}

/** The descriptor `selector` names (GDT or LDT by TI), as stored; undefined when outside the table or unreadable. */
function descriptorAt(machine: Machine, selector: number): { low: number; high: number } | undefined {
  const cpu = machine.cpu;
  const ldt = (selector & 4) !== 0;
  const base = ldt ? cpu.ldtrBase : cpu.gdtrBase;
  const limit = ldt ? cpu.ldtrLimit : cpu.gdtrLimit;
  const offset = selector & 0xfff8;
  if ((ldt && cpu.ldtrSel === 0) || (!ldt && offset === 0) || offset + 7 > limit) return undefined;
  const r = readLinear(machine, (base + offset) >>> 0, 8);
  return r.bytes.length < 8 ? undefined : { low: u32(r.bytes, 0), high: u32(r.bytes, 4) };
}

function gateTarget(machine: Machine, selector: number, offset: number, symbols: SymbolTable | undefined): GateTarget {
  const d = descriptorAt(machine, selector);
  const code = d !== undefined && descIsSegment(d.high) && (d.high & 0x800) !== 0;
  return {
    selector, offset, symbol: symbols?.symbolize(offset),
    ring: code ? descDpl(d.high) : undefined,
    conforming: code && (d.high & 0x400) !== 0 ? true : undefined,
  };
}

function labelsWithin(symbols: SymbolTable | undefined, limit: number): DescriptorInfo['labels'] {
  if (symbols === undefined) return undefined;
  let count = 0;
  const names: string[] = [];
  // Local labels (`parent.name`) belong to their parent; count the non-local ones.
  for (const s of symbols.all) {
    if (s.address > limit || s.name.includes('.')) continue;
    count++;
    if (names.length < LABEL_NAMES) names.push(s.name);
  }
  return { count, names };
}

export function describeDescriptor(
  machine: Machine, index: number, selector: number, low: number, high: number, symbols?: SymbolTable,
): DescriptorInfo {
  const type = descType(high);
  const common = { index, selector, type, dpl: descDpl(high), present: descPresent(high), low, high };
  if (descIsSegment(high)) {
    const code = (type & 8) !== 0;
    const limit = descLimit(low, high);
    return {
      ...common, kind: code ? 'code' : 'data', typeName: segmentTypeName(type), base: descBase(low, high), limit,
      big: descBig(high), labels: code ? labelsWithin(symbols, limit) : undefined,
    };
  }
  const [kind, typeName] = SYSTEM_TYPES[type] ?? ['reserved', `reserved system type ${type}`];
  if (kind === 'tss' || kind === 'ldt') return { ...common, kind, typeName, base: descBase(low, high), limit: descLimit(low, high) };
  if (kind === 'call-gate') return { ...common, kind, typeName, target: gateTarget(machine, gateSelector(low), gateOffset(low, high), symbols) };
  // A task gate names a TSS selector; its offset field is unused (Figure 7-6).
  if (kind === 'task-gate') return { ...common, kind, typeName, target: { selector: gateSelector(low), offset: 0 } };
  return { ...common, kind, typeName };
}

function readDescriptorTable(machine: Machine, base: number, limit: number, ti: 0 | 4, symbols: SymbolTable | undefined): DescriptorTableInfo {
  // 8192 descriptors is the most a 16-bit limit can hold (SDM Vol. 3A §3.5.1).
  const { bytes, unmappedAt } = readTable(machine, base, limit, 8192);
  const entries: DescriptorInfo[] = [];
  for (let i = 0; i + 8 <= bytes.length; i += 8) {
    const low = u32(bytes, i);
    const high = u32(bytes, i + 4);
    if (low === 0 && high === 0) continue;
    entries.push(describeDescriptor(machine, i >> 3, i | ti, low, high, symbols));
  }
  return { base: base >>> 0, limit, entries, unmappedAt };
}

function readIdt(machine: Machine, symbols: SymbolTable | undefined): DescriptorTables['idt'] {
  const cpu = machine.cpu;
  const { bytes, unmappedAt } = readTable(machine, cpu.idtrBase >>> 0, cpu.idtrLimit, 256);
  const gates: IdtGateInfo[] = [];
  for (let i = 0; i + 8 <= bytes.length; i += 8) {
    const low = u32(bytes, i);
    const high = u32(bytes, i + 4);
    if (!descPresent(high)) continue;
    const type = descType(high);
    const kind = descIsSegment(high) ? 'reserved'
      : type === SYS_INT_GATE16 || type === SYS_INT_GATE32 ? 'interrupt-gate'
        : type === SYS_TRAP_GATE16 || type === SYS_TRAP_GATE32 ? 'trap-gate'
          : type === SYS_TASK_GATE ? 'task-gate' : 'reserved';
    const target = kind === 'task-gate' ? { selector: gateSelector(low), offset: 0 }
      : kind === 'reserved' ? { selector: gateSelector(low), offset: gateOffset(low, high) }
        : gateTarget(machine, gateSelector(low), gateOffset(low, high), symbols);
    gates.push({ vector: i >> 3, kind, bits: (type & 8) !== 0 ? 32 : 16, dpl: descDpl(high), present: true, target });
  }
  return { base: cpu.idtrBase >>> 0, limit: cpu.idtrLimit, gates, unmappedAt };
}

function readTss(machine: Machine): TssInfo | undefined {
  const cpu = machine.cpu;
  if ((cpu.trSel & 0xfffc) === 0) return undefined;
  const type = descType(cpu.trHigh);
  const bits = type === SYS_TSS16_AVAILABLE || type === SYS_TSS16_BUSY ? 16 : 32;
  const base = cpu.trBase >>> 0;
  const limit = cpu.trLimit >>> 0;
  // 16-bit TSS: SP0 SS0 SP1 SS1 SP2 SS2 as words from offset 2; 32-bit: ESP0 SS0 ... as dwords from 4.
  const span = bits === 32 ? 28 : 14;
  const r = readLinear(machine, base, Math.min(span, limit + 1));
  const stacks: { ring: number; ss: number; esp: number }[] = [];
  for (let ring = 0; ring < 3; ring++) {
    const at = bits === 32 ? 4 + ring * 8 : 2 + ring * 4;
    const end = at + (bits === 32 ? 8 : 4);
    if (end > r.bytes.length) break;
    stacks.push(bits === 32
      ? { ring, esp: u32(r.bytes, at), ss: u16(r.bytes, at + 4) }
      : { ring, esp: u16(r.bytes, at), ss: u16(r.bytes, at + 2) });
  }
  return {
    selector: cpu.trSel, base, limit, bits, busy: type === SYS_TSS16_BUSY || type === SYS_TSS32_BUSY, stacks, unmappedAt: r.unmappedAt,
  };
}

/**
 * The GDT, the loaded LDT, the IDT's present gates and the current TSS's ring stacks, as the
 * guest's memory holds them now. With `symbols`, gate targets are named and code segments list
 * the labels within their limit.
 */
export function readDescriptorTables(machine: Machine, symbols?: SymbolTable): DescriptorTables {
  const cpu = machine.cpu;
  const gdt = readDescriptorTable(machine, cpu.gdtrBase >>> 0, cpu.gdtrLimit, 0, symbols);
  const ldt = (cpu.ldtrSel & 0xfffc) !== 0
    ? { ...readDescriptorTable(machine, cpu.ldtrBase >>> 0, cpu.ldtrLimit >>> 0, 4, symbols), selector: cpu.ldtrSel }
    : undefined;
  return { gdt, ldt, idt: readIdt(machine, symbols), tss: readTss(machine) };
}
