// The vocabulary of the instruction table: operand kinds, encodings, privilege classes and how each
// virtualization technique treats an instruction. The table (table/*.ts) is written in these terms
// and the encoder, decoder, disassembler, hover and completion all read it (STYLE.md §3).

/** Arithmetic and system flags of EFLAGS, by their Intel names. */
export type Flag =
  | 'CF' | 'PF' | 'AF' | 'ZF' | 'SF' | 'TF' | 'IF' | 'DF' | 'OF'
  | 'IOPL' | 'NT' | 'RF' | 'VM' | 'AC';

/** How the flags an instruction touches behave (Intel SDM Vol. 1 Appendix A, and each entry's "Flags Affected"). */
export interface FlagEffects {
  /** Flags the instruction reads. */
  readonly tested?: readonly Flag[];
  /** Flags set according to the result. */
  readonly modified?: readonly Flag[];
  /** Flags always set to 1. */
  readonly set?: readonly Flag[];
  /** Flags always cleared to 0. */
  readonly cleared?: readonly Flag[];
  /** Flags left architecturally undefined (tests must not compare them). */
  readonly undefined?: readonly Flag[];
  /** Free text when the effect depends on operands (shift counts of 0, POPF's CPL/IOPL rules). */
  readonly note?: string;
}

/**
 * Privilege class, in Popek & Goldberg's terms as applied to IA-32 by Robin & Irvine (2000).
 * - innocuous: behaves the same at every CPL and touches no state a VMM must control.
 * - privileged: raises #GP(0) unless CPL = 0, so a deprivileged guest kernel traps.
 * - iopl-sensitive: raises #GP(0) unless CPL <= IOPL (I/O may also be allowed by the TSS bitmap).
 * - sensitive-unprivileged: runs at any CPL without trapping but reads or changes state the VMM
 *   must control — the instructions that made classic IA-32 not virtualizable by trap-and-emulate.
 */
export type PrivilegeClass = 'innocuous' | 'privileged' | 'iopl-sensitive' | 'sensitive-unprivileged';

export const TECHNIQUES = ['native', 'trap-and-emulate', 'binary-translation', 'paravirtual', 'hardware-assisted'] as const;
export type Technique = typeof TECHNIQUES[number];

/** What happens when the guest kernel executes the instruction under each technique (DESIGN.md §4). */
export interface VirtBehaviour {
  /**
   * Guest kernel deprivileged to ring 1: does it trap to the VMM, misbehave silently, or just run?
   * 'reflected': a software interrupt or exception, delivered through the real IDT the VMM
   * installed, so it reaches the VMM as every interrupt does (DESIGN.md §4), which reflects it to
   * the guest's virtual IDT; its gate DPL is checked against the real CPL.
   */
  readonly trapAndEmulate: 'trap' | 'silent' | 'runs' | 'reflected';
  /** Guest kernel code translated block by block: a VMM callout, or copied unchanged. */
  readonly binaryTranslation: 'callout' | 'copied';
  /** Paravirtualized kernel: the hypercall that replaces it, or 'runs' when it needs no change. */
  readonly paravirtual: { readonly hypercall: string } | 'runs';
  /** VT-x non-root mode: the basic exit reason (Intel number) and when it applies, or 'no-exit'. */
  readonly hardwareAssisted: { readonly exitReason: number; readonly exitName: string; readonly when: string } | 'no-exit';
  /** One sentence on why, shown in hover. */
  readonly note?: string;
}

/** General-purpose and special registers the dialect knows. */
export const GPR32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi'] as const;
export const GPR16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'] as const;
export const GPR8 = ['al', 'cl', 'dl', 'bl', 'ah', 'ch', 'dh', 'bh'] as const;
export const SREG = ['es', 'cs', 'ss', 'ds', 'fs', 'gs'] as const;
export const CREG = ['cr0', 'cr1', 'cr2', 'cr3', 'cr4', 'cr5', 'cr6', 'cr7'] as const;
export const DREG = ['dr0', 'dr1', 'dr2', 'dr3', 'dr4', 'dr5', 'dr6', 'dr7'] as const;

export type Gpr32 = typeof GPR32[number];
export type Gpr16 = typeof GPR16[number];
export type Gpr8 = typeof GPR8[number];
export type SegmentRegister = typeof SREG[number];
export type ControlRegister = typeof CREG[number];
export type DebugRegister = typeof DREG[number];
export type RegisterName = Gpr32 | Gpr16 | Gpr8 | SegmentRegister | ControlRegister | DebugRegister;

export type RegisterClass = 'gpr8' | 'gpr16' | 'gpr32' | 'sreg' | 'creg' | 'dreg';

export interface RegisterInfo {
  readonly name: RegisterName;
  readonly cls: RegisterClass;
  /** Encoding number (0-7) used in ModR/M, SIB and +r opcodes. */
  readonly num: number;
  /** Width in bits. */
  readonly bits: 8 | 16 | 32;
}

/**
 * Operand kinds a table form accepts (the template side; the assembler's operands are in
 * operands.ts).
 * - r8/r16/r32: a general register of that width; rm8/rm16/rm32: register or memory of that width.
 * - m: memory of no particular size (lea, lgdt, invlpg); m8..m64: memory of that size;
 *   mfar16/mfar32: a far pointer in memory (m16:16 / m16:32) for `jmp far [x]`, `lds`.
 * - imm8/imm16/imm32: immediates; sbyte16/sbyte32: an immediate that NASM's optimizer may emit
 *   as a sign-extended byte (simple, known, in -128..127, not `strict`); one: the constant 1.
 * - al, ax, eax, cl, cx, ecx, dx, and each segment register by name: that exact register.
 * - sreg, creg, dreg: any segment, control or debug register.
 * - rel8/rel16/rel32: branch targets encoded relative to the next instruction.
 * - ptr16:16/ptr16:32: a `seg:offset` immediate far pointer; moffs8/16/32: a bare `[address]`.
 */
export type OperandKind =
  | 'r8' | 'r16' | 'r32' | 'rm8' | 'rm16' | 'rm32'
  | 'm' | 'm8' | 'm16' | 'm32' | 'm64' | 'mfar16' | 'mfar32'
  | 'imm8' | 'imm16' | 'imm32' | 'sbyte16' | 'sbyte32' | 'one'
  | 'al' | 'ax' | 'eax' | 'cl' | 'cx' | 'ecx' | 'dx'
  | 'es' | 'cs' | 'ss' | 'ds' | 'fs' | 'gs'
  | 'sreg' | 'creg' | 'dreg'
  | 'rel8' | 'rel16' | 'rel32'
  | 'ptr16:16' | 'ptr16:32'
  | 'moffs8' | 'moffs16' | 'moffs32';

/**
 * Where each operand goes in the encoding, one letter per operand:
 * r = ModR/M.reg, m = ModR/M.rm, b = both reg and rm (`imul eax, 5` = `imul eax, eax, 5`),
 * o = added to the last opcode byte (+r), i = the next immediate field, j = relative branch field,
 * p = far pointer field, f = moffs address field, x = implied by the opcode (not encoded).
 */
export type OperandRole = 'r' | 'm' | 'b' | 'o' | 'i' | 'j' | 'p' | 'f' | 'x';

/**
 * A processor level of nasm's `cpu` directive, from its instruction flags (nasm 2.16: 8086, 186,
 * 286, 386, 486, PENT, P6): the levels the dialect's instructions span. `cpu 686` and every later
 * level allow the whole dialect.
 */
export type CpuLevel = '8086' | '186' | '286' | '386' | '486' | '586' | '686';

/**
 * One encoding form of an instruction. `encoding` is a space-separated list:
 * - `o16` / `o32`: the form's operand size; a 0x66 prefix is emitted when it differs from `bits`.
 * - `a16` / `a32`: likewise for address size (0x67), for forms with an implicit address size.
 * - two hex digits: an opcode byte; `XX+r`: opcode byte plus the register number of the 'o' operand.
 * - `/r`: a ModR/M byte (with SIB and displacement as needed); `/0`..`/7`: ModR/M with a fixed reg field.
 * - `ib` `iw` `id`: an immediate of 8/16/32 bits; `ibs`: a sign-extended imm8.
 * - `cb` `cw` `cd`: a relative branch displacement; `cp`: ptr16:16 or ptr16:32; `mo`: moffs.
 */
export interface FormSpec {
  readonly operands: readonly OperandKind[];
  readonly roles: string;
  readonly encoding: string;
  /** Privilege class of this form when it differs from the mnemonic's (e.g. `mov cr0, eax`). */
  readonly privilege?: PrivilegeClass;
  /** Virtualization behaviour of this form when it differs from the mnemonic's. */
  readonly virt?: VirtBehaviour;
  /**
   * Matched only when an unsized memory operand was given an explicit size, and left out of
   * the "operation size not specified" check otherwise (e.g. 16-bit `jmp word [x]`).
   */
  readonly explicitSizeOnly?: boolean;
  /**
   * How nasm's template for this form takes a size written on each operand, one letter per
   * operand, when no form fits and nasm says why: `s` the template names the operand's size, so
   * another size is an "invalid combination of opcode and operands" and none at all "operation
   * size not specified"; `i` the template takes its size from the instruction (its other operands
   * or its mnemonic), so another size is a "mismatch in operand sizes". Unset: `i` for every
   * operand. `si|is`: nasm has two templates for the form (ADD's `rm8,imm` and `mem,imm8`), and
   * the nearer one counts. Only memory and immediate operands read it: a register's size is its own. Measured
   * with nasm 2.16.01 (`push byte [eax]` and `inc tword [eax]` are invalid combinations, `add
   * al, word [eax]` and `seto word [eax]` size mismatches).
   */
  readonly sizes?: string;
  /**
   * nasm also has this form with 64-bit operands (a qword in place of its 32-bit r/m, immediate
   * or branch target, or of the r/m16 of a segment register move), which it rejects outside
   * 64-bit mode: with a qword there, "instruction not supported in 32-bit mode" (or 16-bit).
   * Implied for every form with an rm32 operand (nasm widens each with REX.W); set for the others.
   * `imm32`: the 64-bit form's immediate stays a dword (MOV's; measured, `mov qword [eax], dword
   * 5` is "not supported", `add qword [eax], dword 5` a size mismatch). Measured: `push qword
   * [eax]`, `push qword 5`, `mov es, qword [eax]` in bits 32.
   */
  readonly long?: boolean | 'imm32';
  /** The decoder does not produce this form (an alias such as `sal`); the encoder may. */
  readonly encodeOnly?: boolean;
  /**
   * The processor level the form needs under nasm's `cpu`, when it differs from the
   * instruction's: by default a form with a 32-bit operand or operand/address size needs a 386.
   */
  readonly cpu?: CpuLevel;
  /**
   * The level when every operand is written without a size (nasm's size-agnostic template, which
   * takes the mode's size: `jmp [eax]` and `push 5` in bits 32 are 8086 and 186 forms, while
   * `jmp eax` and `push dword 5` need a 386).
   */
  readonly cpuUnsized?: CpuLevel;
  /**
   * A near Jcc, which nasm replaces below a 386 by its 8086 form when not written `near`: the
   * opposite condition's short jump over a near JMP (measured: `jo x` under `cpu 8086` is
   * 71 03 E9 rel16).
   */
  readonly jccOverJmp?: boolean;
  /**
   * `push imm32` in bits 32 written without a size, which nasm gives below a 386 (from a 186) as
   * its sign-extended byte form, the value cut to a byte with a warning (measured: `push 0x1234`
   * under `cpu 186` is 6A 34).
   */
  readonly signedByteBelow386?: boolean;
  /**
   * A form without an operand-size prefix for a register operand of either size, which nasm has
   * only at -Ox (its OPT templates): at -O0 and -O1 a register operand takes the prefix of its
   * own size (measured: in bits 32 `mov ds, ax` is 66 8E D8, in bits 16 `mov ds, eax` 66 8E D8;
   * from memory 8E /r at every level).
   */
  readonly registerSizedBelowOx?: boolean;
  /**
   * An 8086 instruction later processors do not have (`pop cs`): nasm assembles it with the
   * warning 'instruction obsolete and removed from the target CPU', or under `cpu 8086`
   * 'instruction obsolete but valid on the target CPU' (measured).
   */
  readonly obsolete?: boolean;
}

export type InstructionGroup =
  | 'data' | 'arithmetic' | 'logic' | 'shift' | 'bit' | 'control' | 'string' | 'flags'
  | 'io' | 'segment' | 'system' | 'misc' | 'bcd';

/** Everything the table says about one mnemonic. */
export interface InstructionSpec {
  readonly mnemonic: string;
  readonly summary: string;
  readonly group: InstructionGroup;
  readonly flags?: FlagEffects;
  readonly privilege: PrivilegeClass;
  readonly virt: VirtBehaviour;
  /** Exceptions the instruction can raise, by mnemonic (#GP, #PF, ...), for hover. */
  readonly exceptions?: readonly string[];
  /** Forms in NASM's preference order: the encoder picks the first that matches. */
  readonly forms: readonly FormSpec[];
  /** Other mnemonics that are the same instruction (`jz` for `je`, `sal` for `shl`). */
  readonly aliases?: readonly string[];
  /** For `rep`-able string instructions: which repeat prefixes apply. */
  readonly repeat?: 'rep' | 'repe';
  /** The processor level its forms need under nasm's `cpu` (see FormSpec.cpu); 8086 when unset. */
  readonly cpu?: CpuLevel;
}
