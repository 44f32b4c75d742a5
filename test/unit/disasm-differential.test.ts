// Differential test of the disassembler against ndisasm (NASM 2.16): random byte streams (biased
// to prefixes, the 0F map and ModR/M, SIB and displacement bytes) and streams of random table
// instructions assembled by nasm with stray prefixes and bytes between them, listed by both at
// random origins in 16- and 32-bit code and compared line by line: address, bytes and text.
// Seeds as in encoder-differential.test.ts; skipped when ndisasm is not on PATH (the recorded
// cases in disasm.test.ts still run).

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { disassemble } from '../../core/src/isa/disasm';
import type { PrefixName } from '../../core/src/isa/operands';
import { INSTRUCTIONS, MNEMONICS, PREFIX_MNEMONICS } from '../../core/src/isa/table';
import { assembleLines, instancesFor, sourceOf, type PendingCase } from '../../scripts/gen-encoder-corpus';
import { isReservedNopReading } from '../support/ndisasm-readings';
import { hasNasm, hasNdisasm, rng, seedsForThisRun } from '../support/random';

const RANDOM_STREAMS = 12;
const STREAM_BYTES = 1500;
const ASSEMBLED_INSTRUCTIONS = 400;

/** Seeds CI runs every time; each passed when it was added. */
const CI_SEEDS = [1, 2, 3];

interface Row { readonly offset: number; readonly address: string; readonly hex: string; readonly text: string }

/** ndisasm's listing as rows; a long instruction's `-XXXX` continuation lines join its bytes. */
function ndisasmRows(dir: string, bytes: Uint8Array, bits: 16 | 32, origin: number): Row[] {
  const file = join(dir, 'stream.bin');
  writeFileSync(file, bytes);
  const run = spawnSync('ndisasm', ['-b', String(bits), '-o', '0x' + origin.toString(16), file], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`ndisasm failed: ${run.stderr}`);
  const rows: { offset: number; address: string; hex: string; text: string }[] = [];
  for (const line of run.stdout.split('\n')) {
    const more = /^ {9}-([0-9A-F]+)$/.exec(line);
    if (more) { rows[rows.length - 1].hex += more[1]; continue; }
    const m = /^([0-9A-F]+) {2}([0-9A-F]+) +(.*)$/.exec(line);
    if (!m) continue;
    rows.push({ offset: parseInt(m[1], 16) - origin, address: m[1].toLowerCase(), hex: m[2], text: m[3] });
  }
  return rows;
}

function ourRows(bytes: Uint8Array, bits: 16 | 32, origin: number): Map<number, Row> {
  const rows = new Map<number, Row>();
  let offset = 0;
  for (const line of disassemble(bytes, { bits, origin })) {
    rows.set(offset, { offset, address: line.listingAddress.toString(16).padStart(8, '0'), hex: Buffer.from(line.bytes).toString('hex').toUpperCase(), text: line.text });
    offset += line.length;
  }
  return rows;
}

const KNOWN_MNEMONICS: ReadonlySet<string> = new Set(MNEMONICS);
const PREFIX_WORDS: ReadonlySet<string> = new Set(PREFIX_MNEMONICS);
/** Bytes that start no instruction print as a prefix name or `db`, as ndisasm's own undecodable bytes. */
const UNDECODABLE = /^(db 0x[0-9a-f]{2}|lock|rep|repne|es|cs|ss|ds|fs|gs|o16|o32|a16|a32)$/;
/** F3 before a table opcode that ndisasm reads as a later instruction: ours is `rep` and the table's. */
const F3_REREAD: ReadonlyMap<string, string> = new Map([['tzcnt', 'bsf'], ['lzcnt', 'bsr'], ['wbnoinvd', 'wbinvd']]);

/**
 * ndisasm's names for F2/F3 where MPX and TSX give them a meaning (`bnd jmp`, `xacquire lock add`,
 * `xrelease mov`): outside the dialect, where the bytes are a REPNE or REP prefix and print so.
 */
function dialectPrefixNames(text: string): string {
  return text.replace(/\bbnd /, 'repne ').replace(/\bxacquire /, 'repne ').replace(/\bxrelease /, 'rep ');
}

/**
 * Why ndisasm's line is outside the dialect (DESIGN.md §2), or undefined when it is in it: a
 * mnemonic the table lacks (FPU, MMX/SSE, `salc`, `ud1`, `sysret`, MPX ...) or whose forms it only
 * encodes (`hint_nop0`..`hint_nop7`, 0F 18), or a register the dialect lacks (CR1, CR5-CR15 —
 * which ndisasm decodes, LOCK MOV CR0 being CR8 to AMD — test registers, segr6/7).
 */
function outsideDialect(text: string): string | undefined {
  const words = text.split(/[ ,]/);
  let i = 0;
  while (i < words.length && PREFIX_WORDS.has(words[i])) i++;
  const mnemonic = words[i];
  // A lone prefix name or `db` is ndisasm's undecodable byte, which we print alike.
  if (mnemonic === undefined || mnemonic === 'db') return undefined;
  if (!KNOWN_MNEMONICS.has(mnemonic)) return `mnemonic ${mnemonic}`;
  if (ENCODED_ONLY_HINT_NOP.test(mnemonic)) return 'hint NOP 0F 18 (encoded, not decoded)';
  if (/\b(cr(1|[5-9]|1[0-5])|tr[0-7]|segr[67]|mm[0-7]|xmm[0-7]|st[0-7])\b/.test(text)) return 'register outside the dialect';
  return undefined;
}

/** `hint_nop0`..`hint_nop7` (0F 18): the table encodes them as nasm does; the decoder leaves 0F 18 out. */
const ENCODED_ONLY_HINT_NOP = /^hint_nop[0-7]$/;
/**
 * What we print where ndisasm's instruction is outside the dialect: one undecodable byte, the
 * reserved NOP where ndisasm reads MPX, CLDEMOTE or CET, or the F3/F0 readings above.
 */
function acceptableOutside(theirs: Row, ours: Row): boolean {
  if (ours.hex.length === 2 && UNDECODABLE.test(ours.text)) return true;
  const mnemonic = /(\S+)(?: |$)/.exec(theirs.text.replace(/^((lock|rep|repne|es|cs|ss|ds|fs|gs|o16|o32|a16|a32) )+/, ''))?.[1] ?? '';
  if (isReservedNopReading(theirs, ours)) return true;
  const table = F3_REREAD.get(mnemonic);
  if (table !== undefined) return ours.hex === theirs.hex && new RegExp(`\\brep\\b.*\\b${table}\\b`).test(ours.text);
  // LOCK MOV CRn: ours is `lock mov ...,crN-8` (the CPU raises #UD for it).
  return /\bcr(8|9|1[0-5])\b/.test(theirs.text) && ours.hex === theirs.hex && /\block ((o16|o32|a16|a32) )*mov /.test(ours.text);
}

/**
 * ndisasm decodes an instruction only from the bytes in its read buffer, at least 32 of them but
 * fewer or more by where the instruction falls: one longer than 32 bytes (20-odd prefixes; the
 * CPU stops at 15) is read whole or as a lone prefix by position, so it is not compared.
 */
function tooLongToCompare(theirs: Row, ours: Row | undefined): string | undefined {
  return theirs.hex.length > 64 || (ours !== undefined && ours.hex.length > 64) ? 'longer than 32 bytes' : undefined;
}

interface Tally { compared: number; outside: Map<string, number>; diffs: string[] }

/**
 * Compares the two listings instruction by instruction where both start one at the same offset;
 * after a difference or an excluded instruction, resumes at the next offset where both start one.
 */
function compareStream(dir: string, bytes: Uint8Array, bits: 16 | 32, origin: number, tally: Tally): void {
  const theirs = ndisasmRows(dir, bytes, bits, origin);
  const ours = ourRows(bytes, bits, origin);
  const theirStarts = new Set(theirs.map((r) => r.offset));
  const resync = (from: number): number => {
    let at = from;
    while (at < bytes.length && !(theirStarts.has(at) && ours.has(at))) at++;
    return at;
  };
  const where = `-b ${bits} -o 0x${origin.toString(16)}`;
  let skipTo = 0;
  for (const row of theirs) {
    if (row.offset < skipTo) continue;
    const mine = ours.get(row.offset);
    const text = dialectPrefixNames(row.text);
    const tooLong = tooLongToCompare(row, mine);
    const why = tooLong ?? outsideDialect(text);
    if (why !== undefined) {
      tally.outside.set(why, (tally.outside.get(why) ?? 0) + 1);
      if (tooLong === undefined && (mine === undefined || !acceptableOutside({ ...row, text }, mine))) {
        tally.diffs.push(`${where} ${row.hex}: ndisasm '${row.text}' (outside the dialect), ours ${mine?.hex} '${mine?.text}'`);
      }
      skipTo = resync(row.offset + Math.max(1, row.hex.length / 2));
      continue;
    }
    tally.compared++;
    if (mine !== undefined && mine.hex === row.hex && mine.text === text && mine.address === row.address) continue;
    tally.diffs.push(`${where} ${row.hex}: ndisasm ${row.address} '${row.text}', ours ${mine?.address} ${mine?.hex} '${mine?.text}'`);
    skipTo = resync(row.offset + 1);
  }
}

const PREFIX_BYTES = [0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65];

/**
 * Random bytes shaped like instructions: up to three prefixes (repeats and any order; now and then
 * a run of 10 to 40, past the CPU's 15 bytes and ndisasm's reach), an opcode
 * in the one-byte or 0F map, then bytes that are often 00, FF or 80 so that ModR/M, SIB,
 * displacements and immediates hit their corners (no base, EBP base with mod 00, ESP index,
 * negative disp8, 16-bit forms). The end cuts the last instruction short.
 */
function randomStream(next: () => number): Uint8Array {
  const out: number[] = [];
  const below = (n: number): number => Math.floor(next() * n);
  while (out.length < STREAM_BYTES) {
    const x = next();
    for (let n = x < 0.01 ? 10 + below(31) : x < 0.4 ? below(4) : 0; n > 0; n--) out.push(PREFIX_BYTES[below(PREFIX_BYTES.length)]);
    if (next() < 0.3) out.push(0x0f);
    out.push(below(256));
    for (let n = below(8); n > 0; n--) {
      const x = next();
      out.push(x < 0.2 ? 0 : x < 0.3 ? 0xff : x < 0.4 ? 0x80 : below(256));
    }
  }
  return Uint8Array.from(out.slice(0, STREAM_BYTES));
}

const NASM_PREFIXES: readonly PrefixName[] = ['lock', 'rep', 'repne', 'es', 'cs', 'ss', 'ds', 'fs', 'gs', 'o16', 'o32', 'a16', 'a32'];

/** Random instructions of the table assembled by nasm, with stray prefix bytes and junk between some of them. */
function assembledStream(next: () => number, bits: 16 | 32): Uint8Array {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const cases: PendingCase[] = [];
  for (let i = 0; i < ASSEMBLED_INSTRUCTIONS; i++) {
    const spec = pick(INSTRUCTIONS);
    const form = pick(spec.forms);
    const prefixes = next() < 0.15 ? [pick(NASM_PREFIXES)] : [];
    cases.push({ mnemonic: pick([spec.mnemonic, ...(spec.aliases ?? [])]), prefixes, operands: form.operands.map((k) => pick(instancesFor(k, true))) });
  }
  const out: number[] = [];
  for (const r of assembleLines(cases.map(sourceOf), bits)) {
    if (r.hex === undefined) continue;
    if (next() < 0.1) out.push(PREFIX_BYTES[Math.floor(next() * PREFIX_BYTES.length)]);
    if (next() < 0.03) out.push(Math.floor(next() * 256));
    out.push(...Buffer.from(r.hex, 'hex'));
  }
  return Uint8Array.from(out);
}

/** An origin near the top of the address space (targets and addresses wrap), zero, or anywhere. */
function randomOrigin(next: () => number): number {
  const x = next();
  if (x < 0.3) return 0x1_0000_0000 - 1 - Math.floor(next() * 0x200);
  if (x < 0.6) return 0;
  return Math.floor(next() * 0x1_0000_0000);
}

describe('disassembler agrees with ndisasm on random streams', function () {
  let dir = '';
  before(function () {
    if (!hasNdisasm) {
      console.log('    disassembler differential test skipped: ndisasm is not on PATH (the recorded cases in disasm.test.ts still run)');
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), 'ringside-disdiff-'));
  });
  after(() => { if (dir !== '') rmSync(dir, { recursive: true, force: true }); });

  for (const seed of seedsForThisRun(CI_SEEDS)) for (const bits of [32, 16] as const) {
    it(`bits ${bits}: random bytes and nasm-assembled instructions (seed ${seed}; repeat with RINGSIDE_SEED=${seed})`, function () {
      this.timeout(60_000);
      const next = rng(seed * 2 + (bits === 16 ? 1 : 0));
      const tally: Tally = { compared: 0, outside: new Map(), diffs: [] };
      for (let i = 0; i < RANDOM_STREAMS; i++) compareStream(dir, randomStream(next), bits, randomOrigin(next), tally);
      if (hasNasm) compareStream(dir, assembledStream(next, bits), bits, randomOrigin(next), tally);
      const outside = [...tally.outside.values()].reduce((a, b) => a + b, 0);
      assert.ok(tally.compared > 5000, `compared ${tally.compared} instructions`);
      assert.equal(tally.diffs.length, 0,
        `seed ${seed}: ${tally.diffs.length} of ${tally.compared} instructions differ (${outside} outside the dialect skipped):\n${tally.diffs.slice(0, 30).join('\n')}`);
    });
  }
});
