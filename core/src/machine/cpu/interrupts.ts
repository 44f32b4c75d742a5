// Interrupt and exception delivery in protected mode through IDT interrupt and trap gates, with the
// stack switch through the TSS on a privilege change (Intel SDM Vol. 3A §6.12, §7.2.1), and the
// double-fault and shutdown rules for exceptions raised while delivering another (§6.15, Table 6-5).

import type { Cpu } from './cpu';
import { IF, NT, RF, TF, VM } from './eflags';
import { DF_VECTOR, GP, NP, PF_VECTOR, SS_VECTOR, TS, isContributory, pushesErrorCode, type ShutdownFault } from './exceptions';
import {
  CS, SS, SYS_INT_GATE16, SYS_INT_GATE32, SYS_TRAP_GATE16, SYS_TRAP_GATE32, descBase, descBig, descDpl,
  descIsSegment, descLimit, descPresent, descType, gateOffset, gateSelector, isCode, isConforming, isExpandDown,
  isWritableData,
} from './segment-bits';
import { readDescriptor, readTssStack, setAccessed } from './descriptors';
import type { DeliveryKind } from './hooks';

/** Where an event comes from: it decides EXT in error codes and the gate DPL check (§6.12.1.1). */
export type EventSource = 'exception' | 'software' | 'external';

const KIND_OF: Readonly<Record<EventSource, DeliveryKind>> = { exception: 'fault', software: 'software', external: 'external' };

/**
 * Delivers `vector` through the IDT; `returnEip` is pushed as the return address. Returns false
 * with a new fault pending in the CPU when delivery itself faulted (nothing is committed then).
 * `kind` and `instructionEip` (default: EIP on entry) are what cpu.hooks is told.
 */
export function deliverInterrupt(
  cpu: Cpu, vector: number, code: number, hasCode: boolean, source: EventSource, returnEip: number,
  kind: DeliveryKind = KIND_OF[source], instructionEip: number = cpu.eip,
): boolean {
  const cplBefore = cpu.cpl;
  const ext = source === 'software' ? 0 : 1;
  const idtCode = vector * 8 + 2 + ext;
  if (vector * 8 + 7 > cpu.idtrLimit) return cpu.raise(GP, idtCode);
  const gLow = cpu.readSystem(cpu.idtrBase + vector * 8, 4);
  const gHigh = cpu.readSystem(cpu.idtrBase + vector * 8 + 4, 4);
  if (cpu.fault >= 0) return false;
  const type = descType(gHigh);
  // Task gates (type 5) would start a hardware task switch, which this CPU does not implement.
  const isGate = !descIsSegment(gHigh) && (type === SYS_INT_GATE16 || type === SYS_INT_GATE32 || type === SYS_TRAP_GATE16 || type === SYS_TRAP_GATE32);
  if (!isGate) return cpu.raise(GP, idtCode);
  if (source === 'software' && descDpl(gHigh) < cpu.cpl) return cpu.raise(GP, idtCode);
  if (!descPresent(gHigh)) return cpu.raise(NP, idtCode);
  const gate32 = type === SYS_INT_GATE32 || type === SYS_TRAP_GATE32;
  const sel = gateSelector(gLow);
  const offset = gate32 ? gateOffset(gLow, gHigh) : gLow & 0xffff;
  if ((sel & 0xfffc) === 0) return cpu.raise(GP, ext);
  if (!readDescriptor(cpu, sel)) return cpu.raise(GP, (sel & 0xfffc) + ext);
  const cLow = cpu.descLow, cHigh = cpu.descHigh;
  const dpl = descDpl(cHigh);
  if (!isCode(cHigh) || dpl > cpu.cpl) return cpu.raise(GP, (sel & 0xfffc) + ext);
  if (!descPresent(cHigh)) return cpu.raise(NP, (sel & 0xfffc) + ext);
  if (offset > descLimit(cLow, cHigh)) return cpu.raise(GP, ext);

  const w = gate32 ? 4 : 2;
  const eflags = cpu.getEflags();
  const oldCs = cpu.segSel[CS];
  const words = hasCode ? 1 : 0;
  if (!isConforming(cHigh) && dpl < cpu.cpl) {
    // Inner privilege: the new stack comes from the TSS (§6.12.1, Figure 6-4).
    if (!readTssStack(cpu, dpl, ext)) return false;
    const ss = cpu.tssSs, esp = cpu.tssEsp;
    if ((ss & 0xfffc) === 0) return cpu.raise(TS, ext);
    if (!readDescriptor(cpu, ss)) return cpu.raise(TS, (ss & 0xfffc) + ext);
    const sLow = cpu.descLow, sHigh = cpu.descHigh;
    if ((ss & 3) !== dpl || descDpl(sHigh) !== dpl || !isWritableData(sHigh)) return cpu.raise(TS, (ss & 0xfffc) + ext);
    if (!descPresent(sHigh)) return cpu.raise(SS_VECTOR, (ss & 0xfffc) + ext);
    const frame = (5 + words) * w;
    const mask = descBig(sHigh) ? 0xffffffff : 0xffff;
    const top = (esp - frame) & mask;
    const limit = descLimit(sLow, sHigh);
    if (isExpandDown(sHigh) ? top <= limit : (top >>> 0) + frame - 1 > limit) return cpu.raise(SS_VECTOR, (ss & 0xfffc) + ext);
    const base = descBase(sLow, sHigh);
    const at = (i: number) => (base + (((top >>> 0) + i * w) & mask)) >>> 0;
    let i = 0;
    if (hasCode) cpu.writeLinear(at(i++), w, code, false);
    cpu.writeLinear(at(i++), w, returnEip, false);
    cpu.writeLinear(at(i++), w, oldCs, false);
    cpu.writeLinear(at(i++), w, eflags, false);
    cpu.writeLinear(at(i++), w, cpu.regs[4], false);
    cpu.writeLinear(at(i), w, cpu.segSel[SS], false);
    if (cpu.fault >= 0) return false;
    setAccessed(cpu, ss, sHigh);
    cpu.segSel[SS] = ss;
    cpu.loadHidden(SS, sLow, sHigh | 0x100);
    cpu.regs[4] = mask === 0xffff ? (esp & ~0xffff) | top : top;
    cpu.cpl = dpl;
  } else if (isConforming(cHigh) || dpl === cpu.cpl) {
    const frame = (3 + words) * w;
    const mask = cpu.stackMask;
    const top = (cpu.regs[4] - frame) & mask;
    const la = cpu.segLinear(SS, top >>> 0, frame, true);
    if (la < 0) { cpu.fault = -1; return cpu.raise(SS_VECTOR, ext); }
    const user = cpu.cpl === 3;
    let i = 0;
    const at = (k: number) => cpu.segBase[SS] + (((top >>> 0) + k * w) & mask);
    if (hasCode) cpu.writeLinear(at(i++) >>> 0, w, code, user);
    cpu.writeLinear(at(i++) >>> 0, w, returnEip, user);
    cpu.writeLinear(at(i++) >>> 0, w, oldCs, user);
    cpu.writeLinear(at(i) >>> 0, w, eflags, user);
    if (cpu.fault >= 0) return false;
    cpu.regs[4] = mask === 0xffff ? (cpu.regs[4] & ~0xffff) | top : top;
  } else {
    return cpu.raise(GP, (sel & 0xfffc) + ext);
  }
  setAccessed(cpu, sel, cHigh);
  cpu.segSel[CS] = (sel & 0xfffc) | cpu.cpl;
  cpu.loadHidden(CS, cLow, cHigh | 0x100);
  cpu.eip = offset;
  let f = cpu.flags & ~(TF | NT | RF | VM);
  if (type === SYS_INT_GATE16 || type === SYS_INT_GATE32) f &= ~IF;
  cpu.flags = f;
  cpu.lastVector = vector;
  cpu.interruptShadow = false;
  if (cpu.hooks !== null) cpu.hooks.delivered(vector, kind, hasCode ? code >>> 0 : -1, instructionEip >>> 0, cplBefore);
  return true;
}

/**
 * Delivers the fault pending in the CPU; a fault while delivering it becomes the next event,
 * combined by Table 6-5: contributory after contributory, or #PF/contributory after #PF, give #DF;
 * any fault while delivering #DF shuts the processor down (a triple fault).
 */
export function deliverPendingFault(cpu: Cpu): void {
  let vector = cpu.fault;
  let code = cpu.faultCode;
  // The faults in the order they arise, #DF where a pair became one: what a shutdown is reported
  // with, made only once a delivery has faulted.
  let chain: ShutdownFault[] | undefined;
  for (let guard = 0; guard < 8; guard++) {
    cpu.fault = -1;
    if (deliverInterrupt(cpu, vector, code, pushesErrorCode(vector), 'exception', cpu.eip)) {
      if (chain !== undefined) cpu.undeliveredFaults = NO_FAULTS;
      return;
    }
    const second = cpu.fault;
    const secondCode = cpu.faultCode;
    chain ??= [shutdownFault(vector, code)];
    chain.push(shutdownFault(second, secondCode));
    if (vector === DF_VECTOR) break;
    if ((isContributory(vector) && isContributory(second)) || (vector === PF_VECTOR && (second === PF_VECTOR || isContributory(second)))) {
      vector = DF_VECTOR;
      code = 0;
      chain.push(shutdownFault(DF_VECTOR, 0));
    } else {
      vector = second;
      code = secondCode;
    }
    // What cpu.hooks is told was raised and never delivered, should the next delivery succeed.
    cpu.undeliveredFaults = chain.slice(0, -1);
  }
  cpu.fault = -1;
  cpu.condition = 'shutdown';
  cpu.shutdownFaults = chain ?? [];
  cpu.undeliveredFaults = NO_FAULTS;
}

const NO_FAULTS: readonly ShutdownFault[] = [];

function shutdownFault(vector: number, code: number): ShutdownFault {
  return { vector, errorCode: pushesErrorCode(vector) ? code >>> 0 : -1 };
}
