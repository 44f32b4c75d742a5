// Where each operand's value sits in an instruction's bytes (the assembler's listing marks the
// values nasm relocates). The encoder writes a form's value fields after its opcode and ModR/M, in
// this order: displacement, moffs, immediates and far pointers (by operand), branch displacement.

import { addressSizeOf, collectPrefixes } from './encoder';
import { encodeEffectiveAddress, type EffectiveAddress } from './encode-ea';
import { recipesOf } from './encode-form';
import type { AsmOperand, EncodeRequest, EncodeResult, MemOperand } from './operands';

export interface EncodedField {
  /** The operand (by position in the request) whose value the field holds. */
  readonly operand: number;
  /**
   * `displacement`: a ModR/M address's; `moffs`: the address of a MOV to or from the
   * accumulator; `offset`/`selector`: the two halves of a far pointer; `relative`: a branch's.
   */
  readonly part: 'value' | 'displacement' | 'moffs' | 'offset' | 'selector' | 'relative';
  /** Its first byte, counted from the start of the instruction, and its size in bytes. */
  readonly start: number;
  readonly size: number;
}

const IMMEDIATE_BYTES: Readonly<Record<string, number>> = { ib: 1, ibs: 1, iw: 2, id: 4 };

/**
 * The value fields of `r`, the encoding of `req`, whose bytes are `length` long (an encoding the
 * assembler rewrote keeps its fields at the end: a Jcc over a JMP, under a `cpu` below 386).
 * Fields that would start before the instruction's second byte are left out (a rewrite that
 * shortened the instruction).
 */
export function encodedFields(req: EncodeRequest, r: Extract<EncodeResult, { ok: true }>, length = r.bytes.length): EncodedField[] {
  const form = r.form;
  const k = r.spec.forms.indexOf(form);
  // (Prefixes on a line of their own are an encoding of no form: no fields.)
  if (k < 0 || form.encoding === '') return [];
  const recipe = recipesOf(r.spec)[k];
  const ops = req.operands;
  // Written in this order; laid out from the end back.
  const fields: { operand: number; part: EncodedField['part']; size: number }[] = [];
  const prefixes = collectPrefixes(req.prefixes, []);
  let memIndex = -1;
  for (let i = 0; i < ops.length; i++) if (ops[i].kind === 'mem') memIndex = i;
  if (recipe.modrm !== undefined) {
    const rmIndex = form.roles.includes('m') ? form.roles.indexOf('m') : form.roles.indexOf('b');
    const ea = effectiveAddress(req, r);
    if (ea !== undefined && ea.dispBytes > 0) fields.push({ operand: rmIndex, part: 'displacement', size: ea.dispBytes });
  }
  if (recipe.moffs && memIndex >= 0) {
    fields.push({ operand: memIndex, part: 'moffs', size: addressSizeOf(ops[memIndex] as MemOperand, req.bits, prefixes?.addressSize) / 8 });
  }
  let immediate = 0;
  for (let i = 0; i < ops.length; i++) {
    const role = form.roles[i];
    if (role === 'i' && ops[i].kind === 'imm') fields.push({ operand: i, part: 'value', size: IMMEDIATE_BYTES[recipe.immediates[immediate++]] });
    // (`jmp far 5`: the value is the offset, its selector a segment; see the encoder's farImmediate.)
    else if (role === 'p' && (ops[i].kind === 'farptr' || ops[i].kind === 'imm')) {
      fields.push({ operand: i, part: 'offset', size: (recipe.operandSize ?? req.bits) / 8 }, { operand: i, part: 'selector', size: 2 });
    }
  }
  if (recipe.relative !== undefined) fields.push({ operand: form.roles.indexOf('j'), part: 'relative', size: recipe.relative });
  const out: EncodedField[] = [];
  let end = length;
  for (let f = fields.length - 1; f >= 0; f--) {
    end -= fields[f].size;
    if (end < 1) break;
    out.push({ ...fields[f], start: end });
  }
  return out.reverse();
}

/**
 * Where nasm's calls of its output routine end in the first `head` bytes of encoding `r` (those
 * before its value fields): one for each prefix, one for the opcode bytes (a register added into
 * the last is a call of its own after others), one for the ModR/M byte with its SIB. Measured
 * with nasm 2.16.01, which reports data in absolute space once a call: `lock add [eax], eax` three
 * times, `jz near x` and `movzx eax, bl` twice, `bswap eax` twice (0F, C8), `cpuid` once.
 */
export function headCalls(req: EncodeRequest, r: Extract<EncodeResult, { ok: true }>, head: number): number[] {
  const k = r.spec.forms.indexOf(r.form);
  const ends: number[] = [];
  if (k < 0 || r.form.encoding === '') {
    for (let i = 1; i <= head; i++) ends.push(i);
    return ends;
  }
  const recipe = recipesOf(r.spec)[k];
  const sib = recipe.modrm === undefined ? -1 : effectiveAddress(req, r)?.sib ?? -1;
  const modrm = recipe.modrm === undefined ? 0 : sib >= 0 ? 2 : 1;
  const opcodeEnd = head - modrm;
  const opcodeStart = opcodeEnd - recipe.opcode.length;
  for (let i = 1; i <= opcodeStart; i++) ends.push(i);
  if (recipe.plusRegister && recipe.opcode.length > 1) ends.push(opcodeEnd - 1);
  if (opcodeEnd > Math.max(0, opcodeStart)) ends.push(opcodeEnd);
  if (modrm > 0 && head > 0) ends.push(head);
  return ends;
}

/**
 * Where encoding `r`'s ModR/M byte starts in its first `head` bytes (its prefixes, opcode and
 * ModR/M, see headCalls), or undefined when it has none.
 */
export function modrmStart(req: EncodeRequest, r: Extract<EncodeResult, { ok: true }>, head: number): number | undefined {
  const k = r.spec.forms.indexOf(r.form);
  if (k < 0 || r.form.encoding === '' || head === 0) return undefined;
  const recipe = recipesOf(r.spec)[k];
  if (recipe.modrm === undefined) return undefined;
  const sib = effectiveAddress(req, r)?.sib ?? -1;
  return head - (sib >= 0 ? 2 : 1);
}

/** The effective address of encoding `r`'s ModR/M operand when it addresses memory (valid until the next call). */
function effectiveAddress(req: EncodeRequest, r: Extract<EncodeResult, { ok: true }>): EffectiveAddress | undefined {
  const form = r.form;
  const rm = asMemory(req.operands[form.roles.includes('m') ? form.roles.indexOf('m') : form.roles.indexOf('b')], req.bits);
  if (rm === undefined) return undefined;
  const addressSize = addressSizeOf(rm, req.bits, collectPrefixes(req.prefixes, [])?.addressSize);
  const ea = encodeEffectiveAddress(addressSize === rm.addressSize ? rm : { ...rm, addressSize });
  return typeof ea === 'string' ? undefined : ea;
}

/** The operand as the ModR/M byte addresses it: `lea eax, label` takes its immediate for `[label]`. */
function asMemory(op: AsmOperand | undefined, bits: 16 | 32): MemOperand | undefined {
  if (op?.kind === 'mem') return op;
  if (op?.kind === 'imm') return { kind: 'mem', scale: 1, disp: op, hasDisp: true, addressSize: bits };
  return undefined;
}
