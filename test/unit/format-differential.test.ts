// Format Document must never change what a file assembles to. Every recorded nasm fixture is
// formatted with the default settings, with compact lower-case ones and with the defaults in an
// editor that indents with tabs (FORMAT_SETTINGS); nasm then assembles the
// file as written and as formatted, in the same place under the same name, and must accept or
// refuse both alike, with the same bytes. Without nasm only the checks that need none run: the
// formatted text differs from the original in blanks and letter case alone, and formatting it
// again changes nothing.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { blanklessLowerCase, FORMAT_SETTINGS, formattedText } from '../support/formatting';
import { findAsm, fixtureArgs } from '../support/nasm-fixtures';
import { nasmOn, scratchFolder } from '../support/nasm-live';
import { hasNasm } from '../support/random';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'nasm', 'asm');

describe('formatting keeps what every recorded fixture assembles to', function () {
  this.timeout(120_000);
  const scratch = scratchFolder('ringside-format-');

  for (const file of findAsm(FIXTURES)) {
    const name = path.relative(FIXTURES, file);
    it(name, () => {
      const text = fs.readFileSync(file, 'latin1');
      // Both texts under the same name in a folder of their own, nasm run in the fixture's (see nasmOn).
      const source = path.join(scratch, path.basename(file));
      const args = fixtureArgs(file);
      let original: ReturnType<typeof nasmOn> | undefined;
      for (const [label, settings, blanks] of FORMAT_SETTINGS) {
        // (Analysed with the fixture's flags, as nasm is run: limit-macro-tokens-rescan.asm took 5 s
        // a time under nasm's default --limit-macro-tokens, 30 s in all, past the test's time on a loaded host.)
        const out = formattedText(file, text, settings, blanks, args);
        assert.equal(blanklessLowerCase(out), blanklessLowerCase(text), `${label}: formatting changed more than blanks and letter case`);
        assert.equal(formattedText(file, out, settings, blanks, args), out, `${label}: formatting the formatted text changed it again`);
        if (!hasNasm || out === text) continue;
        original ??= nasmOn(source, text, args, path.dirname(file));
        const after = nasmOn(source, out, args, path.dirname(file));
        assert.equal(after.code, original.code, `${label}: nasm's exit status`);
        assert.equal(after.bin, original.bin, `${label}: nasm's bytes`);
      }
    });
  }

  if (!hasNasm) it('runs nasm on each formatted fixture: skipped, nasm is not on PATH (install NASM 2.16)', function () { this.skip(); });
});
