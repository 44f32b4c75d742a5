// `ringside asm`'s messages against nasm 2.16.01's standard error, message for message and in
// order: every recorded fixture's .warn/.err (scripts/record-nasm-fixtures.sh), and programs whose
// messages come from %rep rounds, macros a %rep expands and %reps in macros, run through nasm now
// (-X gnu, -X vc, -E and the listing). The editor's list has one diagnostic per place; what the
// command line prints, nasm's, gives a message of a %rep body once per round.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ringsideAsm as ours, type Run } from '../support/cli-runs';
import { MESSAGE_DIFFERENCES } from '../support/message-differences';
import { findAsm, fixtureArgs } from '../support/nasm-fixtures';
import { hasNasm } from '../support/random';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'nasm', 'asm');

function nasm(args: readonly string[], cwd: string): Run {
  const r = spawnSync('nasm', args, { cwd, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Programs whose messages come from %rep rounds: each measured with nasm 2.16.01 (see rep-messages.asm). */
const PROGRAMS: Readonly<Record<string, string>> = {
  'one.asm': '%rep 3\ndb 300\n%endrep\n',
  'kinds.asm': '%rep 1\ndb 300\n%endrep\n%rep 3\nfoo\n%endrep\n%rep 2\nmov eax, bl\n%endrep\n',
  'nested.asm': '%rep 2\n%rep 3\ndb 300\n%endrep\n%endrep\n',
  'in-macro.asm': '%macro m 0\n%rep 2\ndb 300\n%endrep\n%endmacro\nm\nm\n',
  'exitrep.asm': '%assign i 0\n%rep 5\n%if i == 3\n%exitrep\n%endif\ndb 300\n%assign i i+1\n%endrep\n',
  'counter.asm': '%assign i 0\n%rep 3\n%warning round i\ndd 0x1ffffffffffffffff\n%assign i i+1\n%endrep\n',
  'calls.asm': '%macro m 0\ndb 300\n%endmacro\n%rep 3\nm\n%endrep\n',
  'errors.asm': '%macro two 1\n%rep %1\nmov eax, bl\ndb 256\n%endrep\n%endmacro\ntwo 2\nnop\ntwo 1\n',
  'user-error.asm': '%rep 2\n%error stop here\ndb 300\n%endrep\n',
  'deep.asm': '%macro inner 0\n%rep 2\ndb 300\n%endrep\n%endmacro\n%macro outer 0\ninner\n%endmacro\n%rep 2\nouter\n%endrep\n',
  'same-warning.asm': '%rep 3\n%warning hi\n%endrep\n',
  'outer-calls.asm': '%macro m2 0\ndb 303\n%endmacro\nm2\nnop\nm2\n%macro w 0\nm2\nm2\n%endmacro\nw\nw\n',
  'switched.asm': '%assign i 0\n%rep 3\n%if i == 1\n[warning -number-overflow]\n%endif\n%if i == 2\n[warning +number-overflow]\n%endif\ndb 300\n%assign i i+1\n%endrep\n',
  'included.asm': '%rep 2\n%include "twice.inc"\n%endrep\n',
  'twice.inc': 'db 300\n%warning in include\n',
  // Not %rep: nasm gives a value's warning once for each `times` repetition and item, none for `times 0`.
  'times.asm': 'times 3 db 300\ntimes 2 mov al, 300\ntimes 0 db 300\ntimes 2 db 1, 300, 400\ntimes 2 dw 70000\n%rep 2\ntimes 2 db 256\n%endrep\n',
};

describe('differential: the command line\'s messages vs nasm\'s standard error', function () {
  this.timeout(60000);

  describe('recorded fixtures (-X gnu, message for message)', () => {
    for (const file of findAsm(FIXTURES)) {
      const name = path.relative(FIXTURES, file);
      const recorded = ['.err', '.warn'].map((e) => file.replace(/\.asm$/, e)).find((f) => fs.existsSync(f));
      if (recorded === undefined) continue;
      it(`${name} prints nasm's messages`, () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-messages-'));
        try {
          const run = ours(['-X', 'gnu', ...fixtureArgs(file), path.basename(file), '-o', path.join(dir, 'out.bin')], path.dirname(file));
          const expected = fs.readFileSync(recorded, 'utf8');
          const known = MESSAGE_DIFFERENCES[name];
          // (Still different: when it is not, the entry goes.)
          if (known !== undefined) assert.notEqual(run.err, expected, `no longer differs: take it out of MESSAGE_DIFFERENCES (test/support/message-differences.ts) (${known})`);
          else assert.equal(run.err, expected);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });

  describe('-E messages of the preprocessor\'s evaluator (nasm 2.16.01 -E run now)', () => {
    // (The fixtures' -E output and exit status are preprocess-differential.test.ts's; these also
    // give messages that decide nothing there, an operator's error under -E among them.)
    for (const name of ['err-pp-register-operators-preprocess-only.asm', 'pp-only-register-operator-goes-on.asm', 'pp-only-unknown-terms.asm', 'err-pp-wrt.asm']) {
      it(`${name} -E prints nasm -E's messages`, function () {
        if (!hasNasm) this.skip();
        assert.equal(ours(['-X', 'gnu', '-E', name], FIXTURES).err, nasm(['-E', name], FIXTURES).err);
      });
    }
  });

  describe('messages of %rep rounds (nasm 2.16.01 run now)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-rep-messages-'));
    before(function () {
      if (!hasNasm) this.skip();
      for (const [name, text] of Object.entries(PROGRAMS)) fs.writeFileSync(path.join(dir, name), text);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const programs = Object.keys(PROGRAMS).filter((n) => n.endsWith('.asm'));

    it('prints each round\'s messages as nasm -X gnu and -X vc do, in its order, with its exit status', () => {
      for (const name of programs) {
        for (const shape of ['gnu', 'vc']) {
          const n = nasm(['-X', shape, '-f', 'bin', name, '-o', 'n.bin'], dir);
          const o = ours(['-X', shape, name, '-o', 'o.bin'], dir);
          assert.equal(o.err, n.err, `${name} -X ${shape}`);
          assert.equal(o.code, n.code, `${name} -X ${shape}`);
        }
      }
    });

    it('prints as many messages in its own shape (at the line in the macro, with columns and notes) as nasm does', () => {
      for (const name of programs) {
        const n = nasm(['-f', 'bin', name, '-o', 'n.bin'], dir);
        const o = ours([name, '-o', 'o.bin'], dir);
        // (Each message's words, without its place and the notes after it.)
        const messages = (text: string, note: RegExp): string[] => text.split('\n').filter((l) => l !== '' && !note.test(l)).map((l) => l.replace(/^[^:]+:[\d:]+ /, ''));
        assert.deepEqual(messages(o.err, /: note: /), messages(n.err, /: \.\.\. /), name);
      }
    });

    it('-E prints each round\'s messages as nasm -E does', () => {
      for (const name of programs) assert.equal(ours(['-X', 'gnu', '-E', name], dir).err, nasm(['-E', name], dir).err, name);
    });

    it('lists each round\'s messages after its line, as nasm -l does', () => {
      for (const name of programs) {
        for (const f of ['n.lst', 'o.lst']) fs.rmSync(path.join(dir, f), { force: true });
        nasm(['-f', 'bin', name, '-o', 'n.bin', '-l', 'n.lst'], dir);
        ours([name, '-o', 'o.bin', '-l', 'o.lst'], dir);
        const read = (f: string): string | undefined => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : undefined);
        assert.equal(read('o.lst'), read('n.lst'), name);
      }
    });
  });
});
