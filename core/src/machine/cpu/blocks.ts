// Blocks: traces of up to BLOCK_MAX cached 32-bit instructions with specialised handlers within
// one code page, going on through direct near branches (collectTrace), compiled into one
// JavaScript function that writes the commonest forms inline, calls the other handlers directly
// (so the JIT can inline them) and does the per-instruction bookkeeping of Cpu.step() only where
// it can matter; a trace that comes back to its entry loops inside the function. Cpu.run() enters
// a block only when a whole pass fits its instruction budget and the CPU is in a state step()
// would treat no differently. A block ends before any instruction that has a breakpoint, so the
// run loop checks block starts only.

import type { Cpu } from './cpu';
import type { Compiled } from './compiled';
import type { CodePage } from './code-cache';
import type { Tlb } from '../mmu/tlb';
import type { CodeBreakpoints } from './hooks';
import { isBranch, isSpecialised, touchesMemory } from './fast-handlers';
import { K_IMM, K_MEM, K_REG, OP } from './compiled';
import { LF_ADD, LF_CF_OF, LF_DEC, LF_INC, LF_LOGIC, LF_SUB } from './cpu';
import { CF, OF } from './eflags';
import { GP } from './exceptions';
import { CS, SS } from './segment-bits';

/** Longest block: keeps the generated function within what V8 inlines. */
const BLOCK_MAX = 16;

type BlockFactory = (...handlersAndInstructions: unknown[]) => BlockFn;

/**
 * Block factories by handler names and source. The same trace is built again after its code page
 * was written, a breakpoint set changed, a snapshot was restored or in another machine; the
 * functions one factory makes share their JIT feedback and optimised code, so a rebuilt block
 * runs at full speed at once instead of warming up again.
 */
const factories = new Map<string, BlockFactory>();
/** Beyond this many distinct traces the map starts over (a bound on memory, not a working-set size). */
const MAX_FACTORIES = 4096;

/**
 * Runs the block from EIP `e0`. `te` is the TLB entry of the code page (-1 without paging), `g`
 * the TLB generation and `v` the frame's code version at entry; a block whose trace loops runs
 * it again while `budget` (at least one pass) allows another whole pass. Returns the
 * instructions retired, or ~n when the instruction after n retired ones raised an exception
 * (cpu.eip is its EIP; nothing after it ran). Instruction n is instructions[n % length].
 */
export type BlockFn = (cpu: Cpu, e0: number, te: number, tlb: Tlb, g: number, versions: Uint32Array, v: number, budget: number) => number;

export class Block {
  constructor(
    readonly run: BlockFn,
    /** The trace in execution order (it may go on through branches). */
    readonly instructions: readonly Compiled[],
    /**
     * EIP offsets from the entry of the trace's lowest instruction start (≤ 0) and highest
     * instruction end: Cpu.run enters only when both lie in 0..CS.limit, which also makes every
     * branch target inside the trace valid.
     */
    readonly low: number,
    readonly high: number,
    readonly frame: number,
    /** The frame's code version the block was built from. */
    readonly version: number,
    /** The EIP it was built for: its breakpoint boundaries hold when entered there. */
    readonly entry: number,
    /** CodeBreakpoints.epoch when built. */
    readonly epoch: number,
    /** The trace accesses the stack inline (stackInline): Cpu.run enters it only with a 32-bit SS. */
    readonly bigStack: boolean,
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
 * setResultFlagsLazy() keeps them (none when `flagsDead`); a masked count of 0 changes nothing.
 */
function shiftSource(c: Compiled, flagsDead: boolean): string | null {
  const n = c.v1 & 0x1f;
  if (n === 0) return ';';
  const v = `r[${c.v0}]`;
  if (flagsDead) return c.op === OP.shl ? `${v} = ${v} << ${n};` : c.op === OP.shr ? `${v} = ${v} >>> ${n};` : `${v} = ${v} >> ${n};`;
  let body: string;
  if (c.op === OP.shl) body = `const a = ${v} >>> 0, v = (a << ${n}) >>> 0, cf = (a >>> ${32 - n}) & 1, of = ((v >>> 31) !== cf) ? 1 : 0;`;
  else if (c.op === OP.shr) body = `const a = ${v} >>> 0, v = a >>> ${n}, before = a >>> ${n - 1}, cf = before & 1, of = ((before ^ v) >>> 31) & 1;`;
  else if (c.op === OP.sar) body = `const a = ${v} | 0, v = (a >> ${n}) >>> 0, cf = (a >> ${n - 1}) & 1, of = 0;`;
  else return null;
  return `{ ${body} ${v} = v; cpu.lazyOp = ${LF_CF_OF}; cpu.lazyRes = v; cpu.lazyDst = 0; cpu.lazySrc = of; cpu.lazySize = 4; cpu.lazyCarry = cf; }`;
}

/**
 * Whether `c` is written inline as a 32-bit register form that sets all six status flags from its
 * own operands without reading them — ALU/TEST (not ADC/SBB, which read CF), SHL/SHR/SAR by a
 * non-zero immediate count, IMUL with register sources — and cannot fault.
 */
function overwritesFlags(c: Compiled): boolean {
  if (c.size !== 4 || c.k0 !== K_REG) return false;
  if (c.op === OP.test || (c.op === OP.alu && inlineAlu(c.sub) !== undefined)) return c.k1 === K_REG || c.k1 === K_IMM;
  if (c.op === OP.shl || c.op === OP.shr || c.op === OP.sar) return c.k1 === K_IMM && (c.v1 & 0x1f) !== 0;
  return c.op === OP.imul && c.k1 === K_REG && c.nops >= 2;
}

/** Whether `c` neither reads nor writes the status flags and cannot fault: MOV r, r/imm and LEA. */
function flagNeutral(c: Compiled): boolean {
  return c.op === OP.lea || (c.op === OP.mov && c.k0 === K_REG && (c.k1 === K_REG || c.k1 === K_IMM));
}

/**
 * Whether the status flags an instruction leaves are dead because `later` (the rest of its trace's
 * pass) overwrites them all after only flag-neutral instructions: nothing can look at them in
 * between (no fault, no exit), so the instruction need not store them. An overwriter whose own
 * flags are dead counts too: some later one stores before anything reads.
 */
function flagsDeadBefore(later: readonly Compiled[]): boolean {
  for (const c of later) {
    if (overwritesFlags(c)) return true;
    if (!flagNeutral(c)) return false;
  }
  return false;
}

/** Whether the trace writes `c` inline as a 32-bit stack access (PUSH, POP, CALL, RET), which assumes a 32-bit SS. */
function stackInline(c: Compiled): boolean {
  if (c.osz !== 4) return false;
  switch (c.op) {
    case OP.push: return c.k0 === K_REG || c.k0 === K_IMM;
    case OP.pop: return c.k0 === K_REG;
    case OP.call: return c.k0 === K_IMM;
    case OP.ret: return true;
    default: return false;
  }
}

/**
 * PUSH of `value` on a 32-bit stack (Cpu.push32): the dword at SS:ESP-4 through write32, which
 * makes the checks of segLinear()/writeLinear() (SDM §6.2.3); ESP is committed after the write.
 */
function pushSource(value: string, fault: string): string {
  return `{ const sp = (r[4] - 4) >>> 0; cpu.write32(${SS}, sp, ${value}); if (cpu.fault >= 0) return ${fault}; r[4] = sp; }`;
}

/** The dword at SS:ESP on a 32-bit stack (Cpu.peek32), signed as read32 returns it. */
const STACK_TOP = `cpu.read32(${SS}, r[4] >>> 0)`;

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
 * lea, shiftReg with an immediate count, imulReg with register sources), MOV between a
 * register and memory (movRegMem32, movMemReg32, through Cpu.read32/write32) and 32-bit PUSH/POP
 * (as Cpu.push32/peek32 do them on a 32-bit stack), so the JIT's inlining budget is left for the
 * rest; null otherwise. `i` is the instruction's index in the block, `flagsDead` whether the
 * status flags it sets are dead (flagsDeadBefore), `known` the lazy op the
 * instructions before it in the block are known to leave (lazyOpAfter), or -1, `fault(i)` what
 * the block returns when it faults. The inline forms leave cpu.ea alone: only the generic
 * handler reads it, after setting it.
 */
function inlineSource(c: Compiled, i: number, flagsDead: boolean, known: number, fault: (n: number) => string): string | null {
  if (c.size !== 4 && c.op !== OP.lea) return null;
  if (c.op === OP.mov && (c.k0 === K_MEM || c.k1 === K_MEM)) {
    const ea = eaSource(c);
    if (ea === null) return null;
    if (c.k0 === K_REG) return `{ const off = ${ea}; const v = cpu.read32(${c.seg}, off); if (cpu.fault >= 0) return ${fault(i)}; r[${c.v0}] = v; }`;
    if (c.k1 === K_REG) return `{ const off = ${ea}; cpu.write32(${c.seg}, off, r[${c.v1}]); if (cpu.fault >= 0) return ${fault(i)}; }`;
    return null;
  }
  // With `flagsDead` (flagsDeadBefore) only the register result is written. The lazy carry left
  // behind belongs to an older lazy op, but the op the overwriting instruction stores does not read it.
  if ((c.op === OP.shl || c.op === OP.shr || c.op === OP.sar) && c.k0 === K_REG && c.k1 === K_IMM) return shiftSource(c, flagsDead);
  if ((c.op === OP.rol || c.op === OP.ror) && c.k0 === K_REG && c.k1 === K_IMM) return rotateSource(c, flagsDead);
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
      if (flagsDead) return write === '' ? ';' : `{ const a = r[${c.v0}] >>> 0, b = ${src}; r[${c.v0}] = (a ${alu[0]} b) >>> 0; }`;
      return `{ const a = r[${c.v0}] >>> 0, b = ${src}, v = (a ${alu[0]} b) >>> 0; ${write}${lazyStores(alu[1], 'v', 'a', 'b')} }`;
    }
    case OP.inc: case OP.dec: {
      if (c.k0 !== K_REG) return null;
      const inc = c.op === OP.inc;
      // INC and DEC keep CF: carried over from the flags before, known statically after an inline setter.
      const carry = cfSource(known);
      if (flagsDead) return `r[${c.v0}] = (r[${c.v0}] ${inc ? '+' : '-'} 1) | 0;`;
      return `{ const a = r[${c.v0}] >>> 0, v = (a ${inc ? '+' : '-'} 1) >>> 0, carry = ${carry === null ? 'cpu.cf()' : carry} ? 1 : 0; r[${c.v0}] = v; ` +
        `${lazyStores(inc ? LF_INC : LF_DEC, 'v', 'a', '1')} cpu.lazyCarry = carry; }`;
    }
    case OP.imul: {
      // Two- and three-operand IMUL r32 (fast-handlers.ts imulReg) with register sources: the
      // double product is exact whenever the signed result fits 32 bits and lies outside the
      // int32 range otherwise, so it differs from Math.imul's exactly when CF = OF = 1 (SDM Vol. 2 IMUL).
      if (c.k0 !== K_REG || c.k1 !== K_REG || c.nops < 2) return null;
      const a = c.nops === 3 ? `r[${c.v1}]` : `r[${c.v0}]`;
      const b = c.nops === 3 ? String(c.v2 | 0) : `r[${c.v1}]`;
      if (flagsDead) return `r[${c.v0}] = Math.imul(${a}, ${b});`;
      return `{ const a = ${a} | 0, b = ${b} | 0, v = Math.imul(a, b), of = a * b !== v ? 1 : 0; r[${c.v0}] = v; ` +
        `cpu.lazyOp = ${LF_CF_OF}; cpu.lazyRes = v >>> 0; cpu.lazyDst = 0; cpu.lazySrc = of; cpu.lazySize = 4; cpu.lazyCarry = of; }`;
    }
    case OP.push:
      // PUSH r32 / imm (fast-handlers.ts pushReg, pushImm): PUSH ESP pushes the value before the
      // push. The value goes as a signed number (as read32 returns them): the same 32 bits.
      if (c.osz !== 4 || (c.k0 !== K_REG && c.k0 !== K_IMM)) return null;
      return pushSource(c.k0 === K_REG ? `r[${c.v0}]` : String(c.v0 | 0), fault(i));
    case OP.pop:
      // POP r32 (fast-handlers.ts popReg): ESP moves before the register is written, so POP ESP loads the value.
      if (c.osz !== 4 || c.k0 !== K_REG) return null;
      return `{ const v = ${STACK_TOP}; if (cpu.fault >= 0) return ${fault(i)}; r[4] = r[4] + 4; r[${c.v0}] = v; }`;
    case OP.lea: {
      const ea = eaSource(c);
      if (c.osz !== 4 || ea === null) return null;
      return `r[${c.v0}] = ${ea};`;
    }
    default:
      return null;
  }
}

/** One instruction of a trace: its EIP offsets from the entry, and how the trace goes on after it. */
interface TraceStep {
  readonly c: Compiled;
  readonly start: number;
  readonly end: number;
  /**
   * For a branch the trace goes on through: 'taken' (JMP, CALL, or a Jcc whose target comes
   * next), 'fall' (a Jcc whose next instruction comes next), 'return' (a RET expected to return
   * after a CALL of the trace, which comes next). 'loop' for the last step when the trace goes
   * on at its entry (straight on, by JMP, Jcc taken or the expected RET): the block runs its
   * trace again while its budget lasts. 'none' otherwise.
   */
  readonly follow: 'none' | 'taken' | 'fall' | 'loop' | 'return';
}

/** The instruction at page offset `at` if a trace may run it (cached, 32-bit, specialised). */
function traceable(page: CodePage, at: number): Compiled | undefined {
  if (at < 0 || at >= 4096) return undefined;
  const c = page[at];
  return c !== undefined && c.bits === 32 && isSpecialised(c) ? c : undefined;
}

/**
 * Collects the trace from page offset `off` (EIP `eip`): straight-line code that goes on through
 * near branches of 32-bit operand size (no 16-bit wrap of the target) while the next
 * instruction lies in the same page — direct JMP and CALL, a forward Jcc not taken, a RET to
 * the CALL of the trace that made it — and loops on a JMP or Jcc back to the entry. It ends at
 * BLOCK_MAX instructions, before an instruction with a breakpoint, at one that is not traceable,
 * at a branch back to any other instruction of the trace (loops are not unrolled: each entry
 * into a loop body would get a rotated copy) and after any other branch.
 */
function collectTrace(page: CodePage, off: number, eip: number, breakpoints: CodeBreakpoints): TraceStep[] {
  const steps: TraceStep[] = [];
  const visited = new Set<number>();
  /** EIP offsets the followed CALLs return to, innermost last. */
  const returns: number[] = [];
  let delta = 0;
  let c = traceable(page, off);
  while (c !== undefined) {
    visited.add(delta);
    const end = delta + c.len;
    let follow: TraceStep['follow'] = 'none';
    let to = end;
    const branch = isBranch(c);
    if (branch && c.osz === 4) {
      if (c.op === OP.jmp || c.op === OP.call || (c.op === OP.jcc && c.rel < 0)) { to = end + c.rel; follow = 'taken'; }
      else if (c.op === OP.jcc) follow = 'fall';
      else if (c.op === OP.ret && returns.length > 0) { to = returns[returns.length - 1]; follow = 'return'; }
    }
    let next: Compiled | undefined;
    if (to === 0 && (!branch || ((follow === 'taken' || follow === 'return') && c.op !== OP.call)) && !breakpoints.has(eip >>> 0)) follow = 'loop';
    else if ((!branch || follow !== 'none') && steps.length + 1 < BLOCK_MAX && !visited.has(to) && !breakpoints.has((eip + to) >>> 0)) {
      next = traceable(page, off + to);
    }
    if (next === undefined && follow !== 'loop') follow = 'none';
    if (follow === 'taken' && c.op === OP.call) returns.push(end);
    if (follow === 'return') returns.pop();
    steps.push({ c, start: delta, end, follow });
    delta = to;
    c = next;
  }
  return steps;
}

/**
 * Source of condition `cc` (opcode order) when the lazy flags were last set by an inline
 * instruction of this trace with lazy op `op` and size 4, or cpu.cond(cc). With a known op the
 * switches of Cpu.cf()/zf()/... fold away; the formulas are theirs (for SUB, SF ≠ OF is exactly
 * the signed less-than of the operands, SDM Vol. 1 §A.2 / Jcc).
 */
function condSource(cc: number, op: number): string {
  const cf = cfSource(op);
  const zf = 'cpu.lazyRes === 0', sf = '(cpu.lazyRes & 0x80000000) !== 0';
  let e: string | null = null;
  switch (cc >> 1) {
    case 1: e = cf; break;
    case 2: if (op >= 0) e = zf; break;
    case 3: if (cf !== null) e = `(${cf}) || ${zf}`; break;
    case 4: if (op >= 0) e = sf; break;
    case 6: e = op === LF_SUB ? '(cpu.lazyDst | 0) < (cpu.lazySrc | 0)' : op === LF_LOGIC ? sf : null; break;
    case 7: e = op === LF_SUB ? '(cpu.lazyDst | 0) <= (cpu.lazySrc | 0)' : op === LF_LOGIC ? `${zf} || ${sf}` : null; break;
    default: break;
  }
  if (e === null) return `cpu.cond(${cc})`;
  return (cc & 1) !== 0 ? `!(${e})` : `(${e})`;
}

/** Source of CF as Cpu.cf() computes it for known lazy op `op` (values stored as uint32), or null. */
function cfSource(op: number): string | null {
  switch (op) {
    case LF_ADD: return 'cpu.lazyRes < cpu.lazyDst';
    case LF_SUB: return 'cpu.lazyDst < cpu.lazySrc';
    case LF_LOGIC: return 'false';
    case LF_INC: case LF_DEC: case LF_CF_OF: return 'cpu.lazyCarry !== 0';
    default: return null;
  }
}

/**
 * The lazy op an inline instruction leaves (size 4, operands stored as uint32), `before` when it
 * leaves the lazy state alone, or -1 when unknown (handlers, rotates that materialise).
 */
function lazyOpAfter(c: Compiled, inline: boolean, before: number): number {
  if (!inline) return c.op === OP.jmp || c.op === OP.call || c.op === OP.ret || c.op === OP.jcc || c.op === OP.push ? before : -1;
  switch (c.op) {
    case OP.mov: case OP.lea: case OP.jmp: case OP.call: case OP.ret: case OP.jcc: case OP.push: case OP.pop: return before;
    case OP.test: return LF_LOGIC;
    case OP.alu: return (inlineAlu(c.sub) as readonly [string, number])[1];
    case OP.inc: return LF_INC;
    case OP.dec: return LF_DEC;
    // A shift count of 0 (masked) leaves the flags alone.
    case OP.shl: case OP.shr: case OP.sar: return (c.v1 & 0x1f) === 0 ? before : LF_CF_OF;
    case OP.imul: return LF_CF_OF;
    default: return -1;
  }
}

/**
 * Source for the branches a trace writes inline. `s` is the step, `i` its index, `next` the EIP
 * offset of the step after it (when there is one), `known` the
 * lazy op (condSource), `ret(n)` / `fault(n)` the block's return values after n instructions of
 * this pass. Leaving the block, `cpu.eip` holds the next EIP; a target beyond CS.limit is #GP(0)
 * as in fast-handlers.ts branchTo(). Targets inside the trace were checked at entry
 * (Block.low/high), so the trace goes on there without a check. A 'loop' step leaves the
 * continue to the caller (buildBlock).
 */
function branchSource(s: TraceStep, i: number, next: number, known: number, ret: (n: number) => string, fault: (n: number) => string): string | null {
  const c = s.c;
  if (c.osz !== 4 || (c.k0 !== K_IMM && c.op !== OP.ret)) return null;
  const leave = ret(i + 1);
  const target = `(e0 + ${s.end + c.rel}) >>> 0`;
  const toTarget = `{ const t = ${target}; if (t > cpu.segLimit[${CS}]) { cpu.raise(${GP}, 0); return ${fault(i)}; } cpu.eip = t; return ${leave}; }`;
  const fallThrough = `{ cpu.eip = (e0 + ${s.end}) >>> 0; return ${leave}; }`;
  switch (c.op) {
    case OP.jmp:
      return s.follow === 'taken' || s.follow === 'loop' ? ';' : toTarget;
    case OP.jcc: {
      const cond = condSource(c.sub, known);
      if (s.follow === 'taken' || s.follow === 'loop') return `if (!${cond}) ${fallThrough}`;
      if (s.follow === 'fall') return `if (${cond}) ${toTarget}`;
      return `if (${cond}) ${toTarget} ${fallThrough}`;
    }
    case OP.call: {
      // CALL rel32 (fast-handlers.ts callRel): the target is checked before the push.
      const push = pushSource(`(e0 + ${s.end}) | 0`, fault(i));
      if (s.follow === 'taken') return push;
      return `{ const t = ${target}; if (t > cpu.segLimit[${CS}]) { cpu.raise(${GP}, 0); return ${fault(i)}; } ${push} cpu.eip = t; return ${leave}; }`;
    }
    case OP.ret: {
      // RET / RET imm16 (fast-handlers.ts retNear); when it returns where the trace's CALL said,
      // the trace goes on there, else the block leaves for the popped target.
      const imm = c.nops > 0 ? c.v0 & 0xffff : 0;
      const pop = `const t = ${STACK_TOP} >>> 0; if (cpu.fault >= 0) return ${fault(i)};`;
      const other = `if (t > cpu.segLimit[${CS}]) { cpu.raise(${GP}, 0); return ${fault(i)}; } r[4] = r[4] + ${4 + imm}; cpu.eip = t; return ${leave};`;
      if (s.follow === 'return' || s.follow === 'loop') {
        return `{ ${pop} if (t !== ((e0 + ${next}) >>> 0)) { ${other} } r[4] = r[4] + ${4 + imm}; }`;
      }
      return `{ ${pop} ${other} }`;
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
  const steps = collectTrace(page, off, eip, breakpoints);
  if (steps.length === 0) return null;
  const loops = steps[steps.length - 1].follow === 'loop';
  // A looping block counts the instructions of its earlier passes in `done`.
  const ret = (n: number): string => (loops ? `done + ${n}` : String(n));
  const fault = (n: number): string => (loops ? `~(done + ${n})` : String(~n));
  const lines: string[] = [];
  let known = -1;
  let low = 0, high = 0;
  // Fetches of register-only instructions not yet counted in the TLB. They touch nothing else in
  // the TLB and cannot leave the block, so their touches are made together before the next
  // instruction that may look up the TLB or leave: the counters and LRU stamps come out the same.
  let untouched = 0;
  const touch = (): void => {
    if (untouched > 0) lines.push(untouched === 1 ? 'if (te >= 0) tlb.touch(te);' : `if (te >= 0) tlb.touchRepeated(te, ${untouched});`);
    untouched = 0;
  };
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    const c = s.c;
    low = Math.min(low, s.start);
    high = Math.max(high, s.end);
    const last = i === steps.length - 1;
    const nextStart = !last ? steps[i + 1].start : loops ? 0 : s.end;
    const memory = touchesMemory(c), branch = isBranch(c);
    // Fault delivery and #GP checks see the instruction's own EIP.
    if (memory || branch) lines.push(`cpu.eip = (e0 + ${s.start}) >>> 0;`);
    const inline = branch ? branchSource(s, i, nextStart, known, ret, fault)
      : inlineSource(c, i, flagsDeadBefore(steps.slice(i + 1).map((t) => t.c)), known, fault);
    // The fetch of instruction 0 was made (and counted) by the caller, or by the loop's back edge.
    if (i > 0) untouched++;
    if (inline === null || memory || branch) touch();
    if (inline !== null) lines.push(inline);
    else {
      lines.push(`cpu.nextEip = (e0 + ${s.end}) >>> 0;`, `h${i}(cpu, c${i});`);
      if (memory || branch) lines.push(`if (cpu.fault >= 0) return ${fault(i)};`);
      if (branch) lines.push(`cpu.eip = cpu.nextEip; return ${ret(i + 1)};`);
    }
    known = lazyOpAfter(c, inline !== null, known);
    // A fill or drop in the TLB, or a write over cached code of this frame: later instructions
    // must be fetched again the normal way. A stop requested during the access (a data
    // breakpoint's hook) takes effect right after the instruction.
    if (memory && (!last || loops)) {
      lines.push(`if (tlb.generation !== g || versions[${frame}] !== v || cpu.runBreak) { cpu.eip = (e0 + ${nextStart}) >>> 0; return ${ret(i + 1)}; }`);
    }
    if (last) touch();
    if (last && !branch && !loops) lines.push(`cpu.eip = (e0 + ${s.end}) >>> 0;`, `return ${ret(steps.length)};`);
  }
  if (loops) {
    // The back edge does what Cpu.run would do to enter the block again: the budget (instret
    // limit and step budget, passed in) must hold a whole pass, and the fetch of instruction 0
    // is counted. Everything else it checks cannot have changed: the TLB, this frame's code and
    // stop requests were checked after the last memory access of the pass, and the trace's
    // instructions change neither CS, CPL, TF, IF nor the run's state.
    lines.push(`done += ${steps.length};`, `if (done + ${steps.length} > budget) { cpu.eip = e0; return done; }`,
      'if (te >= 0) tlb.touch(te);');
  }
  const names: string[] = [];
  const values: unknown[] = [];
  steps.forEach((s, i) => { names.push(`h${i}`, `c${i}`); values.push(s.c.exec, s.c); });
  const code = loops ? `let done = 0;\nfor (;;) {\n${lines.join('\n')}\n}` : lines.join('\n');
  const body = `return function block(cpu, e0, te, tlb, g, versions, v, budget) {\nconst r = cpu.regs;\n${code}\n};`;
  // The source is built only from the fixed templates above and numbers; values come in as arguments.
  const key = `${steps.map((s) => s.c.exec.name).join(',')}\n${body}`;
  let make = factories.get(key);
  if (make === undefined) {
    make = new Function(...names, body) as BlockFactory;
    if (factories.size >= MAX_FACTORIES) factories.clear();
    factories.set(key, make);
  }
  const bigStack = steps.some((s) => stackInline(s.c));
  return new Block(make(...values), steps.map((s) => s.c), low, high, frame, version, eip >>> 0, breakpoints.epoch, bigStack);
}
