// Rename must either refuse, saying why, or give a program that assembles to what the original
// did. Every symbol defined in a recorded fixture that nasm accepts is renamed at its definition to
// a name used nowhere; nasm then assembles the renamed file, which must give the original's bytes.
// A rename that would edit another file is not applied (the %include'd files are shared by the
// fixtures). Needs nasm on PATH: the bytes compared are nasm's own, of the moment.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findAsm, fixtureArgs } from '../support/nasm-fixtures';
import { renamings } from '../support/renaming';
import { nasmOn, nasmScratch } from '../support/nasm-live';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'nasm', 'asm');

/** Fixtures whose bytes spell a name out, or where a rename misses uses, each with why. */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  'pp-macro-name.asm': 'the program writes macros\' names into its bytes (`%?`, `%??` through `%defstr`): another name is other bytes',
  'pp-function-self.asm': 'the program writes a define\'s name into its bytes (`%str(b)`): another name is other bytes',
  'called-empty-structure.asm': '`istruc E` of an empty `E` is a structure named \'\', whose iend pads to `_size`: a name pasted from nothing, which no rename of `_size` sees',
  'struc-size-suffix-define.asm': 'endstruc pastes a structure\'s name to what `%define _size` gives (`ptps`), a name no rename of `pt` sees',
  'struc-size-undef-shadow.asm': 'endstruc pastes a structure\'s name to what `%define _size` gives (`qps`), a name no rename of `q` sees',
  'istruc-name-expression.asm': '`istruc s+t` is an expression iend and at paste `_size` and a field into (`s+t_size`, `s+t.b`): its names, and the field an `at .b` '
    + 'names through it, are no references Rename sees',
};

describe('renaming a symbol keeps what every recorded fixture assembles to', function () {
  this.timeout(120_000);
  const scratch = nasmScratch('ringside-rename-');
  if (scratch === undefined) return;

  for (const file of findAsm(FIXTURES).filter((f) => fs.existsSync(f.replace(/\.asm$/, '.bin')))) {
    const name = path.relative(FIXTURES, file);
    it(name, () => {
      const text = fs.readFileSync(file, 'latin1');
      // Both texts under the same name in a folder of their own, nasm run in the fixture's (see nasmOn).
      const source = path.join(scratch, path.basename(file));
      const args = fixtureArgs(file);
      const cwd = path.dirname(file);
      const original = nasmOn(source, text, args, cwd);
      assert.equal(original.code, 0, 'nasm refuses the fixture as written');
      const wrong: string[] = [];
      for (const r of renamings(file, text)) {
        if (r.refused !== undefined) {
          assert.ok(r.refused.length > 0, `${r.name}: refused without a reason`);
          continue;
        }
        const after = nasmOn(source, r.renamed!, args, cwd);
        if (after.code !== 0) wrong.push(`${r.name}: nasm refuses the renamed file`);
        else if (after.bin !== original.bin) wrong.push(`${r.name}: other bytes`);
      }
      const known = KNOWN_DIFFERENCES[name];
      if (known !== undefined) assert.notDeepEqual(wrong, [], `no longer differs: take it out of KNOWN_DIFFERENCES (${known})`);
      else assert.deepEqual(wrong, []);
    });
  }
});
