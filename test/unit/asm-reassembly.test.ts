// Programs assembled again and again, as the language server does after every edit, must keep
// giving nasm's bytes: later assemblies (and later passes) take statements' sizes and encodings
// from what earlier ones kept on the shared statements. The same lines appear under `bits 16`
// and `bits 32`, with and without labels and `times`, in progbits and nobits sections and in
// absolute space, so a fact kept in one context is offered in the others. Needs nasm on PATH.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assemble } from '../../core/src/asm/index';
import { hasNasm, rng } from '../support/random';

/** Lines whose encoding depends on `bits` only (the same text in both modes), with or without a label. */
const STATIC_LINES = ['  mov ax, 1', '  add bx, 2', '  xor dx, dx', '  mov eax, [ebx+4]', '  push ax', '  nop', '  inc cx', '  mov word [bx+si+2], 0x1234'];

function program(r: () => number, seed: number): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const out = ['bits 16', `org 0x${(0x100 + Math.floor(r() * 16) * 0x10).toString(16)}`];
  let labels = 0;
  const blocks = 3 + Math.floor(r() * 4);
  for (let b = 0; b < blocks; b++) {
    out.push(pick(['bits 16', 'bits 32', 'use16', 'use32']));
    out.push(`B${b}:`);
    for (let k = 0; k < 6; k++) {
      const line = pick(STATIC_LINES);
      const roll = r();
      if (roll < 0.2) out.push(`S${labels++}:${line.slice(1)}`);
      else if (roll < 0.3) out.push(`  times ${1 + Math.floor(r() * 3)}${line.slice(1)}`);
      else if (roll < 0.4) out.push(`  jmp B${Math.floor(r() * blocks)}`);
      else if (roll < 0.45) out.push(`  align ${pick([2, 4, 16])}`);
      else out.push(line);
    }
  }
  // The same lines in a nobits section (bytes ignored, with a warning) and in absolute space.
  out.push('section .bss', `  resb ${1 + (seed % 7)}`, pick(STATIC_LINES), 'absolute 0x800', 'A0: resw 2', 'section .text', pick(STATIC_LINES));
  out.push('struc T', '  .a: resd 1', '  .b: resw 1', 'endstruc', `  mov ax, T_size`, `B${blocks}: ret`);
  // Now and then a label defined twice: nasm rejects it, and so must every assembly.
  if (r() < 0.15) out.push('B0: nop');
  return out.join('\n') + '\n';
}

describe('reassembly: the same programs again and again vs nasm', function () {
  this.timeout(30000);
  if (!hasNasm) {
    it('is skipped: nasm is not on PATH (install NASM 2.16 to run it)', function () { this.skip(); });
    return;
  }
  it('gives nasm\'s bytes and the same diagnostics in every assembly of 30 programs', () => {
    const r = rng(7);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-reasm-'));
    try {
      for (let i = 0; i < 30; i++) {
        const text = program(r, i);
        const file = path.join(dir, `p${i}.asm`);
        fs.writeFileSync(file, text);
        const nasm = spawnSync('nasm', ['-f', 'bin', '-o', `${file}.bin`, file], { encoding: 'utf8' });
        const expected = nasm.status === 0 ? fs.readFileSync(`${file}.bin`) : undefined;
        let first: string[] | undefined;
        for (let round = 0; round < 3; round++) {
          const ours = assemble({ file, text, host: { readFile: () => undefined } });
          const diagnostics = ours.diagnostics.map((d) => `${d.severity} ${d.code} ${d.range.start.line}:${d.range.start.col} ${d.message}`);
          first ??= diagnostics;
          assert.deepEqual(diagnostics, first, `program ${i}, assembly ${round}: diagnostics changed\n${text}`);
          if (expected === undefined) {
            assert.ok(diagnostics.some((d) => d.startsWith('error')), `program ${i}: nasm rejected it (${nasm.stderr.trim()}) but we did not\n${text}`);
            continue;
          }
          assert.deepEqual(diagnostics.filter((d) => d.startsWith('error')), [], `program ${i}, assembly ${round}:\n${text}`);
          assert.deepEqual(Buffer.from(ours.image), expected, `program ${i}, assembly ${round}: bytes differ from nasm's\n${text}`);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
