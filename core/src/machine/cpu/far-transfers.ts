// Far control transfers in protected mode: JMP/CALL far to code segments and through call gates
// (with the TSS stack switch and parameter copy), RETF to the same or an outer level, and IRET
// (Intel SDM Vol. 2 JMP/CALL/RET/IRET pages; Vol. 3A §5.8). Task switches are not implemented:
// a TSS or task-gate target raises #GP(selector).

import type { Cpu } from './cpu';
import { AC, ARITH_FLAGS, DF, ID, IF, IOPL, IOPL_SHIFT, NT, RF, TF } from './eflags';
import { GP, NP, SS_VECTOR, TS } from './exceptions';
import {
  CS, SS, SYS_CALL_GATE16, SYS_CALL_GATE32, descBig, descDpl, descIsSegment, descLimit, descPresent, descType,
  gateOffset, gateSelector, isCode, isConforming, isWritableData,
} from './segment-bits';
import { nullInaccessibleSegments, readDescriptor, readTssStack, setAccessed } from './descriptors';

/** Checks a code segment target of JMP/CALL far (direct); its descriptor is in cpu.desc*. */
function checkDirectCode(cpu: Cpu, sel: number): boolean {
  const high = cpu.descHigh;
  const dpl = descDpl(high);
  if (isConforming(high) ? dpl > cpu.cpl : (sel & 3) > cpu.cpl || dpl !== cpu.cpl) return cpu.raise(GP, sel & 0xfffc);
  if (!descPresent(high)) return cpu.raise(NP, sel & 0xfffc);
  return true;
}

function commitCs(cpu: Cpu, sel: number, low: number, high: number, cpl: number, eip: number): void {
  setAccessed(cpu, sel, high);
  cpu.cpl = cpl;
  cpu.segSel[CS] = (sel & 0xfffc) | cpl;
  cpu.loadHidden(CS, low, high | 0x100);
  cpu.nextEip = eip;
}

/** JMP ptr16:xx / JMP m16:xx. */
export function farJump(cpu: Cpu, sel: number, offset: number, osz: number): void {
  if ((sel & 0xfffc) === 0) { cpu.raise(GP, 0); return; }
  if (!readDescriptor(cpu, sel)) { cpu.raise(GP, sel & 0xfffc); return; }
  let low = cpu.descLow, high = cpu.descHigh;
  if (isCode(high)) {
    if (!checkDirectCode(cpu, sel)) return;
    const eip = osz === 2 ? offset & 0xffff : offset;
    if (eip > descLimit(low, high)) { cpu.raise(GP, 0); return; }
    commitCs(cpu, sel, low, high, cpu.cpl, eip);
    return;
  }
  const type = descType(high);
  if (descIsSegment(high) || (type !== SYS_CALL_GATE16 && type !== SYS_CALL_GATE32)) { cpu.raise(GP, sel & 0xfffc); return; }
  const gdpl = descDpl(high);
  if (gdpl < cpu.cpl || gdpl < (sel & 3)) { cpu.raise(GP, sel & 0xfffc); return; }
  if (!descPresent(high)) { cpu.raise(NP, sel & 0xfffc); return; }
  const target = gateSelector(low);
  const eip = type === SYS_CALL_GATE32 ? gateOffset(low, high) : low & 0xffff;
  if ((target & 0xfffc) === 0) { cpu.raise(GP, 0); return; }
  if (!readDescriptor(cpu, target)) { cpu.raise(GP, target & 0xfffc); return; }
  low = cpu.descLow; high = cpu.descHigh;
  const dpl = descDpl(high);
  if (!isCode(high) || (isConforming(high) ? dpl > cpu.cpl : dpl !== cpu.cpl)) { cpu.raise(GP, target & 0xfffc); return; }
  if (!descPresent(high)) { cpu.raise(NP, target & 0xfffc); return; }
  if (eip > descLimit(low, high)) { cpu.raise(GP, 0); return; }
  commitCs(cpu, target, low, high, cpu.cpl, eip);
}

/** CALL ptr16:xx / CALL m16:xx: pushes CS and EIP (osz bytes each), inner levels through call gates. */
export function farCall(cpu: Cpu, sel: number, offset: number, osz: number): void {
  if ((sel & 0xfffc) === 0) { cpu.raise(GP, 0); return; }
  if (!readDescriptor(cpu, sel)) { cpu.raise(GP, sel & 0xfffc); return; }
  let low = cpu.descLow, high = cpu.descHigh;
  const retEip = cpu.nextEip;
  const oldCs = cpu.segSel[CS];
  if (isCode(high)) {
    if (!checkDirectCode(cpu, sel)) return;
    const eip = osz === 2 ? offset & 0xffff : offset;
    if (eip > descLimit(low, high)) { cpu.raise(GP, 0); return; }
    const sp = cpu.regs[4];
    if (!cpu.push(oldCs, osz) || !cpu.push(retEip, osz)) { cpu.regs[4] = sp; return; }
    commitCs(cpu, sel, low, high, cpu.cpl, eip);
    return;
  }
  const type = descType(high);
  if (descIsSegment(high) || (type !== SYS_CALL_GATE16 && type !== SYS_CALL_GATE32)) { cpu.raise(GP, sel & 0xfffc); return; }
  const gdpl = descDpl(high);
  if (gdpl < cpu.cpl || gdpl < (sel & 3)) { cpu.raise(GP, sel & 0xfffc); return; }
  if (!descPresent(high)) { cpu.raise(NP, sel & 0xfffc); return; }
  const gate32 = type === SYS_CALL_GATE32;
  const params = high & 0x1f;
  const target = gateSelector(low);
  const eip = gate32 ? gateOffset(low, high) : low & 0xffff;
  if ((target & 0xfffc) === 0) { cpu.raise(GP, 0); return; }
  if (!readDescriptor(cpu, target)) { cpu.raise(GP, target & 0xfffc); return; }
  low = cpu.descLow; high = cpu.descHigh;
  const dpl = descDpl(high);
  if (!isCode(high) || dpl > cpu.cpl) { cpu.raise(GP, target & 0xfffc); return; }
  if (!descPresent(high)) { cpu.raise(NP, target & 0xfffc); return; }
  if (eip > descLimit(low, high)) { cpu.raise(GP, 0); return; }
  const w = gate32 ? 4 : 2;
  if (!isConforming(high) && dpl < cpu.cpl) {
    // More privilege: new stack from the TSS; old SS:ESP, the parameters, then CS:EIP (§5.8.5).
    if (!readTssStack(cpu, dpl, 0)) return;
    const ss = cpu.tssSs, esp = cpu.tssEsp;
    if ((ss & 0xfffc) === 0) { cpu.raise(TS, 0); return; }
    if (!readDescriptor(cpu, ss)) { cpu.raise(TS, ss & 0xfffc); return; }
    const sLow = cpu.descLow, sHigh = cpu.descHigh;
    if ((ss & 3) !== dpl || descDpl(sHigh) !== dpl || !isWritableData(sHigh)) { cpu.raise(TS, ss & 0xfffc); return; }
    if (!descPresent(sHigh)) { cpu.raise(SS_VECTOR, ss & 0xfffc); return; }
    const values: number[] = [cpu.segSel[SS], cpu.regs[4] >>> 0];
    for (let i = params - 1; i >= 0; i--) values.push(cpu.peek(i * w, w));
    values.push(oldCs, retEip);
    if (cpu.fault >= 0) return;
    const saved = { ss: cpu.segSel[SS], esp: cpu.regs[4], cpl: cpu.cpl };
    const savedHidden = [cpu.segBase[SS], cpu.segLimit[SS], cpu.segHigh[SS], cpu.segRights[SS]] as const;
    cpu.cpl = dpl;
    cpu.segSel[SS] = ss;
    cpu.loadHidden(SS, sLow, sHigh);
    cpu.regs[4] = descBig(sHigh) ? esp : esp & 0xffff;
    for (const v of values) {
      if (!cpu.push(v, w)) {
        cpu.cpl = saved.cpl; cpu.segSel[SS] = saved.ss; cpu.regs[4] = saved.esp;
        [cpu.segBase[SS], cpu.segLimit[SS], cpu.segHigh[SS], cpu.segRights[SS]] = savedHidden;
        cpu.segmentRestored(SS);
        if (cpu.fault !== 14) { cpu.fault = -1; cpu.raise(SS_VECTOR, ss & 0xfffc); }
        return;
      }
    }
    setAccessed(cpu, ss, sHigh);
    commitCs(cpu, target, low, high, dpl, eip);
    return;
  }
  const sp = cpu.regs[4];
  if (!cpu.push(oldCs, w) || !cpu.push(retEip, w)) { cpu.regs[4] = sp; return; }
  commitCs(cpu, target, low, high, cpu.cpl, eip);
}

/** Checks the code segment a RETF/IRET returns to; its descriptor is left in cpu.desc*. */
function checkReturnCs(cpu: Cpu, sel: number): boolean {
  if ((sel & 0xfffc) === 0) return cpu.raise(GP, 0);
  const rpl = sel & 3;
  if (rpl < cpu.cpl) return cpu.raise(GP, sel & 0xfffc);
  if (!readDescriptor(cpu, sel)) return cpu.raise(GP, sel & 0xfffc);
  const high = cpu.descHigh;
  if (!isCode(high)) return cpu.raise(GP, sel & 0xfffc);
  const dpl = descDpl(high);
  if (isConforming(high) ? dpl > rpl : dpl !== rpl) return cpu.raise(GP, sel & 0xfffc);
  if (!descPresent(high)) return cpu.raise(NP, sel & 0xfffc);
  return true;
}

/** Checks the stack segment of a return to the outer level `rpl`; descriptor left in cpu.desc*. */
function checkReturnSs(cpu: Cpu, ss: number, rpl: number): boolean {
  if ((ss & 0xfffc) === 0) return cpu.raise(GP, 0);
  if ((ss & 3) !== rpl || !readDescriptor(cpu, ss)) return cpu.raise(GP, ss & 0xfffc);
  const high = cpu.descHigh;
  if (descDpl(high) !== rpl || !isWritableData(high)) return cpu.raise(GP, ss & 0xfffc);
  if (!descPresent(high)) return cpu.raise(SS_VECTOR, ss & 0xfffc);
  return true;
}

/** RETF [imm16]. */
export function farReturn(cpu: Cpu, osz: number, imm: number): void {
  const eip = cpu.peek(0, osz);
  const sel = cpu.peek(osz, osz) & 0xffff;
  if (cpu.fault >= 0) return;
  if (!checkReturnCs(cpu, sel)) return;
  const low = cpu.descLow, high = cpu.descHigh;
  if (eip > descLimit(low, high)) { cpu.raise(GP, 0); return; }
  const rpl = sel & 3;
  if (rpl === cpu.cpl) {
    cpu.adjustSp(2 * osz + imm);
    commitCs(cpu, sel, low, high, rpl, eip);
    return;
  }
  const esp = cpu.peek(2 * osz + imm, osz);
  const ss = cpu.peek(3 * osz + imm, osz) & 0xffff;
  if (cpu.fault >= 0) return;
  if (!checkReturnSs(cpu, ss, rpl)) return;
  const sLow = cpu.descLow, sHigh = cpu.descHigh;
  commitCs(cpu, sel, low, high, rpl, eip);
  setAccessed(cpu, ss, sHigh);
  cpu.segSel[SS] = ss;
  cpu.loadHidden(SS, sLow, sHigh | 0x100);
  cpu.regs[4] = esp;
  cpu.adjustSp(imm);
  nullInaccessibleSegments(cpu);
}

/**
 * The EFLAGS an IRET or POPF at `cpl` may load (§3.4.3, POPF/IRET pages): IOPL only at CPL 0,
 * IF only when CPL <= IOPL; VM is never loaded (no virtual-8086 mode), RF only by IRET.
 */
export function mergeLoadedFlags(cpu: Cpu, value: number, size: number, isIret: boolean): number {
  const old = cpu.getEflags();
  let mask = ARITH_FLAGS | TF | DF | NT | (size === 4 ? AC | ID | (isIret ? RF : 0) : 0);
  if (cpu.cpl === 0) mask |= IOPL;
  if (cpu.cpl <= (old & IOPL) >>> IOPL_SHIFT) mask |= IF;
  if (size === 2) mask &= 0xffff;
  return ((old & ~mask) | (value & mask)) >>> 0;
}

/** IRET/IRETD in protected mode without NT (a task return raises #TS: task switching is absent). */
export function interruptReturn(cpu: Cpu, osz: number): void {
  if ((cpu.flags & NT) !== 0) { cpu.raise(TS, cpu.trSel & 0xfffc); return; }
  const eip = cpu.peek(0, osz);
  const sel = cpu.peek(osz, osz) & 0xffff;
  const flags = cpu.peek(2 * osz, osz);
  if (cpu.fault >= 0) return;
  if (!checkReturnCs(cpu, sel)) return;
  const low = cpu.descLow, high = cpu.descHigh;
  if (eip > descLimit(low, high)) { cpu.raise(GP, 0); return; }
  const rpl = sel & 3;
  const newFlags = mergeLoadedFlags(cpu, flags, osz, true);
  if (rpl === cpu.cpl) {
    cpu.adjustSp(3 * osz);
    commitCs(cpu, sel, low, high, rpl, eip);
    cpu.setEflags(newFlags);
    return;
  }
  const esp = cpu.peek(3 * osz, osz);
  const ss = cpu.peek(4 * osz, osz) & 0xffff;
  if (cpu.fault >= 0) return;
  if (!checkReturnSs(cpu, ss, rpl)) return;
  const sLow = cpu.descLow, sHigh = cpu.descHigh;
  commitCs(cpu, sel, low, high, rpl, eip);
  cpu.setEflags(newFlags);
  setAccessed(cpu, ss, sHigh);
  cpu.segSel[SS] = ss;
  cpu.loadHidden(SS, sLow, sHigh | 0x100);
  cpu.regs[4] = osz === 2 ? (cpu.regs[4] & ~0xffff) | (esp & 0xffff) : esp;
  nullInaccessibleSegments(cpu);
}

