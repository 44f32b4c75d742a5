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
  ...Object.fromEntries(['clear-standard-ids.asm', 'unique-ids.asm', 'unique-ids-sect-call.asm', 'unique-ids-smartalign.asm', 'unique-ids-standard.asm', 'use-masm-ids.asm'].map((f) => [f,
    'the program writes a `%%` label\'s name into its bytes (`%defstr S %%l`, to show its ..@N number): another name is other bytes'])),
  'smacro-star-name.asm': 'a macro makes a label\'s name of the name it is called by (`_%*?`): renaming the macro renames the label it names, not the label written',
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

/**
 * Structures whose size endstruc names otherwise than `NAME_size` as written: an endstruc in a
 * macro of the program's, a `%define _size` (nasm 2.16.01, measured with -E: `Pps equ ($-P)`), an
 * `istruc` of no name (its iend reads `_size` alone). Each must be renamed with its uses, the
 * renamed text assembling to nasm's bytes of the original, or refused with the reason given.
 */
describe('renaming a structure takes the size endstruc names from it', function () {
  this.timeout(60_000);
  const scratch = nasmScratch('ringside-rename-size-');
  if (scratch === undefined) return;

  const ENDS = ['%macro ends 0', '  endstruc', '%endmacro'];
  const cases: { title: string; lines: string[]; renamed: string[]; refused: Record<string, RegExp> }[] = [
    {
      title: 'an endstruc written in a macro, for two structures',
      lines: [...ENDS, 'struc P', '.x: resd 1', 'ends', 'struc Q', '.a: resb 3', 'ends', 'istruc Q', 'iend', 'dd P_size, Q_size, P.x'],
      renamed: ['P', 'Q', 'P.x', 'Q.a', 'ends'],
      refused: { P_size: /the size nasm's endstruc defines for the structure `P`.*rename `P`/ },
    },
    {
      title: 'a size named under `%define _size`, its endstruc in a macro',
      lines: [...ENDS, '%define _size ps', 'struc P', '.x: resd 1', 'ends', 'istruc P', 'at .x, dd 7', 'iend', 'dd Pps'],
      renamed: ['P', 'P.x', 'ends'],
      refused: { Pps: /the size nasm's endstruc defines for the structure `P`/, _size: /read by nasm's endstruc and iend/ },
    },
    {
      // (Renaming at qq_size's definition, the `ES` line, renames the define ES.)
      title: 'the name an endstruc a define writes measures from, under a %define of the structure\'s name',
      lines: ['%define ES endstruc', 'qq equ 2', 'struc pt', '.x: resd 1', '%define pt qq', 'ES', '%undef pt', 'dd qq_size, pt.x'],
      renamed: ['pt.x', 'qq_size', 'ES'],
      refused: { qq: /`qq_size` is defined by the endstruc at .*gives `qq`/ },
    },
    {
      title: 'the size an istruc of no name reads',
      lines: ['%define E', '_size equ 3', 'istruc E', 'db 1', 'iend'],
      renamed: ['E'],
      refused: { _size: /an `istruc` of no name/ },
    },
  ];
  for (const c of cases) {
    it(c.title, () => {
      const source = path.join(scratch, 'size.asm');
      const text = c.lines.join('\n') + '\n';
      const original = nasmOn(source, text, [], scratch);
      assert.equal(original.code, 0, `nasm refuses the program: ${original.stderr}`);
      const all = renamings(source, text);
      for (const r of all.filter((x) => x.renamed !== undefined)) {
        const after = nasmOn(source, r.renamed!, [], scratch);
        assert.equal(after.bin, original.bin, `${r.name}: ${after.code === 0 ? 'other bytes' : after.stderr}`);
      }
      assert.deepEqual(all.filter((x) => x.renamed !== undefined).map((x) => x.name).sort(), [...c.renamed].sort());
      for (const [name, reason] of Object.entries(c.refused)) assert.match(all.find((x) => x.name === name)?.refused ?? '', reason, name);
    });
  }
});
