// `ringside asm` against nasm 2.16.01 run now with the same command lines: nasm's options for
// `-f bin`, their argument forms, and the ones Ringside refuses (where nasm's bytes or output
// would differ). Output bytes, standard output and error, and exit codes. Skips without nasm.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../core/src/cli/main';
import { nasmWorkspace } from '../support/nasm-workspace';

const SOURCES: Readonly<Record<string, string>> = {
  // Short and near forms, sign-extended immediates, a zero displacement: where -O levels differ.
  'opt.asm': 'bits 32\nmov eax, 1\nadd eax, 1\nadd ebx, 300\njmp l\nl: jmp near l\nmov eax, [ebx+0]\npush 1\nimul eax, 3\ntimes 130 nop\njmp l\ndb X\n',
  'msg.asm': 'db 300\nfoo\nmov eax\n',
  'ok.asm': 'mov eax, 1\n',
  'pre.inc': 'db 5\n%define PI 7\ndb 300\n',
  'pi.asm': 'db PI\n',
  'call.asm': 'db PI(3)\n',
  'pw.asm': '%warning hi\n%error bad\ndb 1\n',
  'sub/w.asm': '%include "x.inc"\ndb 300\n', 'xi/x.inc': 'db 301\n%warning in x\n',
  'nl.asm': 'db 300\n%line 100 x.c\ndb 301\n%warning __FILE__ __LINE__\n%if 0\n%line 5 y.c\n%endif\ndb 302\n',
  // Messages from macros: nested calls, a call after a label, an %include inside a macro and a macro inside an %include.
  'mac.asm': '%macro in 0\ndb 300\n%endmacro\n%macro out 1\nnop\n  in\n%endmacro\nx: out 1\n%macro inc2 0\n%include "mac.inc"\n%endmacro\ninc2\n%include "mac2.inc"\nmov eax\n',
  'mac.inc': 'db 301\n',
  // A %line renumbering: the call's place is the one %line gives, the macro's line its own.
  'line.asm': '%macro m 0\n%warning in m\n%endmacro\n%line 100 x.c\nm\ndb 300\n%line 5+2\nmov eax\n',
  'mac2.inc': '%macro m2 0\ndb 303\n%endmacro\nnop\nm2\ndb 302\nm2\n',
  'inc/v.inc': 'db V\n',
  'v.asm': '%include "v.inc"\n',
  'rep.asm': '%rep 10\nnop\n%endrep\n',
  'lines.asm': 'times 5 nop\nnop\nnop\nnop\n',
  // Response files (-@ FILE): one argument a line, cut at CR, LF or Ctrl-Z, blanks around it dropped.
  'a.rsp': '  -DX=5  \r\n\n-O0\n', 'b.rsp': '-DX=1\n-D\n', 'c.rsp': 'opt.asm\n-DX=2\n', 'd.rsp': '-@a.rsp\n',
  'e.rsp': '-D\nX=7\r\x1ajunk\n-I\n\n', 'f.rsp': '-DX=3',
  'nolist.asm': '%macro m 1.nolist\ndb %1\n%endmacro\n%macro n 1\ndb %1\n%endmacro\n%define D 3\nm 1\nn D\ntimes 12 db 2\n',
};

interface Run { code: number | null; out: string; err: string; bin?: Buffer }

describe('ringside asm takes nasm\'s command line (nasm 2.16.01 run now)', function () {
  this.timeout(60000);
  const dir = nasmWorkspace('ringside-nasm-options-', SOURCES);

  /** Both on `args` (with `-o OUT` added where `out`), in `dir`; Ringside in process, from `dir`. */
  function both(args: readonly string[], out = true): { nasm: Run; ours: Run } {
    const read = (f: string): Buffer | undefined => (fs.existsSync(f) ? fs.readFileSync(f) : undefined);
    for (const f of ['n.bin', 'o.bin']) fs.rmSync(path.join(dir, f), { force: true });
    const n = spawnSync('nasm', [...args, ...(out ? ['-o', 'n.bin'] : [])], { cwd: dir, encoding: 'utf8' });
    const cwd = process.cwd();
    let o: Run;
    try {
      process.chdir(dir);
      let so = '', se = '';
      const code = main(['asm', ...args, ...(out ? ['-o', 'o.bin'] : [])], { out: (t) => { so += t; }, err: (t) => { se += t; } });
      o = { code, out: so, err: se };
    } finally { process.chdir(cwd); }
    return { nasm: { code: n.status, out: n.stdout, err: n.stderr, bin: read(path.join(dir, 'n.bin')) }, ours: { ...o, bin: read(path.join(dir, 'o.bin')) } };
  }
  /** Ringside's messages without their columns, as nasm's `file:line:` ones. */
  const lines = (text: string): string[] => text.split('\n').filter(Boolean).map((l) => l.replace(/^([^:\s]+:\d+):\d+:/, '$1:'));

  it('accepts the options that give nasm\'s default bytes, in every argument form', () => {
    const cases: string[][] = [
      ['-f', 'bin', '-DX=1', 'opt.asm'], ['-fbin', '-DX=1', 'opt.asm'], ['-f', 'BIN', '-DX=1', 'opt.asm'],
      ['-O2', '-DX=1', 'opt.asm'], ['-O3', '-DX=1', 'opt.asm'], ['-O9', '-DX=1', 'opt.asm'], ['-Ox', '-DX=1', 'opt.asm'], ['-O', 'x', '-DX=1', 'opt.asm'],
      ['-O', '2', '-DX=1', 'opt.asm'], ['-O02', '-DX=1', 'opt.asm'], ['-O1x', '-DX=1', 'opt.asm'], ['-O0', '-Ox', '-DX=1', 'opt.asm'],
      ['-dX=2', 'opt.asm'], ['-d', 'X=2', 'opt.asm'], ['-D', 'X=3', 'opt.asm'], ['-D', 'X 4', 'opt.asm'], ['-DX=1', '-DX=5', 'opt.asm'],
      ['-UX', '-DX=6', 'opt.asm'], ['-U', 'X', '-DX=6', 'opt.asm'], ['-uX', '-dX=6', 'opt.asm'],
      ['-i', 'inc/', '-DV=7', 'v.asm'], ['-iinc', '-DV=7', 'v.asm'], ['-I', 'inc', '-dV=7', 'v.asm'],
      ['-g', '-DX=1', 'opt.asm'], ['--prefix', '_', '--gpostfix=_g', '--lprefix', 'l', '--lpostfix', 'x', '--postfix', 'p', '--gprefix', 'g', '-DX=1', 'opt.asm'],
      ['--reproducible', '-DX=1', 'opt.asm'], ['--REPRODUCIBLE', '-DX=1', 'opt.asm'], ['--abort-on-panic', '-DX=1', 'opt.asm'], ['--Abort-On-Panic', '-DX=1', 'opt.asm'], ['-w+all', '-DX=1', 'opt.asm'], ['--limit-rep', '5', '-DX=1', 'opt.asm'],
      ['-Lw', '-DX=1', 'opt.asm'], ['-L', 'wp', '-DX=1', 'opt.asm'], ['-Lq', '-DX=1', 'opt.asm'], ['', '-DX=1', 'opt.asm'],
    ];
    for (const args of cases) {
      const { nasm, ours } = both(args);
      const what = args.join(' ');
      assert.equal(nasm.code, 0, `${what}: nasm ${nasm.err}`);
      assert.equal(ours.code, 0, `${what}: ${ours.err}`);
      assert.deepEqual(ours.bin, nasm.bin, what);
      assert.equal(ours.out, nasm.out, what);
      assert.deepEqual(lines(ours.err), lines(nasm.err), what);
    }
  });

  it('takes --limit-X as nasm does: unknown names and bad values warn and change nothing', () => {
    for (const args of [['--limit-rep', 'lots', '--limit-foo', '1'], ['--LIMIT-REP=unlimited', '--limit-stalled-passes', '3'], ['--limit-rep=200', '--limit-passes', '9']]) {
      const { nasm, ours } = both([...args, '-DX=1', 'opt.asm']);
      const what = args.join(' ');
      assert.equal(nasm.code, 0, what);
      assert.equal(ours.code, 0, `${what}: ${ours.err}`);
      assert.deepEqual(ours.bin, nasm.bin, what);
      assert.equal(ours.err, nasm.err.replace(/^nasm: /gm, 'ringside: '), what);
    }
  });

  it('reads a --limit-X value as nasm\'s readnum reads a number (any radix, what follows it ignored), a sign or nothing a bad value', () => {
    for (const value of ['0x5', '5h', '0b101', '$5', '0q5', '5d', ' 5 x', '5.0', ' -0', '1_0', '+5', '5k', '', '-1']) {
      for (const name of ['rep', 'stalled-passes']) {
        const { nasm, ours } = both(['-Xgnu', `--limit-${name}=${value}`, 'rep.asm']);
        const what = `--limit-${name}=${value}`;
        assert.equal(ours.code, nasm.code, `${what}: ${ours.err}`);
        assert.deepEqual(ours.bin, nasm.bin, what);
        assert.equal(ours.err, nasm.err.replace(/^nasm: /gm, 'ringside: '), what);
      }
    }
  });

  it('--limit-lines is nasm\'s fatal error where it assembles (-X gnu and -X vc, message for message), and no limit for -E and -M', () => {
    for (const args of [['-Xgnu'], ['-Xvc'], ['-Xgnu', '-E'], ['-Xgnu', '-M', '-MT', 'x'], ['-Xgnu', '-MD', 'x.d']]) {
      for (const limit of ['2', '3', '4']) {
        const { nasm, ours } = both([...args, `--limit-lines=${limit}`, 'lines.asm']);
        const what = `${args.join(' ')} --limit-lines=${limit}`;
        assert.equal(ours.code, nasm.code, `${what}: ${ours.err}`);
        assert.equal(ours.err, nasm.err, what);
        assert.equal(ours.out, nasm.out, what);
        assert.deepEqual(ours.bin, nasm.bin, what);
      }
    }
  });

  it('reads -@ FILE as nasm does, a line an argument, in place; says what nasm says of a bad one', () => {
    const cases: string[][] = [
      ['-@', 'a.rsp', 'opt.asm'], ['-@a.rsp', 'opt.asm'], ['-@  a.rsp', 'opt.asm'], ['-@', 'c.rsp'], ['-@', 'f.rsp', 'opt.asm'], ['-DX=9', '-@', 'f.rsp', 'opt.asm'],
      ['-@', 'b.rsp', 'opt.asm'], ['-@', 'nope.rsp', 'opt.asm'], ['-@', 'd.rsp', 'opt.asm'], ['-@', 'e.rsp', 'opt.asm'],
    ];
    for (const args of cases) {
      const { nasm, ours } = both(args);
      const what = args.join(' ');
      assert.deepEqual(ours.bin, nasm.bin, what);
      if (nasm.code === 0) {
        assert.equal(ours.code, 0, `${what}: ${ours.err}`);
        assert.equal(ours.err, nasm.err, what);
      } else {
        // (Bad usage: Ringside exits 2 where nasm exits 1, in nasm's words.)
        assert.equal(nasm.code, 1, what);
        assert.equal(ours.code, 2, what);
        assert.equal(ours.err, `${nasm.err.replace(/^nasm: error: /gm, 'ringside: ')}Try \`ringside --help'.\n`, what);
      }
    }
    // nasm's @FILE is a response file too (not an input file), split at blanks: refused, saying so.
    const at = both(['@f.rsp', 'opt.asm']);
    assert.equal(at.nasm.code, 0);
    assert.deepEqual(at.nasm.bin, both(['-@', 'f.rsp', 'opt.asm']).nasm.bin);
    assert.equal(at.ours.code, 2);
    assert.match(at.ours.err, /^ringside: @f\.rsp: a response file given as @FILE is not supported .*: give it as -@ FILE/);
  });

  it('reads the options in NASMENV before the command line\'s, as nasm does', () => {
    const cases: [string, string[]][] = [
      ['-DX=4', ['opt.asm']], ['-DX=4 -O0', ['opt.asm']], ['|-DX=5|-O0', ['opt.asm']], ['  -DX=4   -O1  ', ['opt.asm']], ['-DX=4', ['-DX=7', 'opt.asm']],
      ['-D', ['-DX=1', 'opt.asm']], ['-q', ['-DX=1', 'opt.asm']], ['-DX=2 -Xgnu -w+unknown-warning -wfoo', ['opt.asm']],
    ];
    const before = process.env.NASMENV;
    try {
      for (const [environment, args] of cases) {
        process.env.NASMENV = environment;
        const { nasm, ours } = both(args);
        const what = `NASMENV='${environment}' ${args.join(' ')}`;
        assert.deepEqual(ours.bin, nasm.bin, what);
        if (nasm.code === 0) {
          assert.equal(ours.code, 0, `${what}: ${ours.err}`);
          assert.equal(ours.err, nasm.err.replace(/^nasm: /gm, 'ringside: '), what);
        } else {
          assert.equal(nasm.code, 1, what);
          assert.equal(ours.code, 2, what);
          assert.equal(ours.err, `${nasm.err.replace(/^nasm: error: /gm, 'ringside: ')}Try \`ringside --help'.\n`, what);
        }
      }
    } finally {
      if (before === undefined) delete process.env.NASMENV; else process.env.NASMENV = before;
    }
  });

  it('runs -P, --include, --before and --pragma before the source, in order with -D and -U, as nasm does', () => {
    const cases: string[][] = [
      ['-P', 'pre.inc', 'pi.asm'], ['-Ppre.inc', 'pi.asm'], ['-p', 'pre.inc', 'pi.asm'], ['--include', 'pre.inc', 'pi.asm'],
      ['-I', 'inc', '-P', 'v.inc', '-DV=3', 'pi.asm', '-DPI=4'], ['--before', '%define PI 9', 'pi.asm'], ['--before=db 1', '--before', 'db 2', '-P', 'pre.inc', 'pi.asm'],
      ['--pragma', 'preproc sane_empty_expansion', '-DPI=2', 'pi.asm'], ['-DPI=1', '-P', 'pre.inc', '-UPI', '--before', 'db PI', 'ok.asm'],
      ['-DPI=1', '-UPI', '--before', 'db 0', 'pi.asm'], ['--before', '%include "nope.inc"', 'ok.asm'], ['-Xvc', '-P', 'pre.inc', 'pi.asm'],
      // -D and -U that only nasm's preprocessor reads: a macro with parameters, a name it does not take, more after a -U name.
      ['-DPI(a)=a+1', 'call.asm'], ['-DPI(a) a+2', 'call.asm'], ['-DPI(a)=a', '-DX=2', '-UPI', 'call.asm'], ['-D=1', 'ok.asm'], ['-D1X=2', 'ok.asm'],
      ['-UX=1', 'ok.asm'], ['-U1', 'ok.asm'], ['-DPI=1', '-UPI junk', 'pi.asm'], ['-DPI=4', '-U', 'X Y', 'pi.asm'],
    ];
    for (const args of cases) {
      const { nasm, ours } = both(['-Xgnu', ...args]);
      const what = args.join(' ');
      assert.equal(ours.code, nasm.code, `${what}: ${ours.err}`);
      assert.deepEqual(ours.bin, nasm.bin, what);
      assert.equal(ours.err, nasm.err, what);
    }
  });

  it('--no-line reads each %line and does nothing with it, in the messages and the listing (-l)', () => {
    for (const args of [['-Xgnu', 'nl.asm'], ['-Xgnu', '--no-line', 'nl.asm'], ['--NO-LINE', '-Xvc', 'nl.asm']]) {
      const { nasm, ours } = both([...args, '-l', 'nl.lst']);
      const what = args.join(' ');
      assert.equal(ours.code, 0, `${what}: ${ours.err}`);
      assert.equal(nasm.code, 0, what);
      assert.deepEqual(ours.bin, nasm.bin, what);
      assert.equal(ours.err, nasm.err, what);
      const oursList = fs.readFileSync(path.join(dir, 'nl.lst'), 'utf8');
      spawnSync('nasm', [...args, '-l', 'nl.lst', '-o', 'n.bin'], { cwd: dir });
      assert.equal(oursList, fs.readFileSync(path.join(dir, 'nl.lst'), 'utf8'), what);
    }
  });

  it('-U undefines what -D defined before it, in order (exit 1 as nasm, the same message)', () => {
    for (const args of [['-DX=1', '-UX', 'opt.asm'], ['-D', 'X=1', '-U', 'X', 'opt.asm'], ['-UX', 'opt.asm']]) {
      const { nasm, ours } = both(args);
      assert.equal(nasm.code, 1);
      assert.equal(ours.code, 1);
      assert.deepEqual(lines(ours.err), lines(nasm.err), args.join(' '));
    }
  });

  it('writes messages as nasm -X gnu and -X vc do, to standard output with -s and to a file with -Z', () => {
    for (const args of [['-X', 'gnu'], ['-Xgnu'], ['-X', 'GCC'], ['-X', 'vc'], ['-Xmsvc'], ['-X', 'ms'], ['-s'], ['-s', '-Xvc']]) {
      const { nasm, ours } = both([...args, 'msg.asm']);
      const what = args.join(' ');
      assert.equal(ours.code, 1, what);
      assert.equal(nasm.code, 1, what);
      // (Without -X, Ringside's messages have columns.)
      const shape = args.some((a) => a.startsWith('-X')) ? (t: string) => t.split('\n').filter(Boolean) : lines;
      assert.deepEqual(shape(ours.err), shape(nasm.err), what);
      assert.deepEqual(shape(ours.out), shape(nasm.out), what);
    }
    // From macros, nasm reports the outermost call and then each macro, outermost first.
    for (const args of [['-Xgnu', 'mac.asm'], ['-Xvc', 'mac.asm'], ['-X', 'gnu', 'line.asm']]) {
      const { nasm, ours } = both(args);
      assert.equal(ours.code, 1);
      assert.equal(nasm.code, 1);
      assert.equal(ours.err, nasm.err, args.join(' '));
    }
    // -Z FILE: the messages there, none on standard error; -Z wins over -s wherever it stands; an empty FILE without messages.
    for (const args of [['-Z', 'msgs.txt', '-X', 'gnu', 'msg.asm'], ['-s', '-Zmsgs.txt', '-Xgnu', 'msg.asm'], ['-Z', 'msgs.txt', '-s', '-Xgnu', 'msg.asm'], ['-Zmsgs.txt', 'ok.asm']]) {
      const { nasm, ours } = both(args);
      const oursFile = fs.readFileSync(path.join(dir, 'msgs.txt'), 'utf8');
      spawnSync('nasm', [...args, '-o', 'n.bin'], { cwd: dir });
      const nasmFile = fs.readFileSync(path.join(dir, 'msgs.txt'), 'utf8');
      const what = args.join(' ');
      assert.equal(ours.code, nasm.code, what);
      assert.equal(ours.err, nasm.err, what);
      assert.equal(ours.out, nasm.out, what);
      assert.equal(oursFile, nasmFile, what);
    }
  });

  it('prints the options\' own messages where nasm does: on standard error until -s is read, on standard output after, never in -Z\'s file', () => {
    const cases: string[][] = [
      ['-Z', 'msgs.txt', '--limit-foo', '3'], ['-Zmsgs.txt', '-w+unknown-warning', '-wfoo'], ['-s', '--limit-foo', '3'], ['--limit-foo', '3', '-s'],
      ['--limit-foo', '3', '-s', '--limit-bar', '3'], ['-w+unknown-warning', '-wfoo', '-s'], ['-Z', 'msgs.txt', '-s', '--limit-foo', '3', '-w+unknown-warning', '-wfoo'],
      ['-Werror', '-w+unknown-warning', '-wfoo', '-Zmsgs.txt'], ['-Znodir/msgs.txt', '--limit-x', '1'],
    ];
    const messages = (): string | undefined => (fs.existsSync(path.join(dir, 'msgs.txt')) ? fs.readFileSync(path.join(dir, 'msgs.txt'), 'utf8') : undefined);
    for (const args of cases) {
      fs.rmSync(path.join(dir, 'msgs.txt'), { force: true });
      const n = spawnSync('nasm', [...args, 'ok.asm', '-o', 'n.bin'], { cwd: dir, encoding: 'utf8' });
      const nasmFile = messages();
      fs.rmSync(path.join(dir, 'msgs.txt'), { force: true });
      const { ours } = both([...args, 'ok.asm']);
      const what = args.join(' ');
      const asOurs = (t: string): string => t.replace(/^nasm: /gm, 'ringside: ');
      assert.equal(ours.code, n.status, what);
      assert.equal(ours.out, asOurs(n.stdout), what);
      // (Ringside's own words for an error file it cannot open: see messageStream.)
      assert.equal(ours.err.replace(/ error: cannot open file .*\n/, ''), asOurs(n.stderr).replace(/ fatal: cannot open file .*\nType nasm -h for help.\n/, ''), what);
      assert.equal(messages(), nasmFile, what);
    }
  });

  it('reads no- before a -w class as nasm does: -w-CLASS without a sign, part of the name after one', () => {
    const cases: string[][] = [
      ['-wno-label-orphan'], ['-wNO-label-orphan'], ['-Werror', '-wno-error=label-orphan'], ['-Werror', '-wno-error'], ['-wno-error=label-orphan'],
      ['-w+unknown-warning', '-w+no-label-orphan'], ['-w+unknown-warning', '-Wno-no-label-orphan'], ['-w+unknown-warning', '-wno-foo'],
    ];
    for (const args of cases) {
      const { nasm, ours } = both(['-Xgnu', ...args, 'msg.asm']);
      const what = args.join(' ');
      assert.equal(ours.code, nasm.code, what);
      assert.equal(ours.err, nasm.err.replace(/^nasm: /gm, 'ringside: '), what);
    }
  });

  it('says first that it cannot open the listing, as nasm does, and then leaves no output', () => {
    for (const args of [['-Xgnu', 'ok.asm'], ['-Xgnu', 'msg.asm'], ['-Xvc', 'msg.asm'], ['-Xgnu', 'nl.asm']]) {
      const n = spawnSync('nasm', [...args, '-l', 'nodir/x.lst', '-o', 'n.bin'], { cwd: dir, encoding: 'utf8' });
      const what = args.join(' ');
      assert.equal(n.status, 1, what);
      assert.equal(fs.existsSync(path.join(dir, 'n.bin')), false, what);
      fs.writeFileSync(path.join(dir, 'o.bin'), 'old');
      let err = '';
      const cwd = process.cwd();
      let code: number;
      try {
        process.chdir(dir);
        code = main(['asm', ...args, '-l', 'nodir/x.lst', '-o', 'o.bin'], { out: () => undefined, err: (t) => { err += t; } });
      } finally { process.chdir(cwd); }
      assert.equal(code, 1, what);
      // (Ringside says why.)
      assert.equal(err.replace("': No such file or directory\n", "'\n"), n.stderr, what);
      assert.equal(fs.existsSync(path.join(dir, 'o.bin')), false, what);
    }
  });

  it('places the messages about FILE as a whole and about the options in -X vc\'s shape as nasm does (`a.asm :`, `nasm :`)', () => {
    const cases: string[][] = [
      ['-Xvc', '-M', 'ok.asm', '-MF', 'nodir/x.d'], ['-Xvc', '--limit-foo=1', '-w+unknown-warning', '-wfoo', 'ok.asm'],
      ['--limit-foo=1', '-Xvc', '-w+unknown-warning', '-wfoo', 'ok.asm'], ['-Xvc', '--limit-foo=1', '-Xgnu', 'ok.asm'],
      ['-Xvc', '-E', 'ok.asm', '-o', 'nodir/x.i'], ['-Xvc', 'ok.asm', '-o', 'nodir/x.bin'], ['-Xvc', 'ok.asm', '-Znodir/z'],
    ];
    for (const args of cases) {
      const { nasm, ours } = both(args, false);
      const what = args.join(' ');
      assert.equal(ours.code, nasm.code, what);
      // (nasm's output and error files are fatal errors, Ringside's errors with the reason: their places alone are compared.)
      const place = (t: string): string[] => t.split('\n').filter((l) => l !== '' && !l.startsWith('Type nasm')).map((l) => l.replace(/^nasm( ?:)/, 'ringside$1').replace(/ (error|fatal): .*/, ''));
      assert.deepEqual(place(ours.err), place(nasm.err), what);
      if (nasm.code === 0) assert.equal(ours.err, nasm.err.replace(/^nasm( ?:)/gm, 'ringside$1'), what);
    }
  });

  it('says only that it cannot open the output, as nasm does, which opens it before it reads the source', () => {
    for (const args of [['-Xgnu', 'msg.asm'], ['-Xgnu', 'pw.asm'], ['-Xvc', 'ok.asm'], ['-Xgnu', '-E', 'pw.asm'], ['-Xvc', '-E', 'msg.asm']]) {
      const { nasm, ours } = both([...args, '-o', 'nodir/x.bin'], false);
      const what = args.join(' ');
      assert.equal(nasm.code, 1, what);
      assert.equal(ours.code, 1, what);
      // (nasm's is a fatal error, Ringside's says why: the places and the words before the name are compared.)
      const message = (t: string): string[] => t.split('\n').filter(Boolean).map((l) => l.replace(/ (error|fatal): (unable to open output file) .*/, ' $2'));
      assert.deepEqual(message(ours.err), message(nasm.err), what);
    }
  });

  it('with -X, says it cannot open the input file in nasm\'s words and shape', () => {
    for (const args of [['-Xgnu', 'nope.asm'], ['-Xvc', 'nope.asm'], ['-s', '-Xgnu', 'nope.asm'], ['-Xgnu', '-E', 'nope.asm'], ['-Xgnu', '-M', 'nope.asm']]) {
      const { nasm, ours } = both(args);
      const what = args.join(' ');
      assert.equal(nasm.code, 1, what);
      assert.equal(ours.code, 1, what);
      assert.equal(ours.err, nasm.err.replace(/^nasm( ?:)/gm, 'ringside$1'), what);
      assert.equal(ours.out, nasm.out.replace(/^nasm( ?:)/gm, 'ringside$1'), what);
    }
  });

  it('names the files in its messages as nasm does: FILE as written, an included one as its -I directory found it', () => {
    const cases: string[][] = [
      ['-Xgnu', './msg.asm'], ['-Xvc', 'inc/../msg.asm'], ['-Xgnu', '-I', 'sub/../xi/', 'sub/w.asm'], ['-Xgnu', '-I./xi', './sub/w.asm'],
      ['-Xgnu', '-E', './pw.asm'], ['-Xgnu', '-E', '-Isub/../xi', 'sub/../sub/w.asm'],
    ];
    for (const args of cases) {
      const { nasm, ours } = both(args);
      const what = args.join(' ');
      assert.equal(ours.code, nasm.code, what);
      assert.equal(ours.err, nasm.err, what);
    }
  });

  it('takes -O0 and -O1, whose bytes differ from nasm\'s default (measured here), in every argument form; refuses -Ov', () => {
    const standard = both(['-DX=1', 'opt.asm']).nasm.bin;
    for (const args of [['-O0'], ['-O1'], ['-Ox0'], ['-O', '1'], ['-O2', '-O1'], ['-O01'], ['-O0', '-O1'], ['-O1', '-O0']]) {
      const level = args.join(' ');
      const { nasm, ours } = both([...args, '-DX=1', 'opt.asm']);
      assert.equal(nasm.code, 0);
      assert.notDeepEqual(nasm.bin, standard, `${level}: nasm's bytes differ`);
      assert.equal(ours.code, 0, `${level}: ${ours.err}`);
      assert.equal(ours.err, nasm.err, level);
      assert.deepEqual(ours.bin, nasm.bin, level);
    }
    const verbose = both(['-Ov', '-DX=1', 'opt.asm']);
    assert.deepEqual(verbose.nasm.bin, standard);
    assert.match(verbose.nasm.err, /opt\.asm: info: assembly required \d+\+\d+\+\d+ passes/);
    assert.equal(verbose.ours.code, 2);
    assert.match(verbose.ours.err, /^ringside: -Ov is not supported/);
  });

  it('says what nasm says about a bad option value, in nasm\'s words (Ringside exits 2 where nasm exits 1)', () => {
    const cases: [string[], string][] = [
      [['-f', 'foo', 'ok.asm'], "unrecognised output format `foo' - "],
      [['-Oq', 'ok.asm'], 'unknown optimization option -Oq'],
      [['-X', 'foo', 'ok.asm'], "unrecognized error reporting format `foo'"],
      [['-F', 'dwarf', 'ok.asm'], "unrecognized debug format `dwarf' for output format `bin'"],
      [['-gstabs', 'ok.asm'], "unrecognized debug format `stabs' for output format `bin'"],
      [['-q', 'ok.asm'], "unrecognised option `-q'"],
      [['--foo', 'ok.asm'], "unrecognized option `--foo'"],
      [['--reproducible=1', 'ok.asm'], "option `--reproducible' does not take an argument"],
      [['--abort-on-panic=1', 'ok.asm'], "option `--abort-on-panic' does not take an argument"],
      [['ok.asm', '-o'], "option `-o' requires an argument"],
      [['ok.asm', '-D'], "option `-D' requires an argument"],
      [['ok.asm', '-o', 'a.bin', '-o', 'b.bin'], 'more than one output file specified: b.bin'],
      [['ok.asm', '-l', 'a.lst', '-lb.lst'], 'more than one listing file specified: b.lst'],
      [['ok.asm', '-Z', 'a.txt', '-Zb.txt'], 'more than one error file specified: b.txt'],
      [['ok.asm', 'msg.asm'], 'more than one input file specified: msg.asm'],
      [['-M', '-MT', '', 'ok.asm'], "option `-MT' requires a parameter"],
      [['-M', '-MQ', '', 'ok.asm'], "option `-MQ' requires a parameter"],
      [['-M', '-MF', '', 'ok.asm'], "option `-MF' requires a parameter"],
      [['-MD', '', 'ok.asm'], "option `-MD' requires a parameter"],
    ];
    for (const [args, message] of cases) {
      const { nasm, ours } = both(args, false);
      const what = args.join(' ');
      assert.equal(nasm.code, 1, what);
      assert.ok(nasm.err.includes(message), `${what}: nasm says ${nasm.err}`);
      assert.equal(ours.code, 2, what);
      assert.ok(ours.err.startsWith(`ringside: ${message}`), `${what}: ${ours.err}`);
    }
  });

  it('will not write an output, listing, message or dependency file named as the input is, as nasm will not; the input stays as it was', () => {
    const source = fs.readFileSync(path.join(dir, 'ok.asm'));
    const cases: string[][] = [
      ['ok.asm', '-o', 'ok.asm'], ['-ook.asm', 'ok.asm'], ['ok.asm', '-l', 'ok.asm'], ['ok.asm', '-Z', 'ok.asm'], ['-E', 'ok.asm', '-o', 'ok.asm'],
      ['-M', 'ok.asm', '-MF', 'ok.asm'], ['ok.asm', '-MD', 'ok.asm'], ['-o', 'ok.asm', '-M', 'ok.asm'],
    ];
    for (const args of cases) {
      const { nasm, ours } = both(args, false);
      const what = args.join(' ');
      assert.equal(nasm.code, 1, what);
      assert.equal(nasm.err, 'ok.asm: fatal: will not overwrite input file\nType nasm -h for help.\n', what);
      assert.equal(ours.code, 2, what);
      assert.ok(ours.err.startsWith('ringside: will not overwrite input file\n'), `${what}: ${ours.err}`);
      assert.deepEqual(fs.readFileSync(path.join(dir, 'ok.asm')), source, what);
    }
  });

  it('refuses the options whose output Ringside cannot give as nasm does, saying what it does instead', () => {
    const refused: [string[], RegExp][] = [
      [['-f', 'elf'], /^ringside: unrecognised output format `elf' - Ringside writes flat binaries only \(-f bin\)/],
      [['-felf32'], /flat binaries only/],
      [['-a'], /^ringside: -a \(assemble without preprocessing\) is not supported/],
      [['-t'], /^ringside: -t \(TASM compatible mode\) is not supported/],
      [['-P', 'inc/v.inc', '-l', 'x.lst'], /^ringside: -P, --before and --pragma are not supported with -l, -E or -M/],
      [['--before', 'db 1', '-E'], /^ringside: -P, --before and --pragma are not supported with -l, -E or -M/],
      [['--pragma', 'list off', '-M'], /^ringside: -P, --before and --pragma are not supported with -l, -E or -M/],
      [['--keep-all'], /^ringside: --keep-all is not supported/],
      [['--no-line', '-E'], /^ringside: --no-line is not supported with -E or -M/],
      [['-DX(a)=a', '-l', 'x.lst'], /^ringside: -DX\(a\)=a is not supported with -l, -E or -M/],
      [['--debug'], /^ringside: --debug is not supported: it prints nasm's own internal state/],
      [['--include=pre.inc'], /^ringside: --include=pre\.inc is not supported: nasm 2\.16\.01 includes the argument after it/],
      [['--debug=2'], /^ringside: --debug is not supported/],
    ];
    for (const [args, message] of refused) {
      const { ours } = both([...args, 'ok.asm']);
      assert.equal(ours.code, 2, args.join(' '));
      assert.match(ours.err, message, args.join(' '));
      assert.equal(ours.bin, undefined);
    }
    // (nasm's --include=FILE includes the argument after it: here the source itself, not pre.inc as --include pre.inc does.)
    const [glued, apart] = [both(['--include=pre.inc', 'pi.asm']).nasm, both(['--include', 'pre.inc', 'pi.asm']).nasm];
    assert.equal(apart.code, 0);
    assert.notDeepEqual(glued.bin, apart.bin);
    // (nasm's --debug prints its internals.)
    assert.match(both(['--debug', 'ok.asm']).nasm.err, /^ok\.asm: debug: /m);
    // -L flags that change nasm's listing (measured here on the .nolist macro file): refused.
    const plain = spawnSync('nasm', ['nolist.asm', '-o', 'n.bin', '-l', 'plain.lst'], { cwd: dir });
    assert.equal(plain.status, 0);
    for (const flag of ['b', 'd', 'e', 'f', 'm', 's', '+']) {
      assert.equal(spawnSync('nasm', [`-L${flag}`, 'nolist.asm', '-o', 'n.bin', '-l', 'flag.lst'], { cwd: dir }).status, 0);
      assert.notEqual(fs.readFileSync(path.join(dir, 'flag.lst'), 'utf8'), fs.readFileSync(path.join(dir, 'plain.lst'), 'utf8'), `-L${flag} changes nasm's listing`);
      const { ours } = both([`-L${flag}`, 'nolist.asm']);
      assert.equal(ours.code, 2, flag);
      assert.ok(ours.err.startsWith(`ringside: -L${flag} is not supported`), ours.err);
    }
  });

  it('-h with a topic (-hf) prints the help, as nasm does, and assembles nothing', () => {
    for (const args of [['-hf'], ['-hW', 'ok.asm'], ['ok.asm', '-hx']]) {
      const { nasm, ours } = both(args);
      const what = args.join(' ');
      assert.equal(nasm.code, 0, what);
      assert.match(nasm.out, /^Usage: nasm /, what);
      assert.equal(ours.code, 0, `${what}: ${ours.err}`);
      assert.match(ours.out, /^Usage:\n {2}ringside asm FILE/, what);
      assert.equal(ours.bin, undefined, what);
    }
  });

  it('-v and --version print a version line, as nasm -v does, and assemble nothing', () => {
    for (const args of [['-v'], ['--version'], ['--v'], ['ok.asm', '-v']]) {
      const { nasm, ours } = both(args);
      assert.equal(nasm.code, 0);
      assert.equal(nasm.out, 'NASM version 2.16.01\n');
      assert.equal(ours.code, 0);
      assert.equal(ours.out, 'Ringside version 0.1.0 (assembles as NASM version 2.16.01 -f bin)\n');
      assert.equal(ours.bin, undefined);
    }
  });
});
