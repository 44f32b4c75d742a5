// Compiles the instruction table's forms (their `encoding` strings) into opcode-indexed decode
// entries once, so the decoder's hot path reads numbers only (STYLE.md §3, §4).

import type { FormSpec, InstructionSpec, OperandKind } from './types';

/** What follows the opcode byte(s) in the ModR/M position. */
export const enum ModrmUse {
  None = 0,
  /** `/r`: reg field is an operand. */
  Reg = 1,
  /** `/0`..`/7`: reg field is an opcode extension. */
  Digit = 2,
}

/** Immediate-like fields after ModR/M, in encoding order (Intel SDM Vol. 2 §2.1, Figure 2-1). */
export const enum FieldKind {
  Ib = 1, Iw = 2, Id = 3, Ibs = 4, Cb = 5, Cw = 6, Cd = 7, Ptr1616 = 8, Ptr1632 = 9, Moffs = 10,
}

/** How one operand is read back from the decoded fields. */
export const enum OperandSource {
  ModrmReg = 1, ModrmRm = 2, OpcodeReg = 3, Field = 4, Implied = 5,
}

/** Register class an operand kind selects (or none for memory/immediates). */
export const enum RegClass { None = 0, Gpr8 = 1, Gpr16 = 2, Gpr32 = 3, Sreg = 4, Creg = 5, Dreg = 6 }

/** Whether the rm operand may be a register, memory, or both. */
export const enum RmAccept { Any = 0, MemoryOnly = 1, RegisterOnly = 2 }

export interface OperandPlan {
  readonly kind: OperandKind;
  readonly source: OperandSource;
  /** For Field sources: index into the entry's field list. */
  readonly field: number;
  readonly regClass: RegClass;
  /** Memory operand size in bits implied by the kind (0 when unsized, `m`). */
  readonly memBits: number;
}

export interface DecodeEntry {
  readonly spec: InstructionSpec;
  readonly form: FormSpec;
  /** 0 for the one-byte map, 1 for the 0F map. */
  readonly map: 0 | 1;
  /** The last opcode byte (with +r: the base value, low three bits zero). */
  readonly opcode: number;
  readonly plusR: boolean;
  readonly modrm: ModrmUse;
  readonly digit: number;
  /** A fixed byte that follows the opcode (`0F 01 C1`, `D4 0A`), or -1. */
  readonly fixedNext: number;
  /** Required operand size (o16/o32), or 0 when the form does not care. */
  readonly opSize: 0 | 16 | 32;
  /** Required address size (a16/a32), or 0. */
  readonly addrSize: 0 | 16 | 32;
  /** A prefix byte that is part of the opcode (`F3 90` = pause), or 0. */
  readonly mandatoryPrefix: number;
  readonly rm: RmAccept;
  readonly fields: readonly FieldKind[];
  readonly operands: readonly OperandPlan[];
  /** The ModR/M reg field names a segment register: encodings 6 and 7 are undefined (#UD). */
  readonly sregInReg: boolean;
  /** The reg field is a segment register being loaded: loading CS with MOV raises #UD (SDM Vol. 2, MOV). */
  readonly loadsSreg: boolean;
  /** The r/m operand is the destination, the only place LOCK may apply (SDM Vol. 2, LOCK). */
  readonly rmIsDestination: boolean;
  /** The ModR/M reg field names a control register: only CR0, CR2, CR3, CR4 exist (#UD otherwise). */
  readonly cregInReg: boolean;
  /**
   * MOV to/from CR and DR ignore the mod bits and always name a register (SDM Vol. 2, MOV—Move
   * to/from Control Registers: "The 2 bits in the mod field are ignored").
   */
  readonly modIgnored: boolean;
  /**
   * A named register in the r/m slot (`add eax, sbyte32` written as `83 /0` with r/m = eax, a
   * form kept for NASM's matching order): the form applies only to that register, or -1.
   */
  readonly fixedRm: number;
  /**
   * Operand size a form without o16/o32 implies through its register operands (`mov ds, eax`
   * vs `mov ds, ax`, both `8E /r`), or 0. A preference only: the decoder falls back to the
   * form when no form of the current size fits.
   */
  readonly impliedSize: 0 | 16 | 32;
  /** Sign-extended imm8 field present (`ibs`), which ndisasm prints as `byte ±0x..`. */
  readonly signExtendedImm: boolean;
  /**
   * Another form of this opcode differs only in its register width (`mov ds, ax` / `mov ds, eax`,
   * both `8E /r`): the register then shows the operand size and a 66 prefix is absorbed. Where
   * the width is fixed (`arpl`, `verr`, `mov eax, cr0`) ndisasm writes the prefix (`o16 arpl`).
   */
  readonly widthPicksForm: boolean;
  /** Higher is tried first among entries sharing an opcode. */
  readonly priority: number;
  /** Position in the table, the tie-breaker (the table lists forms in NASM's preference order). */
  readonly order: number;
}

const PREFIX_BYTES = new Set([0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65, 0x66, 0x67]);

const FIELD_BY_TOKEN: Readonly<Record<string, FieldKind>> = {
  ib: FieldKind.Ib, iw: FieldKind.Iw, id: FieldKind.Id, ibs: FieldKind.Ibs,
  cb: FieldKind.Cb, cw: FieldKind.Cw, cd: FieldKind.Cd, mo: FieldKind.Moffs,
};

function regClassOf(kind: OperandKind): RegClass {
  switch (kind) {
    case 'r8': case 'rm8': case 'al': case 'cl': return RegClass.Gpr8;
    case 'r16': case 'rm16': case 'ax': case 'cx': case 'dx': return RegClass.Gpr16;
    case 'r32': case 'rm32': case 'eax': case 'ecx': return RegClass.Gpr32;
    case 'sreg': case 'es': case 'cs': case 'ss': case 'ds': case 'fs': case 'gs': return RegClass.Sreg;
    case 'creg': return RegClass.Creg;
    case 'dreg': return RegClass.Dreg;
    default: return RegClass.None;
  }
}

function memBitsOf(kind: OperandKind): number {
  switch (kind) {
    case 'rm8': case 'm8': case 'moffs8': return 8;
    case 'rm16': case 'm16': case 'moffs16': return 16;
    case 'rm32': case 'm32': case 'moffs32': return 32;
    case 'm64': return 64;
    case 'mfar16': return 32;
    case 'mfar32': return 48;
    default: return 0;
  }
}

const MEMORY_ONLY_KINDS: ReadonlySet<OperandKind> = new Set<OperandKind>(['m', 'm8', 'm16', 'm32', 'm64', 'mfar16', 'mfar32']);
const REGISTER_KINDS: ReadonlySet<OperandKind> = new Set<OperandKind>(['r8', 'r16', 'r32', 'sreg', 'creg', 'dreg']);

const NAMED_REGISTER_NUMBER: Readonly<Partial<Record<OperandKind, number>>> = { al: 0, ax: 0, eax: 0, cl: 1, dx: 2 };

function fixedRmOf(kinds: readonly OperandKind[], roles: string): number {
  for (let i = 0; i < kinds.length; i++) {
    const num = NAMED_REGISTER_NUMBER[kinds[i]];
    if (roles[i] === 'm' && num !== undefined) return num;
  }
  return -1;
}

function impliedSizeOf(kinds: readonly OperandKind[]): 0 | 16 | 32 {
  for (const k of kinds) {
    if (k === 'r16' || k === 'ax') return 16;
    if (k === 'r32' || k === 'eax') return 32;
  }
  return 0;
}

/** Why a form cannot be compiled; the caller decides whether that is a table bug. */
export class EncodingSyntaxError extends Error {}

/**
 * Compiles one form. Returns undefined for forms the decoder never produces: `encodeOnly`
 * aliases, and `b`-role forms (`imul eax, 5`), which are the same bytes as the three-operand
 * form that the decoder reports instead, as ndisasm and the Intel SDM do.
 */
export function compileForm(spec: InstructionSpec, form: FormSpec, order: number): DecodeEntry | undefined {
  if (form.encodeOnly || form.roles.includes('b')) return undefined;
  const tokens = form.encoding.split(/\s+/).filter((t) => t.length > 0);
  let opSize: 0 | 16 | 32 = 0;
  let addrSize: 0 | 16 | 32 = 0;
  const opcodeBytes: number[] = [];
  let plusR = false;
  let modrm = ModrmUse.None;
  let digit = 0;
  const fields: FieldKind[] = [];
  for (const tok of tokens) {
    if (tok === 'o16' || tok === 'o32') { opSize = tok === 'o16' ? 16 : 32; continue; }
    if (tok === 'a16' || tok === 'a32') { addrSize = tok === 'a16' ? 16 : 32; continue; }
    if (tok === '/r') { modrm = ModrmUse.Reg; continue; }
    if (/^\/[0-7]$/.test(tok)) { modrm = ModrmUse.Digit; digit = tok.charCodeAt(1) - 48; continue; }
    const field = FIELD_BY_TOKEN[tok];
    if (field !== undefined) { fields.push(field); continue; }
    if (tok === 'cp') {
      const ptr = form.operands.find((k) => k === 'ptr16:16' || k === 'ptr16:32');
      fields.push(ptr === 'ptr16:16' ? FieldKind.Ptr1616 : FieldKind.Ptr1632);
      continue;
    }
    const m = /^([0-9A-Fa-f]{2})(\+r)?$/.exec(tok);
    if (m && modrm === ModrmUse.None && fields.length === 0) {
      opcodeBytes.push(parseInt(m[1], 16));
      if (m[2]) plusR = true;
      continue;
    }
    throw new EncodingSyntaxError(`${spec.mnemonic}: cannot read encoding token '${tok}' in '${form.encoding}'`);
  }
  // Leading prefix bytes followed by an opcode are mandatory prefixes (F3 90 = pause).
  let mandatoryPrefix = 0;
  while (opcodeBytes.length > 1 && PREFIX_BYTES.has(opcodeBytes[0])) {
    if (mandatoryPrefix !== 0) throw new EncodingSyntaxError(`${spec.mnemonic}: two mandatory prefixes in '${form.encoding}'`);
    mandatoryPrefix = opcodeBytes.shift() as number;
  }
  let map: 0 | 1 = 0;
  if (opcodeBytes[0] === 0x0f && opcodeBytes.length > 1) { map = 1; opcodeBytes.shift(); }
  if (opcodeBytes.length === 0 || opcodeBytes.length > 2) {
    throw new EncodingSyntaxError(`${spec.mnemonic}: unsupported opcode length in '${form.encoding}'`);
  }
  const opcode = opcodeBytes[0];
  const fixedNext = opcodeBytes.length === 2 ? opcodeBytes[1] : -1;
  if (fixedNext >= 0 && (modrm !== ModrmUse.None || plusR)) {
    throw new EncodingSyntaxError(`${spec.mnemonic}: fixed second byte with ModR/M in '${form.encoding}'`);
  }

  let rm = RmAccept.Any;
  const operands: OperandPlan[] = [];
  let nextField = 0;
  const fieldForRole = (role: string, kind: OperandKind): number => {
    const want = (f: FieldKind): boolean => {
      switch (role) {
        case 'i': return f === FieldKind.Ib || f === FieldKind.Iw || f === FieldKind.Id || f === FieldKind.Ibs;
        case 'j': return f === FieldKind.Cb || f === FieldKind.Cw || f === FieldKind.Cd;
        case 'p': return f === FieldKind.Ptr1616 || f === FieldKind.Ptr1632;
        default: return f === FieldKind.Moffs;
      }
    };
    for (let i = nextField; i < fields.length; i++) {
      if (want(fields[i])) { nextField = i + 1; return i; }
    }
    throw new EncodingSyntaxError(`${spec.mnemonic}: operand ${kind} (role ${role}) has no field in '${form.encoding}'`);
  };
  if (form.roles.length !== form.operands.length) {
    throw new EncodingSyntaxError(`${spec.mnemonic}: roles '${form.roles}' do not match ${form.operands.length} operands`);
  }
  for (let i = 0; i < form.operands.length; i++) {
    const kind = form.operands[i];
    const role = form.roles[i];
    let source: OperandSource;
    let field = -1;
    switch (role) {
      case 'r': source = OperandSource.ModrmReg; break;
      case 'm':
        source = OperandSource.ModrmRm;
        if (MEMORY_ONLY_KINDS.has(kind)) rm = RmAccept.MemoryOnly;
        else if (REGISTER_KINDS.has(kind)) rm = RmAccept.RegisterOnly;
        break;
      case 'o': source = OperandSource.OpcodeReg; break;
      case 'i': case 'j': case 'p': case 'f': source = OperandSource.Field; field = fieldForRole(role, kind); break;
      case 'x': source = OperandSource.Implied; break;
      default: throw new EncodingSyntaxError(`${spec.mnemonic}: unknown role '${role}'`);
    }
    if ((source === OperandSource.ModrmReg || source === OperandSource.ModrmRm) && modrm === ModrmUse.None) {
      throw new EncodingSyntaxError(`${spec.mnemonic}: operand role '${role}' without ModR/M in '${form.encoding}'`);
    }
    operands.push({ kind, source, field, regClass: regClassOf(kind), memBits: memBitsOf(kind) });
  }

  // More specific encodings win over general ones sharing the opcode: a mandatory prefix
  // (pause over nop), a fixed next byte (vmcall over sgdt, `aam` over `aam ib`), an exact
  // opcode over +r (nop over xchg eax,eax). An explicit operand or address size counts only
  // when the 66 or 67 prefix is present (see buildDecodeIndex).
  const impliedSize = opSize !== 0 ? 0 : impliedSizeOf(form.operands);
  const priority = (mandatoryPrefix ? 32 : 0) + (fixedNext >= 0 ? 16 : 0) + (plusR ? 0 : 8) + (impliedSize ? 4 : 0);
  return {
    spec, form, map, opcode: plusR ? opcode & 0xf8 : opcode, plusR, modrm, digit, fixedNext, opSize, addrSize,
    mandatoryPrefix, rm, fields, operands, priority, order,
    sregInReg: operands.some((o) => o.source === OperandSource.ModrmReg && o.regClass === RegClass.Sreg),
    loadsSreg: operands.length > 0 && operands[0].source === OperandSource.ModrmReg && operands[0].regClass === RegClass.Sreg,
    rmIsDestination: operands.length > 0 && operands[0].source === OperandSource.ModrmRm,
    cregInReg: operands.some((o) => o.source === OperandSource.ModrmReg && o.regClass === RegClass.Creg),
    modIgnored: operands.some((o) => o.regClass === RegClass.Creg || o.regClass === RegClass.Dreg),
    impliedSize,
    fixedRm: fixedRmOf(form.operands, form.roles),
    signExtendedImm: fields.includes(FieldKind.Ibs),
    widthPicksForm: false,
  };
}

/** The register width a form without o16/o32 takes from its ModR/M or implied registers, or 0. */
function registerWidthOf(entry: DecodeEntry): 0 | 16 | 32 {
  if (entry.opSize !== 0) return 0;
  if (entry.impliedSize !== 0) return entry.impliedSize;
  for (const p of entry.operands) {
    if (p.source === OperandSource.ModrmRm && p.regClass === RegClass.Gpr16) return 16;
    if (p.source === OperandSource.ModrmRm && p.regClass === RegClass.Gpr32) return 32;
  }
  return 0;
}

/** Marks the entries whose register width tells them apart from a sibling form (see widthPicksForm). */
function markWidthSiblings(entries: readonly DecodeEntry[]): DecodeEntry[] {
  const slot = (e: DecodeEntry): string => `${e.map}:${e.opcode}:${e.modrm === ModrmUse.Digit ? e.digit : -1}:${e.fixedNext}`;
  const widths = new Map<string, Set<number>>();
  for (const e of entries) {
    const width = registerWidthOf(e);
    if (width === 0) continue;
    const seen = widths.get(slot(e)) ?? new Set<number>();
    seen.add(width);
    widths.set(slot(e), seen);
  }
  return entries.map((e) => (registerWidthOf(e) !== 0 && (widths.get(slot(e))?.size ?? 0) > 1 ? { ...e, widthPicksForm: true } : e));
}

/** Entries indexed by `map * 256 + opcode byte`, each list in the order the decoder tries them. */
export interface DecodeIndex {
  /**
   * Entries by `map * 256 + opcode`, one ordering per prefix state: `[none, 66, 67, 66+67]`.
   * Without a 66 prefix a size-agnostic form (`pushf`, `loop rel8`) is preferred to the one
   * naming the default size (`pushfd`, `loop rel8,ecx`), as NASM writes it; with the prefix,
   * the form naming the overridden size wins (`pushfw`, `loop rel8,cx`).
   */
  readonly byPrefixState: readonly (readonly (readonly DecodeEntry[] | undefined)[])[];
  /** Forms that failed to compile (a table defect), with the reason. */
  readonly rejected: readonly { readonly mnemonic: string; readonly encoding: string; readonly reason: string }[];
}

export function buildDecodeIndex(specs: readonly InstructionSpec[]): DecodeIndex {
  const lists: DecodeEntry[][] = [];
  const rejected: { mnemonic: string; encoding: string; reason: string }[] = [];
  const compiled: DecodeEntry[] = [];
  let order = 0;
  for (const spec of specs) {
    for (const form of spec.forms) {
      let entry: DecodeEntry | undefined;
      try {
        entry = compileForm(spec, form, order++);
      } catch (e) {
        if (!(e instanceof EncodingSyntaxError)) throw e;
        rejected.push({ mnemonic: spec.mnemonic, encoding: form.encoding, reason: e.message });
        continue;
      }
      if (entry) compiled.push(entry);
    }
  }
  for (const entry of markWidthSiblings(compiled)) {
    const n = entry.plusR ? 8 : 1;
    for (let r = 0; r < n; r++) {
      const key = entry.map * 256 + entry.opcode + r;
      (lists[key] ??= []).push(entry);
    }
  }
  const byPrefixState: (DecodeEntry[] | undefined)[][] = [];
  for (let state = 0; state < 4; state++) {
    // With 66, a form naming the overridden size outranks an exact opcode (66 90 is `xchg ax, ax`
    // to NASM and ndisasm, not `o16 nop`) but not a mandatory prefix (66 F3 90 is still pause).
    const rank = (e: DecodeEntry): number => e.priority + ((state & 1) && e.opSize ? 12 : 0) + ((state & 2) && e.addrSize ? 1 : 0);
    const table: (DecodeEntry[] | undefined)[] = new Array(512);
    for (let k = 0; k < 512; k++) {
      const list = lists[k];
      if (list) table[k] = [...list].sort((a, b) => rank(b) - rank(a) || a.order - b.order);
    }
    byPrefixState.push(table);
  }
  return { byPrefixState, rejected };
}
