// Random whole programs assembled by nasm and by us must give the same bytes. Needs nasm on PATH.
// Seeds: RINGSIDE_SEED if set, else a fixed list under CI (main cannot go red by chance), else a
// fresh seed, printed in the test title so a failure can be replayed.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assemble } from '../../core/src/asm/index';
import { hasNasm, rng, seedsForThisRun } from '../support/random';

/** A program with labels, local labels, jumps around the short/near boundary, padding, data and a macro. */
function program(r: () => number): string {
  const n = 4 + Math.floor(r() * 6);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const out = [r() < 0.5 ? 'bits 32' : 'bits 16', `org 0x${(Math.floor(r() * 0x100) * 0x10).toString(16)}`, '%macro pad 1', '  times %1 nop', '%endmacro'];
  for (let i = 0; i < n; i++) {
    out.push(`L${i}:`);
    for (let k = 0; k < 4; k++) {
      const target = `L${Math.floor(r() * (n + 1))}`;
      const line = pick([
        () => `  jmp ${target}`, () => `  jnz ${target}`, () => `  call ${target}`, () => `  times ${100 + Math.floor(r() * 60)} db ${Math.floor(r() * 256)}`,
        () => `  pad ${Math.floor(r() * 130)}`, () => `.l${k}: dd ${target}, $-$$`, () => `  jmp .l${k}`, () => `  mov eax, ${target}`,
        () => `  add ebx, ${Math.floor(r() * 300) - 150}`, () => `  db "x", ${Math.floor(r() * 256)}`, () => `  loop L${i}`,
      ]);
      const text = line();
      // Jumps to a local label need that label in the same scope: define it first.
      if (text.startsWith('  jmp .l')) out.push(`.l${k}: nop`);
      out.push(text.replace(/^\.l(\d+): dd/, `.d$1: dd`));
    }
  }
  out.push(`L${n}: ret`);
  return out.join('\n') + '\n';
}

/** Seeds CI runs every time; each passed when it was added. */
const CI_SEEDS = [1, 2, 3];

describe('differential: random programs vs nasm', function () {
  this.timeout(20000);
  if (!hasNasm) {
    it('is skipped: nasm is not on PATH (install NASM 2.16 to run it)', function () { this.skip(); });
    return;
  }
  for (const seed of seedsForThisRun(CI_SEEDS)) it(`matches nasm on 25 programs (seed ${seed}; replay with RINGSIDE_SEED=${seed})`, () => {
    const r = rng(seed);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-diff-'));
    try {
      for (let i = 0; i < 25; i++) {
        const text = program(r);
        const file = path.join(dir, `p${i}.asm`);
        fs.writeFileSync(file, text);
        const nasm = spawnSync('nasm', ['-f', 'bin', '-o', `${file}.bin`, file], { encoding: 'utf8' });
        const ours = assemble({ file, text, host: { readFile: () => undefined } });
        const ourErrors = ours.diagnostics.filter((d) => d.severity === 'error');
        if (nasm.status !== 0) {
          assert.ok(ourErrors.length > 0, `program ${i}: nasm rejected it (${nasm.stderr.trim()}) but we did not\n${text}`);
          continue;
        }
        assert.deepEqual(ourErrors.map((d) => d.message), [], `program ${i}:\n${text}`);
        const expected = fs.readFileSync(`${file}.bin`);
        const k = expected.findIndex((b, j) => ours.image[j] !== b);
        assert.ok(k < 0 && expected.length === ours.image.length,
          `program ${i} differs at offset ${k} (line ${ours.sourceMap.lookupAddress(ours.origin + k)?.range.start.line}):\n${text}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
