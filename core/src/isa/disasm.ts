// The disassembler: decoded instructions as NASM-syntax text in ndisasm's style (lowercase,
// `mov eax,[ebx+0x4]`, absolute branch targets, size keywords only where NASM needs them), and
// the ndisasm-like listing used by `ringside disasm`.

import type { AsmOperand, ImmOperand, MemOperand, PrefixName } from './operands';
import type { FormSpec, InstructionSpec, OperandKind } from './types';
import { decode, type DecodedInstruction, type DecodeResult } from './decoder';
import { SEG_BY_PREFIX } from './decode-engine';

export interface FormatOptions {
  /** Code size the text is meant for: keywords such as `word` mark sizes that differ from it. */
  readonly bits?: 16 | 32;
  /**
   * Write `short`/`near` on every relative branch. ndisasm leaves them out where its templates
   * do, but NASM then encodes a branch to a constant address in its long form; with this set the
   * text re-assembles to the same bytes (and so also keeps the unused `a16`/`a32` prefixes
   * ndisasm leaves out).
   */
  readonly explicitBranches?: boolean;
}

/** ndisasm's spellings of the condition codes (jz, jnz, jc, jna, jpe, jnl, jng ...). */
const NDISASM_CONDITIONS: ReadonlySet<string> = new Set([
  'o', 'no', 'c', 'nc', 'z', 'nz', 'na', 'a', 's', 'ns', 'pe', 'po', 'l', 'nl', 'ng', 'g',
]);
const CONDITIONAL_STEMS = ['cmov', 'set', 'j'] as const;

const displayNames = new WeakMap<InstructionSpec, string>();

/** The mnemonic as ndisasm writes it: among a conditional's aliases, the one ndisasm prefers. */
export function displayMnemonic(spec: InstructionSpec): string {
  let name = displayNames.get(spec);
  if (name !== undefined) return name;
  name = spec.mnemonic;
  for (const stem of CONDITIONAL_STEMS) {
    if (!spec.mnemonic.startsWith(stem)) continue;
    for (const candidate of [spec.mnemonic, ...(spec.aliases ?? [])]) {
      if (candidate.startsWith(stem) && NDISASM_CONDITIONS.has(candidate.slice(stem.length))) { name = candidate; break; }
    }
    break;
  }
  displayNames.set(spec, name);
  return name;
}

function hex(value: number): string {
  return '0x' + (value >>> 0).toString(16);
}

function signedHex(value: number): string {
  return value < 0 ? '-0x' + (-value).toString(16) : '+0x' + value.toString(16);
}

const SIZE_KEYWORD: Readonly<Record<number, string>> = { 8: 'byte', 16: 'word', 32: 'dword', 48: 'fword', 64: 'qword', 80: 'tword' };

const MEMORY_KINDS: ReadonlySet<OperandKind> = new Set<OperandKind>([
  'rm8', 'rm16', 'rm32', 'm', 'm8', 'm16', 'm32', 'm64', 'mfar16', 'mfar32', 'moffs8', 'moffs16', 'moffs32',
]);
const IMMEDIATE_KINDS: ReadonlySet<OperandKind> = new Set<OperandKind>(['imm8', 'imm16', 'imm32', 'sbyte16', 'sbyte32', 'one']);

function memBits(kind: OperandKind): number {
  if (kind === 'rm8' || kind === 'm8' || kind === 'moffs8') return 8;
  if (kind === 'rm16' || kind === 'm16' || kind === 'moffs16') return 16;
  if (kind === 'rm32' || kind === 'm32' || kind === 'moffs32') return 32;
  if (kind === 'm64') return 64;
  return 0;
}

/** Whether `kind` in another form would accept the decoded operand `op`. */
function kindAccepts(kind: OperandKind, op: AsmOperand, own: OperandKind): boolean {
  switch (op.kind) {
    case 'mem': return MEMORY_KINDS.has(kind) && !kind.startsWith('moffs');
    case 'imm': return IMMEDIATE_KINDS.has(kind) && (kind !== 'one' || op.value === 1);
    case 'farptr': return kind.startsWith('ptr');
    default:
      // Registers: same kind, or a register-capable kind of the same width.
      if (kind === own) return true;
      return regWidthOfKind(kind) !== 0 && regWidthOfKind(kind) === regWidthOfKind(own);
  }
}

function regWidthOfKind(kind: OperandKind): number {
  switch (kind) {
    case 'r8': case 'rm8': return 8;
    case 'r16': case 'rm16': return 16;
    case 'r32': case 'rm32': return 32;
    default: return 0;
  }
}

const sizeNeeded = new WeakMap<FormSpec, boolean>();

/**
 * NASM rejects an unsized memory operand when several forms fit ("operation size not
 * specified", NASM manual §2.2.3); ndisasm prints the keyword exactly then. Forms marked
 * `explicitSizeOnly` are matched only when a size is written, so they always print it.
 */
function memorySizeNeeded(ins: DecodedInstruction): boolean {
  const form = ins.form;
  let needed = sizeNeeded.get(form);
  if (needed !== undefined) return needed;
  needed = form.explicitSizeOnly === true;
  const memIndex = ins.operands.findIndex((o) => o.kind === 'mem');
  const ownBits = memBits(form.operands[memIndex]);
  // A lone 64-bit operand (cmpxchg8b) is always marked `qword` by ndisasm.
  if (ownBits === 64 && form.operands.length === 1) needed = true;
  if (!needed && ownBits !== 0) {
    for (const other of ins.spec.forms) {
      if (other === form || other.encodeOnly || other.explicitSizeOnly || other.operands.length !== form.operands.length) continue;
      const otherBits = memBits(other.operands[memIndex]);
      if (otherBits === 0 || otherBits === ownBits) continue;
      let fits = true;
      for (let i = 0; i < form.operands.length && fits; i++) fits = kindAccepts(other.operands[i], ins.operands[i], form.operands[i]);
      if (fits) { needed = true; break; }
    }
  }
  sizeNeeded.set(form, needed);
  return needed;
}

function formatMemory(ins: DecodedInstruction, mem: MemOperand, kind: OperandKind, bits: 16 | 32): string {
  let text = '';
  if (kind === 'mfar16' || kind === 'mfar32') {
    if (ins.operandSize !== bits) text += SIZE_KEYWORD[ins.operandSize] + ' ';
    if (mem.far) text += 'far ';
  } else if (ins.spec.group === 'control' && ins.form.operands.length === 1) {
    // Near indirect CALL/JMP default to the code size (NASM manual §2.2.3); only an override is written.
    if (mem.size !== undefined && mem.size !== bits) text += SIZE_KEYWORD[mem.size] + ' ';
  } else if (mem.size !== undefined && memorySizeNeeded(ins)) {
    text += SIZE_KEYWORD[mem.size] + ' ';
  }
  text += '[';
  const disp = mem.disp.value ?? 0;
  if (mem.base === undefined && mem.index === undefined) {
    // ndisasm marks an absolute address whose size differs from the code size (`[word 0x10]`
    // after a 67 prefix in 32-bit code, moffs included) and a ModR/M-encoded 32-bit one, unlike
    // moffs and SIB forms in 32-bit code; the keyword goes before the segment (`[dword es:0x0]`).
    // moffs alone puts the segment first (`[cs:word 0x0]`).
    const segment = mem.segment !== undefined ? mem.segment + ':' : '';
    const moffs = kind.startsWith('moffs');
    if (moffs) text += segment;
    if (ins.addressSize !== bits) text += SIZE_KEYWORD[ins.addressSize] + ' ';
    else if (ins.eaDirect32) text += 'dword ';
    if (!moffs) text += segment;
    return text + hex(disp) + ']';
  }
  // A SIB address in 16-bit code (after 67) is marked too (`[dword ss:eax+ecx*4]`), unlike one
  // without SIB (`[eax]`) or any in 32-bit code.
  if (ins.eaSib && bits === 16) text += 'dword ';
  if (mem.segment !== undefined) text += mem.segment + ':';
  let sep = '';
  if (mem.base !== undefined) { text += mem.base; sep = '+'; }
  if (mem.index !== undefined) {
    text += sep + mem.index + (mem.scale !== 1 ? '*' + mem.scale : '');
  }
  if (mem.hasDisp) text += signedHex(disp);
  return text + ']';
}

function hasSbyteAlternative(spec: InstructionSpec, form: FormSpec, at: number): boolean {
  for (const other of spec.forms) {
    if (other !== form && other.operands.length === form.operands.length && (other.operands[at] === 'sbyte16' || other.operands[at] === 'sbyte32')) return true;
  }
  return false;
}

function formatImmediate(ins: DecodedInstruction, op: ImmOperand, at: number, bits: 16 | 32, explicitBranches: boolean): string {
  const kind = ins.form.operands[at];
  const value = op.value ?? 0;
  switch (kind) {
    case 'one': return '1';
    case 'rel8': {
      // ndisasm wraps a short branch's target at the code size, not at the operand size (`o16 jz`
      // in 32-bit code at 0x12340000 goes to 0x1234xxxx for it), unlike a near one (`jmp word`).
      const next = ins.address + ins.length;
      const target = next + (((value - next) << 24) >> 24);
      return (ins.spec.mnemonic === 'jmp' || explicitBranches ? 'short ' : '') + hex(bits === 16 ? target & 0xffff : target);
    }
    case 'rel16': case 'rel32': {
      const sized = ins.operandSize !== bits ? SIZE_KEYWORD[ins.operandSize] + ' ' : '';
      if (explicitBranches) return 'near ' + sized + hex(value);
      // ndisasm writes `near` on Jcc (which has a short form too) but not on JMP or CALL.
      const near = sized === '' && ins.spec.mnemonic !== 'jmp' && ins.spec.forms.some((f) => f.operands[0] === 'rel8');
      return sized + (near ? 'near ' : '') + hex(value);
    }
    case 'sbyte16': case 'sbyte32': return 'byte ' + signedHex(value);
    case 'imm8': {
      if (ins.signExtendedImm) return 'byte ' + signedHex(value);
      // Shift counts and bit offsets are printed `byte` by ndisasm (`shl eax,byte 0x5`).
      const countLike = (ins.spec.group === 'shift' || ins.spec.group === 'bit') && ins.form.operands.length === 2;
      return (countLike ? 'byte ' : '') + hex(value & 0xff);
    }
    case 'imm16': case 'imm32': {
      // A full-width immediate that has a sign-extended-byte sibling is marked by ndisasm when
      // it is not simply the source of a two-operand instruction (`push dword`, 3-operand imul).
      const marked = hasSbyteAlternative(ins.spec, ins.form, at) && !(at === 1 && ins.form.operands.length === 2);
      return (marked ? SIZE_KEYWORD[kind === 'imm16' ? 16 : 32] + ' ' : '') + hex(value);
    }
    default: return hex(value);
  }
}

function formatOperand(ins: DecodedInstruction, op: AsmOperand, at: number, bits: 16 | 32, explicitBranches: boolean): string {
  switch (op.kind) {
    case 'reg': return op.reg;
    case 'mem': return formatMemory(ins, op, ins.form.operands[at], bits);
    case 'imm': return formatImmediate(ins, op, at, bits, explicitBranches);
    case 'farptr': {
      const size = op.size ?? bits;
      return (size !== bits ? SIZE_KEYWORD[size] + ' ' : '') + hex(op.selector.value ?? 0) + ':' + hex(op.offset.value ?? 0);
    }
  }
}

/**
 * A byte that starts no valid instruction, as ndisasm's eatbyte() prints it: a prefix byte by
 * its prefix name (`lock`, `rep`, `es`, `o16`, `a16` ...), any other byte as `db 0x0f`.
 */
function undecodableByte(b: number, bits: 16 | 32): string {
  switch (b) {
    case 0xf0: return 'lock';
    case 0xf2: return 'repne';
    case 0xf3: return 'rep';
    case 0x66: return bits === 16 ? 'o32' : 'o16';
    case 0x67: return bits === 16 ? 'a32' : 'a16';
    default: return SEG_BY_PREFIX[b] ?? 'db 0x' + b.toString(16).padStart(2, '0');
  }
}

/** ndisasm's order for the prefixes it writes: an unused segment, rep/repne, lock, o16/o32, a16/a32. */
const PREFIX_RANK: Readonly<Record<PrefixName, number>> = {
  es: 0, cs: 0, ss: 0, ds: 0, fs: 0, gs: 0,
  rep: 1, repe: 1, repz: 1, repne: 1, repnz: 1, lock: 2, o16: 3, o32: 3, a16: 4, a32: 4,
};

/** ndisasm's names for a near or far return with an operand-size override (`retw`, `retnd 0x8`, `retfw`). */
function sizedReturn(ins: DecodedInstruction): string | undefined {
  const suffix = ins.operandSize === 16 ? 'w' : 'd';
  if (ins.spec.mnemonic === 'retf') return 'retf' + suffix;
  // With an immediate ndisasm writes `retnw 0x8` but `retd 0x8`.
  if (ins.spec.mnemonic === 'ret') return (ins.operands.length > 0 && suffix === 'w' ? 'retn' : 'ret') + suffix;
  return undefined;
}

const LOOPS: ReadonlySet<string> = new Set(['loop', 'loope', 'loopne']);

/** One instruction in NASM syntax as ndisasm prints it (`db 0x..` or a prefix name for an invalid byte). */
export function formatInstruction(ins: DecodeResult, opts: FormatOptions & { readonly bytes?: Uint8Array; readonly offset?: number } = {}): string {
  if (ins.invalid) {
    const b = opts.bytes !== undefined && opts.offset !== undefined && opts.offset < opts.bytes.length ? opts.bytes[opts.offset] : undefined;
    return b === undefined ? 'db ?' : undecodableByte(b, opts.bits ?? 32);
  }
  const bits = opts.bits ?? ins.bits;
  const explicit = opts.explicitBranches === true;
  let mnemonic = displayMnemonic(ins.spec);
  let counter = '';
  let text = '';
  const prefixes = ins.prefixes.length > 1 ? [...ins.prefixes].sort((a, b) => PREFIX_RANK[a] - PREFIX_RANK[b]) : ins.prefixes;
  for (const p of prefixes) {
    if (p === 'a16' || p === 'a32') {
      // LOOPcc names its counter instead (`loop 0x10,cx`); elsewhere ndisasm often leaves an
      // unused address-size prefix out (re-assembly text keeps it).
      if (LOOPS.has(ins.spec.mnemonic)) { counter = p === 'a16' ? ',cx' : ',ecx'; continue; }
      if (!explicit && !ins.idleAddressPrefixShown) continue;
    }
    if (p === 'o16' || p === 'o32') {
      const sized = sizedReturn(ins);
      if (sized !== undefined) { mnemonic = sized; continue; }
    }
    text += p + ' ';
  }
  // A pushed sign-extended byte has no other operand to show its size: ndisasm writes `o16`.
  const kind0 = ins.form.operands[0];
  if (ins.operandSize !== bits && ins.form.operands.length === 1 && (kind0 === 'sbyte16' || kind0 === 'sbyte32')) {
    text += (ins.operandSize === 16 ? 'o16' : 'o32') + ' ';
  }
  text += mnemonic;
  for (let i = 0; i < ins.operands.length; i++) {
    text += (i === 0 ? ' ' : ',') + formatOperand(ins, ins.operands[i], i, bits, explicit);
  }
  return text + counter;
}

export interface DisassembledLine {
  readonly address: number;
  /**
   * The address ndisasm's listing shows: origin + offset, counted on past 4 GiB (`100000000`
   * follows `FFFFFFFF`) where `address` wraps as the CPU's does.
   */
  readonly listingAddress: number;
  readonly bytes: Uint8Array;
  readonly length: number;
  readonly text: string;
  readonly instruction: DecodeResult;
}

export interface DisassembleOptions extends FormatOptions {
  readonly bits: 16 | 32;
  /** Address of `bytes[0]` (ndisasm `-o`). */
  readonly origin?: number;
}

/** Disassembles a whole buffer, one line per instruction, resynchronising after invalid bytes. */
export function disassemble(bytes: Uint8Array, opts: DisassembleOptions): DisassembledLine[] {
  return [...disassembleLines(bytes, opts)];
}

/** The lines of `disassemble` one at a time, so a large file's listing need not be held whole. */
export function* disassembleLines(bytes: Uint8Array, opts: DisassembleOptions): Generator<DisassembledLine> {
  const origin = opts.origin ?? 0;
  for (let offset = 0; offset < bytes.length;) {
    const address = (origin + offset) >>> 0;
    const ins = decode(bytes, offset, { bits: opts.bits, address, ndisasmRules: true });
    const text = formatInstruction(ins, { bits: opts.bits, explicitBranches: opts.explicitBranches, bytes, offset });
    yield { address, listingAddress: origin + offset, bytes: bytes.subarray(offset, offset + ins.length), length: ins.length, text, instruction: ins };
    offset += ins.length;
  }
}

/**
 * ndisasm's listing layout: 8-digit address, two spaces, the bytes in upper-case hex padded to
 * 18 columns, the text; bytes beyond eight continue on `         -` lines.
 */
export function formatListing(lines: readonly DisassembledLine[]): string {
  let out = '';
  for (const line of lines) {
    let hexBytes = '';
    for (const b of line.bytes) hexBytes += b.toString(16).toUpperCase().padStart(2, '0');
    const first = hexBytes.slice(0, 16);
    out += line.listingAddress.toString(16).toUpperCase().padStart(8, '0') + '  ' + first.padEnd(18) + line.text + '\n';
    for (let i = 16; i < hexBytes.length; i += 16) out += '         -' + hexBytes.slice(i, i + 16) + '\n';
  }
  return out;
}
