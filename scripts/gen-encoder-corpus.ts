// Builds the encoder corpus: operand instances for every form of the instruction table, assembled
// by the real `nasm -f bin`, written as fixtures under test/fixtures/nasm/forms/ (one .asm and one
// .json per group and mode). Run: `npx tsx scripts/gen-encoder-corpus.ts` (needs nasm on PATH).
// The differential test reuses the instance generators and the NASM runner exported here.

import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { INSTRUCTIONS } from '../core/src/isa/table';
import { DREG, GPR16, GPR32, GPR8, SREG } from '../core/src/isa/types';
import type { FormSpec, InstructionSpec, OperandKind, RegisterName } from '../core/src/isa/types';
import type { AsmOperand, MemOperand, OperandValue, PrefixName } from '../core/src/isa/operands';

export const ORIGIN = 0x100000;
/** A label at the origin: a relocatable value NASM never shrinks. */
export const BASE_LABEL = 'base_label';

/** An operand as written, with its structure; `$`-relative branch targets are resolved once the address is known. */
export interface OperandInstance {
  readonly text: string;
  readonly operand: AsmOperand;
  /** For `$+delta` targets: the delta (value = instruction address + delta, relocatable). */
  readonly hereDelta?: number;
}

export interface PendingCase {
  readonly mnemonic: string;
  readonly prefixes: readonly PrefixName[];
  readonly operands: readonly OperandInstance[];
}

export interface CorpusCase {
  readonly source: string;
  readonly mnemonic: string;
  readonly prefixes: readonly PrefixName[];
  readonly operands: readonly AsmOperand[];
  readonly bits: 16 | 32;
  readonly address: number;
  readonly section: number;
  readonly sectionOffset: number;
  /** NASM's bytes, or undefined when NASM rejected the line. */
  readonly expectedHex?: string;
  readonly expectedError?: string;
  readonly warnings: readonly string[];
}

const simple = (value: number): OperandValue => ({ value, reloc: false });
const label = (): OperandValue => ({ value: ORIGIN, reloc: true, section: 0, sectionOffset: 0 });

function reg(name: RegisterName): OperandInstance {
  return { text: name, operand: { kind: 'reg', reg: name } };
}

function hexText(v: number): string {
  return v < 0 ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}

function imm(value: number, extra: { size?: 8 | 16 | 32; strict?: boolean } = {}): OperandInstance {
  const size = extra.size === undefined ? '' : `${extra.size === 8 ? 'byte' : extra.size === 16 ? 'word' : 'dword'} `;
  return { text: `${extra.strict ? 'strict ' : ''}${size}${hexText(value)}`, operand: { kind: 'imm', ...simple(value), ...extra } };
}

type MemShape = Omit<MemOperand, 'kind' | 'size' | 'far' | 'addressSize' | 'scale' | 'disp' | 'hasDisp'> & { scale?: 1 | 2 | 4 | 8; disp?: OperandValue };

function memory(inner: string, shape: MemShape): { inner: string; shape: MemShape } {
  return { inner, shape };
}

/** Addressing modes: every 32-bit base, SIB forms, displacement sizes, 16-bit forms, overrides, labels. */
export const MEMORY_SHAPES = [
  memory('0x12345678', { disp: simple(0x12345678) }),
  ...GPR32.map((r) => memory(r, { base: r })),
  memory('eax+0x10', { base: 'eax', disp: simple(0x10) }),
  memory('ebx-0x80', { base: 'ebx', disp: simple(-0x80) }),
  memory('ecx+0x7f', { base: 'ecx', disp: simple(0x7f) }),
  memory('edx+0x80', { base: 'edx', disp: simple(0x80) }),
  memory('esi+0x1000', { base: 'esi', disp: simple(0x1000) }),
  memory('edi-0x81', { base: 'edi', disp: simple(-0x81) }),
  memory('ebp-4', { base: 'ebp', disp: simple(-4) }),
  memory('esp+8', { base: 'esp', disp: simple(8) }),
  memory('eax+ebx', { base: 'eax', index: 'ebx' }),
  memory('esi+edi*2+0x10', { base: 'esi', index: 'edi', scale: 2, disp: simple(0x10) }),
  memory('ebp+ecx*4-8', { base: 'ebp', index: 'ecx', scale: 4, disp: simple(-8) }),
  memory('ebx+esi*8+0x12345', { base: 'ebx', index: 'esi', scale: 8, disp: simple(0x12345) }),
  memory('eax*4+0x100', { index: 'eax', scale: 4, disp: simple(0x100) }),
  memory('edx*8', { index: 'edx', scale: 8 }),
  memory('ebx*2', { index: 'ebx', scale: 2 }),
  memory('nosplit ebx*2', { index: 'ebx', scale: 2, nosplit: true }),
  memory('ecx*2+4', { index: 'ecx', scale: 2, disp: simple(4) }),
  memory('ebx+ebx*2', { base: 'ebx', index: 'ebx', scale: 2 }),
  memory('edi*1', { index: 'edi', scale: 1 }),
  memory('eax+esp', { base: 'eax', index: 'esp' }),
  memory('esp+eax', { base: 'esp', index: 'eax' }),
  memory('ebp+esi', { base: 'ebp', index: 'esi' }),
  memory('ebp*2', { index: 'ebp', scale: 2 }),
  memory('byte ebp+4', { base: 'ebp', disp: simple(4), dispSize: 8 }),
  memory('dword eax', { base: 'eax', dispSize: 32 }),
  memory('dword ebx+4', { base: 'ebx', disp: simple(4), dispSize: 32 }),
  memory('eax+0xffffffff', { base: 'eax', disp: simple(0xffffffff) }),
  memory('ecx+0x100000000', { base: 'ecx', disp: simple(0x100000000) }),
  memory('es:ebx', { base: 'ebx', segment: 'es' }),
  memory('fs:eax+4', { base: 'eax', disp: simple(4), segment: 'fs' }),
  memory('ss:ebp-4', { base: 'ebp', disp: simple(-4), segment: 'ss' }),
  memory('ds:ebx', { base: 'ebx', segment: 'ds' }),
  memory('cs:0x1000', { disp: simple(0x1000), segment: 'cs' }),
  memory('gs:esi+edi', { base: 'esi', index: 'edi', segment: 'gs' }),
  memory(BASE_LABEL, { disp: label() }),
  memory(`ebx+${BASE_LABEL}`, { base: 'ebx', disp: label() }),
  memory(`esi*4+${BASE_LABEL}`, { index: 'esi', scale: 4, disp: label() }),
  memory('bx+si', { base: 'bx', index: 'si' }),
  memory('bx+di+0x10', { base: 'bx', index: 'di', disp: simple(0x10) }),
  memory('bp+si-2', { base: 'bp', index: 'si', disp: simple(-2) }),
  memory('bp+di+0x1234', { base: 'bp', index: 'di', disp: simple(0x1234) }),
  memory('si', { base: 'si' }),
  memory('di+0x7f', { base: 'di', disp: simple(0x7f) }),
  memory('bp', { base: 'bp' }),
  memory('bx', { base: 'bx' }),
  memory('bx+0x80', { base: 'bx', disp: simple(0x80) }),
  memory('si+bx', { base: 'si', index: 'bx' }),
  memory('es:bx+si+4', { base: 'bx', index: 'si', disp: simple(4), segment: 'es' }),
  memory('esp*2', { index: 'esp', scale: 2 }),
  memory('bx+bp', { base: 'bx', index: 'bp' }),
];

const SIZE_WORD: Readonly<Record<number, string>> = { 8: 'byte', 16: 'word', 32: 'dword', 64: 'qword' };

function memInstance(m: { inner: string; shape: MemShape }, size: 8 | 16 | 32 | 64 | undefined, far = false): OperandInstance {
  const regs = [m.shape.base, m.shape.index].filter((r) => r !== undefined);
  // As the contract says: 16 only when 16-bit registers form the address (the encoder gives a
  // bare [disp] the mode's address size).
  const addressSize: 16 | 32 = regs.some((r) => GPR16.includes(r as typeof GPR16[number])) ? 16 : 32;
  const disp = m.shape.disp ?? simple(0);
  const text = `${far ? 'far ' : ''}${size === undefined ? '' : `${SIZE_WORD[size]} `}[${m.inner}]`;
  const operand: MemOperand = {
    kind: 'mem', scale: m.shape.scale ?? 1, disp, hasDisp: m.shape.disp !== undefined, addressSize,
    ...(size === undefined ? {} : { size }), ...(far ? { far: true } : {}),
    ...(m.shape.base === undefined ? {} : { base: m.shape.base }),
    ...(m.shape.index === undefined ? {} : { index: m.shape.index }),
    ...(m.shape.segment === undefined ? {} : { segment: m.shape.segment }),
    ...(m.shape.dispSize === undefined ? {} : { dispSize: m.shape.dispSize }),
    ...(m.shape.nosplit === true ? { nosplit: true } : {}),
  };
  return { text, operand };
}

/** Immediate values at the size boundaries NASM's optimizer and range checks care about. */
export const IMMEDIATE_VALUES = [0, 1, 127, 128, -128, -129, 255, 256, 0x7fff, 0x8000, 0xffff, 0x10000, -1, 0x7fffffff, 0xffffffff];

function immediates(kind: OperandKind): OperandInstance[] {
  const out = IMMEDIATE_VALUES.map((v) => imm(v));
  out.push(imm(5, { size: 8 }), imm(0x80, { size: 8 }), imm(5, { size: 16 }), imm(300, { size: 16 }), imm(5, { size: 32 }), imm(5, { size: 32, strict: true }), imm(5, { size: 8, strict: true }));
  out.push({ text: BASE_LABEL, operand: { kind: 'imm', ...label() } });
  if (kind === 'one') return [imm(1), imm(1, { size: 8 })];
  return out;
}

function branchTargets(): OperandInstance[] {
  const here = (delta: number, jump?: 'short' | 'near', size?: 16 | 32): OperandInstance => ({
    text: `${jump ? `${jump} ` : ''}${size ? `${SIZE_WORD[size]} ` : ''}$${delta < 0 ? '-' : '+'}0x${Math.abs(delta).toString(16)}`,
    operand: { kind: 'imm', value: 0, reloc: true, section: 0, sectionOffset: 0, ...(jump ? { jump } : {}), ...(size ? { size } : {}) },
    hereDelta: delta,
  });
  return [
    here(2), here(-2), here(0x81), here(0x82), here(-0x7e), here(-0x7f), here(0x1000), here(-0x1000), here(0x20000),
    here(0x10, 'short'), here(4, 'near'), here(0x200, 'short'), here(0x10, undefined, 16), here(0x10, undefined, 32),
    { text: '0x100', operand: { kind: 'imm', ...simple(0x100) } },
    { text: 'short 0x100010', operand: { kind: 'imm', ...simple(0x100010), jump: 'short' } },
  ];
}

function farPointers(): OperandInstance[] {
  const fp = (sel: number, off: number, size?: 16 | 32): OperandInstance => ({
    text: `${size ? `${SIZE_WORD[size]} ` : ''}${hexText(sel)}:${hexText(off)}`,
    operand: { kind: 'farptr', selector: simple(sel), offset: simple(off), ...(size ? { size } : {}) },
  });
  return [fp(8, 0x1000), fp(0x10, 0x20, 16), fp(0x10, 0x20, 32), fp(0x18, 0x12345678),
    { text: `0x10:${BASE_LABEL}`, operand: { kind: 'farptr', selector: simple(0x10), offset: label() } }];
}

const MEMORY_SUBSET = [0, 3, 5, 9, 21, 28, 43, 48, 53];

/** Operand instances for one slot kind; `full` selects every addressing mode instead of a sample. */
export function instancesFor(kind: OperandKind, full: boolean): OperandInstance[] {
  const shapes = full ? MEMORY_SHAPES : MEMORY_SUBSET.map((i) => MEMORY_SHAPES[i]);
  const mems = (size: 8 | 16 | 32 | 64 | undefined): OperandInstance[] => [...shapes.map((m) => memInstance(m, size)), memInstance(MEMORY_SHAPES[1], undefined)];
  switch (kind) {
    case 'r8': return GPR8.map(reg);
    case 'r16': return GPR16.map(reg);
    case 'r32': return GPR32.map(reg);
    case 'rm8': return [...GPR8.map(reg), ...mems(8)];
    case 'rm16': return [...GPR16.map(reg), ...mems(16)];
    case 'rm32': return [...GPR32.map(reg), ...mems(32)];
    case 'm': return [...shapes.map((m) => memInstance(m, undefined)), memInstance(MEMORY_SHAPES[1], 32)];
    case 'm8': return mems(8);
    case 'm16': return mems(16);
    case 'm32': return mems(32);
    case 'm64': return [...mems(64), memInstance(MEMORY_SHAPES[2], 32)];
    case 'mfar16': return [memInstance(MEMORY_SHAPES[1], 16, true), memInstance(MEMORY_SHAPES[12], 16, true), memInstance(MEMORY_SHAPES[42], 16, true)];
    case 'mfar32': return [memInstance(MEMORY_SHAPES[1], undefined, true), memInstance(MEMORY_SHAPES[20], 32, true), memInstance(MEMORY_SHAPES[44], undefined, true)];
    case 'imm8': case 'imm16': case 'imm32': case 'sbyte16': case 'sbyte32': case 'one': return immediates(kind);
    case 'al': case 'ax': case 'eax': case 'cl': case 'cx': case 'ecx': case 'dx':
    case 'es': case 'cs': case 'ss': case 'ds': case 'fs': case 'gs': return [reg(kind)];
    case 'sreg': return SREG.map(reg);
    case 'creg': return (['cr0', 'cr2', 'cr3', 'cr4'] as const).map(reg);
    case 'dreg': return DREG.map(reg);
    case 'rel8': case 'rel16': case 'rel32': return branchTargets();
    case 'ptr16:16': case 'ptr16:32': return farPointers();
    case 'moffs8': case 'moffs16': case 'moffs32': {
      const size = kind === 'moffs8' ? 8 : kind === 'moffs16' ? 16 : 32;
      return [memInstance(MEMORY_SHAPES[0], undefined), memInstance(memory('ds:0x10', { disp: simple(0x10), segment: 'ds' }), size),
        memInstance(memory('es:0x1000', { disp: simple(0x1000), segment: 'es' }), undefined), memInstance(memory(BASE_LABEL, { disp: label() }), size)];
    }
  }
}

/**
 * The cases for one form: each slot walks through all its instances while the other slots take
 * a rotating choice, so every instance appears at least once without a full cartesian product.
 */
export function casesForForm(spec: InstructionSpec, form: FormSpec, full: boolean): PendingCase[] {
  const slots = form.operands.map((k) => instancesFor(k, full));
  if (slots.length === 0) return [{ mnemonic: spec.mnemonic, prefixes: [], operands: [] }];
  const out: PendingCase[] = [];
  for (let s = 0; s < slots.length; s++) {
    for (let k = 0; k < slots[s].length; k++) {
      const ops = slots.map((list, j) => (j === s ? list[k] : list[(k + j) % list.length]));
      out.push({ mnemonic: spec.mnemonic, prefixes: [], operands: ops });
    }
  }
  return out;
}

/** Prefix combinations NASM documents: REP/REPE/REPNE, LOCK, segment overrides, o16/o32/a16/a32. */
export function prefixCases(): PendingCase[] {
  const mem = memInstance(MEMORY_SHAPES[1], 32);
  const out: PendingCase[] = [];
  for (const m of ['movsb', 'movsw', 'movsd', 'stosd', 'lodsb', 'cmpsb', 'scasw', 'insb', 'outsd']) {
    for (const p of [['rep'], ['repe'], ['repne'], ['es'], ['rep', 'fs'], ['a16'], ['o16'], ['rep', 'a16', 'o32']] as PrefixName[][]) {
      out.push({ mnemonic: m, prefixes: p, operands: [] });
    }
  }
  for (const p of [['lock'], ['lock', 'es'], ['es', 'lock'], ['gs'], ['o16'], ['a32'], ['a16'], ['lock', 'rep'], ['o16', 'o32'], ['rep', 'repne'], ['es', 'fs']] as PrefixName[][]) {
    out.push({ mnemonic: 'add', prefixes: p, operands: [mem, reg('eax')] });
    out.push({ mnemonic: 'nop', prefixes: p, operands: [] });
  }
  out.push({ mnemonic: 'mov', prefixes: ['fs'], operands: [reg('eax'), memInstance(MEMORY_SHAPES[35], 32)] });
  out.push({ mnemonic: 'mov', prefixes: ['es'], operands: [reg('eax'), memInstance(MEMORY_SHAPES[35], 32)] });
  out.push({ mnemonic: 'push', prefixes: ['o16'], operands: [imm(5)] });
  out.push({ mnemonic: 'xlatb', prefixes: ['es'], operands: [] });
  // Corners the differential test found: repeated overrides, BND-position F2, byte-size inference.
  out.push({ mnemonic: 'lldt', prefixes: ['es'], operands: [memInstance(MEMORY_SHAPES[35], 16)] });
  const here = branchTargets();
  for (const t of [here[0], here[6], here[9]]) for (const m of ['jmp', 'jz', 'call', 'jcxz']) out.push({ mnemonic: m, prefixes: ['repne'], operands: [t] });
  out.push({ mnemonic: 'ret', prefixes: ['repne'], operands: [] });
  out.push({ mnemonic: 'call', prefixes: ['repne'], operands: [memInstance(MEMORY_SHAPES[1], 32)] });
  for (const v of [imm(5, { size: 8 }), imm(0x80, { size: 8 }), imm(5, { size: 8, strict: true }), imm(-0x81, { size: 8 })]) {
    out.push({ mnemonic: 'cmp', prefixes: [], operands: [memInstance(MEMORY_SHAPES[1], undefined), v] });
  }
  out.push({ mnemonic: 'call', prefixes: ['o32'], operands: [farPointers()[1]] });
  return out;
}

export function sourceOf(c: PendingCase): string {
  const ops = c.operands.map((o) => o.text).join(', ');
  return `${[...c.prefixes, c.mnemonic].join(' ')}${ops === '' ? '' : ` ${ops}`}`;
}

export interface NasmLineResult {
  readonly hex?: string;
  readonly offset?: number;
  readonly error?: string;
  readonly warnings: string[];
}

/** Assembles one line per case with real nasm; lines nasm rejects are recorded and left out until the rest assemble. */
export function assembleLines(lines: readonly string[], bits: 16 | 32): NasmLineResult[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-nasm-'));
  try {
    const results: NasmLineResult[] = lines.map(() => ({ warnings: [] }));
    const rejected = new Set<number>();
    for (let attempt = 0; attempt < 8; attempt++) {
      const kept = lines.map((_, i) => i).filter((i) => !rejected.has(i));
      const header = [`bits ${bits}`, `org 0x${ORIGIN.toString(16)}`, `${BASE_LABEL}:`];
      const text = [...header, ...kept.map((i) => lines[i]), 'corpus_end:'].join('\n') + '\n';
      const asm = path.join(dir, 'c.asm');
      fs.writeFileSync(asm, text);
      const run = spawnSync('nasm', ['-f', 'bin', '-w+all', '-l', path.join(dir, 'c.lst'), '-o', path.join(dir, 'c.bin'), asm], { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (run.error) throw run.error;
      const diag = new Map<number, { errors: string[]; warnings: string[] }>();
      for (const line of run.stderr.split('\n')) {
        const m = /:(\d+): (error|warning): (.*?)(?: \[-w\+[a-z-]+\])?$/.exec(line);
        if (!m) continue;
        const at = Number(m[1]) - header.length - 1;
        if (at < 0 || at >= kept.length) continue;
        const entry = diag.get(kept[at]) ?? { errors: [], warnings: [] };
        (m[2] === 'error' ? entry.errors : entry.warnings).push(m[3]);
        diag.set(kept[at], entry);
      }
      let newlyRejected = false;
      for (const [i, d] of diag) {
        if (d.errors.length > 0 && !rejected.has(i)) { rejected.add(i); newlyRejected = true; results[i] = { error: d.errors[0], warnings: d.warnings }; }
      }
      if (newlyRejected) continue;
      if (run.status !== 0) throw new Error(`nasm failed without a line diagnostic:\n${run.stderr}`);
      const bin = fs.readFileSync(path.join(dir, 'c.bin'));
      const offsets = new Map<number, number>();
      for (const line of fs.readFileSync(path.join(dir, 'c.lst'), 'utf8').split('\n')) {
        const m = /^\s*(\d+) ([0-9A-F]{8}) /.exec(line);
        if (m && !offsets.has(Number(m[1]))) offsets.set(Number(m[1]), parseInt(m[2], 16));
      }
      for (let k = 0; k < kept.length; k++) {
        const i = kept[k];
        const lineNo = header.length + 1 + k;
        const start = offsets.get(lineNo);
        if (start === undefined) throw new Error(`no listing offset for line ${lineNo}: ${lines[i]}`);
        let end = bin.length;
        for (let n = lineNo + 1; n <= header.length + kept.length + 1; n++) {
          const o = offsets.get(n);
          if (o !== undefined) { end = o; break; }
        }
        results[i] = { hex: bin.subarray(start, end).toString('hex'), offset: start, warnings: diag.get(i)?.warnings ?? [] };
      }
      // Rejected lines are placed where they would have been, for their address.
      let offset = 0;
      for (let i = 0; i < lines.length; i++) {
        const r = results[i];
        if (r.offset !== undefined) offset = r.offset + (r.hex ?? '').length / 2;
        else results[i] = { ...r, offset };
      }
      return results;
    }
    throw new Error('nasm kept rejecting new lines');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Resolves `$`-relative targets for a case placed at `offset`. */
export function resolveCase(c: PendingCase, bits: 16 | 32, r: NasmLineResult): CorpusCase {
  const offset = r.offset ?? 0;
  const address = ORIGIN + offset;
  const operands = c.operands.map((o): AsmOperand => {
    if (o.hereDelta === undefined || o.operand.kind !== 'imm') return o.operand;
    return { ...o.operand, value: address + o.hereDelta, sectionOffset: offset + o.hereDelta };
  });
  return {
    source: sourceOf(c), mnemonic: c.mnemonic, prefixes: c.prefixes, operands, bits, address, section: 0, sectionOffset: offset,
    ...(r.hex !== undefined ? { expectedHex: r.hex } : { expectedError: r.error ?? 'rejected' }),
    warnings: r.warnings,
  };
}

function main(): void {
  const root = path.resolve(__dirname, '..');
  const outDir = path.join(root, 'test', 'fixtures', 'nasm', 'forms');
  fs.mkdirSync(outDir, { recursive: true });
  const version = execFileSync('nasm', ['-v'], { encoding: 'utf8' }).trim();
  /** Every addressing mode once per instruction in bits 32; a sample of them in bits 16. */
  const groupsFor = (bits: 16 | 32): Map<string, PendingCase[]> => {
    const groups = new Map<string, PendingCase[]>();
    for (const spec of INSTRUCTIONS) {
      const list = groups.get(spec.group) ?? [];
      let fullDone = bits === 16;
      for (const form of spec.forms) {
        const hasMemory = form.operands.some((k) => k.startsWith('rm') || k === 'm' || /^m\d/.test(k));
        list.push(...casesForForm(spec, form, hasMemory && !fullDone));
        if (hasMemory) fullDone = true;
      }
      for (const alias of spec.aliases ?? []) {
        list.push(...casesForForm(spec, spec.forms[0], false).slice(0, 3).map((c) => ({ ...c, mnemonic: alias })));
      }
      groups.set(spec.group, list);
    }
    groups.set('prefixes', prefixCases());
    return groups;
  };
  let total = 0;
  for (const bits of [32, 16] as const) {
    for (const [group, pending] of groupsFor(bits)) {
      const lines = pending.map(sourceOf);
      const results = assembleLines(lines, bits);
      const cases = pending.map((c, i) => resolveCase(c, bits, results[i]));
      const name = `${group}-${bits}`;
      fs.writeFileSync(path.join(outDir, `${name}.asm`), [`bits ${bits}`, `org 0x${ORIGIN.toString(16)}`, `${BASE_LABEL}:`, ...lines].join('\n') + '\n');
      fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify({ nasm: version, bits, origin: ORIGIN, cases }) + '\n');
      const errors = cases.filter((c) => c.expectedError !== undefined).length;
      console.log(`${name}: ${cases.length} cases (${errors} rejected by nasm)`);
      total += cases.length;
    }
  }
  console.log(`gen-encoder-corpus: ${total} cases written to ${path.relative(root, outDir)}`);
}

if (require.main === module) main();
