// Register views for the debugger: general registers, EFLAGS decoded bit by bit (SDM Vol. 1
// §3.4.3), segment registers with their hidden descriptor parts (Vol. 3A §3.4.3), control and
// system-table registers; plus register lookup by name for expressions and setRegister.

import type { Cpu } from '../machine/cpu/cpu';
import { AC, AF, CF, DF, ID, IF, IOPL_SHIFT, NT, OF, PF, RF, SF, TF, VM, ZF } from '../machine/cpu/eflags';
import { SEGMENT_NAMES, descDpl, descIsSegment, descPresent, descType, descBig } from '../machine/cpu/segment-bits';
import { wordTable } from '../word-table';

export const GPR32_NAMES = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
const GPR16_NAMES = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const GPR8_NAMES = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'];

export interface GeneralRegisters {
  readonly eax: number; readonly ecx: number; readonly edx: number; readonly ebx: number;
  readonly esp: number; readonly ebp: number; readonly esi: number; readonly edi: number;
  readonly eip: number;
  readonly eflags: number;
}

/** EFLAGS one field per flag (IOPL as its 2-bit value). */
export interface DecodedEflags {
  readonly cf: boolean; readonly pf: boolean; readonly af: boolean; readonly zf: boolean; readonly sf: boolean;
  readonly tf: boolean; readonly if: boolean; readonly df: boolean; readonly of: boolean;
  readonly iopl: number; readonly nt: boolean; readonly rf: boolean; readonly vm: boolean;
  readonly ac: boolean; readonly id: boolean;
}

export interface SegmentRegisterView {
  readonly name: string;
  readonly selector: number;
  /** Hidden part, loaded from the descriptor. */
  readonly base: number;
  readonly limit: number;
  /** The descriptor's high dword (type, S, DPL, P, AVL, D/B, G). */
  readonly attributes: number;
  readonly type: number;
  readonly dpl: number;
  readonly present: boolean;
  /** Code/data descriptor (S=1) versus system descriptor. */
  readonly codeOrData: boolean;
  readonly big: boolean;
  /** Selector fields: RPL, table indicator (LDT), index. */
  readonly rpl: number;
  readonly ldt: boolean;
  readonly index: number;
}

export interface SystemRegisters {
  readonly cr0: number; readonly cr2: number; readonly cr3: number; readonly cr4: number;
  readonly gdtr: { readonly base: number; readonly limit: number };
  readonly idtr: { readonly base: number; readonly limit: number };
  readonly ldtr: { readonly selector: number; readonly base: number; readonly limit: number };
  readonly tr: { readonly selector: number; readonly base: number; readonly limit: number };
  readonly cpl: number;
  readonly dr: readonly number[];
  readonly sysenter: { readonly cs: number; readonly esp: number; readonly eip: number };
}

export function generalRegisters(cpu: Cpu): GeneralRegisters {
  const r = cpu.regs;
  return {
    eax: r[0] >>> 0, ecx: r[1] >>> 0, edx: r[2] >>> 0, ebx: r[3] >>> 0,
    esp: r[4] >>> 0, ebp: r[5] >>> 0, esi: r[6] >>> 0, edi: r[7] >>> 0,
    eip: cpu.eip >>> 0, eflags: cpu.getEflags(),
  };
}

export function decodeEflags(v: number): DecodedEflags {
  const on = (bit: number): boolean => (v & bit) !== 0;
  return {
    cf: on(CF), pf: on(PF), af: on(AF), zf: on(ZF), sf: on(SF), tf: on(TF), if: on(IF), df: on(DF), of: on(OF),
    iopl: (v >>> IOPL_SHIFT) & 3, nt: on(NT), rf: on(RF), vm: on(VM), ac: on(AC), id: on(ID),
  };
}

export function segmentRegisters(cpu: Cpu): SegmentRegisterView[] {
  return SEGMENT_NAMES.map((name, i) => {
    const high = cpu.segHigh[i];
    const sel = cpu.segSel[i];
    return {
      name, selector: sel, base: cpu.segBase[i] >>> 0, limit: cpu.segLimit[i] >>> 0, attributes: high >>> 0,
      type: descType(high), dpl: descDpl(high), present: descPresent(high), codeOrData: descIsSegment(high),
      big: descBig(high), rpl: sel & 3, ldt: (sel & 4) !== 0, index: sel >>> 3,
    };
  });
}

export function systemRegisters(cpu: Cpu): SystemRegisters {
  return {
    cr0: cpu.cr0 >>> 0, cr2: cpu.cr2 >>> 0, cr3: cpu.cr3 >>> 0, cr4: cpu.cr4 >>> 0,
    gdtr: { base: cpu.gdtrBase >>> 0, limit: cpu.gdtrLimit },
    idtr: { base: cpu.idtrBase >>> 0, limit: cpu.idtrLimit },
    ldtr: { selector: cpu.ldtrSel, base: cpu.ldtrBase >>> 0, limit: cpu.ldtrLimit >>> 0 },
    tr: { selector: cpu.trSel, base: cpu.trBase >>> 0, limit: cpu.trLimit >>> 0 },
    cpl: cpu.cpl,
    dr: Array.from(cpu.dr),
    sysenter: { cs: cpu.sysenterCs, esp: cpu.sysenterEsp >>> 0, eip: cpu.sysenterEip >>> 0 },
  };
}

/** A register's value by its lower-case name (general, 16/8-bit parts, eip, eflags, flags and iopl, segments, crN, cpl). */
export function readRegister(cpu: Cpu, name: string): number | undefined {
  let i = (GPR32_NAMES as readonly string[]).indexOf(name);
  if (i >= 0) return cpu.regs[i] >>> 0;
  if ((i = GPR16_NAMES.indexOf(name)) >= 0) return cpu.regs[i] & 0xffff;
  if ((i = GPR8_NAMES.indexOf(name)) >= 0) return i < 4 ? cpu.regs[i] & 0xff : (cpu.regs[i - 4] >>> 8) & 0xff;
  if ((i = (SEGMENT_NAMES as readonly string[]).indexOf(name)) >= 0) return cpu.segSel[i];
  switch (name) {
    case 'eip': return cpu.eip >>> 0;
    case 'eflags': return cpu.getEflags();
    case 'cr0': return cpu.cr0 >>> 0;
    case 'cr2': return cpu.cr2 >>> 0;
    case 'cr3': return cpu.cr3 >>> 0;
    case 'cr4': return cpu.cr4 >>> 0;
    case 'cpl': return cpu.cpl;
    case 'iopl': return (cpu.getEflags() >>> IOPL_SHIFT) & 3;
    default: {
      const flag = FLAG_BITS[name];
      return flag === undefined ? undefined : (cpu.getEflags() & flag) !== 0 ? 1 : 0;
    }
  }
}

/**
 * The size in bytes of a register's value as an instruction operand (SDM Vol. 1 §3.4.1: AL..BH
 * 8 bits, AX..DI and the segment selectors 16, the rest 32); undefined for a flag, IOPL or CPL,
 * which are fields of a register, not one, and for a name that is no register.
 */
export function registerSize(name: string): 1 | 2 | 4 | undefined {
  if (GPR8_NAMES.includes(name)) return 1;
  if (GPR16_NAMES.includes(name) || (SEGMENT_NAMES as readonly string[]).includes(name)) return 2;
  if ((GPR32_NAMES as readonly string[]).includes(name) || ['eip', 'eflags', 'cr0', 'cr2', 'cr3', 'cr4'].includes(name)) return 4;
  return undefined;
}

const FLAG_BITS: Readonly<Record<string, number>> = wordTable({
  cf: CF, pf: PF, af: AF, zf: ZF, sf: SF, tf: TF, if: IF, df: DF, of: OF, nt: NT, rf: RF, vm: VM, ac: AC, id: ID,
});

export type SetRegisterResult = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly message: string };

/**
 * Writes a general register (any width), EIP, EFLAGS, one status/control flag or IOPL. Segment and
 * control registers are not writable from the debugger: their hidden parts and the MMU would
 * have to follow, which only the guest's own instructions do correctly.
 */
export function writeRegister(cpu: Cpu, name: string, value: number): SetRegisterResult {
  const v = value >>> 0;
  let i = (GPR32_NAMES as readonly string[]).indexOf(name);
  if (i >= 0) { cpu.regs[i] = v | 0; return { ok: true, value: v }; }
  if ((i = GPR16_NAMES.indexOf(name)) >= 0) { cpu.setReg(i, 2, v); return { ok: true, value: v & 0xffff }; }
  if ((i = GPR8_NAMES.indexOf(name)) >= 0) { cpu.setReg(i, 1, v); return { ok: true, value: v & 0xff }; }
  if (name === 'eip') { cpu.eip = v; return { ok: true, value: v }; }
  if (name === 'eflags') { cpu.setEflags(v); return { ok: true, value: cpu.getEflags() }; }
  if (name === 'iopl') {
    // EFLAGS bits 12-13 (SDM Vol. 1 §3.4.3.3).
    if (v > 3) return { ok: false, message: 'iopl is two bits: 0 to 3' };
    cpu.setEflags((cpu.getEflags() & ~(3 << IOPL_SHIFT)) | (v << IOPL_SHIFT));
    return { ok: true, value: v };
  }
  const flag = FLAG_BITS[name];
  if (flag !== undefined) {
    if (v > 1) return { ok: false, message: `${name} is one bit: 0 or 1` };
    const f = cpu.getEflags();
    cpu.setEflags(v !== 0 ? f | flag : f & ~flag);
    return { ok: true, value: v };
  }
  if (readRegister(cpu, name) !== undefined) return { ok: false, message: `${name} cannot be changed from the debugger` };
  return { ok: false, message: `unknown register \`${name}'` };
}
