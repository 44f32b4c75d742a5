// The `ringside` CLI as a user runs it: exit codes, output files, stderr format.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../core/src/cli/main';
import { hasNasm } from '../support/random';

const ROOT = path.join(__dirname, '..', '..');
const MAIN = path.join(ROOT, 'core', 'src', 'cli', 'main.ts');
function ringside(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function inProcess(args: string[]) {
  let out = '', err = '';
  const code = main(args, { out: (t) => { out += t; }, err: (t) => { err += t; } });
  return { code, out, err };
}

/** `nasm -f bin ARGS` and `ringside asm ARGS` run in `cwd` both accept and give the same bytes. */
function assembleAlike(args: readonly string[], cwd: string): void {
  const nasm = spawnSync('nasm', ['-f', 'bin', ...args, '-o', 'nasm.bin'], { cwd, encoding: 'utf8' });
  assert.equal(nasm.status, 0, nasm.stderr);
  const ours = ringside(['asm', ...args, '-o', 'ours.bin'], cwd);
  assert.equal(ours.code, 0, ours.err);
  assert.equal(fs.readFileSync(path.join(cwd, 'ours.bin'), 'latin1'), fs.readFileSync(path.join(cwd, 'nasm.bin'), 'latin1'));
}

describe('ringside CLI', function () {
  // (A bound for a hang, not a speed check: the tests that run nasm and the CLI on each of many
  // cases took 25 s of the 30 s this was on a loaded host.)
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-cli-'));
  const tsxDir = path.join(dir, 'node_modules');
  before(() => { fs.symlinkSync(path.join(ROOT, 'node_modules'), tsxDir); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('assembles to FILE.bin and writes a listing (bytes from nasm: 66 B8 01 00 00 00)', () => {
    fs.writeFileSync(path.join(dir, 'ok.asm'), 'mov eax, 1\n');
    const r = ringside(['asm', 'ok.asm', '-l', 'ok.lst'], dir);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual([...fs.readFileSync(path.join(dir, 'ok.bin'))], [0x66, 0xb8, 1, 0, 0, 0]);
    assert.match(fs.readFileSync(path.join(dir, 'ok.lst'), 'utf8'), /^ {5}1 00000000 66B801000000 {12}mov eax, 1$/m);
  });
  it('writes the listing nasm -l writes, with -I paths, warnings and relocated values (nasm run now)', function () {
    if (!hasNasm) this.skip(); // nasm is not installed: listing-differential.test.ts skips likewise.
    fs.mkdirSync(path.join(dir, 'lst'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'lst', 'defs.inc'), '%macro put 1.nolist\n  dd %1, $\n%endmacro\n  db 300 ; warns\n');
    fs.writeFileSync(path.join(dir, 'l.asm'), 'org 0x100\n%include "defs.inc"\nstart: put start\n  jmp near 0x200\n  times 3 db 1, 2\nsection .bss\nbuf: resb 16\n');
    const ours = ringside(['asm', 'l.asm', '-I', 'lst/', '-l', 'l.lst'], dir);
    assert.equal(ours.code, 0, ours.err);
    const nasm = spawnSync('nasm', ['-f', 'bin', '-I', 'lst/', 'l.asm', '-o', 'n.bin', '-l', 'n.lst'], { cwd: dir, encoding: 'utf8' });
    assert.equal(nasm.status, 0, nasm.stderr);
    assert.equal(fs.readFileSync(path.join(dir, 'l.lst'), 'utf8'), fs.readFileSync(path.join(dir, 'n.lst'), 'utf8'));
  });
  it('after errors writes the listing where nasm -l does, with the errors in it, and removes an old one where nasm does (nasm run now)', function () {
    if (!hasNasm) this.skip();
    const cases: Record<string, string> = {
      // Final-pass errors: nasm lists them (a dropped statement's line has no data).
      undef: 'bits 32\nstart: mov eax, 1\n db 300\n jmp start\n mov eax, bogus\n',
      // (The data after a dropped statement is listed lower: nasm's place did not move on.)
      lowered: 'bits 32\nstart: mov eax, 1\n mov eax, bogus\n db 300\nsection .data\n db 7\n',
      user: 'db 1\n%error hi\n',
      macro: '%macro m 0\ndb zz\ndb qq\n%endmacro\nm\n',
      // Errors of nasm's first pass, and fatal ones: no listing, and the old file is gone.
      parser: ' foo bar baz\n',
      address: 'mov eax, [eax+ebx*3]\n',
      fatal: '%fatal boom\n',
      include: '%include "nope.inc"\n',
    };
    for (const [name, text] of Object.entries(cases)) {
      fs.writeFileSync(path.join(dir, `e-${name}.asm`), text);
      fs.writeFileSync(path.join(dir, `n-${name}.lst`), 'old\n');
      fs.writeFileSync(path.join(dir, `r-${name}.lst`), 'old\n');
      const nasm = spawnSync('nasm', ['-f', 'bin', `e-${name}.asm`, '-o', `n-${name}.bin`, '-l', `n-${name}.lst`], { cwd: dir, encoding: 'utf8' });
      const ours = ringside(['asm', `e-${name}.asm`, '-o', `r-${name}.bin`, '-l', `r-${name}.lst`], dir);
      assert.equal(nasm.status, 1, name);
      assert.equal(ours.code, 1, name);
      const listing = (f: string): string | undefined => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : undefined);
      assert.equal(listing(`r-${name}.lst`), listing(`n-${name}.lst`), name);
    }
    assert.ok(fs.existsSync(path.join(dir, 'n-undef.lst')) && !fs.existsSync(path.join(dir, 'n-parser.lst')), 'nasm writes one listing and not the other');
  });
  it('after errors removes an old output file where nasm does, and leaves it where nasm does (nasm run now)', function () {
    if (!hasNasm) this.skip();
    fs.writeFileSync(path.join(dir, 'o-undef.asm'), 'db zz\n');
    fs.writeFileSync(path.join(dir, 'o-fatal.asm'), 'db 1\n%fatal stop\n');
    fs.writeFileSync(path.join(dir, 'o-pp.asm'), 'db 1\n%error bad\n');
    const cases: readonly (readonly string[])[] = [
      ['o-undef.asm'], ['o-fatal.asm'], ['o-missing.asm'], ['-E', 'o-pp.asm'], ['-E', 'o-fatal.asm'],
      // Kept: -M writes no output file, and -E's text with no error in preprocessing is written.
      ['-M', 'o-undef.asm'], ['-E', 'o-undef.asm'],
    ];
    for (const c of cases) {
      fs.writeFileSync(path.join(dir, 'o-n.out'), 'old\n');
      fs.writeFileSync(path.join(dir, 'o-r.out'), 'old\n');
      const nasm = spawnSync('nasm', ['-f', 'bin', ...c, '-o', 'o-n.out'], { cwd: dir, encoding: 'utf8' });
      const ours = ringside(['asm', ...c, '-o', 'o-r.out'], dir);
      assert.equal(ours.code, nasm.status, c.join(' '));
      const kept = (f: string): string | undefined => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : undefined);
      assert.equal(kept('o-r.out') === undefined, kept('o-n.out') === undefined, `${c.join(' ')}: nasm ${kept('o-n.out') === undefined ? 'removes' : 'keeps'} the file`);
    }
  });
  it('after errors leaves a device named as the output or listing alone: only a file a build wrote is removed', function () {
    // (`ringside asm bad.asm -o /dev/null` run as root removed /dev/null, as nasm does, and every
    // later write to /dev/null on the machine made a file. A null device of the test's own, c 1 3
    // as /dev/null is (Linux's devices.txt), needs root to make.)
    const device = path.join(dir, 'null-device');
    if (spawnSync('mknod', ['-m', '666', device, 'c', '1', '3']).status !== 0) this.skip();
    try {
      fs.writeFileSync(path.join(dir, 'dev-bad.asm'), 'db zz\n');
      fs.writeFileSync(path.join(dir, 'dev-pp.asm'), 'db 1\n%error bad\n');
      for (const c of [['dev-bad.asm', '-o', device], ['dev-bad.asm', '-o', 'dev-bad.bin', '-l', device], ['-E', 'dev-pp.asm', '-o', device]]) {
        const ours = ringside(['asm', ...c], dir);
        assert.equal(ours.code, 1, c.join(' '));
        assert.ok(fs.statSync(device).isCharacterDevice(), `${c.join(' ')}: the device was removed`);
      }
    } finally {
      fs.rmSync(device, { force: true });
    }
  });
  it('with -X gnu reads each source file once for the places of the messages macros give (one per line of a long file)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-cli-reads-'));
    const file = path.join(dir, 'calls.asm');
    // 400 calls of a macro whose body nasm refuses: a message from a macro on each line, placed
    // (as nasm places it) by the macro's definition line, which asNasmPlaces reads.
    fs.writeFileSync(file, '%macro m 1\n  mov %1, bl\n%endmacro\n' + 'm eax\n'.repeat(400));
    // (The module object itself: an `import * as` is a copy whose properties read it.)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const nodeFs = require('node:fs') as { readFileSync: typeof fs.readFileSync };
    const read = nodeFs.readFileSync;
    let reads = 0;
    nodeFs.readFileSync = ((p: fs.PathOrFileDescriptor, o?: unknown) => {
      if (p === file) reads++;
      return (read as (p: fs.PathOrFileDescriptor, o?: unknown) => string | Buffer)(p, o);
    }) as typeof fs.readFileSync;
    try {
      const r = inProcess(['asm', '-X', 'gnu', file, '-o', path.join(dir, 'out.bin')]);
      assert.equal(r.code, 1);
      assert.equal(r.err.split('\n').filter((l) => l.includes('error: invalid combination of opcode and operands')).length, 400, r.err.slice(0, 400));
      assert.ok(reads >= 1 && reads <= 2, `read ${reads} times`);
    } finally {
      nodeFs.readFileSync = read;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes nasm\'s --limit-X flags (message as nasm 2.16 prints it for --limit-rep 2)', () => {
    fs.writeFileSync(path.join(dir, 'reps.asm'), '%rep 3\nnop\n%endrep\n');
    const over = ringside(['asm', 'reps.asm', '--limit-rep', '2'], dir);
    assert.equal(over.code, 1);
    assert.match(over.err, /reps\.asm:1:\d+: error: `%rep' count 3 exceeds limit \(currently 2\)/);
    const ok = ringside(['asm', 'reps.asm', '--limit-rep=3', '-o', 'reps.bin'], dir);
    assert.equal(ok.code, 0, ok.err);
    assert.deepEqual([...fs.readFileSync(path.join(dir, 'reps.bin'))], [0x90, 0x90, 0x90]);
    // nasm 2.16.01: "nasm: warning: invalid limit value: `lots' [-w+other]", and the limit stays (exit 0);
    // "nasm: warning: unknown limit: `foo' [-w+other]" likewise.
    const bad = ringside(['asm', 'reps.asm', '--limit-rep', 'lots', '--limit-foo', '1', '-o', 'reps.bin'], dir);
    assert.equal(bad.code, 0, bad.err);
    assert.equal(bad.err, "ringside: warning: invalid limit value: `lots' [-w+other]\nringside: warning: unknown limit: `foo' [-w+other]\n");
  });
  it('passes -D and -I and honours -o', () => {
    fs.mkdirSync(path.join(dir, 'inc'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'inc', 'v.inc'), 'db V\n');
    fs.writeFileSync(path.join(dir, 'd.asm'), '%include "v.inc"\n');
    const r = ringside(['asm', 'd.asm', '-I', 'inc', '-DV=9', '-o', 'out.img'], dir);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual([...fs.readFileSync(path.join(dir, 'out.img'))], [9]);
  });
  it('finds an %include named from the working directory, as nasm run from a project\'s top does (nasm run now)', function () {
    if (!hasNasm) this.skip();
    // nasm 2.16 looks in its working directory (and -I), not in FILE's: `nasm -f bin boot/main.asm`
    // run from the top takes `%include "boot/defs.inc"`, and `incbin "boot/blob"`, from there.
    fs.mkdirSync(path.join(dir, 'proj', 'boot'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'proj', 'boot', 'defs.inc'), 'db 7\n');
    fs.writeFileSync(path.join(dir, 'proj', 'boot', 'blob'), 'AB');
    fs.writeFileSync(path.join(dir, 'proj', 'boot', 'main.asm'), '%include "boot/defs.inc"\nincbin "boot/blob"\n');
    const cwd = path.join(dir, 'proj');
    const ours = ringside(['asm', 'boot/main.asm', '-o', 'ours.bin'], cwd);
    assert.equal(ours.code, 0, ours.err);
    const nasm = spawnSync('nasm', ['-f', 'bin', 'boot/main.asm', '-o', 'nasm.bin'], { cwd, encoding: 'utf8' });
    assert.equal(nasm.status, 0, nasm.stderr);
    assert.deepEqual(fs.readFileSync(path.join(cwd, 'ours.bin')), fs.readFileSync(path.join(cwd, 'nasm.bin')));
  });
  it('names files in __FILE__ as nasm does: the source as the command line gives it, an include with its -I prefix (nasm run now)', function () {
    if (!hasNasm) this.skip();
    const cwd = path.join(dir, 'names');
    fs.mkdirSync(path.join(cwd, 'src', 'inc'), { recursive: true });
    fs.writeFileSync(path.join(cwd, 'src', 'boot.asm'), 'db __FILE__, 0\n%include "x.inc"\n');
    fs.writeFileSync(path.join(cwd, 'src', 'inc', 'x.inc'), 'db __?FILE?__, 1\n');
    assembleAlike(['-Isrc/inc/', 'src/boot.asm'], cwd);
  });
  it('assembles expressions as long as nasm takes (8,191 operators) with well under Node\'s default stack (nasm\'s bytes, recorded)', () => {
    // Every walk over an expression loops or falls back to a loop (see evaluateChain): a recursion
    // over one would need more stack than a cold process has, so the bundle runs with 600 KB (the default is about 984).
    // (expr-deep-parens: 2,000 parentheses nesting to the right are evaluated by a recursion with
    // a loop to fall back on for each operand, which needs more than 200 KB; see evaluateChain.)
    for (const name of ['expr-deep-chain', 'expr-deep-parens']) {
      const fixture = path.join(ROOT, 'test', 'fixtures', 'nasm', 'asm', name);
      const out = path.join(dir, 'deep.bin');
      const r = spawnSync(process.execPath, ['--stack-size=600', path.join(ROOT, 'dist', 'cli.js'), 'asm', `${fixture}.asm`, '-o', out], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      assert.deepEqual(fs.readFileSync(out), fs.readFileSync(`${fixture}.bin`), name);
    }
  });
  it('takes nasm\'s longest expressions in every place one goes with a fifth of Node\'s default stack (nasm\'s bytes and message, recorded)', () => {
    // Each walk over an expression loops (see expr-walk.ts), so 200 KB is enough; the walks that
    // recursed (the count of symbols a %assign leaves, the first pass's sum of terms) gave
    // "expression too long", or for `times`, no error at all, below about 500 KB.
    const fixtures = path.join(ROOT, 'test', 'fixtures', 'nasm', 'asm');
    const out = path.join(dir, 'deep200.bin');
    for (const name of ['expr-deep-chain', 'expr-deep-operands']) {
      const r = spawnSync(process.execPath, ['--stack-size=200', path.join(ROOT, 'dist', 'cli.js'), 'asm', path.join(fixtures, `${name}.asm`), '-o', out], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${name}: ${r.stderr}`);
      assert.deepEqual(fs.readFileSync(out), fs.readFileSync(path.join(fixtures, `${name}.bin`)), name);
    }
    const r = spawnSync(process.execPath, ['--stack-size=200', path.join(ROOT, 'dist', 'cli.js'), 'asm', path.join(fixtures, 'expr-deep-times.asm'), '-o', out], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    const [, line, message] = /^expr-deep-times\.asm:(\d+): (.*)$/.exec(fs.readFileSync(path.join(fixtures, 'expr-deep-times.err'), 'utf8').trim())!;
    assert.ok(r.stderr.includes(`expr-deep-times.asm:${line}:8: ${message}`), r.stderr);
  });
  it('looks for %include, incbin and %pathsearch files where nasm looks first: its working directory, then -I (nasm run now)', function () {
    if (!hasNasm) this.skip();
    // The same names in the working directory and beside the source: nasm takes the working
    // directory's. Ringside also looks beside the source, but only after nasm's places.
    const cwd = path.join(dir, 'order');
    fs.mkdirSync(path.join(cwd, 'src'), { recursive: true });
    fs.mkdirSync(path.join(cwd, 'inc'), { recursive: true });
    for (const [where, byte] of [['', 1], ['src', 2], ['inc', 3]] as const) {
      fs.writeFileSync(path.join(cwd, where, 'x.inc'), `db ${byte}\n`);
      fs.writeFileSync(path.join(cwd, where, 'x.bin'), Buffer.from([byte + 0x10]));
      fs.writeFileSync(path.join(cwd, where, 'y.inc'), `db ${byte + 0x20}\n`);
    }
    fs.rmSync(path.join(cwd, 'y.inc'));
    fs.writeFileSync(path.join(cwd, 'src', 'm.asm'), '%include "x.inc"\n%include "y.inc"\nincbin "x.bin"\n%pathsearch P "y.inc"\ndb P\n');
    assembleAlike(['-Iinc/', 'src/m.asm'], cwd);
  });
  it('writes the map file [map] asks for, to a file, standard output or error, as nasm writes it (nasm run now)', function () {
    if (!hasNasm) this.skip();
    const programs: Record<string, string> = {
      'all.asm': '[map all all.map]\norg 0x100\nK equ -1\nstart: jmp main\n.loc: nop\nstruc S\n.a: resb 2\n.b: resd 1\nendstruc\n'
        + 'section .data\nmsg: db "hi"\nsection .bss\nbuf: resb 10\nabsolute 0x500\nvar1: resw 1\nsection .text\nmain: mov ax, [buf]\nhere equ $\n'
        + 'section .extra align=16 vstart=0x9000\nx1: dd 1\nsection .nb nobits vfollows=.extra valign=8\ny1: resb 3\n',
      'brief.asm': '[map]\norg 0x7c00\ntimes 510-($-$$) db 0\ndw 0xaa55\n',
      'syms.asm': '[map symbols stderr]\n[map sections]\nsection .a start=0x200\na: db 1\nsection .text\nt: dd a\n',
      // `[section]` alone: a section named '' (an empty name column).
      'unnamed.asm': '[map sections]\nbits 16\ndb 1\n[section]\nu: db 2\nsection .data\ndb 3\n[segment]\ndb 4\n',
      // Symbols at a section's start (its own segment, see LOAD_SEGMENTS) are listed in the section, by their offset from it.
      'starts.asm': '[map symbols stdout]\norg 0x100\ndb 1\ns equ section..data.start + 2\nv equ section..data.vstart + 2\nabsolute s\nz: resb 1\n'
        + 'section .data vstart=0x3000\nx: dd s, z\n',
    };
    for (const [name, text] of Object.entries(programs)) {
      for (const who of ['nasm', 'ours']) {
        fs.mkdirSync(path.join(dir, 'map', who), { recursive: true });
        fs.writeFileSync(path.join(dir, 'map', who, name), text);
      }
      const cwd = (who: string) => path.join(dir, 'map', who);
      const nasm = spawnSync('nasm', ['-f', 'bin', name, '-o', 'out.bin'], { cwd: cwd('nasm'), encoding: 'utf8' });
      const ours = ringside(['asm', name, '-o', 'out.bin'], cwd('ours'));
      assert.equal(nasm.status, 0, nasm.stderr);
      assert.equal(ours.code, 0, ours.err);
      assert.equal(ours.out, nasm.stdout, `${name}: standard output`);
      assert.equal(ours.err, nasm.stderr, `${name}: standard error`);
    }
    assert.equal(fs.readFileSync(path.join(dir, 'map', 'ours', 'all.map'), 'utf8'), fs.readFileSync(path.join(dir, 'map', 'nasm', 'all.map'), 'utf8'));
  });
  it('takes nasm\'s -w/-W warning options, before the source\'s [warning] lines, as nasm does (nasm run now)', function () {
    if (!hasNasm) this.skip();
    const sources: Record<string, string> = {
      // (No orphan label, or empty warning stack, with an overflow in one file: when both are errors nasm stops after the
      // pass that finds the first, before the one that reports the overflow; Ringside reports both.)
      'w1.asm': 'db 300\n',
      'w6.asm': 'x: nop\nfoo\n',
      'w2.asm': '[warning +number-overflow]\ndb 300\n[warning -label-orphan]\nfoo\n',
      'w3.asm': '[warning -number-overflow]\ndb 300\n[warning +error=label-orphan]\nfoo\n',
      'w4.asm': 'db 300\n[warning *number-overflow]\ndb 300\n[warning *error=number-overflow]\ndb 300\n[warning *all]\ndb 300\n',
      'w5.asm': '[warning push]\n[warning +number-overflow]\n[warning pop]\ndb 300\n[warning +FOO]\n',
      'w7.asm': '[warning pop]\n[warning +FOO]\n',
      // An empty stack's pop goes back to the command line's state (not with every warning an error: see above).
      'w8.asm': '[warning +number-overflow]\n[warning pop]\ndb 300\n',
    };
    const options = [
      [], ['-w+number-overflow'], ['-w-number-overflow'], ['-w+error=number-overflow'], ['-w-error=number-overflow'], ['-w+error'], ['-Werror'],
      ['-Wnumber-overflow'], ['-Wno-number-overflow'], ['-Werror=number-overflow'], ['-Wno-error=number-overflow'], ['-w+all'], ['-w-all'],
      ['-Wno-number'], ['-w+error', '-w-error=number-overflow'], ['-w+error=number-overflow', '-w-number-overflow'], ['-WNO-NUMBER-OVERFLOW'],
      ['-W-number-overflow'], ['-w', '-number-overflow'], ['-w-orphan-labels'], ['-Werror=label'], ['-Wno-error', '-w+error=label-orphan'],
      ['-w+foo'], ['-w+unknown-warning', '-w+foo'], ['-w+foo', '-w+unknown-warning'], ['-w+unknown-warning', '-w+error=unknown-warning', '-w+FOO'],
      ['-Werror', '-w+unknown-warning', '-Wno-error=foo'], ['-w+all', '-w+'], ['-w+unknown-warning', '-Werror='], ['-w+unknown-warning', '-w-error=unknown-warning'],
    ];
    // nasm's lines as Ringside words them: "ringside:" for "nasm:" (each warning keeps its [-w+NAME] tag, an error made of
    // one its [-w+error=NAME]); Ringside's with no column. Sorted: Ringside reports an orphan label (found as it parses) before
    // the data that overflows on an earlier line (found as it assembles), nasm in line order; the order is not what this tests.
    const fromNasm = (err: string) => err.split('\n').filter(Boolean).map((l) => l.replace(/^nasm: /, 'ringside: ')).sort();
    const fromOurs = (err: string) => err.split('\n').filter(Boolean).map((l) => l.replace(/^([^:]+:\d+):\d+:/, '$1:')).sort();
    for (const [name, text] of Object.entries(sources)) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, text);
      for (const opts of options) {
        if (name === 'w8.asm' && opts.some((o) => o === '-w+error' || o === '-Werror')) continue;
        const nasm = spawnSync('nasm', ['-f', 'bin', ...opts, file, '-o', path.join(dir, 'wn.bin')], { encoding: 'utf8' });
        const ours = inProcess(['asm', ...opts, file, '-o', path.join(dir, 'wo.bin')]);
        const what = `${name} ${opts.join(' ')}`;
        assert.equal(ours.code, nasm.status, `${what}: exit status\n${ours.err}`);
        assert.deepEqual(fromOurs(ours.err), fromNasm(nasm.stderr), what);
      }
    }
  });
  it('prints the preprocessed source with -E, to standard output or -o OUT, as nasm -E does (nasm run now)', function () {
    if (!hasNasm) this.skip(); // preprocess-differential.test.ts skips likewise.
    fs.mkdirSync(path.join(dir, 'pp', 'inc'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'pp', 'inc', 'defs.inc'), '%macro m 1\n  mov eax, %1 + X   ; body\n%%l: jmp %%l\n%endmacro\n');
    fs.writeFileSync(path.join(dir, 'pp', 'e.asm'), '%include "defs.inc"\nbits 32\nstart:\n  m 3   ; call\n%rep 2\n  nop\n%endrep\nalign 4\ndb __FILE__, V\n');
    fs.writeFileSync(path.join(dir, 'pp', 'bad.asm'), 'nop\n%error stop here\nhlt\n');
    const cwd = path.join(dir, 'pp');
    const args = ['-Iinc/', '-DX=5', '-DV=7', 'e.asm'];
    const ours = ringside(['asm', '-E', ...args], cwd);
    const nasm = spawnSync('nasm', ['-E', ...args], { cwd, encoding: 'utf8' });
    assert.equal(nasm.status, 0, nasm.stderr);
    assert.equal(ours.code, 0, ours.err);
    assert.equal(ours.out, nasm.stdout);
    // -o OUT holds the same text; nothing is assembled (no e.bin).
    assert.equal(ringside(['asm', '-E', ...args, '-o', 'ours.i'], cwd).code, 0);
    assert.equal(spawnSync('nasm', ['-E', ...args, '-o', 'nasm.i'], { cwd }).status, 0);
    assert.equal(fs.readFileSync(path.join(cwd, 'ours.i'), 'utf8'), fs.readFileSync(path.join(cwd, 'nasm.i'), 'utf8'));
    assert.ok(!fs.existsSync(path.join(cwd, 'e.bin')));
    // An error: nasm prints every line still, exits 1, and writes no -o file.
    const bad = ringside(['asm', '-E', 'bad.asm'], cwd);
    const nasmBad = spawnSync('nasm', ['-E', 'bad.asm'], { cwd, encoding: 'utf8' });
    assert.equal(nasmBad.status, 1);
    assert.equal(bad.code, 1);
    assert.equal(bad.out, nasmBad.stdout);
    assert.match(bad.err, /^bad\.asm:2:\d+: error: stop here$/m);
    assert.equal(ringside(['asm', '-E', 'bad.asm', '-o', 'bad.i'], cwd).code, 1);
    assert.ok(!fs.existsSync(path.join(cwd, 'bad.i')));
  });
  it('exits 1 with file:line:col: error: lines on errors', () => {
    fs.writeFileSync(path.join(dir, 'bad.asm'), 'bits 32\n  mov eax, nope\n  jmp gone\n');
    const r = ringside(['asm', 'bad.asm'], dir);
    assert.equal(r.code, 1);
    assert.equal(r.err, "bad.asm:2:12: error: symbol `nope' not defined\nbad.asm:3:7: error: symbol `gone' not defined\n");
  });
  it('prints a %fatal as nasm does, `fatal:`, in its own shape too (nasm run now)', function () {
    if (!hasNasm) this.skip();
    fs.writeFileSync(path.join(dir, 'fatal.asm'), 'db 1\n%fatal stop here\n');
    const nasm = spawnSync('nasm', ['-f', 'bin', 'fatal.asm', '-o', 'fatal-n.bin'], { cwd: dir, encoding: 'utf8' });
    const r = ringside(['asm', 'fatal.asm', '-o', 'fatal-r.bin'], dir);
    assert.equal(r.code, nasm.status);
    // (nasm's words, after the place, which Ringside's shape gives with a column.)
    assert.equal(r.err.replace(/^(fatal\.asm:\d+):\d+:/, '$1:'), nasm.stderr);
  });
  it('prints warnings and still exits 0', () => {
    fs.writeFileSync(path.join(dir, 'warn.asm'), 'db 300\n');
    const r = ringside(['asm', 'warn.asm'], dir);
    assert.equal(r.code, 0);
    // nasm 2.16.01: "warn.asm:1: warning: byte data exceeds bounds [-w+number-overflow]".
    assert.equal(r.err, 'warn.asm:1:4: warning: byte data exceeds bounds [-w+number-overflow]\n');
  });
  it('reports lines a %line renumbered by the file and line it gave, as nasm does', () => {
    // nasm 2.16.01 on this file: "x.c:101: warning: in m [-w+user]", "l.asm:2: ... from macro `m' defined
    // here", "x.c:102: warning: byte data exceeds bounds [-w+number-overflow]", "x.c:7: error: invalid combination of
    // opcode and operands" (the macro body's line keeps its definition's place).
    fs.writeFileSync(path.join(dir, 'l.asm'), '%macro m 0\n%warning in m\n%endmacro\n%line 100 x.c\nm\ndb 300\n%line 5+2\nmov eax\n');
    const r = ringside(['asm', 'l.asm'], dir);
    assert.equal(r.code, 1);
    assert.equal(r.err, 'l.asm:2:1: warning: in m [-w+user]\nx.c:101:1: note: expanded from here\n' +
      'x.c:102:4: warning: byte data exceeds bounds [-w+number-overflow]\nx.c:7:1: error: invalid combination of opcode and operands\n');
  });
  it('says an include cycle nothing ends is one, at the include where nasm runs out of files, with its include site once', () => {
    // nasm 2.16.01 (`ulimit -n` 1024): "cnt.asm:5: error: unable to open include file `cnt.asm': Too many open files".
    fs.writeFileSync(path.join(dir, 'cnt.asm'), '%ifndef N\n%assign N 0\n%endif\n%assign N N+1\n%include "cnt.asm"\n');
    const r = inProcess(['asm', path.join(dir, 'cnt.asm'), '-o', path.join(dir, 'cnt.bin')]);
    assert.equal(r.code, 1);
    const at = `${path.join(dir, 'cnt.asm')}:5:10`;
    assert.equal(r.err, `${at}: error: \`cnt.asm' includes itself (include cycle): no guard or count ends it\n${at}: note: expanded from here (1017 times)\n`);
  });
  it('disassembles a flat binary', () => {
    fs.writeFileSync(path.join(dir, 'x.bin'), Uint8Array.of(0x90, 0xc3));
    const r = ringside(['disasm', 'x.bin', '--org', '0x7c00', '--bits', '16'], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^00007C00 {2}90 +nop$/m);
    assert.match(r.out, /^00007C01 {2}C3 +ret$/m);
  });
  it('reports an output or listing file it cannot write like nasm (exit 1, no stack trace)', () => {
    fs.writeFileSync(path.join(dir, 'w.asm'), 'nop\n');
    const out = ringside(['asm', 'w.asm', '-o', 'nodir/w.bin'], dir);
    assert.equal(out.code, 1);
    // nasm 2.16: "w.asm: fatal: unable to open output file `nodir/w.bin'"
    assert.equal(out.err, "w.asm: error: unable to open output file `nodir/w.bin': No such file or directory\n");
    const list = ringside(['asm', 'w.asm', '-l', 'nodir/w.lst'], dir);
    assert.equal(list.code, 1);
    assert.equal(list.err, "w.asm: error: unable to open listing file `nodir/w.lst': No such file or directory\n");
  });
  it('asm, disasm and run say alike why they cannot read their input (exit 1)', () => {
    // nasm 2.16: "nasm: fatal: unable to open input file `none.asm' No such file or directory"
    for (const command of ['asm', 'disasm', 'run']) {
      const missing = path.join(dir, 'none.asm');
      const r = inProcess([command, missing]);
      assert.equal(r.code, 1, command);
      assert.equal(r.err, `${missing}: error: unable to open input file \`${missing}': No such file or directory\n`, command);
      const directory = inProcess([command, dir]);
      assert.equal(directory.code, 1, command);
      assert.equal(directory.err, `${dir}: error: unable to open input file \`${dir}': Is a directory\n`, command);
    }
  });
  it('disasm - reads standard input, as ndisasm does (bytes and text from ndisasm -b 32 -)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'disasm', '-'], { cwd: dir, input: Buffer.from([0x90, 0xcd, 0x80]), encoding: 'utf8', env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '00000000  90                nop\n00000001  CD80              int 0x80\n');
  });
  it('disasm --org takes NASM numbers as ndisasm -o does, and rejects anything else (exit 2)', () => {
    const bin = path.join(dir, 'org.bin');
    fs.writeFileSync(bin, Uint8Array.of(0x90));
    for (const org of ['0x7c00', '7c00h', '$7c00', '0x7c_00']) {
      const r = inProcess(['disasm', bin, '--org', org]);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, '00007C00  90                nop\n');
    }
    for (const org of ['', '1e3', '12abc', '-1', '0x100000000']) assert.equal(inProcess(['disasm', bin, '--org', org]).code, 2, org);
    for (const bits of ['0x10', '16.0', ' 32']) assert.equal(inProcess(['disasm', bin, '--bits', bits]).code, 2, bits);
  });
  it('disasm writes a large listing in pieces rather than as one string', () => {
    const bin = path.join(dir, 'zeros.bin');
    fs.writeFileSync(bin, new Uint8Array(64 * 1024));
    let writes = 0, lines = 0;
    const code = main(['disasm', bin], { out: (t) => { writes++; lines += t.split('\n').length - 1; }, err: () => {} });
    assert.equal(code, 0);
    assert.equal(lines, 32 * 1024, 'one `add [eax],al` per two zero bytes');
    assert.ok(writes > 1);
  });
  it('exits 2 on bad usage and 0 for --help/--version (in process)', () => {
    const run = (args: string[]) => {
      let out = '', err = '';
      const code = main(args, { out: (t) => { out += t; }, err: (t) => { err += t; } });
      return { code, out, err };
    };
    assert.equal(run([]).code, 2);
    assert.match(run(['frob']).err, /unknown command `frob'/);
    // (Names every object has were taken for commands: `ringside toString` died with a TypeError.)
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const r = run([name, 'x']);
      assert.equal(r.code, 2, name);
      assert.match(r.err, new RegExp(`unknown command \`${name}'`));
    }
    assert.equal(run(['asm']).code, 2);
    assert.equal(run(['disasm', 'x.bin', '--bits', '64']).code, 2);
    assert.match(run(['--help']).out, /ringside asm FILE/);
    assert.equal(run(['--version']).code, 0);
    // Each subcommand's --help/-h prints its own usage (exit 0), whatever else is on the line.
    for (const cmd of ['asm', 'disasm', 'run']) {
      const h = run([cmd, 'x', '--help']);
      assert.equal(h.code, 0, h.err);
      assert.match(h.out, new RegExp(`^Usage:\\n  ringside ${cmd} `));
      for (const other of ['asm', 'disasm', 'run'].filter((c) => c !== cmd)) assert.doesNotMatch(h.out, new RegExp(`ringside ${other} `));
    }
    assert.match(run(['run', '-h']).out, /--max-instructions N/);
    assert.match(run(['asm', '-h']).out, /-Werror=NAME/);
  });
});
