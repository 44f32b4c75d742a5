// System instructions: I/O permission (IOPL and the TSS bitmap), control and debug registers,
// LLDT/LTR, LAR/LSL/VERR/VERW, MSRs, SYSENTER/SYSEXIT and CPUID (Intel SDM Vol. 2 pages; Vol. 3A
// §2.5, §5.10, §20.5 I/O permission bit map).

import type { Cpu } from './cpu';
import { IF, IOPL, IOPL_SHIFT, RF, VM } from './eflags';
import { GP, NP } from './exceptions';
import { readDescriptor, descriptorAddress } from './descriptors';
import {
  CS, SS, SYS_LDT, SYS_TSS16_AVAILABLE, SYS_TSS32_AVAILABLE, SYS_TSS32_BUSY, descBase, descDpl, descIsSegment,
  descLimit, descPresent, descType, isCode, isConforming, isReadable, isWritableData,
} from './segment-bits';

/**
 * IN/OUT/INS/OUTS permission: allowed when CPL <= IOPL, else every bitmap bit of the accessed
 * ports must be 0 in a 32-bit TSS whose limit covers them (SDM Vol. 1 §19.5.2). #GP(0) otherwise.
 */
export function checkIoPermission(cpu: Cpu, port: number, size: number): boolean {
  if (cpu.cpl <= (cpu.flags & IOPL) >>> IOPL_SHIFT) return true;
  const type = (cpu.trHigh >>> 8) & 0xf;
  if ((cpu.trSel & 0xfffc) === 0 || (type !== SYS_TSS32_AVAILABLE && type !== SYS_TSS32_BUSY) || cpu.trLimit < 103) return cpu.raise(GP, 0);
  const mapBase = cpu.readSystem(cpu.trBase + 102, 2);
  if (cpu.fault >= 0) return false;
  const at = mapBase + (port >>> 3);
  if (at + 1 > cpu.trLimit) return cpu.raise(GP, 0);
  const bits = cpu.readSystem(cpu.trBase + at, 2);
  if (cpu.fault >= 0) return false;
  const mask = ((1 << size) - 1) << (port & 7);
  return (bits & mask) === 0 ? true : cpu.raise(GP, 0);
}

const CR0_PE = 1, CR0_ET = 0x10, CR0_NW = 0x2000_0000, CR0_CD = 0x4000_0000, CR0_PG = 0x8000_0000;
/** CR4 bits this CPU implements: TSD DE PSE MCE PGE PCE (no VME/PVI/PAE/OSFXSR). */
const CR4_SUPPORTED = 0x4 | 0x8 | 0x10 | 0x40 | 0x80 | 0x100;

/** MOV CRn, r32 at CPL 0. */
export function movToCr(cpu: Cpu, n: number, v: number): void {
  v >>>= 0;
  switch (n) {
    case 0:
      if (((v & CR0_PG) !== 0 && (v & CR0_PE) === 0) || ((v & CR0_NW) !== 0 && (v & CR0_CD) === 0)) { cpu.raise(GP, 0); return; }
      // ET is hardwired to 1 on processors after the i386.
      cpu.cr0 = (v | CR0_ET) >>> 0;
      cpu.mmu.setCr0(cpu.cr0);
      return;
    case 2: cpu.cr2 = v; return;
    case 3: cpu.cr3 = v; cpu.mmu.setCr3(v); return;
    case 4:
      if ((v & ~CR4_SUPPORTED) !== 0) { cpu.raise(GP, 0); return; }
      cpu.cr4 = v;
      cpu.mmu.setCr4(v);
      return;
    default: cpu.raise(GP, 0);
  }
}

export function movFromCr(cpu: Cpu, n: number): number {
  switch (n) {
    case 0: return cpu.cr0;
    case 2: return cpu.cr2;
    case 3: return cpu.cr3;
    case 4: return cpu.cr4;
    default: cpu.raise(GP, 0); return 0;
  }
}

/** MOV DRn, r32: DR4/DR5 alias DR6/DR7 while CR4.DE = 0. */
export function movToDr(cpu: Cpu, n: number, v: number): void {
  const r = n === 4 ? 6 : n === 5 ? 7 : n;
  cpu.dr[r] = r === 6 ? (v | 0xffff0ff0) >>> 0 : r === 7 ? (v | 0x400) >>> 0 : v >>> 0;
}

/** LLDT r/m16 at CPL 0. */
export function loadLdtr(cpu: Cpu, sel: number): void {
  if ((sel & 0xfffc) === 0) { cpu.ldtrSel = sel; cpu.ldtrBase = 0; cpu.ldtrLimit = 0; return; }
  if ((sel & 4) !== 0 || !readDescriptor(cpu, sel)) { cpu.raise(GP, sel & 0xfffc); return; }
  const high = cpu.descHigh;
  if (descIsSegment(high) || descType(high) !== SYS_LDT) { cpu.raise(GP, sel & 0xfffc); return; }
  if (!descPresent(high)) { cpu.raise(NP, sel & 0xfffc); return; }
  cpu.ldtrSel = sel;
  cpu.ldtrBase = descBase(cpu.descLow, high);
  cpu.ldtrLimit = descLimit(cpu.descLow, high);
}

/** LTR r/m16 at CPL 0: an available TSS in the GDT, which becomes busy. */
export function loadTr(cpu: Cpu, sel: number): void {
  if ((sel & 0xfffc) === 0) { cpu.raise(GP, 0); return; }
  if ((sel & 4) !== 0 || !readDescriptor(cpu, sel)) { cpu.raise(GP, sel & 0xfffc); return; }
  const high = cpu.descHigh;
  const type = descType(high);
  if (descIsSegment(high) || (type !== SYS_TSS16_AVAILABLE && type !== SYS_TSS32_AVAILABLE)) { cpu.raise(GP, sel & 0xfffc); return; }
  if (!descPresent(high)) { cpu.raise(NP, sel & 0xfffc); return; }
  const busy = (high | 0x200) >>> 0;
  cpu.writeSystem(descriptorAddress(cpu, sel) + 4, 4, busy);
  if (cpu.fault >= 0) return;
  cpu.trSel = sel;
  cpu.trBase = descBase(cpu.descLow, high);
  cpu.trLimit = descLimit(cpu.descLow, high);
  cpu.trHigh = busy;
}

/** The descriptor `sel` names if it is visible at CPL/RPL for LAR/LSL/VERR/VERW, else false. */
function visible(cpu: Cpu, sel: number): boolean {
  if ((sel & 0xfffc) === 0 || !readDescriptor(cpu, sel)) return false;
  const high = cpu.descHigh;
  if (isCode(high) && isConforming(high)) return true;
  const dpl = descDpl(high);
  return dpl >= cpu.cpl && dpl >= (sel & 3);
}

/** LAR: access rights (high dword & 0x00F0FF00) or -1 (ZF=0). */
export function lar(cpu: Cpu, sel: number): number {
  if (!visible(cpu, sel)) return -1;
  const high = cpu.descHigh;
  if (!descIsSegment(high) && ![1, 2, 3, 4, 5, 9, 11, 12].includes(descType(high))) return -1;
  return (high & 0x00f0ff00) >>> 0;
}

/** LSL: the byte-granular limit or -1 (ZF=0). */
export function lsl(cpu: Cpu, sel: number): number {
  if (!visible(cpu, sel)) return -1;
  const high = cpu.descHigh;
  if (!descIsSegment(high) && ![1, 2, 3, 9, 11].includes(descType(high))) return -1;
  return descLimit(cpu.descLow, high);
}

/** VERR/VERW: readable (code or data) or writable data segment visible at CPL and RPL. */
export function verify(cpu: Cpu, sel: number, write: boolean): boolean {
  if (!visible(cpu, sel)) return false;
  const high = cpu.descHigh;
  if (!descIsSegment(high)) return false;
  return write ? isWritableData(high) : isReadable(high);
}

const MSR_TSC = 0x10, MSR_SYSENTER_CS = 0x174, MSR_SYSENTER_ESP = 0x175, MSR_SYSENTER_EIP = 0x176;

/** RDMSR at CPL 0; MSRs this CPU does not implement raise #GP(0). */
export function readMsr(cpu: Cpu): void {
  let v: number;
  switch (cpu.regs[1] >>> 0) {
    case MSR_TSC: v = cpu.instret + cpu.tscOffset; break;
    case MSR_SYSENTER_CS: v = cpu.sysenterCs; break;
    case MSR_SYSENTER_ESP: v = cpu.sysenterEsp; break;
    case MSR_SYSENTER_EIP: v = cpu.sysenterEip; break;
    default: cpu.raise(GP, 0); return;
  }
  cpu.regs[0] = v % 4294967296;
  cpu.regs[2] = Math.floor(v / 4294967296);
}

export function writeMsr(cpu: Cpu): void {
  const lo = cpu.regs[0] >>> 0, hi = cpu.regs[2] >>> 0;
  switch (cpu.regs[1] >>> 0) {
    case MSR_TSC: cpu.tscOffset = hi * 4294967296 + lo - cpu.instret; return;
    case MSR_SYSENTER_CS: cpu.sysenterCs = lo & 0xffff; return;
    case MSR_SYSENTER_ESP: cpu.sysenterEsp = lo; return;
    case MSR_SYSENTER_EIP: cpu.sysenterEip = lo; return;
    default: cpu.raise(GP, 0);
  }
}

/** Flat segments SYSENTER/SYSEXIT load without reading the GDT (SDM Vol. 2, SYSENTER). */
const FLAT_CODE_HIGH = 0x00cf9b00, FLAT_DATA_HIGH = 0x00cf9300;

export function sysenter(cpu: Cpu): void {
  const cs = cpu.sysenterCs;
  if ((cs & 0xfffc) === 0) { cpu.raise(GP, 0); return; }
  cpu.flags &= ~(VM | IF | RF);
  cpu.cpl = 0;
  cpu.segSel[CS] = cs & 0xfffc;
  cpu.loadHidden(CS, 0xffff, FLAT_CODE_HIGH);
  cpu.segSel[SS] = (cs + 8) & 0xfffc;
  cpu.loadHidden(SS, 0xffff, FLAT_DATA_HIGH);
  cpu.regs[4] = cpu.sysenterEsp;
  cpu.nextEip = cpu.sysenterEip;
}

export function sysexit(cpu: Cpu): void {
  const cs = cpu.sysenterCs;
  if (cpu.cpl !== 0 || (cs & 0xfffc) === 0) { cpu.raise(GP, 0); return; }
  cpu.cpl = 3;
  cpu.segSel[CS] = ((cs + 16) & 0xfffc) | 3;
  cpu.loadHidden(CS, 0xffff, FLAT_CODE_HIGH | 0x6000);
  cpu.segSel[SS] = ((cs + 24) & 0xfffc) | 3;
  cpu.loadHidden(SS, 0xffff, FLAT_DATA_HIGH | 0x6000);
  cpu.regs[4] = cpu.regs[1];
  cpu.nextEip = cpu.regs[2] >>> 0;
}

/**
 * CPUID. Vendor "GenuineIntel", family 6 model 6 stepping 3 like QEMU's default qemu32 model,
 * but only the features this CPU implements: DE PSE TSC MSR CX8 SEP PGE CMOV (EDX bits 2 3 4 5
 * 8 11 13 15) — no FPU, PAE, APIC, MMX or SSE. The highest basic leaf is 1 and there are no
 * extended leaves, so any other leaf (2, 0x40000000, 0x80000000 ...) returns leaf 1's values:
 * "if a value entered for CPUID.EAX is higher than the maximum input value for basic or extended
 * function for that processor then the data for the highest basic information leaf is returned"
 * (SDM Vol. 2A, CPUID), as QEMU does. A guest reading 0x80000000 so sees EAX = 0x663, below
 * 0x80000001: no extended leaves.
 */
export function cpuid(cpu: Cpu): void {
  const r = cpu.regs;
  if ((r[0] >>> 0) === 0) {
    r[0] = 1;
    r[3] = 0x756e6547; r[2] = 0x49656e69; r[1] = 0x6c65746e; // "Genu" "ineI" "ntel"
    return;
  }
  r[0] = 0x663; r[3] = 0; r[1] = 0;
  r[2] = (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 8) | (1 << 11) | (1 << 13) | (1 << 15);
}
