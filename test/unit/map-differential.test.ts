// The map file (`[map all FILE]`, NASM manual §8.1.4: the origin, the sections' placement and every
// symbol with its value) that `ringside asm` writes, against the one nasm 2.16.01 writes, byte for
// byte, for every recorded fixture nasm accepts. The symbols are the ones the editor's hover,
// inlay hints and code lens show, so this also checks their values against nasm's. Each fixture
// gets the directive on a line added at its end (which moves no line above it) and is assembled by
// both in the fixture's folder with the fixture's arguments, under the same file names.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ringsideAsm } from '../support/cli-runs';
import { findAsm, fixtureArgs } from '../support/nasm-fixtures';
import { nasmOn, nasmScratch } from '../support/nasm-live';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'nasm', 'asm');

/** Fixtures whose map Ringside's is not, each with why (relative to the fixtures directory). */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  'equ-of-extern.asm': 'an equ of an external name is no symbol to Ringside (it only notes the name external, see Assembler.declareExternal); nasm lists it, and the external name, among the symbols of no section',
  'extern-difference-cancels.asm': 'as equ-of-extern.asm: nasm lists an external name a line uses, and each equ of one (with what it adds), among the symbols of no section',
  'extern-comparisons.asm': 'as equ-of-extern.asm: nasm lists an external name a line uses among the symbols of no section',
  'if-check-macro-calls.asm': 'nasm expands only the calls of the branch a %if on `$` takes, in each pass; Ringside expands every branch\'s, so its `%%` labels have other `..@N` numbers',
};

describe('differential: the map file vs nasm\'s, every recorded fixture', function () {
  this.timeout(60_000);

  const scratch = nasmScratch('ringside-map-');
  if (scratch === undefined) return;

  for (const file of findAsm(FIXTURES)) {
    const name = path.relative(FIXTURES, file);
    // Only files nasm accepts write a map; a fixture with its own `[map]` would write two.
    if (!fs.existsSync(file.replace(/\.asm$/, '.bin'))) continue;
    const text = fs.readFileSync(file, 'latin1');
    if (/\bmap\b/i.test(text)) continue;
    it(name, () => {
      const source = path.join(scratch, path.basename(file));
      const map = `${source}.map`;
      const cwd = path.dirname(file);
      const args = fixtureArgs(file);
      fs.rmSync(map, { force: true });
      const nasm = nasmOn(source, `${text}\n\n[map all ${map}]\n`, args, cwd);
      assert.equal(nasm.code, 0, `nasm refuses it now:\n${nasm.stderr}`);
      // (A file can eat its last line: nasm 2.16.01 drops the lines after a %rmacro's recursion ends in a %if.)
      const expected = fs.existsSync(map) ? fs.readFileSync(map) : undefined;
      fs.rmSync(map, { force: true });
      const ours = ringsideAsm([`-I${cwd}/`, ...args, '-o', `${source}.bin`, source], cwd);
      assert.equal(ours.code, 0, `ringside asm refuses it:\n${ours.err}`);
      const actual = fs.existsSync(map) ? fs.readFileSync(map) : undefined;
      if (expected === undefined || actual === undefined) { assert.equal(actual, expected, 'a map from one of them only'); return; }
      const known = KNOWN_DIFFERENCES[name];
      // (Still different: when it is not, the entry goes.)
      if (known !== undefined) assert.notDeepEqual(actual, expected, `no longer differs: take it out of KNOWN_DIFFERENCES (${known})`);
      else assert.equal(actual.toString('latin1'), expected.toString('latin1'));
    });
  }
});
