// `%!NAME` and `%ifenv` (NASM manual §4.10.2, §4.4.9) against nasm 2.16.01 run now with the same
// environment: each source's bytes (or its rejection) and the lines of nasm's messages, which must
// be ours, line and text. Ringside's environment is given (AssembleOptions.env), nasm's is the
// child process's. Skips without nasm.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { assemble } from '../../core/src/asm/index';
import { hasNasm } from '../support/random';

/** The variables both see: one with blanks (its value is read as tokens), one set empty. */
const ENV = { RINGSIDE_T_WORDS: 'ab c', RINGSIDE_T_NUM: '0x41', RINGSIDE_T_EMPTY: '', RINGSIDE_T_NAME: 'RINGSIDE_T_NUM' };

const SOURCES: Readonly<Record<string, string>> = {
  // `%!` in code, in %defstr, through a %define (expanded where it is used), quoted, inside a string (not read).
  'values.asm': 'bits 32\ndb "%!RINGSIDE_T_WORDS"\n%defstr A %!RINGSIDE_T_WORDS\ndb A\n%defstr B %!"RINGSIDE_T_WORDS"\ndb B\n'
    + "%defstr C %!'RINGSIDE_T_WORDS'\ndb C\n%define V %!RINGSIDE_T_WORDS\n%defstr D V\ndb D\ndb %!RINGSIDE_T_NUM, 1\n%defstr E [%!RINGSIDE_T_EMPTY]\ndb E\n",
  // A variable that is not set: nothing, and nasm's warning.
  'missing.asm': 'bits 32\ndb 1 %!RINGSIDE_T_NOT_SET\n%defstr M %!RINGSIDE_T_NOT_SET\ndb M, 2\n',
  // A value read as code: `ab c` is two names, undefined symbols.
  'code.asm': 'bits 32\ndb %!RINGSIDE_T_WORDS\n',
  // %ifenv: names, strings, %!NAME read as NAME, a macro naming one, any of several, none, set empty; %ifnenv, %elifenv.
  'ifenv.asm': 'bits 32\n%ifenv RINGSIDE_T_WORDS\ndb 1\n%endif\n%ifenv "RINGSIDE_T_NUM"\ndb 2\n%endif\n%ifenv %!RINGSIDE_T_NUM\ndb 3\n%endif\n'
    + '%ifnenv RINGSIDE_T_NOT_SET\ndb 4\n%endif\n%ifenv\ndb 5\n%endif\n%ifenv RINGSIDE_T_NOT_SET RINGSIDE_T_EMPTY\ndb 6\n%endif\n'
    + '%define NM RINGSIDE_T_NUM\n%ifenv NM\ndb 7\n%endif\n%if 0\n%elifenv RINGSIDE_T_WORDS\ndb 8\n%endif\n%ifenv RINGSIDE_T_NOT_SET\ndb 9\n%else\ndb 10\n%endif\n',
  // Not a name: nasm's error.
  'bad.asm': 'bits 32\n%ifenv 5\ndb 1\n%endif\ndb 2\n',
  // Where nasm does not write tokens back to text, `%!NAME` stays a token, a macro's too: %ifidn, %ifnum and %ifempty
  // see `%!NAME` (no warning of a missing one), %ifenv reads it through %define and %xdefine (and %isenv() through a
  // macro's body); %strlen() and %str() write it back.
  'tokens.asm': 'bits 32\n%ifidn %!RINGSIDE_T_NUM, 0x41\ndb 1\n%endif\n%ifnum %!RINGSIDE_T_NUM\ndb 2\n%endif\n'
    + '%ifempty %!RINGSIDE_T_EMPTY\ndb 3\n%endif\n%ifempty %!RINGSIDE_T_NOT_SET\ndb 4\n%endif\n'
    + '%define M %!RINGSIDE_T_NUM\n%ifenv M\ndb 5\n%endif\n%ifidn M, 0x41\ndb 6\n%endif\n%xdefine X %!RINGSIDE_T_NUM\n%ifenv X\ndb 7\n%endif\n'
    + '%define I %isenv(%!RINGSIDE_T_NUM)\ndb I, X, %strlen(%!RINGSIDE_T_WORDS)\n%if %strlen(%!RINGSIDE_T_NUM) == 4\ndb 8\n%endif\ndb %str(%!RINGSIDE_T_NUM)\n',
  // An expression cannot read `%!NAME` (nasm: expression syntax error), nor %strlen a string from it.
  'expressions.asm': 'bits 32\n%if %!RINGSIDE_T_NUM == 0x41\n%endif\n%assign A %!RINGSIDE_T_NUM\ndb %eval(%!RINGSIDE_T_NUM)\n%strlen L %!RINGSIDE_T_WORDS\n',
};

describe('%!NAME and %ifenv (nasm 2.16.01 run now, same environment)', function () {
  this.timeout(60000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-env-'));
  before(function () {
    if (!hasNasm) this.skip();
    for (const [name, text] of Object.entries(SOURCES)) fs.writeFileSync(path.join(dir, name), text);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const name of Object.keys(SOURCES)) {
    it(`${name}: nasm's bytes or rejection, and its messages at their lines`, () => {
      const out = path.join(dir, `${name}.bin`);
      fs.rmSync(out, { force: true });
      const n = spawnSync('nasm', ['-f', 'bin', name, '-o', out], { cwd: dir, encoding: 'utf8', env: { ...process.env, ...ENV } });
      const file = path.join(dir, name);
      const ours = assemble({ file, host: { readFile: (p) => (fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : undefined) }, env: ENV });
      const errors = ours.diagnostics.filter((d) => d.severity === 'error');
      assert.equal(errors.length > 0, n.status !== 0, `nasm exited ${n.status}: ${n.stderr}\nours: ${ours.diagnostics.map((d) => d.message).join('; ')}`);
      if (n.status === 0) assert.deepEqual([...ours.image], [...fs.readFileSync(out)]);
      const nasmMessages = n.stderr.split('\n').filter((l) => l !== '').map((l) => l.replace(/ \[-w\+[a-z=-]+\]$/, ''));
      const ourMessages = ours.diagnostics.map((d) => `${name}:${d.range.start.line + 1}: ${d.severity}: ${d.message}`);
      for (const m of nasmMessages) assert.ok(ourMessages.includes(m), `nasm's "${m}" is not ours:\n${ourMessages.join('\n')}`);
      // And where nasm accepts the source, it gives every warning we give.
      if (n.status === 0) for (const m of ourMessages) assert.ok(nasmMessages.includes(m), `our "${m}" is not nasm's:\n${nasmMessages.join('\n')}`);
    });
  }
});
