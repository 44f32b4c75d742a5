// nasm's `cpu` directive: the processor levels it names, the level each table form needs (see
// FormSpec.cpu), and nasm's 8086 form of a near Jcc. Facts measured with nasm 2.16.01.

import type { CpuLevel, FormSpec, InstructionSpec, OperandKind } from './types';

/** The levels in order: a form needing a higher rank than the current one is rejected. */
const CPU_RANK: Readonly<Record<CpuLevel, number>> = { 8086: 0, 186: 1, 286: 2, 386: 3, 486: 4, 586: 5, 686: 6 };

/** The rank of `cpu 686`, which allows every instruction of the dialect: nasm's default too. */
export const ANY_CPU = CPU_RANK['686'];
export const CPU_8086 = CPU_RANK['8086'];
export const CPU_186 = CPU_RANK['186'];
/** The rank below which nasm refuses `bits 32`. */
export const CPU_386 = CPU_RANK['386'];

/**
 * nasm's processor names in the order it tries them: a word names the first one it begins
 * (`cpu 1` is 186, `cpu p` is the Pentium, `cpu x86-64` allows everything).
 */
const CPU_NAMES: readonly (readonly [string, number])[] = [
  ['default', ANY_CPU], ['8086', 0], ['186', 1], ['286', 2], ['386', 3], ['486', 4],
  ['586', 5], ['pentium', 5], ['pentiummmx', 5],
  ...['686', 'p6', 'ppro', 'pentiumpro', 'p2', 'pentiumii', 'p3', 'katmai', 'p4', 'willamette', 'prescott',
    'x64', 'x86-64', 'ia64', 'ia-64', 'itanium', 'itanic', 'merced', 'nehalem', 'westmere', 'sandybridge',
    'ivybridge', 'any', 'all'].map((n) => [n, ANY_CPU] as const),
];

/** nasm's processor names, in its order, with the rank each allows (see CPU_RANK). */
export function cpuNames(): readonly (readonly [string, number])[] {
  return CPU_NAMES;
}

/** Feature flags `cpu` also takes, tried after the names: they leave the level alone. */
const CPU_FLAGS: readonly string[] = ['evex', 'vex', 'latevex', 'noevex', 'novex', 'nolatevex'];

/**
 * What a word of a `cpu` directive names, its modifiers (`+`, `-`, `*`) left off: a level's rank,
 * 'flag' for a feature flag, undefined for nasm's "unknown CPU type or flag".
 */
export function cpuWord(name: string): number | 'flag' | undefined {
  const w = name.toLowerCase();
  if (w === '') return undefined;
  for (const [name, rank] of CPU_NAMES) if (name.startsWith(w)) return rank;
  return CPU_FLAGS.some((f) => f.startsWith(w)) ? 'flag' : undefined;
}

/** Operand kinds of 32 bits: a form with one needs a 386 unless the table says otherwise. */
const KINDS_32: ReadonlySet<OperandKind> = new Set(['r32', 'rm32', 'eax', 'ecx', 'm32', 'moffs32', 'mfar32', 'ptr16:32', 'rel32', 'sbyte32', 'imm32']);

const sizedRank = new WeakMap<FormSpec, number>();

/**
 * The rank of the level `form` of `spec` needs: its own, else the larger of the instruction's
 * and 386 for a form with a 32-bit operand, operand size or address size. `unsized`: every
 * operand was written without a size (see FormSpec.cpuUnsized).
 */
export function formCpuRank(spec: InstructionSpec, form: FormSpec, unsized: boolean): number {
  if (unsized && form.cpuUnsized !== undefined) return CPU_RANK[form.cpuUnsized];
  let rank = sizedRank.get(form);
  if (rank === undefined) {
    const uses32 = /(^| )[oa]32( |$)/.test(form.encoding) || form.operands.some((k) => KINDS_32.has(k));
    rank = form.cpu !== undefined ? CPU_RANK[form.cpu] : Math.max(spec.cpu !== undefined ? CPU_RANK[spec.cpu] : 0, uses32 ? CPU_386 : 0);
    sizedRank.set(form, rank);
  }
  return rank;
}

/**
 * nasm's 8086 form of a near Jcc (FormSpec.jccOverJmp): the opposite condition's short jump over
 * a near JMP to the target, made from the near form's bytes (0F 8x disp, after any prefixes).
 */
export function jccOverJmp(near: Uint8Array): Uint8Array {
  let k = 0;
  while (k < near.length && near[k] !== 0x0f) k++;
  const size = near.length - k - 2;
  let disp = 0;
  for (let i = size - 1; i >= 0; i--) disp = disp * 256 + near[k + 2 + i];
  // The JMP ends one byte further than the near Jcc did.
  disp -= 1;
  const out = new Uint8Array(near.length + 1);
  out.set(near.subarray(0, k));
  out[k] = 0x70 | ((near[k + 1] & 0x0f) ^ 1);
  out[k + 1] = 1 + size;
  out[k + 2] = 0xe9;
  const modulus = 2 ** (8 * size);
  const field = ((disp % modulus) + modulus) % modulus;
  for (let i = 0; i < size; i++) out[k + 3 + i] = Math.floor(field / 2 ** (8 * i)) & 0xff;
  return out;
}
