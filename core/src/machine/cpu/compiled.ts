// The compact, decode-once form of an instruction the CPU executes: the shared table decoder's
// result (spec, form, AsmOperands) turned into small integers — an operation id for the handler
// switch, operand kinds and register numbers, the effective-address recipe and immediates.

import type { DecodedInstruction } from '../../isa/decoder';
import type { AsmOperand, MemOperand } from '../../isa/operands';
import type { InstructionSpec, OperandKind } from '../../isa/types';
import { GPR16, GPR32, GPR8, SREG, CREG, DREG } from '../../isa/types';
import { flagMask } from './eflags';
import type { Cpu } from './cpu';
import type { Block } from './blocks';
import { DS, SS } from './segment-bits';

/** Operand kinds after compilation. */
export const K_NONE = 0;
export const K_REG = 1;
export const K_SREG = 2;
export const K_CREG = 3;
export const K_DREG = 4;
export const K_MEM = 5;
export const K_IMM = 6;
export const K_FAR = 7;

/**
 * Operation ids, one per mnemonic (condition-code families share one id and carry the condition;
 * the eight classic ALU operations share one id and carry the operation).
 */
export const OPS = [
  'mov', 'movzx', 'movsx', 'xchg', 'push', 'pop', 'pusha', 'popa', 'lea', 'cbw', 'cwd', 'xlatb', 'bswap',
  'cmov', 'xadd', 'cmpxchg', 'cmpxchg8b', 'alu', 'test', 'inc', 'dec', 'not', 'neg', 'mul', 'imul', 'div', 'idiv',
  'aaa', 'aas', 'daa', 'das', 'aam', 'aad', 'rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sar', 'shld', 'shrd',
  'bt', 'bts', 'btr', 'btc', 'bsf', 'bsr', 'set', 'jmp', 'call', 'ret', 'retf', 'jcc', 'jcxz', 'loop', 'loope',
  'loopne', 'int', 'int3', 'into', 'int1', 'iret', 'enter', 'leave', 'movs', 'cmps', 'stos', 'lods', 'scas',
  'pushf', 'popf', 'lahf', 'sahf', 'clc', 'stc', 'cmc', 'cld', 'std', 'cli', 'sti', 'in', 'out', 'ins', 'outs',
  'lds', 'lar', 'lsl', 'verr', 'verw', 'arpl', 'lgdt', 'lidt', 'sgdt', 'sidt', 'sldt', 'str', 'lldt', 'ltr',
  'lmsw', 'smsw', 'clts', 'invlpg', 'invd', 'wbinvd', 'rdmsr', 'wrmsr', 'cpuid', 'rdtsc', 'sysenter',
  'sysexit', 'vmcall', 'hlt', 'bound', 'nop', 'ud2',
] as const;
export type OpName = typeof OPS[number];
export const OP: Readonly<Record<OpName, number>> = Object.fromEntries(OPS.map((n, i) => [n, i])) as Record<OpName, number>;

/** Condition codes in opcode order (Intel SDM Vol. 2 Appendix B.1.4.7). */
const CONDITIONS = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
/** ALU operations in opcode order (/0../7 of 80-83). */
const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
export const ALU_ADD = 0, ALU_OR = 1, ALU_ADC = 2, ALU_SBB = 3, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7;

/** Mnemonics that map to an op with a different name (size variants and families). */
const RENAMES: Readonly<Record<string, OpName>> = {
  pushaw: 'pusha', pushad: 'pusha', popaw: 'popa', popad: 'popa', cwde: 'cbw', cdq: 'cwd',
  iretw: 'iret', iretd: 'iret', pushfw: 'pushf', pushfd: 'pushf', popfw: 'popf', popfd: 'popf',
  jecxz: 'jcxz', les: 'lds', lfs: 'lds', lgs: 'lds', lss: 'lds', pause: 'nop',
  movsb: 'movs', movsw: 'movs', movsd: 'movs', cmpsb: 'cmps', cmpsw: 'cmps', cmpsd: 'cmps',
  stosb: 'stos', stosw: 'stos', stosd: 'stos', lodsb: 'lods', lodsw: 'lods', lodsd: 'lods',
  scasb: 'scas', scasw: 'scas', scasd: 'scas', insb: 'ins', insw: 'ins', insd: 'ins',
  outsb: 'outs', outsw: 'outs', outsd: 'outs',
};
const SEG_OF_LOAD: Readonly<Record<string, number>> = { lds: 3, les: 0, lfs: 4, lgs: 5, lss: 2 };

export const REP_NONE = 0, REP_E = 1, REP_NE = 2;

/** Executes one compiled instruction (fast-handlers.ts picks it; execute() is the generic one). */
export type Handler = (cpu: Cpu, c: Compiled) => void;

function unassigned(): void {
  throw new Error('CPU: compiled instruction without a handler');
}

/** One decoded instruction, executed by handler `op`; fields unused by an op stay 0. */
export class Compiled {
  /** The handler the CPU calls; set by the CPU when it caches the instruction. */
  exec: Handler = unassigned;
  /** The block (trace) starting here (Cpu.run builds it once the instruction is hot). */
  block: Block | null = null;
  /** Times Cpu.run entered here without a block; -1 when no block can start here. */
  heat = 0;
  op = 0;
  /** Sub-operation: condition code, ALU operation, segment loaded by lds/les/..., or vector. */
  sub = 0;
  len = 0;
  /** Code size the bytes were decoded in (CS.D). */
  bits = 32;
  /** Operand size in bytes (2 or 4) and address size in bits. */
  osz = 4;
  asz = 32;
  /** Size in bytes of the operation (1 for byte forms, else osz unless the form fixes it). */
  size = 4;
  k0 = K_NONE; v0 = 0; s0 = 0;
  k1 = K_NONE; v1 = 0; s1 = 0;
  k2 = K_NONE; v2 = 0; s2 = 0;
  nops = 0;
  /** Memory operand: segment index, base/index register numbers (-1 none), scale shift, disp. */
  seg = DS;
  base = -1;
  index = -1;
  scale = 0;
  disp = 0;
  /** Explicit segment override (strings use it for the source), or -1. */
  segOverride = -1;
  rep = REP_NONE;
  /** Relative branch displacement from the next instruction. */
  rel = 0;
  /** The memory operand is a far pointer (m16:16 / m16:32). */
  farMem = false;
  /** Far pointer immediate. */
  farSel = 0;
  farOff = 0;
  /** Flags the table says the instruction leaves undefined (compared by nobody). */
  undefinedFlags = 0;
  spec: InstructionSpec | null = null;
}

function regNumber(name: string): { k: number; v: number; s: number } {
  let i = (GPR32 as readonly string[]).indexOf(name);
  if (i >= 0) return { k: K_REG, v: i, s: 4 };
  i = (GPR16 as readonly string[]).indexOf(name);
  if (i >= 0) return { k: K_REG, v: i, s: 2 };
  i = (GPR8 as readonly string[]).indexOf(name);
  if (i >= 0) return { k: K_REG, v: i, s: 1 };
  i = (SREG as readonly string[]).indexOf(name);
  if (i >= 0) return { k: K_SREG, v: i, s: 2 };
  i = (CREG as readonly string[]).indexOf(name);
  if (i >= 0) return { k: K_CREG, v: i, s: 4 };
  i = (DREG as readonly string[]).indexOf(name);
  if (i >= 0) return { k: K_DREG, v: i, s: 4 };
  throw new Error(`CPU: unknown register ${name}`);
}

/** Bytes a memory operand kind of the table transfers. */
function memSize(kind: OperandKind, osz: number): number {
  switch (kind) {
    case 'rm8': case 'm8': case 'moffs8': return 1;
    case 'rm16': case 'm16': case 'moffs16': return 2;
    case 'rm32': case 'm32': case 'moffs32': return 4;
    case 'm64': return 8;
    case 'mfar16': return 4;
    case 'mfar32': return 6;
    default: return osz;
  }
}

function regIndex(name: string | undefined): number {
  if (name === undefined) return -1;
  const i = (GPR32 as readonly string[]).indexOf(name);
  return i >= 0 ? i : (GPR16 as readonly string[]).indexOf(name);
}

function setMem(c: Compiled, m: MemOperand): void {
  c.base = regIndex(m.base);
  c.index = regIndex(m.index);
  c.scale = m.scale === 8 ? 3 : m.scale === 4 ? 2 : m.scale === 2 ? 1 : 0;
  c.disp = (m.disp.value ?? 0) | 0;
  c.asz = m.addressSize;
  const stackBase = m.base === 'ebp' || m.base === 'esp' || m.base === 'bp';
  c.seg = m.segment !== undefined ? (SREG as readonly string[]).indexOf(m.segment) : stackBase ? SS : DS;
}

/** Compiles one decoded instruction; `address` is the EIP offset it was decoded at. */
export function compile(d: DecodedInstruction): Compiled {
  const c = new Compiled();
  const spec = d.spec;
  const mn = spec.mnemonic;
  c.spec = spec;
  c.len = d.length;
  c.bits = d.bits;
  c.osz = d.operandSize === 16 ? 2 : 4;
  c.asz = d.addressSize;
  c.undefinedFlags = flagMask(spec.flags?.undefined);
  for (const p of d.prefixes) {
    if (p === 'rep' || p === 'repe' || p === 'repz') c.rep = REP_E;
    else if (p === 'repne' || p === 'repnz') c.rep = REP_NE;
    else if ((SREG as readonly string[]).includes(p)) c.segOverride = (SREG as readonly string[]).indexOf(p);
  }
  let name: OpName;
  if (mn.startsWith('cmov')) { name = 'cmov'; c.sub = CONDITIONS.indexOf(mn.slice(4)); }
  else if (mn.startsWith('set')) { name = 'set'; c.sub = CONDITIONS.indexOf(mn.slice(3)); }
  else if (mn.startsWith('j') && CONDITIONS.includes(mn.slice(1))) { name = 'jcc'; c.sub = CONDITIONS.indexOf(mn.slice(1)); }
  else if (ALU.includes(mn)) { name = 'alu'; c.sub = ALU.indexOf(mn); }
  else if (mn.startsWith('hint_nop')) name = 'nop';
  else name = RENAMES[mn] ?? (mn as OpName);
  if (!(name in OP)) throw new Error(`CPU: no handler for ${mn}`);
  c.op = OP[name];
  if (name === 'lds') c.sub = SEG_OF_LOAD[mn];
  // String instructions: the element size is the mnemonic's suffix or the operand size.
  c.size = c.osz;
  if (/^(movs|cmps|stos|lods|scas|ins|outs)[bwd]$/.test(mn)) c.size = mn.endsWith('b') ? 1 : c.osz;
  if (c.segOverride >= 0) c.seg = c.segOverride;

  const ops: readonly AsmOperand[] = d.operands;
  const kinds = d.form.operands;
  c.nops = ops.length;
  for (let i = 0; i < ops.length && i < 3; i++) {
    const o = ops[i];
    let k: number, v = 0, s = 0;
    if (o.kind === 'reg') ({ k, v, s } = regNumber(o.reg));
    else if (o.kind === 'mem') {
      k = K_MEM; s = memSize(kinds[i], c.osz); setMem(c, o);
      if (kinds[i] === 'mfar16' || kinds[i] === 'mfar32') c.farMem = true;
    }
    else if (o.kind === 'farptr') { k = K_FAR; c.farSel = o.selector.value ?? 0; c.farOff = o.offset.value ?? 0; }
    else {
      k = K_IMM; v = (o.value ?? 0) >>> 0;
      const kind = kinds[i];
      if (kind === 'rel8' || kind === 'rel16' || kind === 'rel32') c.rel = (v - (d.address + d.length)) | 0;
      if (kind === 'imm8' || kind === 'one') s = 1; else if (kind === 'imm16') s = 2; else s = c.osz;
      // Unsigned like every other immediate: handlers compare it with uint32 operands (CMP r32, -1 borrows).
      if (kind === 'sbyte16' || kind === 'sbyte32' || d.signExtendedImm) v = (((v << 24) >> 24) & (c.osz === 2 ? 0xffff : 0xffffffff)) >>> 0;
    }
    if (i === 0) { c.k0 = k; c.v0 = v; c.s0 = s; } else if (i === 1) { c.k1 = k; c.v1 = v; c.s1 = s; } else { c.k2 = k; c.v2 = v; c.s2 = s; }
  }
  // The operation size follows the first sized operand (the destination) for most instructions.
  if (c.nops > 0 && c.s0 > 0 && c.k0 !== K_SREG && !/^(movs|cmps|stos|lods|scas|ins|outs)$/.test(name)) c.size = c.s0;
  return c;
}
