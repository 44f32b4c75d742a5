// Handlers specialised by operand pattern for the instructions compiled code runs most (MOV, the
// ALU group, TEST, INC/DEC, LEA, PUSH/POP, near branches, shifts, MOVZX/MOVSX, IMUL): each does
// exactly what the generic handler in execute.ts does for that pattern, without its operand-kind
// dispatch. handlerFor() picks one when compiling; everything else runs execute().

import type { Cpu } from './cpu';
import { LF_ADC, LF_ADD, LF_DEC, LF_INC, LF_LOGIC, LF_SBB, LF_SUB, MASKS } from './cpu';
import { Compiled, K_IMM, K_MEM, K_REG, OP, type Handler } from './compiled';
import { GP } from './exceptions';
import { CS } from './segment-bits';
import { execute } from './execute';
import { shiftRotate, writeTruncatedProduct } from './arith';

/** Offset of the memory operand, address-size wrapped (effectiveAddress() of execute.ts). */
function ea(cpu: Cpu, c: Compiled): number {
  const r = cpu.regs;
  let a = c.disp;
  if (c.base >= 0) a += r[c.base];
  if (c.index >= 0) a += r[c.index] << c.scale;
  const off = c.asz === 32 ? a >>> 0 : a & 0xffff;
  cpu.ea = off;
  return off;
}

/**
 * The eight ALU operations in opcode order (ADD OR ADC SBB AND SUB XOR CMP) with their lazy flags;
 * the cases are literals so the switch compiles to a jump table.
 */
function alu(cpu: Cpu, sub: number, a: number, b: number, size: number): number {
  const mask = MASKS[size];
  let r: number;
  switch (sub) {
    case 0: r = ((a + b) & mask) >>> 0; cpu.setLazy(LF_ADD, r, a, b, size); return r;
    case 1: r = ((a | b) & mask) >>> 0; cpu.setLazy(LF_LOGIC, r, a, b, size); return r;
    case 2: { const cin = cpu.cf() ? 1 : 0; r = ((a + b + cin) & mask) >>> 0; cpu.setLazy(LF_ADC, r, a, b, size); cpu.lazyCarry = cin; return r; }
    case 3: { const cin = cpu.cf() ? 1 : 0; r = ((a - b - cin) & mask) >>> 0; cpu.setLazy(LF_SBB, r, a, b, size); cpu.lazyCarry = cin; return r; }
    case 4: r = (a & b & mask) >>> 0; cpu.setLazy(LF_LOGIC, r, a, b, size); return r;
    case 6: r = ((a ^ b) & mask) >>> 0; cpu.setLazy(LF_LOGIC, r, a, b, size); return r;
    default: r = ((a - b) & mask) >>> 0; cpu.setLazy(LF_SUB, r, a, b, size); return r;
  }
}

const ALU_CMP = 7;

// 32-bit register forms of the commonest ALU operations, small enough for a block to inline all
// of its instructions: the same results and lazy flags as alu() with size 4.
function add32(cpu: Cpu, c: Compiled): void {
  const r = cpu.regs, a = r[c.v0] >>> 0, b = c.k1 === K_REG ? r[c.v1] >>> 0 : c.v1;
  const v = (a + b) >>> 0;
  r[c.v0] = v;
  cpu.setLazy(LF_ADD, v, a, b, 4);
}

function sub32(cpu: Cpu, c: Compiled): void {
  const r = cpu.regs, a = r[c.v0] >>> 0, b = c.k1 === K_REG ? r[c.v1] >>> 0 : c.v1;
  const v = (a - b) >>> 0;
  r[c.v0] = v;
  cpu.setLazy(LF_SUB, v, a, b, 4);
}

function cmp32(cpu: Cpu, c: Compiled): void {
  const r = cpu.regs, a = r[c.v0] >>> 0, b = c.k1 === K_REG ? r[c.v1] >>> 0 : c.v1;
  cpu.setLazy(LF_SUB, (a - b) >>> 0, a, b, 4);
}

function and32(cpu: Cpu, c: Compiled): void {
  const r = cpu.regs, a = r[c.v0] >>> 0, b = c.k1 === K_REG ? r[c.v1] >>> 0 : c.v1;
  const v = (a & b) >>> 0;
  r[c.v0] = v;
  cpu.setLazy(LF_LOGIC, v, a, b, 4);
}

function or32(cpu: Cpu, c: Compiled): void {
  const r = cpu.regs, a = r[c.v0] >>> 0, b = c.k1 === K_REG ? r[c.v1] >>> 0 : c.v1;
  const v = (a | b) >>> 0;
  r[c.v0] = v;
  cpu.setLazy(LF_LOGIC, v, a, b, 4);
}

function xor32(cpu: Cpu, c: Compiled): void {
  const r = cpu.regs, a = r[c.v0] >>> 0, b = c.k1 === K_REG ? r[c.v1] >>> 0 : c.v1;
  const v = (a ^ b) >>> 0;
  r[c.v0] = v;
  cpu.setLazy(LF_LOGIC, v, a, b, 4);
}

function test32(cpu: Cpu, c: Compiled): void {
  const r = cpu.regs, a = r[c.v0] >>> 0, b = c.k1 === K_REG ? r[c.v1] >>> 0 : c.v1;
  cpu.setLazy(LF_LOGIC, (a & b) >>> 0, a, b, 4);
}

/** The 32-bit register handler of ALU operation `sub`, or null (ADC and SBB read CF). */
function alu32For(sub: number): Handler | null {
  switch (sub) {
    case 0: return add32;
    case 1: return or32;
    case 4: return and32;
    case 5: return sub32;
    case 6: return xor32;
    case 7: return cmp32;
    default: return null;
  }
}

function inc32(cpu: Cpu, c: Compiled): void {
  const r = cpu.regs, a = r[c.v0] >>> 0, v = (a + 1) >>> 0;
  const carry = cpu.cf() ? 1 : 0;
  r[c.v0] = v;
  cpu.setLazy(LF_INC, v, a, 1, 4);
  cpu.lazyCarry = carry;
}

function dec32(cpu: Cpu, c: Compiled): void {
  const r = cpu.regs, a = r[c.v0] >>> 0, v = (a - 1) >>> 0;
  const carry = cpu.cf() ? 1 : 0;
  r[c.v0] = v;
  cpu.setLazy(LF_DEC, v, a, 1, 4);
  cpu.lazyCarry = carry;
}

function movRegMem32(cpu: Cpu, c: Compiled): void {
  const v = cpu.read32(c.seg, ea(cpu, c));
  if (cpu.fault < 0) cpu.regs[c.v0] = v;
}

function movMemReg32(cpu: Cpu, c: Compiled): void {
  const off = ea(cpu, c);
  cpu.write32(c.seg, off, cpu.regs[c.v1]);
}

/** ALU r, r / r, imm: cannot fault. */
function aluReg(cpu: Cpu, c: Compiled): void {
  const s = c.size;
  const b = c.k1 === K_REG ? cpu.getReg(c.v1, s) : c.v1;
  const r = alu(cpu, c.sub, cpu.getReg(c.v0, s), b, s);
  if (c.sub !== ALU_CMP) cpu.setReg(c.v0, s, r);
}

/** ALU r, m. */
function aluRegMem(cpu: Cpu, c: Compiled): void {
  const s = c.size;
  const a = cpu.getReg(c.v0, s);
  const b = cpu.read(c.seg, ea(cpu, c), s);
  if (cpu.fault >= 0) return;
  const r = alu(cpu, c.sub, a, b, s);
  if (c.sub !== ALU_CMP) cpu.setReg(c.v0, s, r);
}

/** ALU m, r / m, imm: the flags stay as they were when the write faults. */
function aluMem(cpu: Cpu, c: Compiled): void {
  const s = c.size;
  const off = ea(cpu, c);
  const a = cpu.read(c.seg, off, s);
  const b = c.k1 === K_REG ? cpu.getReg(c.v1, s) : c.v1;
  if (cpu.fault >= 0) return;
  if (c.sub === ALU_CMP) { alu(cpu, ALU_CMP, a, b, s); return; }
  const saveOp = cpu.lazyOp, saveRes = cpu.lazyRes, saveDst = cpu.lazyDst, saveSrc = cpu.lazySrc, saveSize = cpu.lazySize, saveCarry = cpu.lazyCarry;
  const r = alu(cpu, c.sub, a, b, s);
  cpu.write(c.seg, off, s, r);
  if (cpu.fault >= 0) {
    cpu.lazyOp = saveOp; cpu.lazyRes = saveRes; cpu.lazyDst = saveDst; cpu.lazySrc = saveSrc; cpu.lazySize = saveSize; cpu.lazyCarry = saveCarry;
  }
}

function testReg(cpu: Cpu, c: Compiled): void {
  const s = c.size;
  const a = cpu.getReg(c.v0, s);
  const b = c.k1 === K_REG ? cpu.getReg(c.v1, s) : c.v1;
  cpu.setLazy(LF_LOGIC, (a & b) >>> 0, a, b, s);
}

function movRegReg(cpu: Cpu, c: Compiled): void {
  if (c.size === 4) cpu.regs[c.v0] = cpu.regs[c.v1];
  else cpu.setReg(c.v0, c.size, cpu.getReg(c.v1, c.size));
}

function movRegImm(cpu: Cpu, c: Compiled): void {
  cpu.setReg(c.v0, c.size, c.v1);
}

function movRegMem(cpu: Cpu, c: Compiled): void {
  const v = cpu.read(c.seg, ea(cpu, c), c.size);
  if (cpu.fault < 0) cpu.setReg(c.v0, c.size, v);
}

function movMem(cpu: Cpu, c: Compiled): void {
  const off = ea(cpu, c);
  cpu.write(c.seg, off, c.size, c.k1 === K_REG ? cpu.getReg(c.v1, c.size) : c.v1);
}

function lea(cpu: Cpu, c: Compiled): void {
  cpu.setReg(c.v0, c.osz, ea(cpu, c));
}

function incDecReg(cpu: Cpu, c: Compiled): void {
  const s = c.size;
  const a = cpu.getReg(c.v0, s);
  const inc = c.op === OP.inc;
  const r = ((inc ? a + 1 : a - 1) & MASKS[s]) >>> 0;
  const carry = cpu.cf() ? 1 : 0;
  cpu.setReg(c.v0, s, r);
  cpu.setLazy(inc ? LF_INC : LF_DEC, r, a, 1, s);
  cpu.lazyCarry = carry;
}

/** Near branch target check of execute.ts's branch(): operand-size wrap, #GP(0) beyond CS.limit. */
function branchTo(cpu: Cpu, c: Compiled, target: number): void {
  const t = c.osz === 2 ? target & 0xffff : target >>> 0;
  if (t > cpu.segLimit[CS]) { cpu.raise(GP, 0); return; }
  cpu.nextEip = t;
}

function jcc(cpu: Cpu, c: Compiled): void {
  if (cpu.cond(c.sub)) branchTo(cpu, c, cpu.nextEip + c.rel);
}

function jmpRel(cpu: Cpu, c: Compiled): void {
  branchTo(cpu, c, cpu.nextEip + c.rel);
}

function callRel(cpu: Cpu, c: Compiled): void {
  const t = cpu.nextEip + c.rel;
  const target = c.osz === 2 ? t & 0xffff : t >>> 0;
  if (target > cpu.segLimit[CS]) { cpu.raise(GP, 0); return; }
  if (cpu.push(cpu.nextEip, c.osz)) cpu.nextEip = target;
}

function retNear(cpu: Cpu, c: Compiled): void {
  const t = cpu.peek(0, c.osz);
  if (cpu.fault >= 0) return;
  const target = c.osz === 2 ? t & 0xffff : t;
  if (target > cpu.segLimit[CS]) { cpu.raise(GP, 0); return; }
  cpu.adjustSp(c.osz + (c.nops > 0 ? c.v0 & 0xffff : 0));
  cpu.nextEip = target;
}

function pushReg(cpu: Cpu, c: Compiled): void {
  cpu.push(cpu.getReg(c.v0, c.osz), c.osz);
}

function pushImm(cpu: Cpu, c: Compiled): void {
  cpu.push(c.v0, c.osz);
}

function popReg(cpu: Cpu, c: Compiled): void {
  const v = cpu.peek(0, c.osz);
  if (cpu.fault >= 0) return;
  cpu.adjustSp(c.osz);
  cpu.setReg(c.v0, c.osz, v);
}

/** MOVZX/MOVSX r, r/m. */
function movExtend(cpu: Cpu, c: Compiled): void {
  let v = c.k1 === K_REG ? cpu.getReg(c.v1, c.s1) : cpu.read(c.seg, ea(cpu, c), c.s1);
  if (cpu.fault >= 0) return;
  if (c.op === OP.movsx) v = c.s1 === 1 ? (v << 24) >> 24 : (v << 16) >> 16;
  cpu.setReg(c.v0, c.s0, v);
}

/** ROL..SAR r, imm / r, CL. */
function shiftReg(cpu: Cpu, c: Compiled): void {
  const s = c.size;
  const count = (c.k1 === K_IMM ? c.v1 : cpu.regs[1] & 0xff) & 0x1f;
  if (count === 0) return;
  cpu.setReg(c.v0, s, shiftRotate(cpu, c.op - OP.rol, cpu.getReg(c.v0, s), count, s));
}

/** Two- and three-operand IMUL (16/32-bit): the truncated signed product. */
function imulReg(cpu: Cpu, c: Compiled): void {
  const s = c.size;
  let a: number, b: number;
  if (c.nops === 3) {
    a = c.k1 === K_REG ? cpu.getReg(c.v1, s) : cpu.read(c.seg, ea(cpu, c), s);
    b = c.v2;
  } else {
    a = cpu.getReg(c.v0, s);
    b = c.k1 === K_REG ? cpu.getReg(c.v1, s) : cpu.read(c.seg, ea(cpu, c), s);
  }
  if (cpu.fault >= 0) return;
  writeTruncatedProduct(cpu, c.v0, s, a, b);
}

const regOrImm = (k: number): boolean => k === K_REG || k === K_IMM;

/** Handlers that may set nextEip: a block ends with one of them. */
const BRANCHES: ReadonlySet<Handler> = new Set<Handler>([jcc, jmpRel, callRel, retNear]);
/** Handlers that touch memory beyond their operand's kind (the stack). */
const STACK: ReadonlySet<Handler> = new Set<Handler>([pushReg, pushImm, popReg, callRel, retNear]);

/** True when the specialised handler of `c` may change nextEip. */
export function isBranch(c: Compiled): boolean {
  return BRANCHES.has(c.exec);
}

/** True when `c` (with a specialised handler) reads or writes memory: it may fault or change the TLB or code. */
export function touchesMemory(c: Compiled): boolean {
  return c.k0 === K_MEM || c.k1 === K_MEM || STACK.has(c.exec);
}

/** True when `c` runs a specialised handler (the generic one may do anything). */
export function isSpecialised(c: Compiled): boolean {
  return c.exec !== execute;
}

/** The specialised handler for `c`, or the generic execute(). */
export function handlerFor(c: Compiled): Handler {
  const { op, k0, k1 } = c;
  switch (op) {
    case OP.mov:
      if (k0 === K_REG && k1 === K_REG) return movRegReg;
      if (k0 === K_REG && k1 === K_IMM) return movRegImm;
      if (k0 === K_REG && k1 === K_MEM) return c.size === 4 ? movRegMem32 : movRegMem;
      if (k0 === K_MEM && k1 === K_REG && c.size === 4) return movMemReg32;
      if (k0 === K_MEM && regOrImm(k1)) return movMem;
      break;
    case OP.alu:
      if (k0 === K_REG && regOrImm(k1)) return (c.size === 4 ? alu32For(c.sub) : null) ?? aluReg;
      if (k0 === K_REG && k1 === K_MEM) return aluRegMem;
      if (k0 === K_MEM && regOrImm(k1)) return aluMem;
      break;
    case OP.test:
      if (k0 === K_REG && regOrImm(k1)) return c.size === 4 ? test32 : testReg;
      break;
    case OP.inc: case OP.dec:
      if (k0 === K_REG && c.size === 4) return op === OP.inc ? inc32 : dec32;
      if (k0 === K_REG) return incDecReg;
      break;
    case OP.lea: return lea;
    case OP.jcc: return jcc;
    case OP.jmp:
      if (k0 === K_IMM) return jmpRel;
      break;
    case OP.call:
      if (k0 === K_IMM) return callRel;
      break;
    case OP.ret: return retNear;
    case OP.push:
      if (k0 === K_REG) return pushReg;
      if (k0 === K_IMM) return pushImm;
      break;
    case OP.pop:
      if (k0 === K_REG) return popReg;
      break;
    case OP.movzx: case OP.movsx:
      if (k0 === K_REG && (k1 === K_REG || k1 === K_MEM)) return movExtend;
      break;
    case OP.rol: case OP.ror: case OP.rcl: case OP.rcr: case OP.shl: case OP.shr: case OP.sar:
      if (k0 === K_REG && regOrImm(k1)) return shiftReg;
      break;
    case OP.imul:
      if (c.nops >= 2 && c.size !== 1 && k0 === K_REG && (k1 === K_REG || k1 === K_MEM)) return imulReg;
      break;
    default:
      break;
  }
  return execute;
}
