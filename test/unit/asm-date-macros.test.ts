// nasm's date and time macros (manual §5.1.5): the moment of the assembly, local and UTC, as
// strings and numbers. Compared with nasm itself when it is installed: nasm reads the clock once
// at start, so a run that starts and ends within one second tells which second it saw.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assemble } from '../../core/src/asm/index';

const SOURCE = [
  'db __DATE__, " ", __TIME__, " ", __UTC_DATE__, " ", __UTC_TIME__',
  'dd __DATE_NUM__, __TIME_NUM__, __UTC_DATE_NUM__, __UTC_TIME_NUM__, __POSIX_TIME__',
  'db __?DATE?__, __?UTC_TIME?__',
  '',
].join('\n');

function bytesAt(time: Date): Buffer {
  const r = assemble({ file: '/t/date.asm', text: SOURCE, host: { readFile: () => undefined }, time });
  assert.deepEqual(r.diagnostics, []);
  return Buffer.from(r.image);
}

describe('date and time macros', () => {
  it('give the moment in the forms of the manual: YYYY-MM-DD, HH:MM:SS, YYYYMMDD, HHMMSS, seconds since 1970', () => {
    // 2009-02-13 23:31:30 UTC is POSIX time 1234567890.
    const time = new Date(Date.UTC(2009, 1, 13, 23, 31, 30));
    const image = bytesAt(time);
    const text = image.subarray(0, 39).toString('latin1');
    const pad = (n: number) => String(n).padStart(2, '0');
    const local = `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())} ${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}`;
    assert.equal(text, `${local} 2009-02-13 23:31:30`);
    const numbers = [0, 1, 2, 3, 4].map((i) => image.readUInt32LE(39 + 4 * i));
    assert.deepEqual(numbers.slice(2), [20090213, 233130, 1234567890]);
    assert.equal(image.subarray(59).toString('latin1'), `${local.slice(0, 10)}23:31:30`);
  });

  it('match nasm run in the same second', function () {
    this.timeout(20000);
    if (spawnSync('nasm', ['-v']).status !== 0) this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-date-'));
    try {
      fs.writeFileSync(path.join(dir, 'date.asm'), SOURCE);
      // A run that straddles a second boundary says nothing: try again (at most a few times).
      for (let attempt = 0; attempt < 5; attempt++) {
        const before = Math.floor(Date.now() / 1000);
        const r = spawnSync('nasm', ['-f', 'bin', '-o', 'date.bin', 'date.asm'], { cwd: dir, encoding: 'utf8' });
        const after = Math.floor(Date.now() / 1000);
        assert.equal(r.status, 0, r.stderr);
        if (before !== after) continue;
        assert.deepEqual(bytesAt(new Date(before * 1000)), fs.readFileSync(path.join(dir, 'date.bin')));
        return;
      }
      assert.fail('every nasm run straddled a second boundary');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
