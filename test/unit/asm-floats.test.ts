// Floating-point constants in data and in the __?floatN?__() functions. The committed fixtures
// (float-data, float-overflow, float-denormal, float-rounding) hold nasm's bytes; this adds random
// constants of every form and size, near the ends of the formats too, under `float` modes that
// change, assembled by nasm when it is installed: the same bytes and nasm's warnings (with
// float-denorm and float-underflow on) on the same lines. Seeds as in asm-differential.test.ts.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assemble } from '../../core/src/asm/index';
import { hasNasm, rng, seedsForThisRun } from '../support/random';

/** A constant of one of nasm's forms: decimal with and without exponent, large integers, hex and binary with `p`, tiny values. */
function constant(r: () => number): string {
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
  const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[Math.floor(r() * 16)]).join('');
  const k = r();
  if (k < 0.3) return `${digits(1 + Math.floor(r() * 8))}.${digits(Math.floor(r() * 12))}`;
  if (k < 0.55) return `${digits(1 + Math.floor(r() * 3))}.${digits(1 + Math.floor(r() * 6))}e${r() < 0.5 ? '-' : ''}${Math.floor(r() * 40)}`;
  if (k < 0.65) return `${Math.floor(r() * 2 ** 30)}.0`;
  if (k < 0.8) return `0x${hex(1 + Math.floor(r() * 3))}.${hex(Math.floor(r() * 8))}p${r() < 0.5 ? '-' : ''}${Math.floor(r() * 30)}`;
  if (k < 0.9) return `0b1.${Array.from({ length: Math.floor(r() * 30) }, () => (r() < 0.5 ? 0 : 1)).join('')}p${Math.floor(r() * 10)}`;
  if (k < 0.95) return `${digits(1)}.${digits(3)}e-${Math.floor(r() * 330)}`;
  // Near the top or bottom of a format: a power of two in hexadecimal, give or take some bits.
  const e = [7, 8, 9, 15, 16, 17, 127, 128, 129, 1023, 1024, 1025, 16383, 16384, 16385][Math.floor(r() * 15)];
  return `0x1.${r() < 0.5 ? 'f'.repeat(1 + Math.floor(r() * 18)) : hex(Math.floor(r() * 18))}p${r() < 0.5 ? '' : '-'}${e + Math.floor(r() * 70) * (r() < 0.5 ? 1 : 0)}`;
}

const UNITS = ['db', 'dw', 'dd', 'dq', 'dt'] as const;
const SIZE = { db: 1, dw: 2, dd: 4, dq: 8, dt: 10 } as const;

const CI_SEEDS = [1, 2];

describe('differential: floating-point constants vs nasm', function () {
  this.timeout(30000);
  if (!hasNasm) {
    it('is skipped: nasm is not on PATH (install NASM 2.16 to run it)', function () { this.skip(); });
    return;
  }
  for (const seed of seedsForThisRun(CI_SEEDS)) it(`matches nasm on 2000 constants (seed ${seed}; replay with RINGSIDE_SEED=${seed})`, () => {
    const r = rng(seed);
    const lines = Array.from({ length: 2000 }, () => ({ unit: UNITS[Math.floor(r() * UNITS.length)], text: (r() < 0.2 ? '-' : '') + constant(r) }));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-floats-'));
    try {
      // One constant a line, so a line's bytes are at a known offset, under a `float` mode that
      // changes now and then; nasm's float-denorm and float-underflow warnings switched on.
      const modes = ['near', 'up', 'down', 'zero', 'daz', 'nodaz', 'default'];
      const body = lines.map((l) => (r() < 0.05 ? `float ${modes[Math.floor(r() * modes.length)]}\n` : '') + `${l.unit} ${l.text}`);
      const text = ['[warning +float-denorm]', '[warning +float-underflow]', ...body].join('\n') + '\n';
      const file = path.join(dir, 'floats.asm');
      fs.writeFileSync(file, text);
      const nasm = spawnSync('nasm', ['-f', 'bin', '-o', `${file}.bin`, file], { encoding: 'utf8' });
      assert.equal(nasm.status, 0, nasm.stderr);
      const ours = assemble({ file, text, host: { readFile: () => undefined } });
      assert.deepEqual(ours.diagnostics.filter((d) => d.severity === 'error'), []);
      const expected = fs.readFileSync(`${file}.bin`);
      const textLines = text.split('\n');
      let offset = 0;
      for (const l of lines) {
        const n = SIZE[l.unit];
        assert.deepEqual([...ours.image.subarray(offset, offset + n)], [...expected.subarray(offset, offset + n)], `${l.unit} ${l.text}`);
        offset += n;
      }
      assert.equal(ours.image.length, expected.length);
      // Every warning, by line and words.
      const nasmWarnings = [...nasm.stderr.matchAll(/floats\.asm:(\d+): warning: ([^[\n]*) \[/g)].map((m) => `${m[1]}: ${m[2]}`);
      const ourWarnings = ours.diagnostics.filter((d) => d.severity === 'warning').map((d) => `${d.range.start.line + 1}: ${d.message}`);
      assert.deepEqual(ourWarnings, nasmWarnings, textLines.slice(0, 3).join('|'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
