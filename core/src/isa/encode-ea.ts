// Effective-address encoding: ModR/M mod+rm, SIB and displacement for a memory operand, with
// NASM's choices (shortest displacement, [ebp] as disp8 0, [esp] via SIB, index splitting
// `[eax*2]` → `[eax+eax]` unless `nosplit`, `[ebx+esp]` swapped) — Intel SDM Vol. 2 §2.1.5.

import type { DisplacementSize, MemOperand } from './operands';
import type { RegisterInfo } from './types';
import { registerInfo } from './registers';

export interface EffectiveAddress {
  mod: number;
  rm: number;
  /** The SIB byte, or -1 when there is none. */
  sib: number;
  dispBytes: 0 | 1 | 2 | 4;
  disp: number;
  /** NASM's warning when the written displacement does not fit its field ('byte' or 'word'), else undefined. */
  dispOverflow: 'byte' | 'word' | 'dword' | undefined;
}

/** An effective address, or the message saying why the operand has none. */
export type EaResult = EffectiveAddress | string;

/**
 * The answer of every call, rewritten by the next: the encoder reads it at once, and an address
 * encoded is a few numbers, not worth an object per instruction.
 */
const answer: EffectiveAddress = { mod: 0, rm: 0, sib: -1, dispBytes: 0, disp: 0, dispOverflow: undefined };

const ESP = 4;
const EBP = 5;

/** Known, simple displacement: its value; undefined when a label or an unknown symbol is involved. */
function simpleDisp(mem: MemOperand): number | undefined {
  return mem.disp.reloc || mem.disp.value === undefined ? undefined : mem.disp.value;
}

function byteOverflow(v: number): boolean {
  return v > 0xff || v < -0x100;
}

/** `v` as a signed `bits`-bit number (two's complement wrap-around). */
export function toSigned(v: number, bits: 8 | 16 | 32): number {
  const m = bits === 8 ? 0x100 : bits === 16 ? 0x10000 : 0x100000000;
  // Most values are small already: no floating-point remainder for them (it is a library call).
  if (v >= -m / 2 && v < m / 2) return v;
  let t = v % m;
  if (t < 0) t += m;
  return t >= m / 2 ? t - m : t;
}

/**
 * A full displacement's range warning: nasm checks a 16-bit one against -2^16..2^16-1 and a
 * 32-bit one against -2^32..2^32-1 (measured: `[esi + 0x100001000]` warns "dword data exceeds
 * bounds").
 */
function fullOverflow(v: number | undefined, full: 2 | 4): 'word' | 'dword' | undefined {
  if (v === undefined) return undefined;
  if (full === 2) return v > 0xffff || v < -0x10000 ? 'word' : undefined;
  return v > 0xffffffff || v < -0x100000000 ? 'dword' : undefined;
}

/**
 * A 16-bit displacement that is a label's offset in its section past a word (measured with nasm
 * 2.16.01: `[x]`, `[word x]`, `[bx+x]`, `lds dx, [x+2]`, `lgdt [x]` with x at 0x1000B in its
 * section, .text or .bss, warn "word data exceeds bounds" once; an `org` that puts x there does
 * not: the offset in the section is what nasm checks; a `mov ax, [x]` of the moffs form does not).
 */
function labelOverflow(mem: MemOperand, full: 2 | 4): 'word' | undefined {
  return full === 2 && mem.disp.reloc && mem.disp.sectionOffset !== undefined && fullOverflow(mem.disp.sectionOffset, 2) !== undefined ? 'word' : undefined;
}

/**
 * How many of nasm 2.16.01's two range checks of a displacement `value` put out in `bytes` fail
 * (assemble.c), each its "data exceeds bounds" warning: as it sizes the address, the value past
 * the address size or other there than in the field; as it puts the field out, past a signed
 * field when the field is narrower than the address, else past the field read either way (which
 * the mode's own width wraps). Measured: `[byte ebx+128]` warns twice, `[byte ebx+0xffffffff]`,
 * `[ebx+0xffffffff]` and `[byte bx+0xffff]` once.
 */
export function displacementChecksFailed(value: number, addressBits: 16 | 32, bytes: 1 | 2 | 4, modeBits: 16 | 32): number {
  const v = BigInt(value);
  const fieldBits = bytes * 8;
  const sizing = !fitsEitherWay(v, addressBits) || BigInt.asIntN(addressBits, v) !== BigInt.asIntN(fieldBits, v);
  const signed = addressBits > fieldBits && fieldBits < modeBits;
  const putting = signed ? v !== BigInt.asIntN(fieldBits, v) : !fitsEitherWay(v, fieldBits);
  return (sizing ? 1 : 0) + (putting ? 1 : 0);
}

/** Whether `v` is a `bits`-bit number read as signed or as unsigned (nasm's overflow_general). */
function fitsEitherWay(v: bigint, bits: number): boolean {
  return v >= -(1n << BigInt(bits)) && v < 1n << BigInt(bits);
}

/**
 * Sets the answer's displacement (dispBytes, disp, dispOverflow); a message when the written size
 * is impossible. `written`: the displacement size to go by (`mem.dispSize`, or what the caller
 * made of it).
 */
function dispSize(mem: MemOperand, written: DisplacementSize | undefined, full: 2 | 4, mustHaveDisp: boolean): string | undefined {
  const raw = mem.disp.value ?? 0;
  const known = simpleDisp(mem);
  const bits = full === 4 ? 32 : 16;
  const value = toSigned(raw, bits);
  answer.disp = value;
  answer.dispOverflow = undefined;
  if (written !== undefined) {
    if (written === 8) {
      answer.dispBytes = 1;
      // A written `byte` is a signed byte (measured: `[byte ebx+128]` and `[byte ebx-129]` warn,
      // `[byte ebx+127]` and `[byte ebx-128]` do not), where a byte of data takes -256..255.
      answer.dispOverflow = known !== undefined && (known > 127 || known < -128) ? 'byte' : undefined;
      return undefined;
    }
    if (written !== bits) return `invalid ${mem.addressSize}-bit effective address`;
    answer.dispBytes = full;
    answer.dispOverflow = fullOverflow(known, full) ?? labelOverflow(mem, full);
    return undefined;
  }
  if (known === undefined) {
    answer.dispBytes = full;
    answer.dispOverflow = labelOverflow(mem, full);
  } else if (value === 0 && !mustHaveDisp) { answer.dispBytes = 0; answer.disp = 0; }
  else if (value >= -128 && value <= 127) { answer.dispBytes = 1; answer.dispOverflow = byteOverflow(known) ? 'byte' : undefined; }
  else { answer.dispBytes = full; answer.dispOverflow = fullOverflow(known, full); }
  return undefined;
}

/** The answer, with the ModR/M and SIB fields. */
function address(mod: number, rm: number, sib: number): EffectiveAddress {
  answer.mod = mod; answer.rm = rm; answer.sib = sib;
  return answer;
}

const INVALID_32 = 'invalid 32-bit effective address';
const INVALID_16 = 'invalid 16-bit effective address';

function encode32(mem: MemOperand): EaResult {
  let base = mem.base === undefined ? -1 : registerInfo(mem.base).num;
  let index = mem.index === undefined ? -1 : registerInfo(mem.index).num;
  let scale: number = mem.scale;
  if ((mem.base !== undefined && registerInfo(mem.base).bits !== 32) || (mem.index !== undefined && registerInfo(mem.index).bits !== 32)) return INVALID_32;
  if (index >= 0 && base < 0 && !mem.nosplit) {
    // NASM rewrites [r*1] as [r] and [r*2] as [r+r*1]: shorter than SIB with a disp32 (NASM manual §3.3).
    if (scale === 1) { base = index; index = -1; }
    else if (scale === 2) { base = index; scale = 1; }
  }
  if (index === ESP) {
    if (scale !== 1 || base === ESP) return INVALID_32;
    if (base < 0) { base = ESP; index = -1; }
    else { const t = base; base = index; index = t; }
  }
  if (base < 0 && index < 0) {
    const bad = dispSize(mem, mem.dispSize === 8 ? 32 : mem.dispSize, 4, true);
    if (bad !== undefined) return bad;
    answer.dispBytes = 4;
    answer.dispOverflow = fullOverflow(simpleDisp(mem), 4);
    return address(0, 5, -1);
  }
  const ss = scale === 1 ? 0 : scale === 2 ? 1 : scale === 4 ? 2 : 3;
  if (base < 0) {
    // Index without base: SIB with base=101 and mod 00 always carries a disp32, which a written
    // `word` contradicts (measured: `[word ecx*8]` is nasm's error, `[byte ecx*8]` a disp32).
    if (mem.dispSize === 16 || mem.dispSize === 64) return INVALID_32;
    dispSize(mem, undefined, 4, true);
    answer.dispBytes = 4;
    answer.dispOverflow = fullOverflow(simpleDisp(mem), 4);
    return address(0, 4, (ss << 6) | (index << 3) | 5);
  }
  const bad = dispSize(mem, mem.dispSize, 4, base === EBP);
  if (bad !== undefined) return bad;
  const mod = answer.dispBytes === 0 ? 0 : answer.dispBytes === 1 ? 1 : 2;
  const sib = index < 0 && base !== ESP ? -1 : (ss << 6) | ((index < 0 ? 4 : index) << 3) | base;
  return address(mod, sib < 0 ? base : 4, sib);
}

/** 16-bit addressing: the eight base/index combinations of Intel SDM Table 2-1. */
const RM16: Readonly<Record<string, number>> = {
  'bx+si': 0, 'bx+di': 1, 'bp+si': 2, 'bp+di': 3, si: 4, di: 5, bp: 6, bx: 7,
};

/**
 * Whether an effective address can name the register: any 32-bit general register (as base or
 * index), or one of the four of 16-bit addressing (`[dl]`, `[ax]` are invalid).
 */
export function addresses(reg: RegisterInfo): boolean {
  return reg.cls === 'gpr32' || (reg.cls === 'gpr16' && RM16[reg.name] !== undefined);
}

function encode16(mem: MemOperand): EaResult {
  const regs = [mem.base, mem.index].filter((r): r is NonNullable<typeof r> => r !== undefined);
  if (regs.some((r) => registerInfo(r).bits !== 16)) return INVALID_16;
  if (mem.index !== undefined && mem.scale !== 1) return INVALID_16;
  if (regs.length === 0) {
    const bad = dispSize(mem, mem.dispSize === 8 ? 16 : mem.dispSize, 2, true);
    if (bad !== undefined) return bad;
    answer.dispBytes = 2;
    answer.dispOverflow = fullOverflow(simpleDisp(mem), 2) ?? labelOverflow(mem, 2);
    return address(0, 6, -1);
  }
  const sorted = regs.length === 2 && (regs[0] === 'si' || regs[0] === 'di') ? [regs[1], regs[0]] : regs;
  const rm = RM16[sorted.join('+')];
  if (rm === undefined) return INVALID_16;
  const bad = dispSize(mem, mem.dispSize, 2, rm === 6);
  if (bad !== undefined) return bad;
  const mod = answer.dispBytes === 0 ? 0 : answer.dispBytes === 1 ? 1 : 2;
  return address(mod, rm, -1);
}

/** The operand's effective address (valid until the next call), or why it has none. */
export function encodeEffectiveAddress(mem: MemOperand): EaResult {
  return mem.addressSize === 16 ? encode16(mem) : encode32(mem);
}
