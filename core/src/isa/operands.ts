// The contract between the assembler and the encoder: operands as the parser resolved them in
// one pass, and what the encoder answers. Values may still be unknown in early passes.

import type { RegisterName, SegmentRegister, Gpr32, Gpr16, InstructionSpec, FormSpec } from './types';

/**
 * A displacement size written inside brackets (`[byte ebp+4]`, `[dword 5]`); `qword`, which no
 * address of the dialect takes, is nasm's error at the encoder (see encoder.ts).
 */
export type DisplacementSize = 8 | 16 | 32 | 64;

/** An expression value as the encoder needs it. */
export interface OperandValue {
  /** The numeric value, or undefined when a symbol it uses is not known yet in this pass. */
  readonly value: number | undefined;
  /**
   * True when the value is a label (section-relative: NASM treats it as relocatable in
   * `-f bin`), so NASM never shrinks it to a short immediate or displacement form.
   * False for constants, `equ` numbers and differences of labels in one section (`$-$$`).
   */
  readonly reloc: boolean;
  /** For relocatable values: the section the label lives in (branch relaxation needs it). */
  readonly section?: number;
  /** For relocatable values: the offset inside that section (branch relaxation needs it). */
  readonly sectionOffset?: number;
  /**
   * A relocatable value in no section: a label sum whose section bases nasm leaves out (`mov
   * eax, 2*lab`). Never shrunk, as any relocatable value, but range-checked as a number is.
   */
  readonly scaled?: boolean;
  /**
   * A displacement's bytes when they are not `value`'s: one that takes its own section's base
   * away (`[di+1-$$]`, `[ebp-.x]`), which nasm sizes by `value`, the labels' offsets, and fills
   * with the whole difference (measured; see Value.offset).
   */
  readonly written?: number;
}

export interface RegOperand {
  readonly kind: 'reg';
  readonly reg: RegisterName;
}

export interface ImmOperand extends OperandValue {
  readonly kind: 'imm';
  /**
   * An explicit size keyword: `byte`, `word`, `dword`; `qword` and `tword` fit no form of the
   * dialect (nasm: a size mismatch, or a 64-bit form's "instruction not supported").
   */
  readonly size?: 8 | 16 | 32 | 48 | 64 | 80;
  /** `strict`: the optimizer may not pick a shorter form. */
  readonly strict?: boolean;
  /** `short`, `near` or `far` written before a branch target. */
  readonly jump?: 'short' | 'near' | 'far';
  /**
   * A value nasm holds for unknown to the end, with no symbol missing (the -1 of `3 <=> 5`): its
   * optimizer picks the forms a value not known yet gets (a sign-extended byte, the `1` of a
   * shift, a short branch) and its bytes are those of 0, a branch's target address 0.
   */
  readonly unknown?: boolean;
}

export interface MemOperand {
  readonly kind: 'mem';
  /** Explicit size keyword before the brackets; undefined when none was written. */
  readonly size?: 8 | 16 | 32 | 48 | 64 | 80;
  /** `far` before the brackets (`jmp far [x]`). */
  readonly far?: boolean;
  /**
   * `near` or `short` before the brackets: nasm takes `near` on JMP and CALL and reads either as
   * a size no other form has (measured: `seto near [eax]` is a size mismatch).
   */
  readonly jump?: 'near' | 'short';
  /** An explicit segment override (`[es:ebx]`). */
  readonly segment?: SegmentRegister;
  readonly base?: Gpr32 | Gpr16;
  readonly index?: Gpr32 | Gpr16;
  readonly scale: 1 | 2 | 4 | 8;
  /** The displacement; `{ value: 0, reloc: false }` when none was written. */
  readonly disp: OperandValue;
  /** True when a displacement expression was written at all (`[ebp]` vs `[ebp+0]`). */
  readonly hasDisp: boolean;
  /** `byte`/`word`/`dword` written inside the brackets (`[byte ebp+4]`): the displacement size. */
  readonly dispSize?: DisplacementSize;
  /** `nosplit` inside the brackets: keep `[eax*2]` as a scaled index. */
  readonly nosplit?: boolean;
  /**
   * `rel` inside the brackets of a reference with registers: no RIP-relative address, which nasm
   * warns of (assemble.c, process_ea, in every mode: "indirect address displacements cannot be
   * RIP-relative", as it sizes the instruction and again as it puts it out: see copies in listing-lines.ts).
   */
  readonly rel?: boolean;
  /**
   * `byte` written inside the brackets of an absolute address before a wider size (`[byte dword
   * 5]`): the wider size is the address's, but nasm warns of the byte as of `[byte 5]`.
   */
  readonly byteWritten?: boolean;
  /** Address size: 16 when 16-bit registers form the address, else 32. */
  readonly addressSize: 16 | 32;
}

/** `jmp 0x08:label` — a selector and an offset as immediates. */
export interface FarPointerOperand {
  readonly kind: 'farptr';
  readonly selector: OperandValue;
  readonly offset: OperandValue;
  readonly size?: 16 | 32;
}

export type AsmOperand = RegOperand | ImmOperand | MemOperand | FarPointerOperand;

export type PrefixName = 'lock' | 'rep' | 'repe' | 'repz' | 'repne' | 'repnz' | 'o16' | 'o32' | 'a16' | 'a32' | SegmentRegister;

/**
 * nasm's `-O` level as the encoder reads it (NASM manual §2.1.24; nasm's optimizing.level -1, 0
 * and above). Measured with nasm 2.16.01 against -Ox: at -O0 an immediate takes a sign-extended
 * byte form only when `byte` is written (`add eax, 1` is 05 01000000, `push 5` 68 05000000) and
 * JMP is near unless `short` is written, while a Jcc is short when its target is in reach, as at
 * -Ox; at -O1 immediates are shortened as at -Ox and JMP and Jcc are near unless `short` is
 * written. JCXZ and LOOP, which have no near form, are short at every level; displacements are
 * as short as they can be at every level.
 */
export const enum Optimization {
  /** -O0 (nasm's level -1). */
  None = 0,
  /** -O1 (nasm's level 0). */
  Minimal = 1,
  /** -Ox, and -O2 and up, which give the same bytes: nasm's default. */
  Multipass = 2,
}

export interface EncodeRequest {
  readonly mnemonic: string;
  readonly operands: readonly AsmOperand[];
  readonly prefixes: readonly PrefixName[];
  /** `bits 16` or `bits 32`. */
  readonly bits: 16 | 32;
  /** Address of the instruction's first byte (section start + offset, as best known). */
  readonly address: number;
  /** The section the instruction is in (-1: absolute space), and its offset there (for branch relaxation). */
  readonly section: number;
  readonly sectionOffset: number;
  /** `-O0` or `-O1`; absent: nasm's default, -Ox. */
  readonly optimization?: Optimization;
}

export interface EncodeProblem {
  readonly message: string;
  /** The operand the problem is about, when there is one (0-based). */
  readonly operand?: number;
  /** Warnings (e.g. "byte data exceeds bounds") still produce bytes. */
  readonly severity: 'error' | 'warning';
  /**
   * True when the problem depends on values that may change between passes (a short jump out
   * of range); the assembler reports these only in the final pass.
   */
  readonly final?: boolean;
  /** A far pointer's selector out of a word's range: nasm warns of it as it puts out the pointer's second piece. */
  readonly selector?: true;
  /** A displacement out of range that nasm warns of once, where it mostly warns twice (see displacementChecksFailed). */
  readonly once?: true;
}

export type EncodeResult =
  | { readonly ok: true; readonly bytes: Uint8Array; readonly spec: InstructionSpec; readonly form: FormSpec; readonly problems: readonly EncodeProblem[] }
  | { readonly ok: false; readonly problems: readonly EncodeProblem[] };
