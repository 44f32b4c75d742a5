// A source file that is no UTF-8 (Latin-1 here) keeps its bytes through `ringside asm`, as nasm
// 2.16.01 reads bytes: in strings of every quote, backquote escapes and names, in the binary, the
// `-E` text and the `-l` listing, each compared byte for byte with nasm's, run now (skips without
// nasm). Ringside had read such a file as UTF-8, making each stray byte EF BF BD. And a NUL byte,
// a Ctrl-Z and a lone carriage return (classic Mac line ends) end a line, as nasm reads them.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../core/src/cli/main';
import { decodeSource, encodeSource } from '../../core/src/asm/source-encoding';
import { hasNasm } from '../support/random';

/** Latin-1: é is E9, è E8; a UTF-8 é (C3 A9) beside them stays two bytes. */
const SOURCE = Buffer.concat([
  Buffer.from('bits 32\ndb "caf', 'latin1'), Buffer.from([0xe9]), Buffer.from('", `', 'latin1'), Buffer.from([0xe8]),
  Buffer.from('\\n`, \'', 'latin1'), Buffer.from([0xc3, 0xa9]), Buffer.from('\'\nmov eax, "', 'latin1'), Buffer.from([0xe9, 0xe8]),
  Buffer.from('"\n%define S "', 'latin1'), Buffer.from([0xe9]), Buffer.from('"\n%strlen L S\ndb L, S\nx', 'latin1'), Buffer.from([0xe9]),
  Buffer.from(': db 1\ndd x', 'latin1'), Buffer.from([0xe9]), Buffer.from('\n', 'latin1'),
]);

describe('ringside asm on a source that is no UTF-8', function () {
  this.timeout(30000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-bytes-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let stderr = '';
  const ours = (args: string[]): number => {
    const before = process.cwd();
    process.chdir(dir);
    stderr = '';
    try {
      return main(['asm', ...args], { out: () => {}, err: (t) => { stderr += t; } });
    } finally {
      process.chdir(before);
    }
  };

  /** `file` (in `dir`), which nasm accepts, gives nasm's bytes, listing and -E text. */
  const assemblesAsNasm = (file: string): void => {
    const read = (f: string) => fs.readFileSync(path.join(dir, f));
    assert.equal(spawnSync('nasm', ['-f', 'bin', file, '-o', 'n.bin', '-l', 'n.lst'], { cwd: dir }).status, 0);
    assert.equal(ours([file, '-o', 'o.bin', '-l', 'o.lst']), 0);
    assert.deepEqual(read('o.bin'), read('n.bin'));
    assert.deepEqual(read('o.lst'), read('n.lst'));
    spawnSync('nasm', ['-E', file, '-o', 'n.i'], { cwd: dir });
    assert.equal(ours(['-E', file, '-o', 'o.i']), 0);
    assert.deepEqual(read('o.i'), read('n.i'));
  };

  it('decodes stray bytes to characters of their own and encodes them back', () => {
    assert.deepEqual(Buffer.from(encodeSource(decodeSource(SOURCE))), SOURCE);
    assert.equal(decodeSource(Buffer.from('café', 'utf8')), 'café');
  });

  it('puts out nasm\'s bytes, -E text and listing', function () {
    if (!hasNasm) this.skip();
    fs.writeFileSync(path.join(dir, 'l1.asm'), SOURCE);
    const nasm = (args: string[]) => spawnSync('nasm', args, { cwd: dir });
    assert.equal(nasm(['-f', 'bin', 'l1.asm', '-o', 'n.bin', '-l', 'n.lst']).status, 0);
    assert.equal(ours(['l1.asm', '-o', 'o.bin', '-l', 'o.lst']), 0);
    const read = (f: string) => fs.readFileSync(path.join(dir, f));
    assert.deepEqual(read('o.bin'), read('n.bin'));
    assert.ok(read('n.bin').includes(Buffer.from([0x63, 0x61, 0x66, 0xe9])), 'nasm put the Latin-1 byte out');
    assert.deepEqual(read('o.lst'), read('n.lst'));
    nasm(['-E', 'l1.asm', '-o', 'n.i']);
    assert.equal(ours(['-E', 'l1.asm', '-o', 'o.i']), 0);
    assert.deepEqual(read('o.i'), read('n.i'));
  });

  it('ends a line at a NUL byte, inside a string too, numbering the lines after it as nasm does', function () {
    if (!hasNasm) this.skip();
    fs.writeFileSync(path.join(dir, 'z.asm'), Buffer.from('bits 32\nnop\0garbage\ndb "a\0b", 3\nfoo\n', 'latin1'));
    const nasm = spawnSync('nasm', ['-X', 'gnu', '-f', 'bin', 'z.asm', '-o', 'n.bin'], { cwd: dir, encoding: 'utf8' });
    assert.equal(ours(['-X', 'gnu', 'z.asm', '-o', 'o.bin']), 1);
    assert.equal(stderr, nasm.stderr);
    assert.match(stderr, /^z\.asm:5: warning: unterminated string/m);
    const e = spawnSync('nasm', ['-E', 'z.asm', '-o', 'n.i'], { cwd: dir });
    assert.equal(ours(['-E', 'z.asm', '-o', 'o.i']), e.status);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'o.i')), fs.readFileSync(path.join(dir, 'n.i')));
  });

  it('ends a line at a Ctrl-Z (0x1A, DOS end of file), inside a string too, as at a NUL', function () {
    if (!hasNasm) this.skip();
    // (Ringside read it as a character: `db 1<^Z>db 2` was "comma expected after operand", and a
    // string holding one was assembled. Found in nasm's own test br3392668-3.)
    fs.writeFileSync(path.join(dir, 'ctrlz.asm'), Buffer.from('bits 32\ndb 1\x1adb 2\nnop\x1a\ndb "a\x1ab", 3\nfoo\n', 'latin1'));
    const nasm = spawnSync('nasm', ['-X', 'gnu', '-f', 'bin', 'ctrlz.asm', '-o', 'n.bin'], { cwd: dir, encoding: 'utf8' });
    assert.equal(ours(['-X', 'gnu', 'ctrlz.asm', '-o', 'o.bin']), nasm.status);
    assert.equal(stderr, nasm.stderr);
    assert.match(stderr, /^ctrlz\.asm:6: warning: unterminated string/m);
    fs.writeFileSync(path.join(dir, 'ctrlz-ok.asm'), Buffer.from('bits 32\ndb 1\x1adb 2\nnop\x1a\nfoo:\x1adb 3\n', 'latin1'));
    assemblesAsNasm('ctrlz-ok.asm');
  });

  it('ends a line at a lone carriage return, as nasm does: bytes, listing and -E', function () {
    if (!hasNasm) this.skip();
    fs.writeFileSync(path.join(dir, 'mac.asm'), 'bits 32\rnop\rlbl: db 1\rjmp lbl\r');
    assemblesAsNasm('mac.asm');
  });
});
