// Straight-line blocks: up to BLOCK_MAX consecutive cached 32-bit instructions with specialised
// handlers, ending at the first near branch, compiled into one JavaScript function that calls each
// handler directly (so the JIT can inline them) and does the per-instruction bookkeeping of
// Cpu.step() only where it can matter. Cpu.run() enters a block only when the whole block fits
// its instruction budget and the CPU is in a state step() would treat no differently. A block
// ends before any instruction that has a breakpoint, so the run loop checks block starts only.

import type { Cpu } from './cpu';
import type { Compiled } from './compiled';
import type { CodePage } from './code-cache';
import type { Tlb } from '../mmu/tlb';
import type { CodeBreakpoints } from './hooks';
import { isBranch, isSpecialised, touchesMemory } from './fast-handlers';
import { K_IMM, K_MEM, K_REG, OP } from './compiled';
import { LF_ADD, LF_CF_OF, LF_DEC, LF_INC, LF_LOGIC, LF_SUB } from './cpu';
import { CF, OF } from './eflags';

/** Longest block: keeps the generated function within what V8 inlines. */
const BLOCK_MAX = 16;

/**
 * Runs the block from EIP `e0`. `te` is the TLB entry of the code page (-1 without paging), `g`
 * the TLB generation and `v` the frame's code version at entry. Returns the instructions retired,
 * or ~i when instruction i raised an exception (cpu.eip is its EIP; nothing after it ran).
 */
export type BlockFn = (cpu: Cpu, e0: number, te: number, tlb: Tlb, g: number, versions: Uint32Array, v: number) => number;

export class Block {
  constructor(
    readonly run: BlockFn,
    readonly instructions: readonly Compiled[],
    /** Bytes from the first instruction's start to the last one's end. */
    readonly bytes: number,
    readonly frame: number,
    /** The frame's code version the block was built from. */
    readonly version: number,
    /** The EIP it was built for: its breakpoint boundaries hold when entered there. */
    readonly entry: number,
    /** CodeBreakpoints.epoch when built. */
    readonly epoch: number,
  ) {}
}

/** Operator and lazy-flag op of the 32-bit register ALU forms written inline (ADC/SBB are not). */
function inlineAlu(sub: number): readonly [string, number] | undefined {
  // A function, not a table: cpu.ts and this module import each other.
  switch (sub) {
    case 0: return ['+', LF_ADD];
    case 1: return ['|', LF_LOGIC];
    case 4: return ['&', LF_LOGIC];
    case 5: case 7: return ['-', LF_SUB];
    case 6: return ['^', LF_LOGIC];
    default: return undefined;
  }
}

function lazyStores(op: number, res: string, dst: string, src: string): string {
  return `cpu.lazyOp = ${op}; cpu.lazyRes = ${res}; cpu.lazyDst = ${dst}; cpu.lazySrc = ${src}; cpu.lazySize = 4;`;
}

/** The 32-bit effective address of `c`'s memory operand (fast-handlers.ts ea()), or null for 16-bit addressing. */
function eaSource(c: Compiled): string | null {
  if (c.asz !== 32) return null;
  const base = c.base >= 0 ? ` + r[${c.base}]` : '';
  const index = c.index >= 0 ? ` + (r[${c.index}] << ${c.scale})` : '';
  return `(${c.disp}${base}${index}) >>> 0`;
}

/**
 * SHL/SHR/SAR r32, imm as shiftRotate() computes them for a count of 1..31, flags kept as
 * setResultFlagsLazy() keeps them; a masked count of 0 changes nothing.
 */
function shiftSource(c: Compiled): string | null {
  const n = c.v1 & 0x1f;
  if (n === 0) return ';';
  const v = `r[${c.v0}]`;
  let body: string;
  if (c.op === OP.shl) body = `const a = ${v} >>> 0, v = (a << ${n}) >>> 0, cf = (a >>> ${32 - n}) & 1, of = ((v >>> 31) !== cf) ? 1 : 0;`;
  else if (c.op === OP.shr) body = `const a = ${v} >>> 0, v = a >>> ${n}, before = a >>> ${n - 1}, cf = before & 1, of = ((before ^ v) >>> 31) & 1;`;
  else if (c.op === OP.sar) body = `const a = ${v} | 0, v = (a >> ${n}) >>> 0, cf = (a >> ${n - 1}) & 1, of = 0;`;
  else return null;
  return `{ ${body} ${v} = v; cpu.lazyOp = ${LF_CF_OF}; cpu.lazyRes = v; cpu.lazyDst = 0; cpu.lazySrc = of; cpu.lazySize = 4; cpu.lazyCarry = cf; }`;
}

/**
 * Whether `c` is written inline as a 32-bit register ALU/TEST form that sets all six status flags
 * from its own operands (not ADC/SBB, which read CF): flags left by the instruction before it
 * are dead, and it cannot fault.
 */
function overwritesFlags(c: Compiled | undefined): boolean {
  if (c === undefined || c.size !== 4 || c.k0 !== K_REG || (c.k1 !== K_REG && c.k1 !== K_IMM)) return false;
  return c.op === OP.test || (c.op === OP.alu && inlineAlu(c.sub) !== undefined);
}

/**
 * ROL/ROR r32, imm as shiftRotate() computes them for a count of 1..31: CF and OF set on the
 * materialised flags, the others kept — or no flag work at all when `flagsDead` (the next
 * instruction of the block overwrites every status flag, and nothing can look in between).
 */
function rotateSource(c: Compiled, flagsDead: boolean): string {
  const n = c.v1 & 0x1f;
  if (n === 0) return ';';
  const v = `r[${c.v0}]`;
  const rol = c.op === OP.rol;
  const value = rol ? `((a << ${n}) | (a >>> ${32 - n})) >>> 0` : `((a >>> ${n}) | (a << ${32 - n})) >>> 0`;
  if (flagsDead) return `{ const a = ${v} >>> 0; ${v} = ${value}; }`;
  const flags = rol ? 'cf = v & 1, of = (v >>> 31) ^ cf' : 'cf = v >>> 31, of = cf ^ ((v >>> 30) & 1)';
  return `{ const a = ${v} >>> 0, v = ${value}, ${flags}; ${v} = v; cpu.materializeFlags(); ` +
    `cpu.flags = (cpu.flags & ~${CF | OF}) | cf | (of << 11); }`;
}

/**
 * Source doing inline exactly what the specialised handler of `c` does, for the 32-bit register
 * forms that cannot fault (fast-handlers.ts: movRegReg, movRegImm, add32..test32, inc32/dec32,
 * lea, shiftReg with an immediate count, imulReg with register sources) and MOV between a
 * register and memory (movRegMem32,
 * movMemReg32, through Cpu.read32/write32), so the JIT's inlining budget is left for the rest;
 * null otherwise. `i` is the instruction's index in the block.
 */
function inlineSource(c: Compiled, i: number, next: Compiled | undefined): string | null {
  if (c.size !== 4 && c.op !== OP.lea) return null;
  if (c.op === OP.mov && (c.k0 === K_MEM || c.k1 === K_MEM)) {
    const ea = eaSource(c);
    if (ea === null) return null;
    if (c.k0 === K_REG) return `{ const off = ${ea}; cpu.ea = off; const v = cpu.read32(${c.seg}, off); if (cpu.fault >= 0) return ${~i}; r[${c.v0}] = v; }`;
    if (c.k1 === K_REG) return `{ const off = ${ea}; cpu.ea = off; cpu.write32(${c.seg}, off, r[${c.v1}]); }`;
    return null;
  }
  if ((c.op === OP.shl || c.op === OP.shr || c.op === OP.sar) && c.k0 === K_REG && c.k1 === K_IMM) return shiftSource(c);
  if ((c.op === OP.rol || c.op === OP.ror) && c.k0 === K_REG && c.k1 === K_IMM) return rotateSource(c, overwritesFlags(next));
  const src = c.k1 === K_REG ? `(r[${c.v1}] >>> 0)` : c.k1 === K_IMM ? String(c.v1 >>> 0) : null;
  switch (c.op) {
    case OP.mov:
      if (c.k0 !== K_REG || src === null) return null;
      return c.k1 === K_REG ? `r[${c.v0}] = r[${c.v1}];` : `r[${c.v0}] = ${c.v1 | 0};`;
    case OP.alu: case OP.test: {
      if (c.k0 !== K_REG || src === null) return null;
      const alu = c.op === OP.test ? (['&', LF_LOGIC] as const) : inlineAlu(c.sub);
      if (alu === undefined) return null;
      const write = c.op === OP.alu && c.sub !== 7 ? `r[${c.v0}] = v; ` : '';
      return `{ const a = r[${c.v0}] >>> 0, b = ${src}, v = (a ${alu[0]} b) >>> 0; ${write}${lazyStores(alu[1], 'v', 'a', 'b')} }`;
    }
    case OP.inc: case OP.dec: {
      if (c.k0 !== K_REG) return null;
      const inc = c.op === OP.inc;
      return `{ const a = r[${c.v0}] >>> 0, v = (a ${inc ? '+' : '-'} 1) >>> 0, carry = cpu.cf() ? 1 : 0; r[${c.v0}] = v; ` +
        `${lazyStores(inc ? LF_INC : LF_DEC, 'v', 'a', '1')} cpu.lazyCarry = carry; }`;
    }
    case OP.imul: {
      // Two- and three-operand IMUL r32 (fast-handlers.ts imulReg) with register sources: the
      // double product is exact whenever the signed result fits 32 bits and lies outside the
      // int32 range otherwise, so it differs from Math.imul's exactly when CF = OF = 1 (SDM Vol. 2 IMUL).
      if (c.k0 !== K_REG || c.k1 !== K_REG || c.nops < 2) return null;
      const a = c.nops === 3 ? `r[${c.v1}]` : `r[${c.v0}]`;
      const b = c.nops === 3 ? String(c.v2 | 0) : `r[${c.v1}]`;
      return `{ const a = ${a} | 0, b = ${b} | 0, v = Math.imul(a, b), of = a * b !== v ? 1 : 0; r[${c.v0}] = v; ` +
        `cpu.lazyOp = ${LF_CF_OF}; cpu.lazyRes = v >>> 0; cpu.lazyDst = 0; cpu.lazySrc = of; cpu.lazySize = 4; cpu.lazyCarry = of; }`;
    }
    case OP.lea: {
      const ea = eaSource(c);
      if (c.osz !== 4 || ea === null) return null;
      return `{ const off = ${ea}; cpu.ea = off; r[${c.v0}] = off; }`;
    }
    default:
      return null;
  }
}

/**
 * Builds the block starting at offset `off` of code page `page` (frame `frame`) for EIP `eip`,
 * ending before any later instruction at one of `breakpoints`, or null when the instruction at
 * `off` cannot start one.
 */
export function buildBlock(page: CodePage, off: number, frame: number, version: number, eip: number, breakpoints: CodeBreakpoints): Block | null {
  const list: Compiled[] = [];
  const offsets: number[] = [];
  let at = off;
  while (list.length < BLOCK_MAX && at < 4096) {
    if (list.length > 0 && breakpoints.has((eip + at - off) >>> 0)) break;
    const c = page[at];
    if (c === undefined || c.bits !== 32 || !isSpecialised(c)) break;
    list.push(c);
    offsets.push(at - off);
    at += c.len;
    if (isBranch(c)) break;
  }
  if (list.length === 0) return null;
  const lines: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    const start = offsets[i], end = start + c.len;
    const memory = touchesMemory(c), branch = isBranch(c);
    // Fault delivery and #GP checks see the instruction's own EIP.
    if (memory || branch) lines.push(`cpu.eip = (e0 + ${start}) >>> 0;`);
    lines.push(`cpu.nextEip = (e0 + ${end}) >>> 0;`);
    // The fetch of instruction 0 was made (and counted) by the caller.
    if (i > 0) lines.push('if (te >= 0) tlb.touch(te);');
    lines.push(inlineSource(c, i, list[i + 1]) ?? `h${i}(cpu, c${i});`);
    if (memory || branch) lines.push(`if (cpu.fault >= 0) return ${~i};`);
    // A fill or drop in the TLB, or a write over cached code of this frame: later instructions
    // must be fetched again the normal way. A stop requested during the access (a data
    // breakpoint's hook) takes effect right after the instruction.
    if (memory && i < list.length - 1) {
      lines.push(`if (tlb.generation !== g || versions[${frame}] !== v || cpu.runBreak) { cpu.eip = cpu.nextEip; return ${i + 1}; }`);
    }
  }
  lines.push(`cpu.eip = cpu.nextEip;`, `return ${list.length};`);
  const names: string[] = [];
  const values: unknown[] = [];
  list.forEach((c, i) => { names.push(`h${i}`, `c${i}`); values.push(c.exec, c); });
  const body = `return function block(cpu, e0, te, tlb, g, versions, v) {\nconst r = cpu.regs;\n${lines.join('\n')}\n};`;
  // The source is built only from the fixed templates above and numbers; values come in as arguments.
  const make = new Function(...names, body) as (...args: unknown[]) => BlockFn;
  return new Block(make(...values), list, at - off, frame, version, eip >>> 0, breakpoints.epoch);
}
