// Addresses past 2^52 (org, absolute, a section's start= and vstart=): labels are placed from them
// as doubles, exact to 2^53, where nasm 2.16.01 computes in 64 bits. Ringside gives nasm's bytes
// or refuses the address with its error, never other bytes (`org 0x20000000000001` / `x: dq x`
// put out ...00 20 00 where nasm has 01 ... 20 00). Each program is assembled by nasm, run now.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assemble } from '../../core/src/asm/index';
import { hasNasm } from '../support/random';

const ADDRESSES = ['0x10000000000000', '-0x10000000000000', '0x10000000000001', '0x1fffffffffffff', '0x20000000000001', '0x7fffffffffffffff', '0x8000000000000000', '0xffffffff80000000', '-1', '0x100000'];
const PROGRAMS = (a: string): string[] => [
  `org ${a}\nx: dq x\ny: dd y - x\n`,
  `absolute ${a}\nx: resb 1\ny: resb 1\nsection .text\ndq x, y\n`,
  `section .t vstart=${a}\nx: dq x\ny: dq y\n`,
];

describe('addresses past 2^52: nasm\'s bytes or a refusal, never other bytes', function () {
  this.timeout(60000);
  if (!hasNasm) { it('is skipped: nasm is not on PATH (install NASM 2.16 to run it)', function () { this.skip(); }); return; }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-address-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let refused = 0, same = 0;
  for (const a of ADDRESSES) {
    PROGRAMS(a).forEach((text, k) => {
      it(`${a}, program ${k}`, () => {
        fs.writeFileSync(path.join(dir, 'a.asm'), text);
        const nasm = spawnSync('nasm', ['-f', 'bin', 'a.asm', '-o', 'n.bin'], { cwd: dir, encoding: 'utf8', timeout: 20000 });
        const ours = assemble({ file: '/a.asm', text, host: { readFile: () => undefined } });
        const errors = ours.diagnostics.filter((d) => d.severity === 'error');
        if (errors.length > 0) {
          assert.ok(errors.every((e) => e.code === 'address-range'), errors.map((e) => e.message).join('\n'));
          assert.match(errors[0].message, /is past the ±2\^52 Ringside places labels at exactly$/);
          refused++;
          return;
        }
        assert.equal(nasm.status, 0, nasm.stderr);
        assert.deepEqual(Buffer.from(ours.image), fs.readFileSync(path.join(dir, 'n.bin')));
        same++;
      });
    });
  }
  it('takes every address up to 2^52 and refuses those past it', () => {
    assert.ok(same >= 15 && refused >= 9, `${same} the same, ${refused} refused`);
  });
});
