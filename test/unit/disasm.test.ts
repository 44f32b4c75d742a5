// The disassembler against ndisasm's recorded text (test/fixtures/ndisasm, made by
// scripts/record-ndisasm-fixtures.sh from NASM-assembled samples of every table form), the
// decode → encode round trip through the encoder, and re-assembly of our text with NASM.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { disassemble, formatListing } from '../../core/src/isa/disasm';
import { encode } from '../../core/src/isa/encoder';
import type { PrefixName } from '../../core/src/isa/operands';

const FIXTURES = join(__dirname, '..', 'fixtures', 'ndisasm');
const MODES = [32, 16] as const;

function corpus(bits: 16 | 32): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, `forms-${bits}.bin`)));
}

function nasmAvailable(): boolean {
  try { execFileSync('nasm', ['-v'], { stdio: 'ignore' }); return true; } catch { return false; }
}

describe('disassembler vs ndisasm', () => {
  for (const bits of MODES) {
    it(`prints every table form exactly as ndisasm -b ${bits}`, () => {
      const want = readFileSync(join(FIXTURES, `forms-${bits}.txt`), 'utf8').split('\n');
      const got = formatListing(disassemble(corpus(bits), { bits })).split('\n');
      const diffs: string[] = [];
      for (let i = 0; i < Math.max(want.length, got.length); i++) {
        if (want[i] !== got[i]) diffs.push(`  ndisasm: ${want[i]}\n  ours:    ${got[i]}`);
      }
      assert.ok(want.length > 1500, 'corpus is the full form list');
      assert.equal(diffs.length, 0, `${diffs.length} lines differ:\n${diffs.slice(0, 20).join('\n')}`);
    });
  }

  it('marks invalid bytes as db and resynchronises after them', () => {
    // D6 (SALC) and 0F 0F are not in the table; ndisasm -b 32 prints `db 0xd6` for SALC's slot too.
    const lines = disassemble(Uint8Array.from([0xd6, 0x90, 0xc4, 0xc0]), { bits: 32, origin: 0x100 });
    assert.deepEqual(lines.map((l) => [l.address, l.length, l.text]), [
      [0x100, 1, 'db 0xd6'], [0x101, 1, 'nop'], [0x102, 1, 'db 0xc4'], [0x103, 1, 'db 0xc0'],
    ]);
  });
});

describe('decode → encode round trip', () => {
  for (const bits of MODES) {
    it(`re-encodes every decoded corpus instruction (${bits}-bit) to the same bytes`, () => {
      const failures: string[] = [];
      let count = 0;
      for (const line of disassemble(corpus(bits), { bits })) {
        const ins = line.instruction;
        assert.equal(ins.invalid, false, `corpus byte at ${line.address} decodes`);
        if (ins.invalid) continue;
        count++;
        const prefixes: PrefixName[] = [...ins.prefixes];
        const r = encode({
          mnemonic: ins.spec.mnemonic, operands: ins.operands, prefixes, bits,
          address: line.address, section: 0, sectionOffset: line.address,
        });
        const got = r.ok ? Buffer.from(r.bytes).toString('hex') : 'error: ' + r.problems.map((p) => p.message).join('; ');
        const want = Buffer.from(line.bytes).toString('hex');
        if (got !== want) failures.push(`  ${line.text}: ${want} → ${got}`);
      }
      assert.ok(count > 1500);
      assert.equal(failures.length, 0, `${failures.length} of ${count} differ:\n${failures.slice(0, 25).join('\n')}`);
    });
  }
});

describe('disassembly re-assembled by NASM', () => {
  for (const bits of MODES) {
    it(`gives the corpus bytes back (${bits}-bit)`, function () {
      if (!nasmAvailable()) {
        console.log('      nasm not on PATH: skipping the re-assembly check');
        this.skip();
      }
      const bytes = corpus(bits);
      const lines = disassemble(bytes, { bits, explicitBranches: true });
      const text = [`bits ${bits}`, ...lines.map((l) => l.text)].join('\n') + '\n';
      const dir = mkdtempSync(join(tmpdir(), 'ringside-disasm-'));
      try {
        writeFileSync(join(dir, 'x.asm'), text);
        execFileSync('nasm', ['-f', 'bin', '-o', join(dir, 'x.bin'), '-l', join(dir, 'x.lst'), join(dir, 'x.asm')], { stdio: 'pipe' });
        // NASM's listing gives each source line's address; the bytes come from the binary
        // (the listing shows relative fields unresolved, `E9(141B0000)`).
        const bin = new Uint8Array(readFileSync(join(dir, 'x.bin')));
        const starts = new Map<number, number>();
        for (const row of readFileSync(join(dir, 'x.lst'), 'utf8').split('\n')) {
          const m = /^\s*(\d+)\s+([0-9A-F]{8})\s+[0-9A-F[(]/.exec(row);
          if (m && !starts.has(Number(m[1]))) starts.set(Number(m[1]), parseInt(m[2], 16));
        }
        const assembled = new Map<number, string>();
        lines.forEach((l, i) => {
          const at = starts.get(i + 2);
          if (at !== undefined) assembled.set(i + 2, Buffer.from(bin.subarray(at, at + l.length)).toString('hex'));
        });
        assert.equal(bin.length, bytes.length, 'same total size');
        const diffs: string[] = [];
        lines.forEach((l, i) => {
          const want = Buffer.from(l.bytes).toString('hex');
          const got = assembled.get(i + 2) ?? '';
          if (got !== want) diffs.push(`  ${l.text}: ${want} → nasm ${got}`);
        });
        assert.equal(diffs.length, 0, `${diffs.length} of ${lines.length} lines re-assemble differently:\n${diffs.slice(0, 25).join('\n')}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
