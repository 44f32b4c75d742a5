// The language server's view of the one instruction table (STYLE.md §3): lookups by lower-cased
// mnemonic and register name, computed once, so features never scan the table per token.

import { DATA_ELEMENT_SIZE } from '../../../core/src/asm/directives';
import { INSTRUCTIONS, findInstruction, PREFIX_MNEMONICS } from '../../../core/src/isa/table';
import { REGISTERS, lookupRegister } from '../../../core/src/isa/registers';
import type { FormSpec, InstructionSpec, OperandKind, PrivilegeClass, RegisterInfo } from '../../../core/src/isa/types';

let mnemonicList: readonly string[] | undefined;
let prefixSet: ReadonlySet<string> | undefined;

export function instructionFor(word: string): InstructionSpec | undefined {
  return findInstruction(word.toLowerCase());
}

/** Every mnemonic and alias the table accepts, sorted. */
export function allMnemonics(): readonly string[] {
  if (!mnemonicList) {
    const names = new Set<string>();
    for (const spec of INSTRUCTIONS) {
      names.add(spec.mnemonic);
      for (const alias of spec.aliases ?? []) names.add(alias);
    }
    mnemonicList = [...names].sort();
  }
  return mnemonicList;
}

export function isPrefixMnemonic(word: string): boolean {
  if (!prefixSet) prefixSet = new Set(Array.from(PREFIX_MNEMONICS as Iterable<string>, (p) => p.toLowerCase()));
  return prefixSet.has(word.toLowerCase());
}

export function registerFor(word: string): RegisterInfo | undefined {
  return lookupRegister(word.toLowerCase());
}

export function allRegisters(): readonly RegisterInfo[] {
  return Object.values(REGISTERS) as RegisterInfo[];
}

/**
 * How an operand written in source is shaped, enough to pick a table form for lints and hover:
 * with the size a size keyword gives it (`dword [eax]`, `byte 5`), in bits, when one is written.
 */
export type WrittenOperand = { readonly kind: 'reg'; readonly reg: RegisterInfo } | { readonly kind: 'mem'; readonly size?: number } | { readonly kind: 'imm'; readonly size?: number };

/** The size each table operand kind is, in bits, where it is one (memory and immediates). */
const KIND_SIZE: Partial<Record<OperandKind, number>> = {
  rm8: 8, m8: 8, moffs8: 8, rm16: 16, m16: 16, moffs16: 16, rm32: 32, m32: 32, moffs32: 32, m64: 64,
  imm8: 8, sbyte16: 8, sbyte32: 8, imm16: 16, imm32: 32,
};



/** A table operand kind accepts an operand written this way. */
export function kindAccepts(kind: OperandKind, op: WrittenOperand): boolean {
  if (op.kind === 'reg') {
    const r = op.reg;
    switch (kind) {
      case 'r8': case 'rm8': return r.cls === 'gpr8';
      case 'r16': case 'rm16': return r.cls === 'gpr16';
      case 'r32': case 'rm32': return r.cls === 'gpr32';
      case 'sreg': return r.cls === 'sreg';
      case 'creg': return r.cls === 'creg';
      case 'dreg': return r.cls === 'dreg';
      default: return kind === r.name;
    }
  }
  const size = KIND_SIZE[kind];
  if (op.size !== undefined && size !== undefined && op.size !== size) return false;
  if (op.kind === 'mem') return kind.startsWith('m') || kind.startsWith('rm');
  return kind.startsWith('imm') || kind.startsWith('sbyte') || kind === 'one' || kind.startsWith('rel') || kind.startsWith('ptr');
}

/** The first table form whose operand kinds accept the written operands (NASM's preference order). */
export function matchForm(spec: InstructionSpec, ops: readonly WrittenOperand[]): FormSpec | undefined {
  for (const form of spec.forms) {
    if (form.operands.length !== ops.length) continue;
    let ok = true;
    for (let i = 0; i < ops.length && ok; i++) ok = kindAccepts(form.operands[i], ops[i]);
    if (ok) return form;
  }
  return undefined;
}

export function privilegeOf(spec: InstructionSpec, form: FormSpec | undefined): PrivilegeClass {
  return form?.privilege ?? spec.privilege;
}

/**
 * Classifies operand source text: a register name, a bracketed memory reference, or an immediate,
 * with the size its size keyword gives (`dword [eax]` is no `r/m8`), after `strict` if any.
 */
export function writtenOperand(text: string): WrittenOperand {
  const t = text.trim();
  const words = /^(?:strict\s+)?([a-z]+)\b/i.exec(t);
  const bytes = words ? DATA_ELEMENT_SIZE[words[1].toLowerCase()] : undefined;
  const size = bytes === undefined ? undefined : bytes * 8;
  if (t.includes('[')) return size === undefined ? { kind: 'mem' } : { kind: 'mem', size };
  const reg = registerFor(t);
  if (reg) return { kind: 'reg', reg };
  return size === undefined ? { kind: 'imm' } : { kind: 'imm', size };
}

/** Human-readable operand kind for signatures and hover (`r/m32`, `imm8`, `cr0-7`). */
export function operandKindLabel(kind: OperandKind): string {
  switch (kind) {
    case 'rm8': return 'r/m8';
    case 'rm16': return 'r/m16';
    case 'rm32': return 'r/m32';
    case 'sbyte16': return 'imm8 (sign-extended)';
    case 'sbyte32': return 'imm8 (sign-extended)';
    case 'creg': return 'cr0-cr4';
    case 'dreg': return 'dr0-dr7';
    case 'sreg': return 'sreg';
    case 'one': return '1';
    case 'mfar16': return 'm16:16';
    case 'mfar32': return 'm16:32';
    default: return kind;
  }
}

export function formSignature(mnemonic: string, form: FormSpec): string {
  return form.operands.length === 0 ? mnemonic : `${mnemonic} ${form.operands.map(operandKindLabel).join(', ')}`;
}
