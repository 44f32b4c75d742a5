// The language server's view of the one instruction table (STYLE.md §3): lookups by lower-cased
// mnemonic and register name, computed once, so features never scan the table per token.

import { DATA_ELEMENT_SIZE } from '../../../core/src/asm/directives';
import { parseNumber } from '../../../core/src/asm/numbers';
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
 * with the size a size keyword gives it (`dword [eax]`, `byte 5`), in bits, when one is written;
 * a memory operand's brackets holding no register (`[label]`, what MOV's moffs forms take) or
 * `far`; an immediate's value when it is a number, and the `short`/`near`/`far` before a target.
 */
export type WrittenOperand =
  | { readonly kind: 'reg'; readonly reg: RegisterInfo }
  | { readonly kind: 'mem'; readonly size?: number; readonly direct?: boolean; readonly far?: boolean }
  | { readonly kind: 'imm'; readonly size?: number; readonly value?: number; readonly jump?: 'short' | 'near' | 'far' };

/** The size each table operand kind is, in bits, where it is one (memory and immediates). */
const KIND_SIZE: Partial<Record<OperandKind, number>> = {
  rm8: 8, m8: 8, moffs8: 8, rm16: 16, m16: 16, moffs16: 16, rm32: 32, m32: 32, moffs32: 32, m64: 64,
  imm8: 8, imm16: 16, imm32: 32,
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
  if (op.kind === 'mem') {
    if (kind.startsWith('moffs')) return op.direct === true;
    if (kind.startsWith('mfar')) return op.far === true;
    return op.far !== true && (kind.startsWith('m') || kind.startsWith('rm'));
  }
  return kind.startsWith('imm') || kind.startsWith('sbyte') || kind === 'one' || kind.startsWith('rel') || kind.startsWith('ptr');
}

/**
 * Whether a form takes an immediate the way nasm's optimizer would (NASM manual §2.1.24, -Ox):
 * `1` alone in a shift's count; a sign-extended byte only for a number that fits one (or `byte`
 * written on it), the full-width form for anything else; a short branch only when written `short`
 * (without an assembly the distance is not known) or where there is no near one (LOOP, JCXZ); a
 * far one only when written `far`.
 */
function immediateFits(kind: OperandKind, op: Extract<WrittenOperand, { kind: 'imm' }>, form: FormSpec, nearBranch: boolean): boolean {
  switch (kind) {
    case 'one': return op.size === undefined && op.value === 1;
    case 'sbyte16': case 'sbyte32':
      if (op.size !== undefined && op.size !== (kind === 'sbyte16' ? 16 : 32)) return op.size === 8;
      return op.value !== undefined && op.value >= -128 && op.value <= 127;
    case 'imm8': return !/\bibs\b/.test(form.encoding) || op.size === 8;
    case 'rel8': return op.jump === 'short' || (!nearBranch && op.jump === undefined);
    case 'rel16': case 'rel32': return op.jump !== 'short' && op.jump !== 'far';
    case 'ptr16:16': case 'ptr16:32': return op.jump === 'far';
    default: return op.jump === undefined;
  }
}

/** Whether some operand gives the operation its size (a general register, a size keyword). */
function sizedByOperands(ops: readonly WrittenOperand[]): boolean {
  return ops.some((o) => (o.kind === 'reg' ? o.reg.cls === 'gpr16' || o.reg.cls === 'gpr32' : o.size !== undefined));
}

/**
 * The first table form whose operand kinds accept the written operands (NASM's preference order),
 * with immediates taken as nasm's optimizer takes them; in `bits` (when known) an operation no
 * operand sizes has the mode's operand size (a form with another `o16`/`o32` prefix is not it).
 */
export function matchForm(spec: InstructionSpec, ops: readonly WrittenOperand[], bits?: 16 | 32): FormSpec | undefined {
  const unsized = bits !== undefined && !sizedByOperands(ops);
  const nearBranch = spec.forms.some((f) => f.operands[0] === 'rel16' || f.operands[0] === 'rel32');
  for (const form of spec.forms) {
    if (form.operands.length !== ops.length) continue;
    if (unsized && /^o(16|32) /.test(form.encoding) && !form.encoding.startsWith(`o${bits} `)) continue;
    let ok = true;
    for (let i = 0; i < ops.length && ok; i++) {
      const op = ops[i];
      ok = kindAccepts(form.operands[i], op) && (op.kind !== 'imm' || immediateFits(form.operands[i], op, form, nearBranch));
    }
    if (ok) return form;
  }
  return undefined;
}

export function privilegeOf(spec: InstructionSpec, form: FormSpec | undefined): PrivilegeClass {
  return form?.privilege ?? spec.privilege;
}

/** A word before an operand's value (`dword`, `strict`, `short`), and the blanks after it. */
const SIZE_OR_JUMP_WORD = /^([a-z]+)\b\s*(?=\S)/i;

/**
 * Classifies operand source text: a register name, a bracketed memory reference, or an immediate,
 * with the size its size keyword gives (`dword [eax]` is no `r/m8`), after `strict` if any.
 */
export function writtenOperand(text: string): WrittenOperand {
  let t = text.trim();
  let size: number | undefined;
  let jump: 'short' | 'near' | 'far' | undefined;
  for (let m = SIZE_OR_JUMP_WORD.exec(t); m !== null; m = SIZE_OR_JUMP_WORD.exec(t)) {
    const word = m[1].toLowerCase();
    const bytes = DATA_ELEMENT_SIZE[word];
    if (bytes !== undefined) size = bytes * 8;
    else if (word === 'short' || word === 'near' || word === 'far') jump = word;
    else if (word !== 'strict') break;
    t = t.slice(m[0].length);
  }
  if (t.includes('[')) {
    const inside = t.slice(t.indexOf('[') + 1, t.lastIndexOf(']') >= 0 ? t.lastIndexOf(']') : undefined);
    // (A segment override, `[es:x]`, leaves the reference direct.)
    const direct = !(inside.match(/[A-Za-z_.?$@][\w.?$@#~]*/g) ?? []).some((w) => { const r = registerFor(w); return r !== undefined && r.cls !== 'sreg'; });
    return { kind: 'mem', ...(size === undefined ? {} : { size }), direct, ...(jump === 'far' ? { far: true } : {}) };
  }
  const reg = registerFor(t);
  if (reg) return { kind: 'reg', reg };
  const value = parseNumber(t.replace(/^\+/, ''));
  const signed = value === undefined && /^-\s*\S/.test(t) ? parseNumber(t.replace(/^-\s*/, '')) : undefined;
  const known = value ?? (signed === undefined ? undefined : -signed);
  return { kind: 'imm', ...(size === undefined ? {} : { size }), ...(known === undefined ? {} : { value: known }), ...(jump === undefined ? {} : { jump }) };
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
