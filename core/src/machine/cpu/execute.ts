// The instruction handlers: one switch over the compiled operation id. Handlers read operands,
// check for faults before committing, and leave control transfers in cpu.nextEip. Semantics from
// the Intel SDM Vol. 2 instruction pages; system behaviour in descriptors/far-transfers/system.

import type { Cpu } from './cpu';
import { LF_ADC, LF_ADD, LF_DEC, LF_INC, LF_LOGIC, LF_NEG, LF_SBB, LF_SUB, MASKS, SIGNS } from './cpu';
import {
  ALU_ADC, ALU_ADD, ALU_AND, ALU_CMP, ALU_OR, ALU_SBB, ALU_SUB, Compiled, K_CREG, K_DREG, K_IMM, K_MEM, K_REG, K_SREG,
  OP, REP_E, REP_NONE,
} from './compiled';
import { AF, CF, DF, IF, IOPL, IOPL_SHIFT, PF, RF, SF, VM, ZF } from './eflags';
import { BP, BR, DE, DB, GP, OF_VECTOR, UD } from './exceptions';
import { doubleShift, logicFlags8, mulS32, mulU32, product, setResultFlags, setResultFlagsLazy, shiftRotate, writeTruncatedProduct } from './arith';
import { loadSegment } from './descriptors';
import { farCall, farJump, farReturn, interruptReturn, mergeLoadedFlags } from './far-transfers';
import { deliverInterrupt } from './interrupts';
import { ES, SS, CS } from './segment-bits';
import {
  checkIoPermission, cpuid, lar, lsl, verify, loadLdtr, loadTr, movToCr, movFromCr, movToDr, readMsr, writeMsr,
  sysenter, sysexit,
} from './system';

const u = (v: number): number => v >>> 0;

/** Offset of the instruction's memory operand (address-size wrapped). */
export function effectiveAddress(cpu: Cpu, c: Compiled): number {
  const r = cpu.regs;
  let a = c.disp;
  if (c.base >= 0) a += r[c.base];
  if (c.index >= 0) a += r[c.index] << c.scale;
  return c.asz === 32 ? a >>> 0 : a & 0xffff;
}

function rd(cpu: Cpu, c: Compiled, k: number, v: number, s: number): number {
  switch (k) {
    case K_REG: return cpu.getReg(v, s);
    case K_MEM: return cpu.read(c.seg, cpu.ea, s);
    case K_IMM: return v;
    case K_SREG: return cpu.segSel[v];
    default: return 0;
  }
}

function wr(cpu: Cpu, c: Compiled, k: number, v: number, s: number, value: number): void {
  if (k === K_REG) cpu.setReg(v, s, value);
  else if (k === K_MEM) cpu.write(c.seg, cpu.ea, s, value);
}

/** Near branch to `target` (operand-size wrapped), #GP(0) beyond the CS limit. */
function branch(cpu: Cpu, c: Compiled, target: number): void {
  const t = c.osz === 2 ? target & 0xffff : target >>> 0;
  if (t > cpu.segLimit[CS]) { cpu.raise(GP, 0); return; }
  cpu.nextEip = t;
}

/** INT n (kind 'software'), INT3/INTO/INT1 (traps, reported after the instruction: SDM Vol. 3A §6.5). */
function softwareInterrupt(cpu: Cpu, vector: number, source: 'software' | 'exception', kind: 'software' | 'trap'): void {
  if (deliverInterrupt(cpu, vector, 0, false, source, cpu.nextEip, kind)) cpu.nextEip = cpu.eip;
}

function requireCpl0(cpu: Cpu): boolean {
  return cpu.cpl === 0 ? true : cpu.raise(GP, 0);
}

function iopl(cpu: Cpu): number { return (cpu.flags & IOPL) >>> IOPL_SHIFT; }

/** Index register width for string instructions follows the address size. */
function strReg(cpu: Cpu, c: Compiled, r: number): number {
  return c.asz === 32 ? cpu.regs[r] >>> 0 : cpu.regs[r] & 0xffff;
}
function strAdvance(cpu: Cpu, c: Compiled, r: number, delta: number): void {
  if (c.asz === 32) cpu.regs[r] = cpu.regs[r] + delta;
  else cpu.regs[r] = (cpu.regs[r] & ~0xffff) | ((cpu.regs[r] + delta) & 0xffff);
}

function aluResult(cpu: Cpu, op: number, a: number, b: number, size: number): number {
  const mask = MASKS[size];
  switch (op) {
    case ALU_ADD: { const r = u((a + b) & mask); cpu.setLazy(LF_ADD, r, a, b, size); return r; }
    case ALU_OR: { const r = u((a | b) & mask); cpu.setLazy(LF_LOGIC, r, a, b, size); return r; }
    case ALU_ADC: { const cin = cpu.cf() ? 1 : 0; const r = u((a + b + cin) & mask); cpu.setLazy(LF_ADC, r, a, b, size); cpu.lazyCarry = cin; return r; }
    case ALU_SBB: { const cin = cpu.cf() ? 1 : 0; const r = u((a - b - cin) & mask); cpu.setLazy(LF_SBB, r, a, b, size); cpu.lazyCarry = cin; return r; }
    case ALU_AND: { const r = u(a & b & mask); cpu.setLazy(LF_LOGIC, r, a, b, size); return r; }
    case ALU_SUB: case ALU_CMP: { const r = u((a - b) & mask); cpu.setLazy(LF_SUB, r, a, b, size); return r; }
    default: { const r = u((a ^ b) & mask); cpu.setLazy(LF_LOGIC, r, a, b, size); return r; }
  }
}

/** One iteration of a string instruction; returns false when it faulted. */
function stringStep(cpu: Cpu, c: Compiled, op: number): boolean {
  const s = c.size;
  const delta = (cpu.flags & DF) !== 0 ? -s : s;
  switch (op) {
    case OP.movs: {
      const v = cpu.read(c.seg, strReg(cpu, c, 6), s);
      if (cpu.fault >= 0) return false;
      cpu.write(ES, strReg(cpu, c, 7), s, v);
      if (cpu.fault >= 0) return false;
      strAdvance(cpu, c, 6, delta); strAdvance(cpu, c, 7, delta);
      return true;
    }
    case OP.cmps: {
      const a = cpu.read(c.seg, strReg(cpu, c, 6), s);
      const b = cpu.read(ES, strReg(cpu, c, 7), s);
      if (cpu.fault >= 0) return false;
      aluResult(cpu, ALU_CMP, a, b, s);
      strAdvance(cpu, c, 6, delta); strAdvance(cpu, c, 7, delta);
      return true;
    }
    case OP.stos:
      cpu.write(ES, strReg(cpu, c, 7), s, cpu.getReg(0, s));
      if (cpu.fault >= 0) return false;
      strAdvance(cpu, c, 7, delta);
      return true;
    case OP.lods: {
      const v = cpu.read(c.seg, strReg(cpu, c, 6), s);
      if (cpu.fault >= 0) return false;
      cpu.setReg(0, s, v);
      strAdvance(cpu, c, 6, delta);
      return true;
    }
    case OP.scas: {
      const b = cpu.read(ES, strReg(cpu, c, 7), s);
      if (cpu.fault >= 0) return false;
      aluResult(cpu, ALU_CMP, cpu.getReg(0, s), b, s);
      strAdvance(cpu, c, 7, delta);
      return true;
    }
    case OP.ins: {
      const port = cpu.regs[2] & 0xffff;
      if (!checkIoPermission(cpu, port, s)) return false;
      // The destination is checked before the port is read (a read may have side effects).
      if (!cpu.probeWrite(ES, strReg(cpu, c, 7), s)) return false;
      cpu.write(ES, strReg(cpu, c, 7), s, cpu.portRead(port, s));
      strAdvance(cpu, c, 7, delta);
      return true;
    }
    default: { // outs
      const port = cpu.regs[2] & 0xffff;
      if (!checkIoPermission(cpu, port, s)) return false;
      const v = cpu.read(c.seg, strReg(cpu, c, 6), s);
      if (cpu.fault >= 0) return false;
      cpu.portWrite(port, s, v);
      strAdvance(cpu, c, 6, delta);
      return true;
    }
  }
}

/**
 * Iterations one execution of a REP string instruction performs before it lets the run loop in.
 * A repeated string operation is interruptible between iterations, with EIP still at the
 * instruction and the registers showing its progress (SDM Vol. 2B, REP/REPE/REPNE); so an ECX of
 * 2^32 - 1 ends a run (Cpu.run) every REP_CHUNK iterations instead of blocking the host for minutes.
 */
export const REP_CHUNK = 4096;

function stringOp(cpu: Cpu, c: Compiled, op: number): void {
  if (c.rep === REP_NONE) { stringStep(cpu, c, op); return; }
  const compares = op === OP.cmps || op === OP.scas;
  let i = 0;
  for (;; i++) {
    const count = strReg(cpu, c, 1);
    if (count === 0) break;
    if (i === REP_CHUNK) {
      cpu.nextEip = cpu.eip;
      break;
    }
    if (!stringStep(cpu, c, op)) break;
    strAdvance(cpu, c, 1, -1);
    if (compares && (c.rep === REP_E ? !cpu.zf() : cpu.zf())) { i++; break; }
  }
  // Machine.run counts the iterations against its step budget, taking them whenever they add up to
  // a chunk's worth: a run of REPs, long or short, ends in bounded time.
  cpu.stringIterations += i;
  if (cpu.stringIterations >= REP_CHUNK) cpu.requestStop();
}

export function execute(cpu: Cpu, c: Compiled): void {
  const op = c.op;
  const s = c.size;
  if (c.k0 === K_MEM || c.k1 === K_MEM || c.k2 === K_MEM) cpu.ea = effectiveAddress(cpu, c);
  switch (op) {
    case OP.mov: {
      if (c.k0 === K_SREG) {
        const sel = rd(cpu, c, c.k1, c.v1, 2);
        if (cpu.fault < 0 && loadSegment(cpu, c.v0, sel) && c.v0 === SS) cpu.interruptShadowNext = true;
        return;
      }
      if (c.k0 === K_CREG) { if (requireCpl0(cpu)) movToCr(cpu, c.v0, cpu.getReg(c.v1, 4)); return; }
      if (c.k1 === K_CREG) { if (requireCpl0(cpu)) cpu.setReg(c.v0, 4, movFromCr(cpu, c.v1)); return; }
      if (c.k0 === K_DREG) { if (requireCpl0(cpu)) movToDr(cpu, c.v0, cpu.getReg(c.v1, 4)); return; }
      if (c.k1 === K_DREG) { if (requireCpl0(cpu)) cpu.setReg(c.v0, 4, cpu.dr[c.v1 === 4 ? 6 : c.v1 === 5 ? 7 : c.v1]); return; }
      if (c.k1 === K_SREG) {
        // A register destination receives the zero-extended selector; memory gets 16 bits.
        wr(cpu, c, c.k0, c.v0, c.k0 === K_MEM ? 2 : c.s0, cpu.segSel[c.v1]);
        return;
      }
      const v = rd(cpu, c, c.k1, c.v1, s);
      if (cpu.fault < 0) wr(cpu, c, c.k0, c.v0, s, v);
      return;
    }
    case OP.movzx: case OP.movsx: {
      let v = rd(cpu, c, c.k1, c.v1, c.s1);
      if (cpu.fault >= 0) return;
      if (op === OP.movsx) v = c.s1 === 1 ? (v << 24) >> 24 : (v << 16) >> 16;
      cpu.setReg(c.v0, c.s0, v);
      return;
    }
    case OP.xchg: {
      const a = rd(cpu, c, c.k0, c.v0, s), b = rd(cpu, c, c.k1, c.v1, s);
      if (cpu.fault >= 0) return;
      if (c.k0 === K_MEM) { wr(cpu, c, c.k0, c.v0, s, b); if (cpu.fault < 0) wr(cpu, c, c.k1, c.v1, s, a); }
      else { wr(cpu, c, c.k1, c.v1, s, a); if (cpu.fault < 0) wr(cpu, c, c.k0, c.v0, s, b); }
      return;
    }
    case OP.push: {
      if (c.k0 === K_SREG) { cpu.push(cpu.segSel[c.v0], c.osz); return; }
      // PUSH ESP pushes the value before the push; a memory operand is read first.
      const v = c.k0 === K_IMM ? c.v0 : rd(cpu, c, c.k0, c.v0, c.osz);
      if (cpu.fault < 0) cpu.push(v, c.osz);
      return;
    }
    case OP.pop: {
      const v = cpu.peek(0, c.osz);
      if (cpu.fault >= 0) return;
      if (c.k0 === K_SREG) {
        if (loadSegment(cpu, c.v0, v & 0xffff)) { cpu.adjustSp(c.osz); if (c.v0 === SS) cpu.interruptShadowNext = true; }
        return;
      }
      const esp = cpu.regs[4];
      cpu.adjustSp(c.osz);
      if (c.k0 === K_MEM) {
        // The address is computed with the incremented ESP (SDM Vol. 2, POP).
        cpu.ea = effectiveAddress(cpu, c);
        cpu.write(c.seg, cpu.ea, c.osz, v);
        if (cpu.fault >= 0) cpu.regs[4] = esp;
      } else {
        cpu.setReg(c.v0, c.osz, v);
      }
      return;
    }
    case OP.pusha: {
      const w = c.osz;
      const esp = cpu.regs[4];
      const sp = cpu.getReg(4, w);
      for (let r = 0; r < 8; r++) {
        if (!cpu.push(r === 4 ? sp : cpu.getReg(r, w), w)) { cpu.regs[4] = esp; return; }
      }
      return;
    }
    case OP.popa: {
      const w = c.osz;
      const vals = [0, 0, 0, 0, 0, 0, 0, 0];
      for (let i = 0; i < 8; i++) vals[7 - i] = cpu.peek(i * w, w);
      if (cpu.fault >= 0) return;
      for (let r = 0; r < 8; r++) if (r !== 4) cpu.setReg(r, w, vals[r]);
      cpu.adjustSp(8 * w);
      return;
    }
    case OP.lea: cpu.setReg(c.v0, c.osz, cpu.ea); return;
    case OP.cbw:
      if (c.osz === 2) cpu.setReg(0, 2, (cpu.regs[0] << 24) >> 24);
      else cpu.regs[0] = (cpu.regs[0] << 16) >> 16;
      return;
    case OP.cwd:
      if (c.osz === 2) cpu.setReg(2, 2, (cpu.regs[0] & 0x8000) !== 0 ? 0xffff : 0);
      else cpu.regs[2] = cpu.regs[0] >> 31;
      return;
    case OP.xlatb: {
      const off = c.asz === 32 ? u(cpu.regs[3] + (cpu.regs[0] & 0xff)) : (cpu.regs[3] + (cpu.regs[0] & 0xff)) & 0xffff;
      const v = cpu.read(c.segOverride >= 0 ? c.segOverride : 3, off, 1);
      if (cpu.fault < 0) cpu.setReg(0, 1, v);
      return;
    }
    case OP.bswap: {
      const v = cpu.regs[c.v0];
      cpu.regs[c.v0] = c.osz === 4 ? ((v >>> 24) | ((v >>> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24)) : 0;
      if (c.osz === 2) cpu.setReg(c.v0, 4, v & 0xffff0000);
      return;
    }
    case OP.cmov: {
      const v = rd(cpu, c, c.k1, c.v1, s);
      if (cpu.fault < 0 && cpu.cond(c.sub)) cpu.setReg(c.v0, s, v);
      return;
    }
    case OP.xadd: {
      const a = rd(cpu, c, c.k0, c.v0, s), b = cpu.getReg(c.v1, s);
      if (cpu.fault >= 0) return;
      const mask = MASKS[s];
      const r = u((a + b) & mask);
      wr(cpu, c, c.k0, c.v0, s, r);
      if (cpu.fault >= 0) return;
      if (c.k0 !== K_REG || c.v0 !== c.v1) cpu.setReg(c.v1, s, a);
      cpu.setLazy(LF_ADD, r, a, b, s);
      return;
    }
    case OP.cmpxchg: {
      const d = rd(cpu, c, c.k0, c.v0, s);
      if (cpu.fault >= 0) return;
      const acc = cpu.getReg(0, s);
      if (acc === d) wr(cpu, c, c.k0, c.v0, s, cpu.getReg(c.v1, s));
      else wr(cpu, c, c.k0, c.v0, s, d);
      if (cpu.fault >= 0) return;
      if (acc !== d) cpu.setReg(0, s, d);
      aluResult(cpu, ALU_CMP, acc, d, s);
      return;
    }
    case OP.cmpxchg8b: {
      const lo = cpu.read(c.seg, cpu.ea, 4), hi = cpu.read(c.seg, u(cpu.ea + 4), 4);
      if (cpu.fault >= 0) return;
      const equal = lo === u(cpu.regs[0]) && hi === u(cpu.regs[2]);
      if (equal) { cpu.write(c.seg, cpu.ea, 4, cpu.regs[3]); cpu.write(c.seg, u(cpu.ea + 4), 4, cpu.regs[1]); }
      else { cpu.write(c.seg, cpu.ea, 4, lo); cpu.write(c.seg, u(cpu.ea + 4), 4, hi); }
      if (cpu.fault >= 0) return;
      if (!equal) { cpu.regs[0] = lo; cpu.regs[2] = hi; }
      cpu.putFlag(ZF, equal);
      return;
    }
    case OP.alu: {
      const a = rd(cpu, c, c.k0, c.v0, s), b = rd(cpu, c, c.k1, c.v1, s);
      if (cpu.fault >= 0) return;
      const saveOp = cpu.lazyOp, saveRes = cpu.lazyRes, saveDst = cpu.lazyDst, saveSrc = cpu.lazySrc, saveSize = cpu.lazySize, saveCarry = cpu.lazyCarry;
      const r = aluResult(cpu, c.sub, a, b, s);
      if (c.sub !== ALU_CMP) {
        wr(cpu, c, c.k0, c.v0, s, r);
        if (cpu.fault >= 0) {
          cpu.lazyOp = saveOp; cpu.lazyRes = saveRes; cpu.lazyDst = saveDst; cpu.lazySrc = saveSrc; cpu.lazySize = saveSize; cpu.lazyCarry = saveCarry;
        }
      }
      return;
    }
    case OP.test: {
      const a = rd(cpu, c, c.k0, c.v0, s), b = rd(cpu, c, c.k1, c.v1, s);
      if (cpu.fault < 0) cpu.setLazy(LF_LOGIC, u(a & b), a, b, s);
      return;
    }
    case OP.inc: case OP.dec: {
      const a = rd(cpu, c, c.k0, c.v0, s);
      if (cpu.fault >= 0) return;
      const r = u((op === OP.inc ? a + 1 : a - 1) & MASKS[s]);
      const carry = cpu.cf() ? 1 : 0;
      wr(cpu, c, c.k0, c.v0, s, r);
      if (cpu.fault >= 0) return;
      cpu.setLazy(op === OP.inc ? LF_INC : LF_DEC, r, a, 1, s);
      cpu.lazyCarry = carry;
      return;
    }
    case OP.not: {
      const a = rd(cpu, c, c.k0, c.v0, s);
      if (cpu.fault < 0) wr(cpu, c, c.k0, c.v0, s, u(~a & MASKS[s]));
      return;
    }
    case OP.neg: {
      const a = rd(cpu, c, c.k0, c.v0, s);
      if (cpu.fault >= 0) return;
      const r = u(-a & MASKS[s]);
      wr(cpu, c, c.k0, c.v0, s, r);
      if (cpu.fault < 0) cpu.setLazy(LF_NEG, r, 0, a, s);
      return;
    }
    case OP.mul: case OP.imul: {
      if (c.nops === 1) {
        const b = rd(cpu, c, c.k0, c.v0, s);
        if (cpu.fault >= 0) return;
        let overflow: boolean, low: number;
        if (s === 1) {
          const p = op === OP.mul ? (cpu.regs[0] & 0xff) * b : ((cpu.regs[0] << 24) >> 24) * ((b << 24) >> 24);
          cpu.setReg(0, 2, p);
          low = p & 0xff;
          overflow = op === OP.mul ? (p & 0xff00) !== 0 : p !== ((p << 24) >> 24);
        } else if (s === 2) {
          const p = op === OP.mul ? (cpu.regs[0] & 0xffff) * b : ((cpu.regs[0] << 16) >> 16) * ((b << 16) >> 16);
          cpu.setReg(0, 2, p); cpu.setReg(2, 2, p >> 16);
          low = p & 0xffff;
          overflow = op === OP.mul ? (p & 0xffff0000) !== 0 : p !== ((p << 16) >> 16);
        } else {
          if (op === OP.mul) mulU32(cpu.regs[0], b); else mulS32(cpu.regs[0], b);
          cpu.regs[0] = product.lo; cpu.regs[2] = product.hi;
          low = product.lo;
          overflow = op === OP.mul ? product.hi !== 0 : (product.hi | 0) !== ((product.lo | 0) >> 31);
        }
        setResultFlagsLazy(cpu, low, s, overflow, overflow);
        return;
      }
      // Two- and three-operand IMUL: the truncated signed product.
      const a = c.nops === 3 ? rd(cpu, c, c.k1, c.v1, s) : cpu.getReg(c.v0, s);
      const b = c.nops === 3 ? c.v2 : rd(cpu, c, c.k1, c.v1, s);
      if (cpu.fault >= 0) return;
      writeTruncatedProduct(cpu, c.v0, s, a, b);
      return;
    }
    case OP.div: case OP.idiv: {
      const d = rd(cpu, c, c.k0, c.v0, s);
      if (cpu.fault >= 0) return;
      if (d === 0) { cpu.raise(DE); return; }
      if (s === 1 || s === 2) {
        const dividend = s === 1 ? cpu.regs[0] & 0xffff : ((cpu.regs[2] & 0xffff) * 65536 + (cpu.regs[0] & 0xffff));
        let q: number, r: number;
        if (op === OP.div) {
          q = Math.floor(dividend / d); r = dividend % d;
          if (q > MASKS[s]) { cpu.raise(DE); return; }
        } else {
          const n = s === 1 ? (dividend << 16) >> 16 : dividend | 0;
          const dv = s === 1 ? (d << 24) >> 24 : (d << 16) >> 16;
          q = Math.trunc(n / dv); r = n - q * dv;
          if (q > (SIGNS[s] - 1) || q < -SIGNS[s]) { cpu.raise(DE); return; }
        }
        if (s === 1) cpu.setReg(0, 2, ((r & 0xff) << 8) | (q & 0xff));
        else { cpu.setReg(0, 2, q); cpu.setReg(2, 2, r); }
        return;
      }
      const lo = u(cpu.regs[0]), hi = u(cpu.regs[2]);
      if (op === OP.div) {
        if (hi >= d) { cpu.raise(DE); return; }
        if (hi === 0) { cpu.regs[0] = Math.floor(lo / d); cpu.regs[2] = lo % d; return; }
        const n = (BigInt(hi) << 32n) | BigInt(lo);
        const bd = BigInt(d);
        cpu.regs[0] = Number(n / bd); cpu.regs[2] = Number(n % bd);
        return;
      }
      const n = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
      const bd = BigInt(d | 0);
      const q = n / bd;
      if (q > 0x7fffffffn || q < -0x80000000n) { cpu.raise(DE); return; }
      cpu.regs[0] = Number(q); cpu.regs[2] = Number(n % bd);
      return;
    }
    case OP.aaa: case OP.aas: {
      const al = cpu.regs[0] & 0xff, ah = (cpu.regs[0] >> 8) & 0xff;
      const adjust = (al & 0x0f) > 9 || cpu.af();
      let nal: number, nah: number;
      if (adjust) {
        if (op === OP.aaa) { nah = (ah + 1 + (al > 0xf9 ? 1 : 0)) & 0xff; nal = (al + 6) & 0x0f; }
        else { nah = (ah - 1 - (al < 6 ? 1 : 0)) & 0xff; nal = (al - 6) & 0x0f; }
      } else { nah = ah; nal = al & 0x0f; }
      cpu.setReg(0, 2, (nah << 8) | nal);
      cpu.materializeFlags();
      cpu.flags = (cpu.flags & ~(CF | AF)) | (adjust ? CF | AF : 0);
      return;
    }
    case OP.daa: case OP.das: {
      const al = cpu.regs[0] & 0xff;
      const af = cpu.af(), cf = cpu.cf();
      let r = al, nf = 0;
      if (op === OP.daa) {
        if ((al & 0x0f) > 9 || af) { r = (r + 6) & 0xff; nf |= AF; }
        if (al > 0x99 || cf) { r = (r + 0x60) & 0xff; nf |= CF; }
      } else {
        if ((al & 0x0f) > 9 || af) { nf |= AF; if (al < 6 || cf) nf |= CF; r = (r - 6) & 0xff; }
        if (al > 0x99 || cf) { r = (r - 0x60) & 0xff; nf |= CF; }
      }
      cpu.setReg(0, 1, r);
      setResultFlags(cpu, r, 1, (nf & CF) !== 0, false, (nf & AF) !== 0);
      return;
    }
    case OP.aam: {
      const base = c.nops > 0 ? c.v0 & 0xff : 10;
      if (base === 0) { cpu.raise(DE); return; }
      const al = cpu.regs[0] & 0xff;
      const r = al % base;
      cpu.setReg(0, 2, (Math.floor(al / base) << 8) | r);
      logicFlags8(cpu, r);
      return;
    }
    case OP.aad: {
      const base = c.nops > 0 ? c.v0 & 0xff : 10;
      const r = ((cpu.regs[0] & 0xff) + ((cpu.regs[0] >> 8) & 0xff) * base) & 0xff;
      cpu.setReg(0, 2, r);
      logicFlags8(cpu, r);
      return;
    }
    case OP.rol: case OP.ror: case OP.rcl: case OP.rcr: case OP.shl: case OP.shr: case OP.sar: {
      const a = rd(cpu, c, c.k0, c.v0, s);
      const count = rd(cpu, c, c.k1, c.v1, 1) & 0x1f;
      if (cpu.fault >= 0 || count === 0) return;
      // A faulting write leaves the flags as they were (status flags may be held lazily).
      const saved = cpu.flags, saveOp = cpu.lazyOp, saveRes = cpu.lazyRes, saveDst = cpu.lazyDst, saveSrc = cpu.lazySrc, saveSize = cpu.lazySize, saveCarry = cpu.lazyCarry;
      const kind = op - OP.rol;
      const r = shiftRotate(cpu, kind, a, count, s);
      wr(cpu, c, c.k0, c.v0, s, r);
      if (cpu.fault >= 0) {
        cpu.flags = saved;
        cpu.lazyOp = saveOp; cpu.lazyRes = saveRes; cpu.lazyDst = saveDst; cpu.lazySrc = saveSrc; cpu.lazySize = saveSize; cpu.lazyCarry = saveCarry;
      }
      return;
    }
    case OP.shld: case OP.shrd: {
      const a = rd(cpu, c, c.k0, c.v0, s);
      const b = cpu.getReg(c.v1, s);
      const count = rd(cpu, c, c.k2, c.v2, 1) & 0x1f;
      if (cpu.fault >= 0 || count === 0) return;
      const r = doubleShift(cpu, op === OP.shld, a, b, count, s);
      wr(cpu, c, c.k0, c.v0, s, r);
      return;
    }
    case OP.bt: case OP.bts: case OP.btr: case OP.btc: {
      let bit = rd(cpu, c, c.k1, c.v1, s);
      const bits = s * 8;
      if (c.k0 === K_MEM && c.k1 === K_REG) {
        // A register bit offset addresses memory beyond the operand (signed, SDM Vol. 2 BT).
        const sb = s === 2 ? (bit << 16) >> 16 : bit | 0;
        cpu.ea = c.asz === 32 ? u(cpu.ea + Math.floor(sb / bits) * s) : (cpu.ea + Math.floor(sb / bits) * s) & 0xffff;
      }
      bit &= bits - 1;
      const a = rd(cpu, c, c.k0, c.v0, s);
      if (cpu.fault >= 0) return;
      const on = ((a >>> bit) & 1) !== 0;
      if (op !== OP.bt) {
        const m = (1 << bit) >>> 0;
        const r = op === OP.bts ? a | m : op === OP.btr ? a & ~m : a ^ m;
        wr(cpu, c, c.k0, c.v0, s, u(r) & MASKS[s]);
        if (cpu.fault >= 0) return;
      }
      cpu.putFlag(CF, on);
      return;
    }
    case OP.bsf: case OP.bsr: {
      const v = rd(cpu, c, c.k1, c.v1, s);
      if (cpu.fault >= 0) return;
      if (v === 0) { cpu.putFlag(ZF, true); return; }
      cpu.setReg(c.v0, s, op === OP.bsf ? 31 - Math.clz32(v & -v) : 31 - Math.clz32(v));
      cpu.putFlag(ZF, false);
      return;
    }
    case OP.set: wr(cpu, c, c.k0, c.v0, 1, cpu.cond(c.sub) ? 1 : 0); return;
    case OP.jmp: {
      if (c.k0 === K_IMM) { branch(cpu, c, cpu.nextEip + c.rel); return; }
      if (c.k0 === 7) { farJump(cpu, c.farSel, c.farOff, c.osz); return; }
      if (c.farMem) {
        const off = cpu.read(c.seg, cpu.ea, c.osz);
        const sel = cpu.read(c.seg, u(cpu.ea + c.osz), 2);
        if (cpu.fault < 0) farJump(cpu, sel, off, c.osz);
        return;
      }
      const t = rd(cpu, c, c.k0, c.v0, c.osz);
      if (cpu.fault < 0) branch(cpu, c, t);
      return;
    }
    case OP.call: {
      if (c.k0 === 7) { farCall(cpu, c.farSel, c.farOff, c.osz); return; }
      if (c.farMem) {
        const off = cpu.read(c.seg, cpu.ea, c.osz);
        const sel = cpu.read(c.seg, u(cpu.ea + c.osz), 2);
        if (cpu.fault < 0) farCall(cpu, sel, off, c.osz);
        return;
      }
      const t = c.k0 === K_IMM ? cpu.nextEip + c.rel : rd(cpu, c, c.k0, c.v0, c.osz);
      if (cpu.fault >= 0) return;
      const target = c.osz === 2 ? t & 0xffff : t >>> 0;
      if (target > cpu.segLimit[CS]) { cpu.raise(GP, 0); return; }
      if (cpu.push(cpu.nextEip, c.osz)) cpu.nextEip = target;
      return;
    }
    case OP.ret: {
      const t = cpu.peek(0, c.osz);
      if (cpu.fault >= 0) return;
      const target = c.osz === 2 ? t & 0xffff : t;
      if (target > cpu.segLimit[CS]) { cpu.raise(GP, 0); return; }
      cpu.adjustSp(c.osz + (c.nops > 0 ? c.v0 & 0xffff : 0));
      cpu.nextEip = target;
      return;
    }
    case OP.retf: farReturn(cpu, c.osz, c.nops > 0 ? c.v0 & 0xffff : 0); return;
    case OP.jcc: if (cpu.cond(c.sub)) branch(cpu, c, cpu.nextEip + c.rel); return;
    case OP.jcxz: if (strReg(cpu, c, 1) === 0) branch(cpu, c, cpu.nextEip + c.rel); return;
    case OP.loop: case OP.loope: case OP.loopne: {
      strAdvance(cpu, c, 1, -1);
      const count = strReg(cpu, c, 1);
      const take = count !== 0 && (op === OP.loop || (op === OP.loope ? cpu.zf() : !cpu.zf()));
      if (take) branch(cpu, c, cpu.nextEip + c.rel);
      return;
    }
    // INT 3 (CD 03) is reported like INT3: debuggers treat both as a breakpoint trap.
    case OP.int: softwareInterrupt(cpu, c.v0 & 0xff, 'software', (c.v0 & 0xff) === BP ? 'trap' : 'software'); return;
    case OP.int3: softwareInterrupt(cpu, BP, 'software', 'trap'); return;
    case OP.into: if (cpu.of()) softwareInterrupt(cpu, OF_VECTOR, 'software', 'trap'); return;
    case OP.int1: softwareInterrupt(cpu, DB, 'exception', 'trap'); return;
    case OP.iret: interruptReturn(cpu, c.osz); return;
    case OP.enter: {
      const size = c.v0 & 0xffff, level = c.v1 & 0x1f;
      const w = c.osz;
      const esp = cpu.regs[4], ebp = cpu.regs[5];
      if (!cpu.push(cpu.getReg(5, w), w)) return;
      const frame = cpu.getReg(4, cpu.stackMask === 0xffff ? 2 : 4);
      let bp = cpu.stackMask === 0xffff ? ebp & 0xffff : u(ebp);
      for (let i = 1; i < level; i++) {
        bp = (bp - w) & cpu.stackMask;
        const v = cpu.read(SS, u(bp), w);
        if (cpu.fault >= 0 || !cpu.push(v, w)) { cpu.regs[4] = esp; return; }
      }
      if (level > 0 && !cpu.push(frame, w)) { cpu.regs[4] = esp; return; }
      // The final stack top must be writable (the frame is touched on hardware too).
      const top = (cpu.regs[4] - size) & cpu.stackMask;
      if (size > 0 && cpu.segLinear(SS, u(top), 1, true) < 0) { cpu.regs[4] = esp; return; }
      cpu.setReg(5, w, frame);
      cpu.adjustSp(-size);
      return;
    }
    case OP.leave: {
      const mask = cpu.stackMask;
      const esp = cpu.regs[4];
      cpu.regs[4] = mask === 0xffff ? (esp & ~0xffff) | (cpu.regs[5] & 0xffff) : cpu.regs[5];
      const v = cpu.peek(0, c.osz);
      if (cpu.fault >= 0) { cpu.regs[4] = esp; return; }
      cpu.adjustSp(c.osz);
      cpu.setReg(5, c.osz, v);
      return;
    }
    case OP.movs: case OP.cmps: case OP.stos: case OP.lods: case OP.scas: stringOp(cpu, c, op); return;
    case OP.ins: case OP.outs: stringOp(cpu, c, op); return;
    case OP.pushf: {
      const f = cpu.getEflags() & ~(VM | RF);
      cpu.push(c.osz === 2 ? f & 0xffff : f, c.osz);
      return;
    }
    case OP.popf: {
      const v = cpu.peek(0, c.osz);
      if (cpu.fault >= 0) return;
      cpu.adjustSp(c.osz);
      cpu.setEflags(mergeLoadedFlags(cpu, v, c.osz, false));
      return;
    }
    case OP.lahf: cpu.setReg(4, 1, (cpu.getEflags() & (SF | ZF | AF | PF | CF)) | 2); return;
    case OP.sahf: {
      const ah = (cpu.regs[0] >> 8) & (SF | ZF | AF | PF | CF);
      cpu.materializeFlags();
      cpu.flags = (cpu.flags & ~(SF | ZF | AF | PF | CF)) | ah;
      return;
    }
    case OP.clc: cpu.putFlag(CF, false); return;
    case OP.stc: cpu.putFlag(CF, true); return;
    case OP.cmc: cpu.putFlag(CF, !cpu.cf()); return;
    case OP.cld: cpu.flags &= ~DF; return;
    case OP.std: cpu.flags |= DF; return;
    case OP.cli: if (cpu.cpl > iopl(cpu)) cpu.raise(GP, 0); else cpu.flags &= ~IF; return;
    case OP.sti:
      if (cpu.cpl > iopl(cpu)) { cpu.raise(GP, 0); return; }
      if ((cpu.flags & IF) === 0) cpu.interruptShadowNext = true;
      cpu.flags |= IF;
      return;
    case OP.in: {
      const port = c.k1 === K_IMM ? c.v1 & 0xff : cpu.regs[2] & 0xffff;
      if (checkIoPermission(cpu, port, s)) cpu.setReg(0, s, cpu.portRead(port, s));
      return;
    }
    case OP.out: {
      const port = c.k0 === K_IMM ? c.v0 & 0xff : cpu.regs[2] & 0xffff;
      const size = c.s1;
      if (checkIoPermission(cpu, port, size)) cpu.portWrite(port, size, cpu.getReg(0, size));
      return;
    }
    case OP.lds: {
      const off = cpu.read(c.seg, cpu.ea, c.osz);
      const sel = cpu.read(c.seg, u(cpu.ea + c.osz), 2);
      if (cpu.fault >= 0) return;
      if (loadSegment(cpu, c.sub, sel)) {
        cpu.setReg(c.v0, c.osz, off);
        if (c.sub === SS) cpu.interruptShadowNext = true;
      }
      return;
    }
    case OP.lar: case OP.lsl: {
      const sel = rd(cpu, c, c.k1, c.v1, 2) & 0xffff;
      if (cpu.fault >= 0) return;
      const v = op === OP.lar ? lar(cpu, sel) : lsl(cpu, sel);
      if (cpu.fault >= 0) return;
      if (v >= 0) cpu.setReg(c.v0, c.osz, c.osz === 2 ? v & 0xffff : v);
      cpu.putFlag(ZF, v >= 0);
      return;
    }
    case OP.verr: case OP.verw: {
      const sel = rd(cpu, c, c.k0, c.v0, 2) & 0xffff;
      if (cpu.fault >= 0) return;
      const ok = verify(cpu, sel, op === OP.verw);
      if (cpu.fault < 0) cpu.putFlag(ZF, ok);
      return;
    }
    case OP.arpl: {
      const d = rd(cpu, c, c.k0, c.v0, 2), src = cpu.getReg(c.v1, 2);
      if (cpu.fault >= 0) return;
      if ((d & 3) < (src & 3)) {
        wr(cpu, c, c.k0, c.v0, 2, (d & ~3) | (src & 3));
        if (cpu.fault < 0) cpu.putFlag(ZF, true);
      } else {
        cpu.putFlag(ZF, false);
      }
      return;
    }
    case OP.lgdt: case OP.lidt: {
      if (!requireCpl0(cpu)) return;
      const limit = cpu.read(c.seg, cpu.ea, 2);
      let base = cpu.read(c.seg, u(cpu.ea + 2), 4);
      if (cpu.fault >= 0) return;
      if (c.osz === 2) base &= 0xffffff;
      if (op === OP.lgdt) { cpu.gdtrBase = base; cpu.gdtrLimit = limit; } else { cpu.idtrBase = base; cpu.idtrLimit = limit; }
      return;
    }
    case OP.sgdt: case OP.sidt: {
      const limit = op === OP.sgdt ? cpu.gdtrLimit : cpu.idtrLimit;
      let base = op === OP.sgdt ? cpu.gdtrBase : cpu.idtrBase;
      if (c.osz === 2) base &= 0xffffff;
      if (!cpu.probeWrite(c.seg, cpu.ea, 6)) return;
      cpu.write(c.seg, cpu.ea, 2, limit);
      cpu.write(c.seg, u(cpu.ea + 2), 4, base);
      return;
    }
    case OP.sldt: wr(cpu, c, c.k0, c.v0, c.k0 === K_MEM ? 2 : c.s0, cpu.ldtrSel); return;
    case OP.str: wr(cpu, c, c.k0, c.v0, c.k0 === K_MEM ? 2 : c.s0, cpu.trSel); return;
    case OP.smsw: wr(cpu, c, c.k0, c.v0, c.k0 === K_MEM ? 2 : c.s0, c.k0 === K_MEM ? cpu.cr0 & 0xffff : cpu.cr0); return;
    case OP.lldt: case OP.ltr: {
      if (!requireCpl0(cpu)) return;
      const sel = rd(cpu, c, c.k0, c.v0, 2);
      if (cpu.fault >= 0) return;
      if (op === OP.lldt) loadLdtr(cpu, sel); else loadTr(cpu, sel);
      return;
    }
    case OP.lmsw: {
      if (!requireCpl0(cpu)) return;
      const v = rd(cpu, c, c.k0, c.v0, 2);
      if (cpu.fault >= 0) return;
      // LMSW loads PE MP EM TS but cannot clear PE.
      movToCr(cpu, 0, (cpu.cr0 & ~0xe) | (v & 0xf) | (cpu.cr0 & 1));
      return;
    }
    case OP.clts: if (requireCpl0(cpu)) cpu.cr0 &= ~8; return;
    case OP.invlpg: if (requireCpl0(cpu)) cpu.mmu.invlpg(u(cpu.segBase[c.seg] + cpu.ea)); return;
    case OP.invd: case OP.wbinvd: requireCpl0(cpu); return;
    case OP.rdmsr: if (requireCpl0(cpu)) readMsr(cpu); return;
    case OP.wrmsr: if (requireCpl0(cpu)) writeMsr(cpu); return;
    case OP.cpuid: cpuid(cpu); return;
    case OP.rdtsc: {
      if ((cpu.cr4 & 4) !== 0 && cpu.cpl !== 0) { cpu.raise(GP, 0); return; }
      const t = cpu.instret + cpu.tscOffset;
      cpu.regs[0] = t % 4294967296; cpu.regs[2] = Math.floor(t / 4294967296);
      return;
    }
    case OP.sysenter: sysenter(cpu); return;
    case OP.sysexit: sysexit(cpu); return;
    // Outside VMX operation VMCALL is #UD (SDM Vol. 2, VMCALL); a hypervisor intercepts it earlier.
    case OP.vmcall: cpu.raise(UD); return;
    case OP.hlt: if (requireCpl0(cpu)) cpu.condition = 'halted'; return;
    case OP.bound: {
      const idx = cpu.getReg(c.v0, c.osz);
      const lo = cpu.read(c.seg, cpu.ea, c.osz), hi = cpu.read(c.seg, u(cpu.ea + c.osz), c.osz);
      if (cpu.fault >= 0) return;
      const sx = (v: number) => (c.osz === 2 ? (v << 16) >> 16 : v | 0);
      if (sx(idx) < sx(lo) || sx(idx) > sx(hi)) cpu.raise(BR);
      return;
    }
    case OP.nop: return;
    case OP.ud2: cpu.raise(UD); return;
    default:
      cpu.raise(UD);
  }
}
