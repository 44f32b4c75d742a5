// The words NASM 2.16 reads as registers, recorded from nasm itself (scripts/record-nasm-registers.sh):
// none of them can be a label, and those outside Ringside's dialect (rax, xmm0, st0 ...) are
// registers the dialect leaves out, not symbols that happen to be undefined.

import RECORDED from './nasm-registers.json';
import { lookupRegister } from './registers';

const NASM_REGISTERS: ReadonlySet<string> = new Set(RECORDED.registers);

/** The longest register name nasm knows (`xmm31`): no longer word needs looking up. */
export const LONGEST_NASM_REGISTER = Math.max(...RECORDED.registers.map((r) => r.length));

/** Whether nasm reads `word` (any case) as a register other than a segment register. */
export function isNasmRegister(word: string): boolean {
  return word.length <= LONGEST_NASM_REGISTER && NASM_REGISTERS.has(word.toLowerCase());
}

/** Whether `word` is a register nasm knows that Ringside's dialect leaves out (64-bit, x87, MMX, SSE, AVX ...). */
export function isRegisterOutsideDialect(word: string): boolean {
  return isNasmRegister(word) && lookupRegister(word) === undefined;
}

/** Every register name nasm knows, in lower case (segment registers are prefixes to nasm, and not among them). */
export const NASM_REGISTER_NAMES: readonly string[] = RECORDED.registers;
