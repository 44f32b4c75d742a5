// Reading descriptors from the GDT/LDT and the TSS, and the privilege-checked loads of data and
// stack segment registers (Intel SDM Vol. 3A §3.4, §5.5-§5.7, MOV/POP/LDS instruction pages).

import type { Cpu } from './cpu';
import { GP, NP, SS_VECTOR, TS } from './exceptions';
import {
  SS, descDpl, descPresent, isCode, isConforming, isReadable, isWritableData, SYS_TSS32_AVAILABLE, SYS_TSS32_BUSY,
} from './segment-bits';

/**
 * Reads the descriptor `sel` names into cpu.descLow/descHigh. False when the index lies beyond
 * the GDT or LDT limit (the caller raises its fault) or the read faulted (the fault is pending).
 */
export function readDescriptor(cpu: Cpu, sel: number): boolean {
  const index = sel & 0xfff8;
  let base: number, limit: number;
  if ((sel & 4) !== 0) {
    // (No check of LDTR's selector: LLDT with a null one leaves limit 0, which no index passes,
    // and the LDTR reset leaves, selector 0 with limit 0FFFFH, is a valid one: QEMU reads it too.)
    base = cpu.ldtrBase; limit = cpu.ldtrLimit;
  } else {
    base = cpu.gdtrBase; limit = cpu.gdtrLimit;
  }
  if (index + 7 > limit) return false;
  cpu.descLow = cpu.readSystem(base + index, 4);
  cpu.descHigh = cpu.readSystem(base + index + 4, 4);
  return cpu.fault < 0;
}

/** Linear address of descriptor `sel` in its table (after a successful readDescriptor). */
export function descriptorAddress(cpu: Cpu, sel: number): number {
  return (((sel & 4) !== 0 ? cpu.ldtrBase : cpu.gdtrBase) + (sel & 0xfff8)) >>> 0;
}

/** Sets the accessed bit of a code/data descriptor when loading it, as the processor does. */
export function setAccessed(cpu: Cpu, sel: number, high: number): void {
  if ((high & 0x1000) !== 0 && (high & 0x100) === 0) cpu.writeSystem(descriptorAddress(cpu, sel) + 4, 4, (high | 0x100) >>> 0);
}

/** Reads SS:ESP for privilege level `dpl` from the current TSS into cpu.tssSs/tssEsp (§7.2.1). */
export function readTssStack(cpu: Cpu, dpl: number, ext: number): boolean {
  const type = (cpu.trHigh >>> 8) & 0xf;
  const is32 = type === SYS_TSS32_AVAILABLE || type === SYS_TSS32_BUSY;
  const espAt = is32 ? 4 + dpl * 8 : 2 + dpl * 4;
  const w = is32 ? 4 : 2;
  if ((cpu.trSel & 0xfffc) === 0 || espAt + w + 1 + (is32 ? 2 : 0) > cpu.trLimit) return cpu.raise(TS, (cpu.trSel & 0xfffc) + ext);
  cpu.tssEsp = cpu.readSystem(cpu.trBase + espAt, w);
  cpu.tssSs = cpu.readSystem(cpu.trBase + espAt + w, 2);
  return cpu.fault < 0;
}

/**
 * MOV/POP/LDS-family load of segment register `s` with `sel`: the checks of the MOV instruction
 * page, protected mode. Returns false with #GP/#SS/#NP pending when they fail.
 */
export function loadSegment(cpu: Cpu, s: number, sel: number): boolean {
  sel &= 0xffff;
  const code = sel & 0xfffc;
  if (s === SS) {
    if (code === 0) return cpu.raise(GP, 0);
    if (!readDescriptor(cpu, sel)) return cpu.raise(GP, code);
    const high = cpu.descHigh;
    if ((sel & 3) !== cpu.cpl || descDpl(high) !== cpu.cpl || !isWritableData(high)) return cpu.raise(GP, code);
    if (!descPresent(high)) return cpu.raise(SS_VECTOR, code);
    setAccessed(cpu, sel, high);
    if (cpu.fault >= 0) return false;
    cpu.segSel[s] = sel;
    cpu.loadHidden(s, cpu.descLow, high | 0x100);
    return true;
  }
  if (code === 0) {
    cpu.loadNull(s, sel);
    return true;
  }
  if (!readDescriptor(cpu, sel)) return cpu.raise(GP, code);
  const high = cpu.descHigh;
  if (!isReadable(high) || ((high & 0x1000) === 0)) return cpu.raise(GP, code);
  // Data and non-conforming code: both RPL and CPL must be <= DPL.
  if (!isConforming(high) && ((sel & 3) > descDpl(high) || cpu.cpl > descDpl(high))) return cpu.raise(GP, code);
  if (!descPresent(high)) return cpu.raise(NP, code);
  setAccessed(cpu, sel, high);
  if (cpu.fault >= 0) return false;
  cpu.segSel[s] = sel;
  cpu.loadHidden(s, cpu.descLow, high | 0x100);
  return true;
}

/** After a return to an outer level: data segments the new CPL may not use become null (§5.8.6). */
export function nullInaccessibleSegments(cpu: Cpu): void {
  for (const s of [0, 3, 4, 5]) {
    const high = cpu.segHigh[s];
    if (cpu.segRights[s] === 0) continue;
    const dataOrNonConforming = !isCode(high) || !isConforming(high);
    if (dataOrNonConforming && descDpl(high) < cpu.cpl) cpu.loadNull(s, 0);
  }
}
