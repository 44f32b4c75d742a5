// `ringside asm -M...` against nasm 2.16.01 run now on the same files: the make rules (standard
// output and -MF/-MD files), messages and exit codes, byte for byte. Skips without nasm.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../core/src/cli/main';
import { hasNasm } from '../support/random';

/** The project both run in: nested includes (a subdirectory, -I), incbin, %depend, blanks, `$` and `#` in names. */
const FILES: Readonly<Record<string, string>> = {
  'main.asm': [
    '%include "lib/defs.inc"      ; includes lib/more.inc, and deep.inc from -I inc/',
    '%include "c.inc"             ; found under -I inc/ only',
    '%include "lib/defs.inc"      ; again: listed once',
    'incbin "data/blob.bin"',
    '%macro blob 1',
    'incbin %1, 1',
    '%endmacro',
    'here: blob "data/two.bin"    ; incbin from a macro, after a label',
    '%define GEN "gen/table.h"',
    '%depend GEN',
    '%depend "main.asm"           ; the main file again: listed once',
    'incbin "c.inc"               ; found under -I inc/ as %pathsearch finds it',
    'times 2 incbin "data/blob.bin", 0, 1  ; no standard macro call: not a dependency of its own',
    '%if 0',
    '%include "never.inc"',
    'incbin "never.bin"',
    '%endif',
    'db 1',
    '',
  ].join('\n'),
  'lib/defs.inc': '%include "lib/more.inc"\n%include "deep.inc"\ndb 2\n',
  'lib/more.inc': 'db 3\n',
  'inc/deep.inc': 'db 4\n',
  'inc/c.inc': 'db 5\n',
  'data/blob.bin': 'AB',
  'data/two.bin': 'CD',
  // Blanks, `$`, `#` and a backslash in names, and names long enough to wrap the rule's line.
  'my file.asm': [
    '%include "sp ace/in $cl#ude.inc"',
    'incbin "sp ace/da ta.bin"',
    '%depend "back\\sl ash"',
    '%depend "a_rather_long_generated_file_name_for_wrapping_the_rule.h"',
    '%depend "another_quite_long_generated_file_name_to_wrap_again.inc"',
    '',
  ].join('\n'),
  'sp ace/in $cl#ude.inc': 'db 6\n',
  'sp ace/da ta.bin': 'EF',
  // A main file in a subdirectory: names are as found from the working directory or an -I one
  // (with or without its trailing slash, nasm joins them with one).
  'src/x.asm': '%include "src/lib/y.inc"\n%include "lib/y.inc"\nincbin "lib/y.inc"\n%depend "lib/y.inc"\n',
  'src/lib/y.inc': 'db 7\n',
  // Files that are not there: nasm -M lists them (an include as written), and -MG likewise.
  'miss.asm': '%include "nothere.inc"\n%include "c.inc"\nincbin "none.bin"\n%error not in a -M pass\ndb 1\n',
  // Only incbin and %depend: nasm 2.16.01's -MD lists these as -M does (see the -MD test).
  'flat.asm': 'incbin "data/blob.bin"\n%depend "gen/x.h"\n%depend "gen/x.h"\ndb 1\n',
  // Errors of the preprocessor stop -M: nothing is written, exit 1.
  'bad.asm': '%depend 3\n%depend "ok.h" trailing\ndb 1\n',
  // incbin's standard macro with no file name: nasm's %pathsearch and %depend in it say so.
  'noname.asm': 'incbin 3\nincbin foo, 2\nincbin\ndb 1\n',
  // An error of the assembler is none of -M's business.
  'asmbad.asm': '%include "c.inc"\nmov eax,\n',
  // A file that includes itself until no file can be opened, and one that includes itself behind a guard.
  'cycle.asm': '%include "c.inc"\n%include "cycle.asm"\ndb 1\n',
  'guarded.asm': '%ifndef ONCE\n%define ONCE\n%include "guarded.asm"\n%include "c.inc"\n%endif\n',
};

describe('dependency output (-M, -MG, -MD, -MF, -MT, -MQ, -MP, -MW) against nasm 2.16.01', function () {
  this.timeout(60000);
  let dir = '';
  before(function () {
    if (!hasNasm) this.skip(); // nasm is not installed: the other *-differential tests skip likewise.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-deps-'));
    for (const [name, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.join(dir, path.dirname(name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  /** `ringside asm ARGS` in the project directory, in this process. */
  function ours(args: readonly string[]): { code: number; out: string; err: string } {
    let out = '', err = '';
    const before = process.cwd();
    process.chdir(dir);
    try {
      const code = main(['asm', ...args], { out: (t) => { out += t; }, err: (t) => { err += t; } });
      return { code, out, err };
    } finally { process.chdir(before); }
  }
  function nasm(args: readonly string[]): { code: number | null; out: string; err: string } {
    const r = spawnSync('nasm', ['-f', 'bin', ...args], { cwd: dir, encoding: 'utf8' });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }
  /** nasm's messages as Ringside words them: `file:line:` (Ringside adds the column), `fatal` as `error`. */
  const messages = (err: string, fromNasm: boolean): string[] => err.split('\n').filter(Boolean)
    .map((l) => (fromNasm ? l.replace(/: fatal: /, ': error: ') : l.replace(/^([^:]+:\d+):\d+:/, '$1:')));
  const read = (name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');

  function same(args: readonly string[], files: readonly string[] = []): void {
    const n = nasm(args);
    const nasmFiles = files.map((f) => { const text = read(f); fs.rmSync(path.join(dir, f)); return text; });
    const o = ours(args);
    const what = `asm ${args.join(' ')}`;
    assert.equal(o.out, n.out, `${what}: standard output`);
    assert.deepEqual(messages(o.err, false), messages(n.err, true), `${what}: messages`);
    assert.equal(o.code, n.code, `${what}: exit status`);
    files.forEach((f, k) => assert.equal(read(f), nasmFiles[k], `${what}: ${f}`));
  }

  it('-M lists the main file, includes (as found, nested, under -I), incbin and %depend in the order met, once each', () => {
    same(['-M', '-Iinc/', 'main.asm', '-o', 'main.bin']);
    // What nasm printed (so the comparison above is not of two empty outputs):
    assert.equal(ours(['-M', '-Iinc/', 'main.asm', '-o', 'main.bin']).out,
      'main.bin : main.asm lib/defs.inc lib/more.inc inc/deep.inc \\\n  inc/c.inc data/blob.bin data/two.bin gen/table.h\n\n');
    same(['-Iinc/', '-M', '-MP', 'main.asm', '-o', 'out/main.img']);
  });

  it('names a file as found from the working directory, or under the -I directory it was found in', () => {
    same(['-M', '-Isrc/', 'src/x.asm', '-o', 'x.bin']);
    same(['-M', '-Isrc', 'src/x.asm', '-o', 'x.bin']);
    same(['-M', '-I./src', './src/x.asm', '-o', 'x.bin']);
  });

  it('-MG searches no -I directory (a file found only there is one to be generated)', () => {
    same(['-MG', '-Iinc/', 'main.asm', '-o', 'main.bin']);
    same(['-M', '-MG', '-MP', '-Iinc/', 'miss.asm', '-o', 'm.bin']);
  });

  it('lists missing files with -M too, and gives none of the assembler\'s (or %error\'s) errors', () => {
    same(['-M', '-Iinc/', 'miss.asm', '-o', 'm.bin']);
    same(['-M', '-Iinc/', 'asmbad.asm', '-o', 'a.bin']);
  });

  it('lists a file that includes itself once, with nothing ending the cycle or a guard', () => {
    same(['-M', '-Iinc/', 'cycle.asm', '-o', 'c.bin']);
    same(['-M', '-Iinc/', 'guarded.asm', '-o', 'g.bin']);
  });

  it('stops on a preprocessor error: no rule, exit 1', () => {
    same(['-M', 'bad.asm', '-o', 'b.bin']);
    same(['-M', 'noname.asm', '-o', 'b.bin']);
  });

  it('quotes names for make: blanks, $, # and backslashes; -MT as written, -MQ quoted, the last one wins', () => {
    same(['-M', 'my file.asm', '-o', 'my file.bin']);
    same(['-M', '-MP', 'my file.asm', '-MT', 't $x #y']);
    same(['-M', 'my file.asm', '-MQ', 't $x #y\\ z\\']);
    same(['-M', 'my file.asm', '-MT', 'one', '-MQ', 'two words']);
    same(['-M', 'my file.asm', '-MQ', 'one', '-MT', 'two']);
    same(['-M', 'my file.asm', '-o', 'o $#.bin']);
  });

  it('-MW quotes for Watcom make, wherever it stands, and continues lines with &', () => {
    same(['-MQ', 'a&b$ c', '-M', '-MW', '-MP', 'my file.asm']);
  });

  it('-MF writes the rule to a file instead (-M -MF FILE), and -MF alone does nothing', () => {
    same(['-M', '-Iinc/', 'main.asm', '-o', 'main.bin', '-MF', 'main.dep'], ['main.dep']);
    same(['-Iinc/', 'main.asm', '-o', 'main.bin', '-MF', 'unused.dep']);
    assert.ok(!fs.existsSync(path.join(dir, 'unused.dep')));
  });

  it('-MD assembles and writes the rule to its FILE, to OUT.d, or FILE.d', () => {
    same(['flat.asm', '-o', 'flat.out', '-MD', 'flat.dep', '-MP'], ['flat.dep', 'flat.out']);
    same(['flat.asm', '-o', 'flat.out', '-MD', '-MP'], ['flat.out.d', 'flat.out']);
    same(['flat.asm', '-MD', '-', '-o', 'flat.out'], ['flat.out']);
    // Without -o nasm names its output FILE without extension, and the rule's target after it:
    // Ringside writes FILE.bin, and names that (nasm given -o flat.bin names it alike).
    const n = nasm(['flat.asm', '-o', 'flat.bin', '-MD', '-MF', 'flat.d']);
    assert.equal(n.code, 0, n.err);
    const nasmRule = read('flat.d');
    fs.rmSync(path.join(dir, 'flat.d'));
    assert.equal(ours(['flat.asm', '-MD']).code, 0);
    assert.equal(read('flat.d'), nasmRule);
  });

  it('-MD lists the %include files too, as -M does (nasm 2.16.01\'s -MD leaves them out)', () => {
    // nasm 2.16.01's -MD rule has only the main file, incbin and %depend files (its final pass
    // finds the includes in its cache and records none): the rule -M writes is the one to match.
    const n = nasm(['-M', '-Iinc/', 'main.asm', '-o', 'main.bin', '-MF', 'main.mdep']);
    assert.equal(n.code, 0, n.err);
    const o = ours(['-Iinc/', 'main.asm', '-o', 'main.bin', '-MD', 'main.ddep']);
    assert.equal(o.code, 0, o.err);
    assert.equal(read('main.ddep'), read('main.mdep'));
    assert.ok(read('main.ddep').includes(' lib/defs.inc '));
  });

  it('-E with -MD prints the source and the rule, named after -o (`(null)` without it); -M wins over -E', () => {
    // (Not main.asm: Ringside's -E writes `incbin "c.inc"` found under -I as written, nasm as `inc/c.inc`.)
    same(['-E', 'my file.asm', '-MD', 'e.dep'], ['e.dep']);
    same(['-E', 'flat.asm', '-o', 'e.i', '-MD', 'e.dep', '-MP'], ['e.dep', 'e.i']);
    same(['-E', '-M', '-Iinc/', 'main.asm', '-o', 'main.bin']);
  });

  it('says so when it cannot write the rule (exit 1, the output kept)', () => {
    same(['-M', 'flat.asm', '-o', 'f.bin', '-MF', 'nodir/x.d']);
    same(['flat.asm', '-o', 'f.bin', '-MD', 'nodir/x.d'], ['f.bin']);
  });
});
