// The nasm flags of `ringside.assembler.arguments`, a launch's `assemblerArguments` and `ringside
// run` (core/src/cli/assembler-arguments.ts): what they become for the assembler, the bytes that
// assembles compared with nasm 2.16.01 run now on the same flags (skipped without nasm), and the
// flags left out, each with its message.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assemble } from '../../core/src/asm/index';
import { readAssemblerArguments } from '../../core/src/cli/assembler-arguments';
import { nasmWorkspace } from '../support/nasm-workspace';

const SOURCES: Readonly<Record<string, string>> = {
  // Forward jumps (near under -O0, short under -Ox), an immediate -O0 writes in 4 bytes, -D and %ifdef.
  'main.asm': 'bits 32\n%ifdef DEBUG\ndb 0xdb\n%endif\njmp l\nadd eax, 1\nl: db X\n%ifdef PRE\ndb PRE\n%endif\n%include "v.inc"\n',
  'inc/v.inc': 'db 0x11\n',
  'pre.inc': '%define PRE 0x22\n',
  // A %rep that --limit-rep 5 refuses (nasm: "error: %rep count 10 exceeds limit (currently 5)").
  'rep.asm': '%rep 10\nnop\n%endrep\n',
};

describe('assembler arguments: nasm flags for the editor, the debugger and ringside run', function () {
  this.timeout(60000);

  it('turns the flags that shape an assembly into the assembler\'s options, relative -I from the base folder', () => {
    const r = readAssemblerArguments(['-DDEBUG', '-O0', '-I', 'inc/', '-w-orphan-labels', '-D', 'X=1', '-UDEBUG', '-Wno-number-overflow', '-fbin', '--limit-rep=9', '-I/abs'], '/ws');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.flags, {
      includePaths: ['/ws/inc', '/abs'], defines: { X: '1' }, prelude: undefined, noLine: false,
      warnings: ['-orphan-labels', '-number-overflow'], limits: { rep: 9 }, optimization: 0,
    });
    // nasm's last -O wins.
    assert.equal(readAssemblerArguments(['-O0', '-Ox'], undefined).flags.optimization, Infinity);
  });

  it('runs -D, -U, -P and --before in order, as nasm does, when one of -P/--before/--pragma is given', () => {
    const r = readAssemblerArguments(['-DA=1', '-P', 'pre.inc', '-UA', '--before', '%define B 2'], '/ws');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.flags.defines, {});
    assert.deepEqual(r.flags.prelude, { file: '<command line>', text: '%define A 1\n%include "/ws/pre.inc"\n%undef A\n%define B 2\n' });
  });

  const REFUSED: readonly [readonly string[], string, RegExp][] = [
    [['-o', 'out.bin'], '-o out.bin', /it names an output file/],
    [['-oout.bin'], '-oout.bin', /it names an output file/],
    [['-l', 'k.lst'], '-l k.lst', /it names an output file/],
    [['-Xgnu'], '-Xgnu', /where and how messages are written/],
    [['-s'], '-s', /where and how messages are written/],
    [['-Z', 'err.txt'], '-Z err.txt', /where and how messages are written/],
    [['-MD', 'k.d'], '-MD k.d', /it names an output file/],
    [['-M'], '-M', /it names an output file/],
    [['-E'], '-E', /something other than an assembly/],
    [['-v'], '-v', /something other than an assembly/],
    [['--version'], '--version', /something other than an assembly/],
    [['kernel.asm'], 'kernel.asm', /it names a source file/],
    // The ones `ringside asm` refuses, with its (nasm's) words.
    [['-f', 'elf'], '-f elf', /^unrecognised output format `elf'/],
    [['-Oq'], '-Oq', /^unknown optimization option -Oq$/],
    [['-Ov'], '-Ov', /^-Ov is not supported/],
    [['-q'], '-q', /^unrecognised option `-q'$/],
    [['--frobnicate'], '--frobnicate', /^unrecognized option `--frobnicate'$/],
    [['--limit-foo', '3'], '--limit-foo 3', /^unknown limit: `foo'$/],
    [['-D'], '-D', /^option `-D' requires an argument$/],
    [['-w+nosuchclass'], '-w+nosuchclass', /^unknown warning name: nosuchclass$/],
    [['-a'], '-a', /^-a \(assemble without preprocessing\) is not supported/],
  ];
  for (const [argv, flag, message] of REFUSED) {
    it(`leaves out ${argv.join(' ')}, naming it, and keeps the flags before it`, () => {
      const r = readAssemblerArguments(['-DA', '-O0', ...argv], undefined);
      assert.equal(r.problems.length, 1, JSON.stringify(r.problems));
      assert.equal(r.problems[0].flag, flag);
      assert.match(r.problems[0].message, message);
      assert.deepEqual([r.flags.defines, r.flags.optimization], [{ A: '' }, 0]);
    });
  }

  it('takes a refused option\'s value with it, as nasm would, and keeps the flags after it', () => {
    const r = readAssemblerArguments(['-o', '-DB', '-l', 'x.lst', '-DC'], undefined);
    assert.deepEqual(r.problems.map((p) => p.flag), ['-o -DB', '-l x.lst']);
    assert.deepEqual(r.flags.defines, { C: '' });
  });

  describe('assembles as nasm 2.16.01 does with the same flags (run now)', () => {
    const dir = nasmWorkspace('ringside-asm-arguments-', SOURCES);

    const host = { readFile: (p: string) => (fs.existsSync(p) ? fs.readFileSync(p, 'latin1') : undefined) };
    const CASES: readonly (readonly string[])[] = [
      ['-DX=1', '-Iinc/'],
      ['-DDEBUG', '-O0', '-DX=2', '-I', 'inc'],
      ['-DX=3', '-O1', '-Iinc/', '-DDEBUG', '-UDEBUG'],
      ['-DX=4', '-Iinc/', '-P', 'pre.inc', '-O0'],
      ['--before', '%define X 5', '-i', 'inc/', '-Ox'],
    ];
    for (const flags of CASES) {
      it(`main.asm with ${flags.join(' ')}`, () => {
        const out = path.join(dir, 'n.bin');
        fs.rmSync(out, { force: true });
        const n = spawnSync('nasm', ['-f', 'bin', ...flags, '-o', 'n.bin', 'main.asm'], { cwd: dir, encoding: 'utf8' });
        assert.equal(n.status, 0, n.stderr);
        const r = readAssemblerArguments(flags, dir);
        assert.deepEqual(r.problems, []);
        const ours = assemble({ ...r.flags, file: path.join(dir, 'main.asm'), host });
        assert.deepEqual(ours.diagnostics.map((d) => d.message), []);
        assert.deepEqual(Buffer.from(ours.image), fs.readFileSync(out));
      });
    }

    it('--limit-rep 5 stops a %rep 10, as in nasm', () => {
      const n = spawnSync('nasm', ['-f', 'bin', '--limit-rep', '5', '-o', 'n.bin', 'rep.asm'], { cwd: dir, encoding: 'utf8' });
      assert.equal(n.status, 1);
      const r = readAssemblerArguments(['--limit-rep', '5'], dir);
      const ours = assemble({ ...r.flags, file: path.join(dir, 'rep.asm'), host });
      const nasmError = /error: (.*)/.exec(n.stderr)![1];
      assert.deepEqual(ours.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [nasmError]);
    });
  });
});
