// Multiplication, division, rotates, shifts and BCD adjustments: the instructions whose flags the
// CPU computes eagerly, with the results QEMU's TCG gives for the flags Intel leaves to the
// implementation only where the table does not mark them undefined (SDM Vol. 2 pages of each).

import type { Cpu } from './cpu';
import { LF_CF_OF, LF_LOGIC, MASKS, SIGNS } from './cpu';
import { AF, ARITH_FLAGS, CF, OF, PARITY, SF, ZF } from './eflags';

/** Sets all six status flags eagerly: CF and OF as given, SF ZF PF from `res`, AF as given. */
export function setResultFlags(cpu: Cpu, res: number, size: number, cf: boolean, of: boolean, af = false): void {
  cpu.materializeFlags();
  let f = cpu.flags & ~ARITH_FLAGS;
  if (cf) f |= CF;
  if (of) f |= OF;
  if (af) f |= AF;
  if ((res & MASKS[size]) === 0) f |= ZF;
  if ((res & SIGNS[size]) !== 0) f |= SF;
  f |= PARITY[res & 0xff];
  cpu.flags = f;
}

/**
 * The flags setResultFlags(cpu, res, size, cf, of) sets (AF clear), kept lazily: the status flags
 * are computed only when something reads them.
 */
export function setResultFlagsLazy(cpu: Cpu, res: number, size: number, cf: boolean, of: boolean): void {
  cpu.setLazy(LF_CF_OF, (res & MASKS[size]) >>> 0, 0, of ? 1 : 0, size);
  cpu.lazyCarry = cf ? 1 : 0;
}

/** Scratch results of the 32x32 → 64-bit multiply. */
export const product = { lo: 0, hi: 0 };

/** Unsigned 32x32 → 64 multiply into product.lo/hi (exact: split into 16-bit halves). */
export function mulU32(a: number, b: number): void {
  a >>>= 0; b >>>= 0;
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const mid = al * bh + ah * bl;
  let lo = al * bl + (mid % 65536) * 65536;
  const carry = Math.floor(lo / 4294967296);
  lo -= carry * 4294967296;
  product.lo = lo;
  product.hi = (ah * bh + Math.floor(mid / 65536) + carry) >>> 0;
}

/** Signed 32x32 → 64 multiply into product.lo/hi (two's complement halves, unsigned numbers). */
export function mulS32(a: number, b: number): void {
  mulU32(a, b);
  let hi = product.hi;
  if ((a | 0) < 0) hi -= b >>> 0;
  if ((b | 0) < 0) hi -= a >>> 0;
  product.hi = hi >>> 0;
}

/**
 * Two- and three-operand IMUL's end: register `reg` gets the signed product of `a` and `b`
 * truncated to `size` (2 or 4) bytes; CF and OF say whether the truncation lost bits (SDM IMUL).
 */
export function writeTruncatedProduct(cpu: Cpu, reg: number, size: number, a: number, b: number): void {
  let r: number, overflow: boolean;
  if (size === 2) {
    const p = ((a << 16) >> 16) * ((b << 16) >> 16);
    r = p & 0xffff; overflow = p !== ((p << 16) >> 16);
  } else {
    mulS32(a, b);
    r = product.lo; overflow = (product.hi | 0) !== ((product.lo | 0) >> 31);
  }
  cpu.setReg(reg, size, r);
  setResultFlagsLazy(cpu, r, size, overflow, overflow);
}

const signed = (v: number, size: number): number => (size === 1 ? (v << 24) >> 24 : size === 2 ? (v << 16) >> 16 : v | 0);

/** SHL/SHR/SAR/ROL/ROR/RCL/RCR of `a` by `count` (already masked to 5 bits, non-zero). */
export function shiftRotate(cpu: Cpu, kind: number, a: number, count: number, size: number): number {
  const bits = size * 8;
  const mask = MASKS[size];
  const sign = SIGNS[size];
  let r: number;
  switch (kind) {
    case 0: { // ROL
      const n = count & (bits - 1);
      r = n === 0 ? a : ((a << n) | (a >>> (bits - n))) & mask;
      r >>>= 0;
      const cf = (r & 1) !== 0;
      cpu.materializeFlags();
      cpu.flags = (cpu.flags & ~(CF | OF)) | (cf ? CF : 0) | (((r & sign) !== 0) !== cf ? OF : 0);
      return r;
    }
    case 1: { // ROR
      const n = count & (bits - 1);
      r = n === 0 ? a : ((a >>> n) | (a << (bits - n))) & mask;
      r >>>= 0;
      const msb = (r & sign) !== 0;
      const next = (r & (sign >>> 1)) !== 0;
      cpu.materializeFlags();
      cpu.flags = (cpu.flags & ~(CF | OF)) | (msb ? CF : 0) | (msb !== next ? OF : 0);
      return r;
    }
    case 2: case 3: { // RCL, RCR: rotate through CF, count mod 9/17 for narrow operands
      const n = size === 4 ? count : count % (bits + 1);
      if (n === 0) return a;
      let cf = cpu.cf() ? 1 : 0;
      r = a;
      for (let i = 0; i < n; i++) {
        if (kind === 2) {
          const out = (r & sign) !== 0 ? 1 : 0;
          r = (((r << 1) | cf) & mask) >>> 0;
          cf = out;
        } else {
          const out = r & 1;
          r = ((r >>> 1) | (cf ? sign : 0)) >>> 0;
          cf = out;
        }
      }
      cpu.materializeFlags();
      cpu.flags = (cpu.flags & ~(CF | OF)) | (cf ? CF : 0) | (((a ^ r) & sign) !== 0 ? OF : 0);
      return r;
    }
    case 4: { // SHL
      r = count >= bits ? 0 : ((a << count) & mask) >>> 0;
      const cf = count <= bits ? ((a >>> (bits - count)) & 1) !== 0 : false;
      setResultFlagsLazy(cpu, r, size, cf, ((r & sign) !== 0) !== cf);
      return r;
    }
    case 5: { // SHR
      r = count >= 32 ? 0 : a >>> count;
      const before = count - 1 >= 32 ? 0 : a >>> (count - 1);
      setResultFlagsLazy(cpu, r, size, (before & 1) !== 0, ((before ^ r) & sign) !== 0);
      return r;
    }
    default: { // SAR
      const sa = signed(a, size);
      const before = sa >> Math.min(count - 1, 31);
      r = ((sa >> Math.min(count, 31)) & mask) >>> 0;
      setResultFlagsLazy(cpu, r, size, (before & 1) !== 0, false);
      return r;
    }
  }
}

/** SHLD/SHRD of `a` with fill bits from `b` by `count` (1..31). */
export function doubleShift(cpu: Cpu, left: boolean, a: number, b: number, count: number, size: number): number {
  const bits = size * 8;
  const mask = MASKS[size];
  let r: number, cf: boolean;
  if (size === 4) {
    if (left) { r = ((a << count) | (b >>> (32 - count))) >>> 0; cf = ((a >>> (32 - count)) & 1) !== 0; }
    else { r = ((a >>> count) | (b << (32 - count))) >>> 0; cf = ((a >>> (count - 1)) & 1) !== 0; }
  } else {
    // 16-bit: Intel leaves counts above 16 undefined; QEMU shifts the 32-bit a:b (or b:a) pair.
    if (left) {
      const pair = ((a << 16) | b) >>> 0;
      const wide = count <= 16 ? pair : ((pair << 16) | (a & 0xffff)) >>> 0;
      const n = count <= 16 ? count : count - 16;
      r = ((wide << n) >>> 16) & mask;
      cf = ((wide >>> (32 - n)) & 1) !== 0;
    } else {
      const pair = ((b << 16) | a) >>> 0;
      const wide = count <= 16 ? pair : pair;
      r = count < 32 ? (wide >>> count) & mask : 0;
      if (count > 16) r = ((pair >>> count) | (a << (32 - count))) & mask;
      cf = ((wide >>> (count - 1)) & 1) !== 0;
    }
  }
  setResultFlags(cpu, r, size, cf, ((a ^ r) & SIGNS[size]) !== 0);
  void bits;
  return r;
}

/** Leaves SF ZF PF of `res` (8-bit) as a logic result would, OF/CF/AF cleared (AAM, AAD). */
export function logicFlags8(cpu: Cpu, res: number): void {
  cpu.setLazy(LF_LOGIC, res & 0xff, 0, 0, 1);
}
