// The NASM-exact encoder: picks the first table form that fits the operands (NASM 2.16 with its
// default -Ox optimizer) and lays out prefixes, opcode, ModR/M, SIB, displacement and immediates.
// Diagnostics use NASM's wording so users can search for them.

import { Optimization, type AsmOperand, type EncodeProblem, type EncodeRequest, type EncodeResult, type ImmOperand, type MemOperand, type OperandValue, type PrefixName } from './operands';
import type { FormSpec, InstructionSpec, OperandKind, RegisterInfo } from './types';
import { displacementChecksFailed, encodeEffectiveAddress, toSigned } from './encode-ea';
import { recipesOf } from './encode-form';
import type { FormRecipe } from './encode-form';
import { registerInfo } from './registers';
import { findInstruction, PREFIX_MNEMONICS } from './table';

const enum Fit { No, Yes, SizeMismatch }

/** Memory size (bits) a form slot gives an operand written without a size keyword. */
function impliedMemorySize(kind: OperandKind): number | undefined {
  switch (kind) {
    case 'rm8': case 'm8': case 'moffs8': return 8;
    case 'rm16': case 'm16': case 'moffs16': return 16;
    case 'rm32': case 'm32': case 'moffs32': return 32;
    case 'm64': return 64;
    default: return undefined;
  }
}

/**
 * Address size of a memory operand: its registers decide it; a bare `[disp]` takes the mode's
 * size unless the displacement was sized (`[dword 0x10]`) or an a16/a32 prefix says otherwise.
 */
export function addressSizeOf(mem: MemOperand, bits: 16 | 32, prefix: 16 | 32 | undefined): 16 | 32 {
  if (mem.base !== undefined || mem.index !== undefined) return mem.addressSize;
  if (mem.dispSize === 16 || mem.dispSize === 32) return mem.dispSize;
  return prefix ?? bits;
}

/** Instructions whose memory operand is only an address, so any size keyword is accepted (NASM: LEA). */
const ADDRESS_ONLY = new Set(['lea']);

function isSimpleKnown(op: ImmOperand): op is ImmOperand & { value: number } {
  return op.value !== undefined && !op.reloc;
}

/**
 * The request being matched. One is rewritten by every `encode` (which never re-enters itself),
 * not an object and an array made per instruction.
 */
class MatchContext {
  req!: EncodeRequest;
  spec!: InstructionSpec;
  /**
   * Set while finding out why no form fits (see whyNoFormFits): the optimizer's preferences
   * (which forms a value written without a size may take) no longer rule a form out.
   */
  explaining = false;
  /**
   * Per operand: its register's facts when it is a register, found once for every form tried.
   * Slots past the request's operands are left from earlier requests and never read.
   */
  readonly registers: (RegisterInfo | undefined)[] = [];
  /** Set while telling the problem of 64-bit registers (see wideRegisterProblem): the operands that are, a bit each. */
  wide = 0;
}

const match = new MatchContext();

function sizeFits(written: number | undefined, wanted: number): Fit {
  return written === undefined || written === wanted ? Fit.Yes : Fit.SizeMismatch;
}

/** JMP and CALL through memory, where nasm takes `near` before the brackets. */
function takesNearMemory(kind: OperandKind, spec: InstructionSpec): boolean {
  return (kind === 'rm16' || kind === 'rm32') && (spec.mnemonic === 'jmp' || spec.mnemonic === 'call');
}

function fitMemory(kind: OperandKind, mem: MemOperand, ctx: MatchContext): Fit {
  // LEA takes any size and `near`, `short`, `far` (measured: `lea eax, far [eax]` is 8D 00).
  if (kind === 'm' && ADDRESS_ONLY.has(ctx.spec.mnemonic)) return Fit.Yes;
  // nasm reads `near`, `short` and `far` before the brackets as sizes of their own: where a form
  // does not take one, it is a size that does not fit (measured: `seto near [eax]` and `mov eax,
  // far [eax]` are size mismatches, `inc far [eax]` an invalid combination).
  if (mem.jump !== undefined && !(mem.jump === 'near' && takesNearMemory(kind, ctx.spec))) return Fit.SizeMismatch;
  if (kind === 'mfar16' || kind === 'mfar32') {
    if (mem.far !== true) return Fit.No;
    return sizeFits(mem.size, kind === 'mfar16' ? 16 : 32);
  }
  if (mem.far === true) return Fit.SizeMismatch;
  if (kind === 'm') return mem.size === undefined ? Fit.Yes : Fit.SizeMismatch;
  if (kind === 'moffs8' || kind === 'moffs16' || kind === 'moffs32') {
    // A `word`/`dword` displacement of an absolute address is its address size, which the offset
    // takes (measured: `mov eax, [dword 4]` is A1 04000000, `[word 4]` in 32-bit code 67 A1 0400);
    // after `byte` nasm takes the ModR/M form (8B 05 04000000).
    if (mem.base !== undefined || mem.index !== undefined || mem.dispSize === 8) return Fit.No;
  }
  const size = impliedMemorySize(kind);
  if (size === undefined) return Fit.No;
  return sizeFits(mem.size, size);
}

function fitRegister(kind: OperandKind, info: RegisterInfo): Fit {
  switch (kind) {
    case 'r8': case 'rm8': return info.cls === 'gpr8' ? Fit.Yes : Fit.No;
    case 'r16': case 'rm16': return info.cls === 'gpr16' ? Fit.Yes : Fit.No;
    case 'r32': case 'rm32': return info.cls === 'gpr32' ? Fit.Yes : Fit.No;
    case 'sreg': return info.cls === 'sreg' ? Fit.Yes : Fit.No;
    case 'creg': return info.cls === 'creg' ? Fit.Yes : Fit.No;
    case 'dreg': return info.cls === 'dreg' ? Fit.Yes : Fit.No;
    case 'al': case 'ax': case 'eax': case 'cl': case 'cx': case 'ecx': case 'dx':
    case 'es': case 'cs': case 'ss': case 'ds': case 'fs': case 'gs':
      return info.name === kind ? Fit.Yes : Fit.No;
    default: return Fit.No;
  }
}

/** Instructions whose immediates NASM takes without a size keyword only (measured: `enter 4, byte 0` is a size mismatch). */
const UNSIZED_IMMEDIATES = new Set(['enter', 'shld', 'shrd']);

function fitImmediate(kind: OperandKind, op: ImmOperand, field: string | undefined, ctx: MatchContext): Fit {
  // `short`/`near` on a value that is no branch target: a size no form has (measured: `add eax,
  // near 5` is a size mismatch). (`far` there is the parser's error.)
  if (op.jump !== undefined) return op.jump === 'far' ? Fit.No : Fit.SizeMismatch;
  if (op.size !== undefined && UNSIZED_IMMEDIATES.has(ctx.spec.mnemonic)) return Fit.SizeMismatch;
  switch (kind) {
    case 'imm8':
      // A byte immediate sign-extended into a wider operation (`add eax, byte 5`) is NASM's
      // choice only when `byte` was written; unsized values take the full-width forms first.
      if (field === 'ibs' && op.size === undefined && !ctx.explaining) return Fit.No;
      return sizeFits(op.size, 8);
    case 'imm16': return sizeFits(op.size, 16);
    case 'imm32': return sizeFits(op.size, 32);
    case 'sbyte16': case 'sbyte32': {
      const bits = kind === 'sbyte16' ? 16 : 32;
      // nasm's -O0 marks no value a signed byte (parse_line), known or not: `byte` must be written.
      if (op.strict === true || ctx.req.optimization === Optimization.None) return Fit.No;
      // (measured: `push (1 <=> 2)` is 6A 00, `add eax, (x <=> y)` 83 C0 00.) A value not known
      // yet (a symbol defined further on, in the first pass) is a signed byte too: nasm is
      // optimistic about it from -O1 up (parse_line) and widens it in a later pass if need be.
      if (op.unknown === true || op.value === undefined) return sizeFits(op.size, bits);
      if (!isSimpleKnown(op)) return Fit.No;
      const v = toSigned(op.value, bits);
      if (v < -128 || v > 127) return Fit.No;
      return sizeFits(op.size, bits);
    }
    case 'one':
      // (measured: `shl eax, (1 <=> 2)` is D1 E0, and at -O0 C1 E0 00: nasm is optimistic
      // about an unknown value only from -O1 up.)
      if (op.unknown === true || op.value === undefined) return op.size === undefined && op.strict !== true && ctx.req.optimization !== Optimization.None ? Fit.Yes : Fit.No;
      return op.size === undefined && isSimpleKnown(op) && op.value === 1 ? Fit.Yes : Fit.No;
    default: return Fit.No;
  }
}

/**
 * NASM accepts `word`/`dword` on a branch target only for JMP and CALL (the instructions with
 * far forms) and `short` only where a near form exists (not on JCXZ/LOOP).
 */
function acceptsBranchSize(spec: InstructionSpec): boolean {
  return spec.forms.some((f) => f.operands[0] === 'ptr16:32');
}

function acceptsShortKeyword(spec: InstructionSpec): boolean {
  return spec.forms.some((f) => f.operands[0] === 'rel16' || f.operands[0] === 'rel32');
}

/**
 * Whether a branch's target is in the segment the branch is in, as nasm compares them: a label's
 * section, or for a number no segment, the segment of absolute space (measured: in `absolute
 * 0x100`, `jmp 0x103` is EB FD and `jmp short 0x500` out of range, at a label of .text E9 (..)).
 */
function inOwnSegment(op: ImmOperand, req: EncodeRequest): boolean {
  return (op.reloc ? op.section : -1) === req.section;
}

/**
 * Whether a branch not written `short` may take its short form at this -O level: at -Ox always,
 * at -O1 never when it has a near form, at -O0 only a Jcc (measured with nasm 2.16.01: `jmp x`
 * is E9 at -O0 and -O1, `jne x` 75 at -O0 and 0F 85 at -O1; JCXZ and LOOP are short at each).
 */
function relaxes(level: Optimization, spec: InstructionSpec): boolean {
  if (level === Optimization.Multipass || !acceptsShortKeyword(spec)) return true;
  return level === Optimization.None && spec.mnemonic !== 'jmp';
}

function fitBranch(kind: OperandKind, op: ImmOperand, ctx: MatchContext): Fit {
  if (op.size !== undefined && !acceptsBranchSize(ctx.spec)) return Fit.SizeMismatch;
  if (op.jump === 'short' && !acceptsShortKeyword(ctx.spec)) return Fit.SizeMismatch;
  // (`near`, `short` and a size that a form does not take are size mismatches to nasm, as
  // elsewhere: measured, `jcxz near 5` and `call short 5`; a short branch takes no size, `byte`
  // neither: `jmp byte x` and `jmp short byte x` are mismatches.)
  if (kind === 'rel8') {
    if (op.jump === 'far') return Fit.No;
    if (op.jump === 'near' || op.size !== undefined) return Fit.SizeMismatch;
    if (op.jump === 'short') return Fit.Yes;
    // `jmp strict lbl`: no relaxation, the near form (measured); JCXZ/LOOP have only this one.
    if (op.strict === true && acceptsShortKeyword(ctx.spec)) return Fit.No;
    // Below -Ox nasm relaxes fewer branches (jmp_match): at -O1 none, at -O0 only Jcc.
    if (ctx.req.optimization !== undefined && !relaxes(ctx.req.optimization, ctx.spec)) return Fit.No;
    if (op.value === undefined) return Fit.Yes;
    // NASM relaxes to a short jump only for a target in the branch's own segment (a number or a
    // label elsewhere keeps the near form); range is checked once the length is known.
    if (!inOwnSegment(op, ctx.req) && acceptsShortKeyword(ctx.spec)) return Fit.No;
    return Fit.Yes;
  }
  if (op.jump === 'far') return Fit.No;
  if (op.jump === 'short') return Fit.SizeMismatch;
  return sizeFits(op.size, kind === 'rel16' ? 16 : 32);
}

function fitOperand(kind: OperandKind, op: AsmOperand, i: number, field: string | undefined, ctx: MatchContext): Fit {
  switch (op.kind) {
    case 'reg': return fitRegister(kind, ctx.registers[i]!);
    case 'mem':
      if (kind === 'rm8' || kind === 'rm16' || kind === 'rm32' || kind.startsWith('m')) return fitMemory(kind, op, ctx);
      return Fit.No;
    case 'imm':
      if (kind === 'rel8' || kind === 'rel16' || kind === 'rel32') return fitBranch(kind, op, ctx);
      return fitImmediate(kind, op, field, ctx);
    case 'farptr':
      if (kind === 'ptr16:16') return op.size === undefined || op.size === 16 ? Fit.Yes : Fit.No;
      if (kind === 'ptr16:32') return op.size === undefined || op.size === 32 ? Fit.Yes : Fit.No;
      return Fit.No;
  }
}

/** What an operand is, one bit each, to compare with the classes a form's slot takes (see formClasses). */
const enum OperandClass { Reg = 1, Mem = 2, Imm = 4, FarPointer = 8 }

/** Bits per operand slot in a class mask; a mask holds up to MAX_CLASSED_OPERANDS slots and then a bit for the operand count. */
const CLASS_BITS = 4;
const MAX_CLASSED_OPERANDS = 4;

/**
 * The classes of operand fitOperand can accept in a slot of this kind (anything else is Fit.No
 * there, before any size is looked at), so most forms are ruled out without calling it.
 */
function slotClasses(kind: OperandKind): number {
  switch (kind) {
    case 'r8': case 'r16': case 'r32': case 'sreg': case 'creg': case 'dreg':
    case 'al': case 'ax': case 'eax': case 'cl': case 'cx': case 'ecx': case 'dx':
    case 'es': case 'cs': case 'ss': case 'ds': case 'fs': case 'gs':
      return OperandClass.Reg;
    case 'rm8': case 'rm16': case 'rm32': return OperandClass.Reg | OperandClass.Mem;
    case 'imm8': case 'imm16': case 'imm32': case 'sbyte16': case 'sbyte32': case 'one':
    case 'rel8': case 'rel16': case 'rel32':
      return OperandClass.Imm;
    case 'ptr16:16': case 'ptr16:32': return OperandClass.FarPointer;
    case 'm': case 'm8': case 'm16': case 'm32': case 'm64': case 'mfar16': case 'mfar32':
    case 'moffs8': case 'moffs16': case 'moffs32':
      return OperandClass.Mem;
    default: {
      // A kind added to OperandKind must be placed above (fitOperand decides what it takes).
      const unplaced: never = kind;
      return unplaced;
    }
  }
}

/** A form's class mask: each slot's classes, and one bit for its operand count. */
function formClassMask(form: FormSpec): number {
  let mask = 0;
  for (let i = 0; i < form.operands.length && i < MAX_CLASSED_OPERANDS; i++) mask |= slotClasses(form.operands[i]) << (CLASS_BITS * i);
  return mask | (1 << (CLASS_BITS * MAX_CLASSED_OPERANDS + Math.min(form.operands.length, MAX_CLASSED_OPERANDS + 1)));
}

const formClassesBySpec = new WeakMap<InstructionSpec, Int32Array>();

/** The most forms an instruction may have: `encode` keeps the fitting ones as bits of an int (mov has 27). */
const MAX_FORMS = 31;

/** The class masks of an instruction's forms, in form order. */
function formClasses(spec: InstructionSpec): Int32Array {
  let masks = formClassesBySpec.get(spec);
  if (masks === undefined) {
    if (spec.forms.length > MAX_FORMS) throw new Error(`host bug: ${spec.mnemonic} has more than ${MAX_FORMS} forms`);
    masks = Int32Array.from(spec.forms, formClassMask);
    formClassesBySpec.set(spec, masks);
  }
  return masks;
}

/**
 * The request's operands as a class mask: a form can fit only when its mask has every bit of
 * this one. 0 (no form ruled out) for more operands than a mask holds.
 */
function requestClassMask(ops: readonly { readonly kind: AsmOperand['kind'] }[]): number {
  if (ops.length > MAX_CLASSED_OPERANDS) return 0;
  let mask = 1 << (CLASS_BITS * MAX_CLASSED_OPERANDS + ops.length);
  for (let i = 0; i < ops.length; i++) {
    const kind = ops[i].kind;
    const cls = kind === 'reg' ? OperandClass.Reg : kind === 'mem' ? OperandClass.Mem : kind === 'imm' ? OperandClass.Imm : OperandClass.FarPointer;
    mask |= cls << (CLASS_BITS * i);
  }
  return mask;
}

/**
 * Whether a form of `mnemonic` takes as many operands as `ops`, and operands of the classes of
 * the first `leading` of them: one nasm's matcher reads up to operand `leading` (assemble.c
 * matches, which checks the operands in order). Only the kinds of `ops` are read.
 */
export function formReachesOperand(mnemonic: string, ops: readonly { readonly kind: AsmOperand['kind'] }[], leading: number): boolean {
  const spec = findInstruction(mnemonic);
  if (spec === undefined) return false;
  let wanted = requestClassMask(ops);
  for (let i = leading; i < ops.length && i < MAX_CLASSED_OPERANDS; i++) wanted &= ~(((1 << CLASS_BITS) - 1) << (CLASS_BITS * i));
  const classes = formClasses(spec);
  return spec.forms.some((form, f) => form.operands.length === ops.length && (classes[f] & wanted) === wanted);
}

function isUnsized(op: AsmOperand): boolean {
  return op.kind === 'mem' || op.kind === 'imm' || op.kind === 'farptr' ? op.size === undefined : false;
}

/** Whether `form` accepts the operands, and whether only sizes stand in the way. */
function fitForm(form: FormSpec, recipe: FormRecipe, ctx: MatchContext): Fit {
  const ops = ctx.req.operands;
  if (form.operands.length !== ops.length) return Fit.No;
  let fieldIndex = 0;
  let result = Fit.Yes;
  for (let i = 0; i < ops.length; i++) {
    const role = form.roles[i];
    const field = role === 'i' ? recipe.immediates[fieldIndex++] : undefined;
    const fit = fitOperand(form.operands[i], ops[i], i, field, ctx);
    if (fit === Fit.No) return Fit.No;
    if (fit === Fit.SizeMismatch) result = Fit.SizeMismatch;
    // Forms that NASM reaches only through an explicit size (or the mode's default size, as in
    // `jmp [ebx]` = `jmp dword [ebx]` in bits 32) — see FormSpec.explicitSizeOnly.
    if (form.explicitSizeOnly === true && isUnsized(ops[i]) && recipe.operandSize !== undefined && recipe.operandSize !== ctx.req.bits) return Fit.No;
  }
  return result;
}

/**
 * How near a form comes to the operands, in nasm's order: when no form fits, nasm reports the
 * nearest miss among all its templates for the mnemonic (measured with nasm 2.16.01).
 */
const enum Miss { Invalid, SizeMissing, SizeMismatch, LongMode }

const MISS_MESSAGE = ['invalid combination of opcode and operands', 'operation size not specified', 'mismatch in operand sizes'] as const;

function sizeWritten(op: AsmOperand): boolean {
  return op.kind === 'reg' || op.size !== undefined || (op.kind !== 'farptr' && op.jump !== undefined && op.jump !== 'far');
}

/** How near `form` comes, by what stands in its way: the nearest of its templates (see FormSpec.sizes). */
function formMiss(form: FormSpec, recipe: FormRecipe, ctx: MatchContext): Miss {
  if (form.operands.length !== ctx.req.operands.length) return Miss.Invalid;
  if (form.sizes === undefined || !form.sizes.includes('|')) return templateMiss(form, recipe, form.sizes, ctx);
  let best = Miss.Invalid;
  for (const sizes of form.sizes.split('|')) best = Math.max(best, templateMiss(form, recipe, sizes, ctx));
  return best;
}

/** How near one of nasm's templates for `form` comes, `sizes` its letters. */
function templateMiss(form: FormSpec, recipe: FormRecipe, sizes: string | undefined, ctx: MatchContext): Miss {
  const ops = ctx.req.operands;
  let fieldIndex = 0;
  let missing = false;
  let mismatch = false;
  for (let i = 0; i < ops.length; i++) {
    const field = form.roles[i] === 'i' ? recipe.immediates[fieldIndex++] : undefined;
    const fit = fitOperand(form.operands[i], ops[i], i, field, ctx);
    const named = sizes?.[i] === 's';
    if (fit === Fit.No || (fit === Fit.SizeMismatch && named)) return Miss.Invalid;
    if (fit === Fit.SizeMismatch) mismatch = true;
    else if (named && !sizeWritten(ops[i])) missing = true;
  }
  // (A form that fits only here was ruled out by the optimizer's choices: a size would pick it.)
  return missing || !mismatch ? Miss.SizeMissing : Miss.SizeMismatch;
}

/** A qword operand, which no form of the dialect takes. */
function isQword(op: AsmOperand): boolean {
  return (op.kind === 'mem' || op.kind === 'imm') && op.size === 64;
}

/**
 * How near the 64-bit counterpart of `form` (see FormSpec.long) comes: LongMode when it takes
 * the operands, which nasm rejects outside 64-bit mode. Its widened r/m names its size, its
 * widened value takes the r/m's (measured: `and qword [eax], short 5` is a size mismatch).
 */
function longFormMiss(form: FormSpec, recipe: FormRecipe, ctx: MatchContext): Miss {
  const ops = ctx.req.operands;
  if (form.operands.length !== ops.length || (ctx.wide === 0 && !ops.some(isQword))) return Miss.Invalid;
  let fieldIndex = 0;
  let missing = false;
  let mismatch = false;
  for (let i = 0; i < ops.length; i++) {
    const kind = form.operands[i];
    const op = ops[i];
    const field = form.roles[i] === 'i' ? recipe.immediates[fieldIndex++] : undefined;
    const widened = widenedClasses(form, kind);
    if ((ctx.wide & (1 << i)) !== 0) {
      // A 64-bit register: in a slot the 64-bit form widens to take one.
      if ((widened & OperandClass.Reg) === 0) return Miss.Invalid;
    } else if (widened === 0) {
      const fit = fitOperand(kind, op, i, field, ctx);
      if (fit === Fit.No || (fit === Fit.SizeMismatch && form.sizes?.[i] === 's')) return Miss.Invalid;
      mismatch ||= fit === Fit.SizeMismatch;
    } else if (op.kind === 'mem') {
      if ((widened & OperandClass.Mem) === 0 || op.far === true || op.jump !== undefined || (op.size !== undefined && op.size !== 64)) return Miss.Invalid;
      // (A 64-bit register gives an unsized one its size.)
      missing ||= op.size === undefined && ctx.wide === 0;
    } else if (op.kind === 'imm') {
      if ((widened & OperandClass.Imm) === 0 || op.jump === 'far') return Miss.Invalid;
      mismatch ||= op.jump !== undefined || (op.size !== undefined && op.size !== 64 && !(op.size === 32 && form.long === 'imm32'));
    } else {
      // (No other register is a 64-bit one.)
      return Miss.Invalid;
    }
  }
  return missing ? Miss.SizeMissing : mismatch ? Miss.SizeMismatch : Miss.LongMode;
}

/**
 * The classes a slot of `form` takes at 64 bits in its 64-bit counterpart (a 64-bit register, a
 * qword memory operand, a qword value), or 0 where the slot is the same as in the form.
 */
function widenedClasses(form: FormSpec, kind: OperandKind): number {
  switch (kind) {
    case 'r32': case 'eax': return OperandClass.Reg;
    case 'rm32': return OperandClass.Reg | OperandClass.Mem;
    case 'imm32': case 'sbyte32': case 'rel32': return OperandClass.Imm;
    case 'rm16': case 'm16': return form.long === true ? OperandClass.Reg | OperandClass.Mem : 0;
    default: return 0;
  }
}

function hasLongForm(form: FormSpec): boolean {
  return form.long !== undefined ? form.long !== false : form.operands.includes('rm32');
}

const IMPOSSIBLE_ADDRESS_SIZES = 'impossible combination of address sizes';

/** nasm's warning of `rel` in a reference with registers (see MemOperand.rel). */
const NOT_RIP_RELATIVE = 'indirect address displacements cannot be RIP-relative';

/**
 * Whether a reference's base and index are registers of two sizes (`[eax+bx]`), which no address
 * size takes: nasm's error before it looks for a form, then, where a form takes the operands, its
 * reading of the reference at the mode's address size fails too (assemble.c, add_asp then
 * process_ea; measured with nasm 2.16.01: `mov eax, [eax+bx]` is both errors in bits 32 and 16,
 * `mov eax, [eax+bx], 1` the first alone).
 */
function mixesAddressSizes(mem: MemOperand): boolean {
  return mem.base !== undefined && mem.index !== undefined && registerInfo(mem.base).bits !== registerInfo(mem.index).bits;
}

/**
 * Whether the address sizes of `req` disagree: nasm settles them before it looks for a form
 * (assemble.c, add_asp), so this is its error where no form or no operation size would do
 * (measured: `a16 mov [ebx], 1` and `mov [qword 5], 1` are this, not "operation size not
 * specified"). An a16/a32 prefix and each memory operand must agree; a `qword` address no mode of
 * the dialect has. (A bare `[0x10]` takes either: `mov [bx], [0x10]` is an invalid combination.)
 */
function impossibleAddressSizes(req: EncodeRequest): boolean {
  let addressSize: number | undefined = req.prefixes.includes('a16') ? 16 : req.prefixes.includes('a32') ? 32 : undefined;
  for (const op of req.operands) {
    if (op.kind !== 'mem') continue;
    if (mixesAddressSizes(op)) return true;
    const size = op.base !== undefined || op.index !== undefined ? op.addressSize : op.dispSize !== undefined && op.dispSize > 8 ? op.dispSize : undefined;
    if (size === undefined) continue;
    if (size === 64 || (addressSize !== undefined && size !== addressSize)) return true;
    addressSize = size;
  }
  return false;
}

/**
 * nasm's message when no form of the instruction takes the operands: memory references of two
 * address sizes first, then the nearest miss among the forms (see Miss).
 */
function whyNoFormFits(forms: readonly FormSpec[], recipes: readonly FormRecipe[], classes: Int32Array, wanted: number, ctx: MatchContext): string {
  const ops = ctx.req.operands;
  // `jmp far x` (the parser allows `far` on a value to JMP and CALL only) that no far form takes
  // (see farImmediate): of a size other than word or dword (measured: `jmp far byte 5`).
  const target = ops[0];
  if (ops.length === 1 && target.kind === 'imm' && target.jump === 'far') return MISS_MESSAGE[Miss.SizeMismatch];
  if (impossibleAddressSizes(ctx.req)) return IMPOSSIBLE_ADDRESS_SIZES;
  ctx.explaining = true;
  let best = Miss.Invalid;
  for (let f = 0; f < forms.length && best !== Miss.LongMode; f++) {
    // (A slot that takes no operand of the class given is an invalid combination, 64-bit or not.)
    if ((classes[f] & wanted) !== wanted) continue;
    // (No form of the dialect takes a 64-bit register.)
    const miss = Math.max(ctx.wide === 0 ? formMiss(forms[f], recipes[f], ctx) : Miss.Invalid, hasLongForm(forms[f]) ? longFormMiss(forms[f], recipes[f], ctx) : Miss.Invalid);
    if (miss > best) best = miss;
  }
  ctx.explaining = false;
  return best === Miss.LongMode ? `instruction not supported in ${ctx.req.bits}-bit mode` : MISS_MESSAGE[best];
}

/**
 * nasm's error for instruction `req` whose operands `wide` (a bit each) are 64-bit registers
 * (`rax`, `r8`; each given as a 32-bit one), which outside 64-bit mode no form takes: "instruction
 * not supported in N-bit mode" where one of the 64-bit forms the table knows (see FormSpec.long)
 * takes the operands (measured with nasm 2.16.01: `mov rax, 1`, `push r8`, `jmp rax`, `mov rax,
 * [eax]`). Undefined where none does: nasm's word then depends on 64-bit forms the table does
 * not hold (`movzx rax, bl` not supported, `mov eax, rcx` an invalid combination).
 */
export function wideRegisterProblem(req: EncodeRequest, wide: number): string | undefined {
  const spec = findInstruction(req.mnemonic);
  if (spec === undefined) return undefined;
  const ctx = match;
  ctx.req = req;
  ctx.spec = spec;
  for (let i = 0; i < req.operands.length; i++) { const op = req.operands[i]; ctx.registers[i] = op.kind === 'reg' ? registerInfo(op.reg) : undefined; }
  ctx.wide = wide;
  try {
    const message = whyNoFormFits(spec.forms, recipesOf(spec), formClasses(spec), requestClassMask(req.operands), ctx);
    return message.startsWith('instruction not supported') ? message : undefined;
  } finally {
    ctx.wide = 0;
  }
}

/** The selector of `jmp far 5`: a segment the output format would give (see farImmediate). */
const NO_SEGMENT: OperandValue = { value: 0, reloc: false };

/**
 * `jmp far 5`, `call far label`: nasm puts out the far form with the value for its offset and a
 * segment for its selector that the bin format has none of (the listing shows `[ssss]`), and an
 * error for it (measured: in bits 32 `jmp far 5` is EA 05000000 [ssss], "value referenced by FAR
 * is not relocatable"; `jmp far label` "binary output format does not support segment base
 * references"). Undefined when the far form does not take the value (see whyNoFormFits).
 */
function farImmediate(req: EncodeRequest): EncodeResult | undefined {
  const target = req.operands[0];
  if (req.operands.length !== 1 || target.kind !== 'imm' || target.jump !== 'far') return undefined;
  const size = target.size === 16 || target.size === 32 ? target.size : target.size === undefined ? undefined : 0;
  if (size === 0) return undefined;
  const r = encode({ ...req, operands: [{ kind: 'farptr', selector: NO_SEGMENT, offset: target, size }] });
  if (!r.ok) return undefined;
  return { ...r, problems: [...r.problems, error(target.reloc ? 'binary output format does not support segment base references' : 'value referenced by FAR is not relocatable', 0)] };
}

function error(message: string, operand?: number, final?: boolean): EncodeProblem {
  return { message, severity: 'error', ...(operand === undefined ? {} : { operand }), ...(final === undefined ? {} : { final }) };
}

/**
 * Whether nasm warns once, not twice, of `mem`'s displacement out of its `bytes` (see
 * displacementChecksFailed). A label's it checks once whatever its value, as the assembler knows.
 */
function warnedOnce(mem: MemOperand, bytes: number, addressBits: 16 | 32, modeBits: 16 | 32): boolean {
  const v = mem.disp.value;
  return !mem.disp.reloc && mem.disp.written === undefined && v !== undefined && (bytes === 1 || bytes === 2 || bytes === 4) && displacementChecksFailed(v, addressBits, bytes, modeBits) === 1;
}

function warning(message: string, operand?: number): EncodeProblem {
  return { message, severity: 'warning', ...(operand === undefined ? {} : { operand }) };
}

export interface Prefixes {
  readonly repeat?: number;
  readonly lock: boolean;
  readonly segment?: number;
  readonly operandSize?: 16 | 32;
  readonly addressSize?: 16 | 32;
}

const SEGMENT_PREFIX: Readonly<Record<string, number>> = { es: 0x26, cs: 0x2e, ss: 0x36, ds: 0x3e, fs: 0x64, gs: 0x65 };

/** The prefixes of the many instructions written without any: one object, not one per encoding. */
const NO_PREFIXES: Prefixes = Object.freeze({ repeat: undefined, lock: false, segment: undefined, operandSize: undefined, addressSize: undefined });

export function collectPrefixes(prefixes: readonly PrefixName[], problems: EncodeProblem[]): Prefixes | undefined {
  if (prefixes.length === 0) return NO_PREFIXES;
  let repeat: number | undefined;
  let lock = false;
  let segment: number | undefined;
  let operandSize: 16 | 32 | undefined;
  let addressSize: 16 | 32 | undefined;
  // nasm keeps one prefix word per slot: the same word again is redundant, another word in the
  // slot a conflict, even one with the same byte (measured: `rep repe` is an error).
  let repeatWord: PrefixName | undefined;
  let segmentWord: PrefixName | undefined;
  let redundant = false;
  const conflict = (): undefined => { problems.push(error('instruction has conflicting prefixes')); return undefined; };
  for (const p of prefixes) {
    switch (p) {
      case 'lock': redundant ||= lock; lock = true; break;
      case 'rep': case 'repe': case 'repz': case 'repne': case 'repnz':
        if (repeatWord !== undefined && repeatWord !== p) return conflict();
        redundant ||= repeatWord === p;
        repeatWord = p;
        repeat = p === 'repne' || p === 'repnz' ? 0xf2 : 0xf3; break;
      case 'o16': case 'o32': {
        const size = p === 'o16' ? 16 : 32;
        if (operandSize !== undefined && operandSize !== size) return conflict();
        redundant ||= operandSize === size;
        operandSize = size; break;
      }
      case 'a16': case 'a32': {
        const size = p === 'a16' ? 16 : 32;
        if (addressSize !== undefined && addressSize !== size) return conflict();
        redundant ||= addressSize === size;
        addressSize = size; break;
      }
      default: {
        if (segmentWord !== undefined && segmentWord !== p) return conflict();
        redundant ||= segmentWord === p;
        segmentWord = p;
        segment = SEGMENT_PREFIX[p];
      }
    }
  }
  if (redundant) problems.push(warning('instruction has redundant prefixes'));
  return { repeat, lock, segment, operandSize, addressSize };
}

/** Size of the blocks that encodings' bytes are cut from (a few thousand instructions each). */
const BYTES_BLOCK = 8192;

/**
 * The bytes of the instruction being laid out, in one buffer reused for every instruction: no
 * growing array per instruction. Layout writes at most five prefixes, three opcode bytes, ModR/M,
 * SIB and fourteen bytes of displacement, immediates or far pointer: under the buffer's 32.
 */
class InstructionBytes {
  private readonly buffer = new Uint8Array(32);
  length = 0;
  /** The block `take` cuts copies from, and how much of it is taken. */
  private block = new ArrayBuffer(BYTES_BLOCK);
  private blockUsed = 0;

  push(byte: number): void {
    this.buffer[this.length++] = byte;
  }

  pushLittleEndian(value: number, bytes: number): void {
    if (bytes <= 4 && Number.isInteger(value)) {
      // ToInt32 keeps an integer's low 32 bits exactly: its bytes without the floating-point
      // remainder and division below, which cost a library call each.
      const low = value | 0;
      for (let i = 0; i < bytes; i++) this.buffer[this.length++] = (low >> (8 * i)) & 0xff;
      return;
    }
    let v = value;
    for (let i = 0; i < bytes; i++) {
      this.buffer[this.length++] = ((v % 256) + 256) % 256;
      v = Math.floor(v / 256);
    }
  }

  /**
   * A copy of the bytes written since the last `take`, which starts the next instruction. The
   * copies are views into shared blocks: a typed array of its own costs an ArrayBuffer object and
   * a backing store besides the view, for a few bytes that live as long as the encoding is kept.
   */
  take(): Uint8Array {
    const n = this.length;
    if (this.blockUsed + n > this.block.byteLength) {
      this.block = new ArrayBuffer(BYTES_BLOCK);
      this.blockUsed = 0;
    }
    const bytes = new Uint8Array(this.block, this.blockUsed, n);
    for (let i = 0; i < n; i++) bytes[i] = this.buffer[i];
    this.blockUsed += n;
    this.length = 0;
    return bytes;
  }
}

const instructionBytes = new InstructionBytes();

/**
 * Instructions whose byte immediate is a count, port, vector or level: NASM checks it as
 * unsigned (0..255) and warns on negative values (measured with nasm 2.16 -w+all).
 */
const UNSIGNED_BYTE_OPERAND = new Set([
  'int', 'in', 'out', 'enter', 'aam', 'aad', 'rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sar',
  'shld', 'shrd', 'bt', 'bts', 'btr', 'btc',
]);

/** The warning for an obsolete form (FormSpec.obsolete) under every processor but the 8086. */
export const OBSOLETE_REMOVED = 'instruction obsolete and removed from the target CPU';

/** Read-modify-write instructions LOCK may precede, when their destination is memory (Intel SDM "LOCK"). */
const LOCKABLE = new Set(['add', 'adc', 'and', 'btc', 'btr', 'bts', 'cmpxchg', 'cmpxchg8b', 'dec', 'inc', 'neg', 'not', 'or', 'sbb', 'sub', 'xor', 'xadd', 'xchg']);

const IMMEDIATE_LIMIT = { ib: 0x100, iw: 0x10000, id: 0x100000000 } as const;
const IMMEDIATE_NAME = { ib: 'byte', iw: 'word', id: 'dword' } as const;

/**
 * Near CALL/JMP/Jcc/RET: F2 before them is the MPX BND prefix, which NASM accepts only written
 * as `bnd` (measured: `repne jmp near x`, `repne ret` and `repne jz short x` are errors;
 * `repne jmp short x` and a Jcc the optimizer shortened are not).
 */
function isNearBranch(spec: InstructionSpec, form: FormSpec, recipe: FormRecipe, ops: readonly AsmOperand[]): boolean {
  if (recipe.relative !== undefined) {
    const target = ops[form.roles.indexOf('j')];
    return recipe.relative > 1 || (spec.mnemonic !== 'jmp' && target?.kind === 'imm' && target.jump === 'short');
  }
  if (spec.mnemonic === 'ret' || spec.mnemonic === 'retw' || spec.mnemonic === 'retnw' || spec.mnemonic === 'retd') return true;
  return (spec.mnemonic === 'jmp' || spec.mnemonic === 'call') && (form.operands[0] === 'rm16' || form.operands[0] === 'rm32');
}

/** The register number of the operand in `role` ('o', 'r', 'b'), 0 when there is none. */
function registerNumber(form: FormSpec, ops: readonly AsmOperand[], role: string): number {
  const i = form.roles.indexOf(role);
  const op = i >= 0 ? ops[i] : undefined;
  return op?.kind === 'reg' ? registerInfo(op.reg).num : 0;
}

/** Lays out one instruction with a chosen form; undefined when a relaxable short branch is out of range. */
function layout(form: FormSpec, recipe: FormRecipe, req: EncodeRequest, spec: InstructionSpec, prefixes: Prefixes, optimisticShort: boolean, problems: EncodeProblem[]): Uint8Array | undefined | 'error' {
  const ops = req.operands;
  const out = instructionBytes;
  out.length = 0;
  // Prefix order as NASM emits it (measured): F2/F3, F0, segment, 66, 67.
  if (prefixes.repeat !== undefined) out.push(prefixes.repeat);
  if (prefixes.lock) {
    out.push(0xf0);
    if (!LOCKABLE.has(spec.mnemonic) || ops[0]?.kind !== 'mem') problems.push(warning('instruction is not lockable'));
  }
  let memIndex = -1;
  for (let i = 0; i < ops.length; i++) if (ops[i].kind === 'mem') memIndex = i;
  const mem = memIndex >= 0 ? ops[memIndex] as MemOperand : undefined;
  let segment = prefixes.segment;
  if (mem?.segment !== undefined) {
    const byte = SEGMENT_PREFIX[mem.segment];
    // NASM refuses a segment prefix word together with an override inside the brackets, even the same one.
    if (segment !== undefined) { problems.push(error('instruction has conflicting segment overrides', memIndex)); return 'error'; }
    segment = byte;
  }
  if (segment !== undefined) out.push(segment);
  let operandSize = recipe.operandSize;
  if (req.optimization !== undefined && form.registerSizedBelowOx === true) {
    const rm = ops[form.roles.indexOf('m')];
    if (rm.kind === 'reg') operandSize = registerInfo(rm.reg).cls === 'gpr32' ? 32 : 16;
  }
  if (prefixes.operandSize !== undefined) {
    // `o32 jmp far [x]`, `o16 jmp 1:5`: an unsized far pointer takes its offset size from the prefix (nasm: no warning);
    // so does a branch to an unsized target (measured: in bits 16 `o32 jmp near x`, `o32 call x` and,
    // at -O0 and -O1, `o32 jmp x` are 66 E9/E8 rel16 without a warning, `o16 jmp dword x` warns).
    const unsizedTarget = (ops[0]?.kind === 'farptr' || (recipe.relative !== undefined && ops[0]?.kind === 'imm')) && ops[0].size === undefined;
    if (operandSize !== undefined && operandSize !== prefixes.operandSize && !(mem?.far === true && mem.size === undefined) && !unsizedTarget) {
      problems.push(warning(`invalid operand size prefix, must be o${operandSize}`));
    }
    operandSize = prefixes.operandSize;
  }
  if (operandSize !== undefined && operandSize !== req.bits) out.push(0x66);
  // A `qword` address, which only 64-bit mode has: nasm's address size check finds none, then
  // ignores the written size (assemble.c; measured: `mov eax, [qword 5]` in bits 32 and 16).
  if (mem !== undefined && mem.dispSize === 64 && mem.base === undefined && mem.index === undefined) {
    problems.push(error('impossible combination of address sizes', memIndex), warning('displacement size ignored on absolute address', memIndex));
    return 'error';
  }
  if (mem !== undefined && mixesAddressSizes(mem)) {
    problems.push(error(IMPOSSIBLE_ADDRESS_SIZES, memIndex), error(`invalid ${req.bits}-bit effective address`, memIndex));
    return 'error';
  }
  const memAddressSize = mem === undefined ? undefined : addressSizeOf(mem, req.bits, prefixes.addressSize);
  if (prefixes.addressSize !== undefined && memAddressSize !== undefined && memAddressSize !== prefixes.addressSize) {
    problems.push(error('impossible combination of address sizes', memIndex));
    // nasm goes on to read the reference at the mode's address size (assemble.c, process_ea;
    // measured): 32-bit registers are no 16-bit address, nor take a word displacement, and 16-bit
    // ones no dword (`a16 mov al, [ebx]` in bits 16, `a16 mov eax, [word ebx]` in bits 32, `a32
    // mov ax, [dword bx]` in bits 16, "invalid N-bit effective address" too); an absolute
    // address's written size other than the mode's is ignored, with the warning for it (`a16 mov
    // al, [dword 5]` in bits 16).
    const m = mem!;
    if (m.base !== undefined || m.index !== undefined) {
      const invalid = m.addressSize === 32 ? req.bits === 16 || m.dispSize === 16 || m.dispSize === 64 : m.dispSize === 32 || m.dispSize === 64;
      if (invalid) problems.push(error(`invalid ${req.bits}-bit effective address`, memIndex));
      else if (m.rel === true) problems.push(warning(NOT_RIP_RELATIVE, memIndex));
    } else if (m.dispSize !== req.bits) problems.push(warning('displacement size ignored on absolute address', memIndex));
    return 'error';
  }
  // Without a memory operand the form's own size (JCXZ's a16, JECXZ's a32) and an a16/a32
  // prefix each ask for 67 when they differ from the mode, and one 67 serves both (measured:
  // `a16 jecxz` in bits 32 and `a32 jcxz` in bits 16 are both 67 E3).
  const addressSize = memAddressSize ?? recipe.addressSize;
  if ((addressSize !== undefined && addressSize !== req.bits) || (prefixes.addressSize !== undefined && prefixes.addressSize !== req.bits)) out.push(0x67);

  for (let i = 0; i < recipe.opcode.length; i++) {
    const last = i === recipe.opcode.length - 1;
    out.push(recipe.opcode[i] + (last && recipe.plusRegister ? registerNumber(form, ops, 'o') : 0));
  }
  if (recipe.modrm !== undefined) {
    const reg = recipe.modrm === 'r' ? (form.roles.includes('r') ? registerNumber(form, ops, 'r') : registerNumber(form, ops, 'b')) : recipe.modrm;
    const rmIndex = form.roles.includes('m') ? form.roles.indexOf('m') : form.roles.indexOf('b');
    const rmOp = ops[rmIndex];
    if (rmOp.kind === 'reg') {
      out.push(0xc0 | (reg << 3) | registerInfo(rmOp.reg).num);
    } else if (rmOp.kind === 'mem') {
      // (Measured: `mov eax, [byte 4]` is 8B 05 04000000 with this warning, which nasm gives twice.)
      if ((rmOp.dispSize === 8 || rmOp.byteWritten === true) && rmOp.base === undefined && rmOp.index === undefined) problems.push(warning('displacement size ignored on absolute address', rmIndex));
      const ea = encodeEffectiveAddress(memAddressSize === rmOp.addressSize ? rmOp : { ...rmOp, addressSize: memAddressSize ?? rmOp.addressSize });
      // (Every reference no form takes is "invalid N-bit effective address" to nasm, N the mode's
      // size, whatever the registers' size: measured, `[ax+bx]` and `[dword bx]` in bits 32.)
      if (typeof ea === 'string') { problems.push(error(`invalid ${req.bits}-bit effective address`, rmIndex)); return 'error'; }
      if (rmOp.rel === true) problems.push(warning(NOT_RIP_RELATIVE, rmIndex));
      out.push((ea.mod << 6) | (reg << 3) | ea.rm);
      if (ea.sib >= 0) out.push(ea.sib);
      out.pushLittleEndian(rmOp.disp.written ?? ea.disp, ea.dispBytes);
      if (ea.dispOverflow !== undefined) {
        const w = warning(`${ea.dispOverflow} data exceeds bounds`, rmIndex);
        problems.push(warnedOnce(rmOp, ea.dispBytes, memAddressSize ?? rmOp.addressSize, req.bits) ? { ...w, once: true } : w);
      }
    }
  }
  if (recipe.moffs && mem !== undefined) {
    const value = mem.disp.value ?? 0;
    if (!mem.disp.reloc && (memAddressSize === 16 ? value > 0xffff || value < -0x10000 : value > 0xffffffff || value < -0x100000000)) {
      problems.push(warning(`${memAddressSize === 16 ? 'word' : 'dword'} data exceeds bounds`, memIndex));
    }
    out.pushLittleEndian(value, memAddressSize === 16 ? 2 : 4);
  }
  let fieldIndex = 0;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    const role = form.roles[i];
    if (role === 'i' && op.kind === 'imm') {
      const field = recipe.immediates[fieldIndex++];
      const value = op.value ?? 0;
      const known = isSimpleKnown(op) || (op.scaled === true && op.value !== undefined);
      if (field === 'ibs') {
        const kind = form.operands[i];
        // nasm takes a sign-extended byte that is -128..127, or the top 128 values of the
        // operation size (`or ax, byte 0xffff` is -1; measured), and warns on any other: as a
        // signed byte for an explicit `byte`, else at the operation size (`add eax, -4294967295`).
        const size = kind === 'sbyte16' ? 16 : kind === 'sbyte32' ? 32 : recipe.operandSize ?? req.bits;
        const top = size === 16 ? 0x10000 : 0x100000000;
        if (known && (kind === 'imm8' || kind === 'sbyte16' || kind === 'sbyte32') && (value < -128 || value > 127) && (value < top - 128 || value >= top)) {
          problems.push(warning(kind === 'imm8' ? 'signed byte value exceeds bounds' : `${size === 16 ? 'word' : 'dword'} value exceeds bounds`, i));
        }
        out.pushLittleEndian(value, 1);
      } else {
        const limit = IMMEDIATE_LIMIT[field];
        const low = field === 'ib' && UNSIGNED_BYTE_OPERAND.has(spec.mnemonic) ? 0 : -limit;
        if (known && (value >= limit || value < low)) problems.push(warning(`${IMMEDIATE_NAME[field]} data exceeds bounds`, i));
        out.pushLittleEndian(value, field === 'ib' ? 1 : field === 'iw' ? 2 : 4);
      }
    } else if (role === 'p' && op.kind === 'farptr') {
      // The offset field follows the form's size even under an o16/o32 prefix (measured).
      const formSize = recipe.operandSize ?? req.bits;
      const offsetBytes = formSize === 16 ? 2 : 4;
      const offset = op.offset.value ?? 0;
      const limit = offsetBytes === 2 ? 0x10000 : 0x100000000;
      if (!op.offset.reloc && (offset >= limit || offset < -limit)) problems.push(warning(`${offsetBytes === 2 ? 'word' : 'dword'} data exceeds bounds`, i));
      out.pushLittleEndian(offset, offsetBytes);
      // The selector is a word of data to nasm, checked after the offset (measured: `jmp 0x10000:0`).
      const selector = op.selector.value ?? 0;
      if (!op.selector.reloc && (selector >= 0x10000 || selector < -0x10000)) problems.push({ ...warning('word data exceeds bounds', i), selector: true });
      out.pushLittleEndian(selector, 2);
    }
  }
  if (form.obsolete === true) problems.push(warning(OBSOLETE_REMOVED));
  if (prefixes.repeat === 0xf2 && isNearBranch(spec, form, recipe, ops)) {
    problems.push(error('repne prefix is not allowed'));
    return 'error';
  }
  if (recipe.relative !== undefined) {
    const i = form.roles.indexOf('j');
    const op = ops[i] as ImmOperand;
    const size = recipe.relative;
    const end = req.address + out.length + size;
    // (measured: `jmp (1 <=> 2)` at org 0x100 + 5 is EB F9, `call (1 <=> 2)` there E8 F8 FE.)
    const target = op.value ?? (op.unknown === true ? 0 : undefined);
    const disp = target === undefined ? 0 : target - end;
    // NASM range-checks only targets in the branch's own segment; a number, or a label in another
    // section, is simply truncated (measured: `jmp short start` 0xCA bytes on in the next section is
    // EB 36; a near one in bits 16 to a section at 0x100000 is warned of by no "word data exceeds bounds").
    if (size === 1 && target !== undefined && inOwnSegment(op, req) && op.scaled !== true && (disp < -128 || disp > 127)) {
      if (optimisticShort) return undefined;
      // nasm then also warns of the displacement it cut to a byte, and puts that byte out (measured:
      // `jmp short x` 0x35 bytes on is EB 33, listed so).
      problems.push(error('short jump is out of range', i, true), warning('byte data exceeds bounds', i));
    }
    if (size === 2 && target !== undefined && op.reloc && inOwnSegment(op, req) && op.scaled !== true && (disp > 0xffff || disp < -0x10000)) problems.push(warning('word data exceeds bounds', i));
    out.pushLittleEndian(disp, size);
  }
  return out.take();
}

/**
 * The problems of the many encodings that have none: one shared array, so a result carries no
 * empty array of its own (the assembler keeps results across passes and assemblies).
 */
const NO_PROBLEMS: readonly EncodeProblem[] = Object.freeze([]);

function hasUnsizedMemory(operands: readonly AsmOperand[]): boolean {
  for (const o of operands) if (o.kind === 'mem' && o.size === undefined) return true;
  return false;
}

function hasImmediate(operands: readonly AsmOperand[]): boolean {
  for (const o of operands) if (o.kind === 'imm') return true;
  return false;
}

/** Prefix words: the last of a line of prefixes alone arrives as its mnemonic. */
const PREFIX_WORDS: ReadonlySet<string> = new Set(PREFIX_MNEMONICS);

/** What a line of prefixes alone is an encoding of: no instruction of the table. */
const PREFIXES_ALONE: InstructionSpec = {
  mnemonic: 'prefixes', summary: 'Prefixes without an instruction.', group: 'misc', privilege: 'innocuous',
  virt: { trapAndEmulate: 'runs', binaryTranslation: 'copied', paravirtual: 'runs', hardwareAssisted: 'no-exit' },
  forms: [{ operands: [], roles: '', encoding: '' }],
};

/**
 * `rep`, `es`, `o16` on a line of their own: nasm emits the prefix bytes in its usual order, an
 * o16/o32 or a16/a32 only when it differs from the mode, and warns that a lone LOCK locks nothing.
 */
function encodePrefixesAlone(req: EncodeRequest): EncodeResult {
  const problems: EncodeProblem[] = [];
  const prefixes = collectPrefixes([...req.prefixes, req.mnemonic as PrefixName], problems);
  if (prefixes === undefined) return { ok: false, problems };
  const out = instructionBytes;
  out.length = 0;
  if (prefixes.repeat !== undefined) out.push(prefixes.repeat);
  if (prefixes.lock) { out.push(0xf0); problems.push(warning('instruction is not lockable')); }
  if (prefixes.segment !== undefined) out.push(prefixes.segment);
  if (prefixes.operandSize !== undefined && prefixes.operandSize !== req.bits) out.push(0x66);
  if (prefixes.addressSize !== undefined && prefixes.addressSize !== req.bits) out.push(0x67);
  return { ok: true, bytes: out.take(), spec: PREFIXES_ALONE, form: PREFIXES_ALONE.forms[0], problems };
}

/** The problems of the form being laid out: one array for every form tried, copied into a result that has any. */
const formProblems: EncodeProblem[] = [];

/** Encodes one instruction exactly as `nasm -f bin` would. */
/**
 * `lea eax, label`: nasm takes an immediate source of LEA for the address `[label]` (the same
 * bytes, measured); undefined for any other request.
 */
function leaOfImmediate(req: EncodeRequest): EncodeRequest | undefined {
  const [dst, src] = req.operands;
  // (`near` and `short` too: measured, `lea dx, short 5` is 8D 16 05 00.)
  if (req.mnemonic !== 'lea' || req.operands.length !== 2 || dst.kind !== 'reg' || src.kind !== 'imm' || src.jump === 'far') return undefined;
  const disp: OperandValue = { value: src.value, reloc: src.reloc, section: src.section, sectionOffset: src.sectionOffset };
  return { ...req, operands: [dst, { kind: 'mem', scale: 1, disp, hasDisp: true, addressSize: req.bits }] };
}

export function encode(req: EncodeRequest): EncodeResult {
  const spec = findInstruction(req.mnemonic);
  if (spec === undefined) {
    if (PREFIX_WORDS.has(req.mnemonic)) return encodePrefixesAlone(req);
    return { ok: false, problems: [error(`unknown instruction '${req.mnemonic}'`)] };
  }
  // The request's own problems (prefixes): most requests have no prefixes and no array.
  const problems: EncodeProblem[] | undefined = req.prefixes.length === 0 ? undefined : [];
  const prefixes = problems === undefined ? NO_PREFIXES : collectPrefixes(req.prefixes, problems);
  if (prefixes === undefined) return { ok: false, problems: problems! };
  const ops = req.operands;
  const ctx = match;
  ctx.req = req;
  ctx.spec = spec;
  for (let i = 0; i < ops.length; i++) { const op = ops[i]; ctx.registers[i] = op.kind === 'reg' ? registerInfo(op.reg) : undefined; }
  const forms = spec.forms;
  const recipes = recipesOf(spec);
  const classes = formClasses(spec);
  const wanted = requestClassMask(ops);
  // The forms that fit, bit f for form f: the candidates, in form order, without an array.
  let fits = 0;
  for (let f = 0; f < forms.length; f++) {
    if ((classes[f] & wanted) === wanted && fitForm(forms[f], recipes[f], ctx) === Fit.Yes) fits |= 1 << f;
  }
  if (fits === 0) {
    const asMemory = leaOfImmediate(req);
    if (asMemory !== undefined) return encode(asMemory);
    const far = farImmediate(req);
    if (far !== undefined) return far;
    return { ok: false, problems: [error(whyNoFormFits(forms, recipes, classes, wanted, ctx))] };
  }
  // With an unsized memory operand, a `byte` immediate makes the operation a byte one
  // (measured: `cmp [eax], byte 5` is 80 /7 ib, not the sign-extended 83 forms).
  if (hasUnsizedMemory(ops) && hasImmediate(ops)) {
    let kept = fits;
    for (let f = 0; f < forms.length; f++) {
      if ((fits & (1 << f)) !== 0 && forms[f].operands.some((k, i) => k === 'imm8' && ops[i].kind === 'imm' && recipes[f].immediates.includes('ibs'))) kept &= ~(1 << f);
    }
    if (kept !== 0) fits = kept;
  }
  // NASM refuses to guess the size of an unsized memory operand that several forms would give
  // different sizes (`inc [eax]`, `push [ebx]`, `mov [x], 5`).
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (op.kind !== 'mem' || op.size !== undefined) continue;
    let seen: number | undefined;
    for (let f = 0; f < forms.length; f++) {
      if ((fits & (1 << f)) === 0) continue;
      const size = impliedMemorySize(forms[f].operands[i]);
      if (size === undefined) continue;
      if (seen !== undefined && seen !== size) return { ok: false, problems: [error(impossibleAddressSizes(req) ? IMPOSSIBLE_ADDRESS_SIZES : 'operation size not specified', i)] };
      seen = size;
    }
  }
  for (let f = 0; f < forms.length; f++) {
    if ((fits & (1 << f)) === 0) continue;
    const form = forms[f];
    const recipe = recipes[f];
    const op = recipe.relative === 1 ? ops[form.roles.indexOf('j')] : undefined;
    // A short branch chosen by the optimizer falls through to the near form when out of range;
    // `short` or a short-only instruction (JCXZ, LOOP) reports the error instead.
    const optimistic = op?.kind === 'imm' && op.jump !== 'short' && fits >>> (f + 1) !== 0;
    // Each form tried starts from the request's own problems (none unless prefixes were redundant).
    if (formProblems.length > 0) formProblems.length = 0;
    if (problems !== undefined) formProblems.push(...problems);
    const bytes = layout(form, recipe, req, spec, prefixes, optimistic, formProblems);
    if (bytes === undefined) continue;
    if (bytes === 'error') return { ok: false, problems: formProblems.slice() };
    return { ok: true, bytes, spec, form, problems: formProblems.length > 0 ? formProblems.slice() : NO_PROBLEMS };
  }
  return { ok: false, problems: [error('invalid combination of opcode and operands')] };
}
