// The IA-32 decoding engine over any list of instruction specs: prefixes, opcode lookup,
// ModR/M/SIB/displacement and fields → spec, form and AsmOperands. The hot path reads the
// precompiled decode index and allocates nothing but its result (STYLE.md §4).

import type { AsmOperand, MemOperand, PrefixName } from './operands';
import type { FormSpec, Gpr16, Gpr32, InstructionSpec, RegisterName, SegmentRegister } from './types';
import { CREG, DREG, GPR16, GPR32, GPR8, SREG } from './types';
import {
  buildDecodeIndex, FieldKind, ModrmUse, OperandSource, RegClass, RmAccept,
  type DecodeEntry, type DecodeIndex, type OperandPlan,
} from './decode-plan';

export interface DecodeOptions {
  readonly bits: 16 | 32;
  /** Address of the byte at `offset` (branch targets are absolute). */
  readonly address: number;
  /**
   * Decode as ndisasm reads the bytes rather than as the CPU runs them (the disassembler's
   * listing). ndisasm shows instructions that raise #UD: LOCK on any instruction (`lock nop`),
   * MOV to CS, VMCALL after 66 (`o16 vmcall`); it takes MOV to or from CRn/DRn only with mod 11,
   * where the CPU ignores mod; among the forms that fit it takes the one leaving the fewest
   * prefixes unused (`67 90` is `xchg eax,eax`, `67 D4 0A` is `aam 0xa`); and it reads
   * instructions longer than 15 bytes (see NDISASM_OPCODE_REACH). Off for the CPU.
   */
  readonly ndisasmRules?: boolean;
  /**
   * Only the LOCK part of ndisasmRules: LOCK decodes with any instruction it prefixes, though the
   * CPU raises #UD for it. The debugger's disassembly, which otherwise shows what the CPU runs.
   */
  readonly anyLock?: boolean;
}

export interface DecodedInstruction {
  readonly invalid: false;
  readonly address: number;
  readonly length: number;
  /**
   * Prefixes the instruction's form did not absorb, as NASM would write them: `lock`,
   * `rep`/`repe`/`repne`, a segment override no memory operand used, `o16`/`o32`, `a16`/`a32`.
   */
  readonly prefixes: readonly PrefixName[];
  readonly spec: InstructionSpec;
  readonly form: FormSpec;
  readonly operands: readonly AsmOperand[];
  /** Effective operand and address size after 66/67 prefixes. */
  readonly operandSize: 16 | 32;
  readonly addressSize: 16 | 32;
  /** The code size the bytes were decoded in. */
  readonly bits: 16 | 32;
  /** A 32-bit ModR/M absolute address (mod 00, r/m 101), which ndisasm prints `[dword x]`. */
  readonly eaDirect32: boolean;
  /** The memory operand has a SIB byte, which ndisasm marks `[dword ...]` in 16-bit code. */
  readonly eaSib: boolean;
  /**
   * ndisasm writes an address-size prefix the form does not use (`a16 ret`): on an instruction
   * without operands and, in 16-bit code, on one whose operands are all registers encoded in
   * ModR/M or the opcode (`a32 inc ax`); its matcher counts any other operand as using it.
   */
  readonly idleAddressPrefixShown: boolean;
  /** The form's immediate is a sign-extended byte (`ibs`). */
  readonly signExtendedImm: boolean;
}

export interface InvalidInstruction {
  readonly invalid: true;
  readonly address: number;
  /** Always 1: a disassembler shows one byte (`db 0x..`) and resynchronises after it. */
  readonly length: 1;
  /** True when the bytes ended before the instruction did. */
  readonly truncated: boolean;
}

export type DecodeResult = DecodedInstruction | InvalidInstruction;

/** Architectural limit on instruction length (Intel SDM Vol. 2 §2.1: 15 bytes, else #GP/#UD). */
const MAX_LENGTH = 15;
/**
 * ndisasm knows no length limit, but finds an instruction's opcode byte (the one after 0F in
 * that map) only among its first 31 bytes: after 30 prefixes (29 before 0F) it prints the first
 * prefix alone and starts again after it (measured with ndisasm 2.16.01).
 */
const NDISASM_OPCODE_REACH = 31;

const NO_PREFIXES: readonly PrefixName[] = Object.freeze([]);

/** Segment override prefix bytes and the registers they name. */
export const SEG_BY_PREFIX: Readonly<Record<number, SegmentRegister>> = { 0x26: 'es', 0x2e: 'cs', 0x36: 'ss', 0x3e: 'ds', 0x64: 'fs', 0x65: 'gs' };

/** 16-bit ModR/M r/m encodings (Intel SDM Vol. 2 Table 2-1). */
const RM16_BASE: readonly (Gpr16 | undefined)[] = ['bx', 'bx', 'bp', 'bp', undefined, undefined, 'bp', 'bx'];
const RM16_INDEX: readonly (Gpr16 | undefined)[] = ['si', 'di', 'si', 'di', 'si', 'di', undefined, undefined];

/** The instructions LOCK may prefix (SDM Vol. 2, LOCK—Assert LOCK# Signal Prefix). */
const LOCKABLE: ReadonlySet<string> = new Set([
  'add', 'adc', 'and', 'btc', 'btr', 'bts', 'cmpxchg', 'cmpxchg8b', 'dec', 'inc', 'neg', 'not', 'or', 'sbb', 'sub', 'xor', 'xadd', 'xchg',
]);

/** Operand kinds that name one register (`al`, `dx`, `es`; the table also writes `cx`/`ecx` for LOOP). */
const IMPLIED_REGS: ReadonlyMap<string, RegisterName> = new Map<string, RegisterName>(
  [...GPR32, ...GPR16, ...GPR8, ...SREG].map((r) => [r, r]));

function regName(cls: RegClass, num: number): RegisterName | undefined {
  switch (cls) {
    case RegClass.Gpr8: return GPR8[num];
    case RegClass.Gpr16: return GPR16[num];
    case RegClass.Gpr32: return GPR32[num];
    case RegClass.Sreg: return SREG[num];
    case RegClass.Creg: return CREG[num];
    case RegClass.Dreg: return DREG[num];
    default: return undefined;
  }
}

/** A decoder bound to one instruction list (the table by default; tests may pass others). */
export class Decoder {
  private readonly index: DecodeIndex;

  constructor(specs: readonly InstructionSpec[]) {
    this.index = buildDecodeIndex(specs);
  }

  /** Forms whose encoding strings could not be read (table defects). */
  get rejectedForms(): DecodeIndex['rejected'] { return this.index.rejected; }

  decode(bytes: Uint8Array, offset: number, opts: DecodeOptions): DecodeResult {
    const address = opts.address;
    const end = bytes.length;
    if (offset < 0 || offset >= end) return { invalid: true, address, length: 1, truncated: true };
    const ndisasm = opts.ndisasmRules === true;
    const limit = ndisasm ? end : Math.min(end, offset + MAX_LENGTH);
    const opcodeLimit = ndisasm ? Math.min(end, offset + NDISASM_OPCODE_REACH) : limit;
    let pos = offset;
    let opPrefix = false;
    let adPrefix = false;
    let lock = false;
    let rep = 0;
    let seg = 0;
    prefixes: while (pos < opcodeLimit) {
      const b = bytes[pos];
      switch (b) {
        case 0x66: opPrefix = true; break;
        case 0x67: adPrefix = true; break;
        case 0xf0: lock = true; break;
        case 0xf2: case 0xf3: rep = b; break;
        case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65: seg = b; break;
        default: break prefixes;
      }
      pos++;
    }
    if (pos >= opcodeLimit) return this.invalid(address, end, offset, pos + 1);
    let key = bytes[pos++];
    if (key === 0x0f) {
      if (pos >= opcodeLimit) return this.invalid(address, end, offset, pos + 1);
      key = 256 + bytes[pos++];
    }
    const list = this.index.byPrefixState[(opPrefix ? 1 : 0) | (adPrefix ? 2 : 0)][key];
    if (list === undefined) return { invalid: true, address, length: 1, truncated: false };

    const bits = opts.bits;
    const operandSize: 16 | 32 = opPrefix ? (bits === 32 ? 16 : 32) : bits;
    const addressSize: 16 | 32 = adPrefix ? (bits === 32 ? 16 : 32) : bits;
    const next = pos < limit ? bytes[pos] : -1;
    let entry: DecodeEntry | undefined;
    let fallback: DecodeEntry | undefined;
    let fewestUnused = 4;
    let needMore = false;
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      if (e.opSize !== 0 && e.opSize !== operandSize) continue;
      if (e.addrSize !== 0 && e.addrSize !== addressSize) continue;
      if (e.mandatoryPrefix !== 0) {
        if (e.mandatoryPrefix === 0xf2 || e.mandatoryPrefix === 0xf3) { if (rep !== e.mandatoryPrefix) continue; }
        else if (e.mandatoryPrefix === 0x66) { if (!opPrefix) continue; }
        else continue;
      }
      if (e.fixedNext >= 0) {
        if (next < 0) { needMore = true; continue; }
        if (next !== e.fixedNext) continue;
        // 0F 01 /reg-less opcodes (VMCALL) are #UD with a 66/F2/F3 prefix, which selects other
        // instructions in that space (SDM Vol. 2 §2.1.2 and Table A-6).
        if (e.map === 1 && (rep !== 0 || (opPrefix && !ndisasm)) && e.mandatoryPrefix === 0) continue;
      } else if (e.modrm !== ModrmUse.None) {
        if (next < 0) { needMore = true; continue; }
        const mod = e.modIgnored ? 3 : next >> 6;
        const reg = (next >> 3) & 7;
        if (e.modrm === ModrmUse.Digit && reg !== e.digit) continue;
        if (e.rm === RmAccept.MemoryOnly && mod === 3) continue;
        if (e.rm === RmAccept.RegisterOnly && mod !== 3) continue;
        if (e.sregInReg && (reg > 5 || (e.loadsSreg && reg === 1 && !ndisasm))) continue;
        if (e.cregInReg && (reg === 1 || reg > 4)) continue;
        if (e.modIgnored && ndisasm && next >> 6 !== 3) continue;
        if (e.fixedRm >= 0 && (mod !== 3 || (next & 7) !== e.fixedRm)) continue;
      }
      if (e.impliedSize !== 0 && e.impliedSize !== operandSize) { fallback ??= e; continue; }
      if (!ndisasm) { entry = e; break; }
      // ndisasm keeps, among the forms that fit, the first leaving the fewest prefixes to write.
      const regMode = e.modrm === ModrmUse.None || e.modIgnored || next >> 6 === 3;
      const unused = (rep !== 0 && e.mandatoryPrefix !== rep ? 1 : 0)
        + (opPrefix && !absorbsOperandPrefix(e, operandSize, regMode) ? 1 : 0)
        + (adPrefix && e.addrSize === 0 && regMode && idleAddressPrefixShown(e, regMode, bits) ? 1 : 0);
      if (unused < fewestUnused) { entry = e; fewestUnused = unused; }
      if (unused === 0) break;
    }
    entry ??= fallback;
    if (entry === undefined) {
      return { invalid: true, address, length: 1, truncated: needMore && end < offset + MAX_LENGTH };
    }
    // LOCK is allowed only on the listed read-modify-write instructions with a memory
    // destination; anything else raises #UD (SDM Vol. 2, LOCK—Assert LOCK# Signal Prefix).
    // XCHG writes both operands, so its memory operand may come second in the form.
    if (lock && !ndisasm && opts.anyLock !== true && (!LOCKABLE.has(entry.spec.mnemonic) || next >> 6 === 3 || entry.modrm === ModrmUse.None
      || (!entry.rmIsDestination && entry.spec.mnemonic !== 'xchg'))) {
      return { invalid: true, address, length: 1, truncated: false };
    }
    if (entry.fixedNext >= 0) pos++;

    // ModR/M, SIB and displacement (Intel SDM Vol. 2 §2.1.5, Tables 2-1 to 2-3).
    let modrm = -1;
    let hasMem = false;
    if (entry.modrm !== ModrmUse.None) {
      modrm = bytes[pos++];
      if ((modrm >> 6) !== 3 && !entry.modIgnored) {
        hasMem = true;
        pos = addressSize === 32 ? this.readMem32(bytes, pos, limit, modrm) : this.readMem16(bytes, pos, limit, modrm);
        if (pos < 0) return this.invalid(address, end, offset, limit + 1);
      }
    }

    // Immediate-like fields in encoding order; at most two exist (enter iw ib, ptr16:32).
    const fields = entry.fields;
    let f0 = 0, f1 = 0, f0sel = 0, f1sel = 0;
    for (let i = 0; i < fields.length; i++) {
      let value: number;
      let sel = 0;
      switch (fields[i]) {
        case FieldKind.Ib: case FieldKind.Cb: case FieldKind.Ibs:
          if (pos + 1 > limit) return this.invalid(address, end, offset, pos + 1);
          value = bytes[pos];
          if (fields[i] !== FieldKind.Ib) value = (value << 24) >> 24;
          pos += 1;
          break;
        case FieldKind.Iw: case FieldKind.Cw:
          if (pos + 2 > limit) return this.invalid(address, end, offset, pos + 2);
          value = bytes[pos] | (bytes[pos + 1] << 8);
          if (fields[i] === FieldKind.Cw) value = (value << 16) >> 16;
          pos += 2;
          break;
        case FieldKind.Id: case FieldKind.Cd:
          if (pos + 4 > limit) return this.invalid(address, end, offset, pos + 4);
          value = bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16) | (bytes[pos + 3] << 24);
          if (fields[i] === FieldKind.Id) value >>>= 0;
          pos += 4;
          break;
        case FieldKind.Ptr1616: case FieldKind.Ptr1632: {
          const offBytes = fields[i] === FieldKind.Ptr1616 ? 2 : 4;
          if (pos + offBytes + 2 > limit) return this.invalid(address, end, offset, pos + offBytes + 2);
          value = offBytes === 2 ? bytes[pos] | (bytes[pos + 1] << 8)
            : (bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16) | (bytes[pos + 3] << 24)) >>> 0;
          sel = bytes[pos + offBytes] | (bytes[pos + offBytes + 1] << 8);
          pos += offBytes + 2;
          break;
        }
        default: {
          // moffs: an address-size offset (Intel SDM Vol. 2, MOV—Move, "moffs").
          const n = addressSize === 32 ? 4 : 2;
          if (pos + n > limit) return this.invalid(address, end, offset, pos + n);
          value = n === 2 ? bytes[pos] | (bytes[pos + 1] << 8)
            : (bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16) | (bytes[pos + 3] << 24)) >>> 0;
          pos += n;
        }
      }
      if (i === 0) { f0 = value; f0sel = sel; } else { f1 = value; f1sel = sel; }
    }
    const length = pos - offset;
    const nextAddress = address + length;

    let segUsed = false;
    let memUsed = false;
    const plans = entry.operands;
    const operands: AsmOperand[] = new Array(plans.length);
    for (let i = 0; i < plans.length; i++) {
      const p: OperandPlan = plans[i];
      let op: AsmOperand;
      switch (p.source) {
        case OperandSource.ModrmReg:
          op = { kind: 'reg', reg: regName(p.regClass, (modrm >> 3) & 7) as RegisterName };
          break;
        case OperandSource.ModrmRm:
          if (hasMem) {
            memUsed = true;
            if (seg !== 0) segUsed = true;
            op = this.memOperand(seg !== 0 ? SEG_BY_PREFIX[seg] : undefined, p, plans.length, addressSize, operandSize !== bits ? operandSize : 0);
          } else {
            op = { kind: 'reg', reg: regName(p.regClass, modrm & 7) as RegisterName };
          }
          break;
        case OperandSource.OpcodeReg:
          op = { kind: 'reg', reg: regName(p.regClass, key & 7) as RegisterName };
          break;
        case OperandSource.Field: {
          const value = p.field === 0 ? f0 : f1;
          const fk = fields[p.field];
          if (fk === FieldKind.Cb || fk === FieldKind.Cw || fk === FieldKind.Cd) {
            const mask = operandSize === 16 ? 0xffff : 0xffffffff;
            const target = ((nextAddress + value) & mask) >>> 0;
            // `jmp word x` in 32-bit code: the size keyword NASM needs for the overridden form.
            op = operandSize !== bits && fk !== FieldKind.Cb
              ? { kind: 'imm', value: target, reloc: false, jump: 'near', size: operandSize }
              : { kind: 'imm', value: target, reloc: false, jump: fk === FieldKind.Cb ? 'short' : 'near' };
          } else if (fk === FieldKind.Ptr1616 || fk === FieldKind.Ptr1632) {
            op = {
              kind: 'farptr', selector: { value: p.field === 0 ? f0sel : f1sel, reloc: false },
              offset: { value, reloc: false }, size: fk === FieldKind.Ptr1616 ? 16 : 32,
            };
          } else if (fk === FieldKind.Moffs) {
            memUsed = true;
            const segment = seg !== 0 ? SEG_BY_PREFIX[seg] : undefined;
            if (segment !== undefined) segUsed = true;
            op = {
              kind: 'mem', size: p.memBits as 8 | 16 | 32, segment, scale: 1,
              disp: { value, reloc: false }, hasDisp: true, addressSize,
            };
          } else {
            op = { kind: 'imm', value, reloc: false };
          }
          break;
        }
        default: {
          const reg = IMPLIED_REGS.get(p.kind);
          op = reg !== undefined ? { kind: 'reg', reg } : { kind: 'imm', value: 1, reloc: false };
        }
      }
      operands[i] = op;
    }

    // Prefixes the form did not absorb, spelled as NASM prefixes.
    let prefixes = NO_PREFIXES;
    const regMode = !hasMem;
    const opConsumed = absorbsOperandPrefix(entry, operandSize, regMode);
    const adConsumed = entry.addrSize !== 0 || memUsed;
    const repConsumed = entry.mandatoryPrefix === rep;
    if (lock || (rep !== 0 && !repConsumed) || (seg !== 0 && !segUsed) || (opPrefix && !opConsumed) || (adPrefix && !adConsumed)) {
      const list: PrefixName[] = [];
      if (lock) list.push('lock');
      if (rep !== 0 && !repConsumed) {
        list.push(rep === 0xf2 ? 'repne' : entry.spec.repeat === 'repe' ? 'repe' : 'rep');
      }
      if (seg !== 0 && !segUsed) list.push(SEG_BY_PREFIX[seg]);
      if (opPrefix && !opConsumed) list.push(operandSize === 16 ? 'o16' : 'o32');
      if (adPrefix && !adConsumed) list.push(addressSize === 16 ? 'a16' : 'a32');
      prefixes = list;
    }
    return {
      invalid: false, address, length, prefixes, spec: entry.spec, form: entry.form, operands, operandSize, addressSize, bits,
      eaDirect32: hasMem && addressSize === 32 && (modrm & 0xc7) === 0x05, signExtendedImm: entry.signExtendedImm,
      eaSib: hasMem && addressSize === 32 && (modrm & 7) === 4, idleAddressPrefixShown: idleAddressPrefixShown(entry, regMode, bits),
    };
  }

  private invalid(address: number, end: number, offset: number, needed: number): InvalidInstruction {
    return { invalid: true, address, length: 1, truncated: needed > end && end < offset + MAX_LENGTH };
  }

  // Scratch for the effective address being decoded (one decode at a time; no allocation).
  private memBase: Gpr32 | Gpr16 | undefined;
  private memIndex: Gpr32 | Gpr16 | undefined;
  private memScale: 1 | 2 | 4 | 8 = 1;
  private memDisp = 0;
  private memDispBytes = 0;

  /** Reads SIB and displacement after a 32-bit ModR/M; returns the new position or -1. */
  private readMem32(bytes: Uint8Array, pos: number, limit: number, modrm: number): number {
    const mod = modrm >> 6;
    const rm = modrm & 7;
    let base: Gpr32 | undefined;
    let index: Gpr32 | undefined;
    let scale: 1 | 2 | 4 | 8 = 1;
    let dispBytes = mod === 1 ? 1 : mod === 2 ? 4 : 0;
    if (rm === 4) {
      if (pos >= limit) return -1;
      const sib = bytes[pos++];
      const idx = (sib >> 3) & 7;
      const b = sib & 7;
      // Index 100b means none; the scale bits are then ignored (SDM Vol. 2 Table 2-3).
      if (idx !== 4) { index = GPR32[idx]; scale = (1 << (sib >> 6)) as 1 | 2 | 4 | 8; }
      if (b === 5 && mod === 0) dispBytes = 4; else base = GPR32[b];
    } else if (rm === 5 && mod === 0) {
      dispBytes = 4;
    } else {
      base = GPR32[rm];
    }
    if (pos + dispBytes > limit) return -1;
    let disp = 0;
    if (dispBytes === 1) disp = (bytes[pos] << 24) >> 24;
    else if (dispBytes === 4) {
      disp = bytes[pos] | (bytes[pos + 1] << 8) | (bytes[pos + 2] << 16) | (bytes[pos + 3] << 24);
      if (base === undefined && index === undefined) disp >>>= 0;
    }
    this.memBase = base; this.memIndex = index; this.memScale = scale; this.memDisp = disp; this.memDispBytes = dispBytes;
    return pos + dispBytes;
  }

  /** Reads the displacement after a 16-bit ModR/M (SDM Vol. 2 Table 2-1); new position or -1. */
  private readMem16(bytes: Uint8Array, pos: number, limit: number, modrm: number): number {
    const mod = modrm >> 6;
    const rm = modrm & 7;
    let base: Gpr16 | undefined = RM16_BASE[rm];
    let index: Gpr16 | undefined = RM16_INDEX[rm];
    let dispBytes = mod === 1 ? 1 : mod === 2 ? 2 : 0;
    if (mod === 0 && rm === 6) { base = undefined; index = undefined; dispBytes = 2; }
    if (pos + dispBytes > limit) return -1;
    let disp = 0;
    if (dispBytes === 1) disp = (bytes[pos] << 24) >> 24;
    else if (dispBytes === 2) {
      disp = bytes[pos] | (bytes[pos + 1] << 8);
      if (base !== undefined || index !== undefined) disp = (disp << 16) >> 16;
    }
    // `[si]` and `[di]` alone: NASM writes the lone register as the base.
    if (base === undefined && index !== undefined) { base = index; index = undefined; }
    this.memBase = base; this.memIndex = index; this.memScale = 1; this.memDisp = disp; this.memDispBytes = dispBytes;
    return pos + dispBytes;
  }

  /** `overrideSize`: the operand size when a 66 prefix changed it (written `word far [x]`), else 0. */
  private memOperand(segment: SegmentRegister | undefined, p: OperandPlan, operandCount: number, addressSize: 16 | 32,
    overrideSize: 0 | 16 | 32): MemOperand {
    const base = this.memBase;
    const index = this.memIndex;
    const scale = this.memScale;
    const disp = this.memDisp;
    const dispBytes = this.memDispBytes;
    // `dispSize` records a displacement wider than NASM's shortest choice, and `nosplit` an
    // index-only address NASM would otherwise rewrite as base+index, so that re-assembling the
    // operand gives these bytes back (NASM manual §3.3, "Effective Addresses").
    let dispSize: 8 | 16 | 32 | undefined;
    if (dispBytes === 1 && disp === 0 && !(base === 'ebp' || (base === 'bp' && index === undefined))) dispSize = 8;
    else if (base !== undefined && dispBytes > 1 && disp >= -128 && disp <= 127) dispSize = dispBytes === 2 ? 16 : 32;
    const nosplit = base === undefined && index !== undefined && (scale === 1 || scale === 2) ? true : undefined;
    const isFar = p.kind === 'mfar16' || p.kind === 'mfar32';
    return {
      kind: 'mem',
      size: isFar ? (overrideSize !== 0 ? overrideSize : undefined) : p.memBits === 0 ? undefined : p.memBits as 8 | 16 | 32 | 64,
      // `jmp far [x]` / `call far [x]`: NASM needs `far`; `les`/`lds` take the pointer unmarked.
      far: isFar && operandCount === 1 ? true : undefined,
      segment, base, index, scale, disp: { value: disp, reloc: false },
      hasDisp: dispBytes > 0, dispSize, nosplit, addressSize,
    };
  }
}

/** True when a ModR/M register operand of the form is as wide as the operand size (`mov es, ax`). */
function registerWidthIs(entry: DecodeEntry, size: 16 | 32): boolean {
  const cls = size === 16 ? RegClass.Gpr16 : RegClass.Gpr32;
  for (const p of entry.operands) if (p.source === OperandSource.ModrmRm && p.regClass === cls) return true;
  return false;
}

/**
 * Whether the form uses a 66 prefix: it names the operand size, takes 66 as part of its opcode,
 * or has a sibling form of the other width that its register width picks (`mov ds, ax`).
 * `regMode`: the ModR/M operand, if any, is a register.
 */
function absorbsOperandPrefix(entry: DecodeEntry, operandSize: 16 | 32, regMode: boolean): boolean {
  return entry.opSize !== 0 || entry.mandatoryPrefix === 0x66
    || (entry.widthPicksForm && (entry.impliedSize === operandSize || (regMode && registerWidthIs(entry, operandSize))));
}

/** See DecodedInstruction.idleAddressPrefixShown; `regMode` as for absorbsOperandPrefix. */
function idleAddressPrefixShown(entry: DecodeEntry, regMode: boolean, bits: 16 | 32): boolean {
  if (entry.operands.length === 0) return true;
  if (bits === 32) return false;
  for (const p of entry.operands) {
    const encodedRegister = p.source === OperandSource.ModrmReg || p.source === OperandSource.OpcodeReg
      || (p.source === OperandSource.ModrmRm && regMode);
    if (!encodedRegister) return false;
  }
  return true;
}
