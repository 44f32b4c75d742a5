// Rename must either refuse, saying why, or give a program that assembles to what the original
// did. Every symbol defined in a recorded fixture that nasm accepts is renamed at its definition to
// a name used nowhere; nasm then assembles the renamed file, which must give the original's bytes.
// A rename that would edit another file is not applied (the %include'd files are shared by the
// fixtures). Needs nasm on PATH: the bytes compared are nasm's own, of the moment.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TextEdit } from 'vscode-languageserver-types';
import { AnalysisCache } from '../../server/src/analysis/analysisCache';
import { OverlayFileHost } from '../../server/src/analysis/fileHost';
import { pathToUri } from '../../server/src/analysis/paths';
import { DEFAULT_SETTINGS } from '../../server/src/analysis/settings';
import { rename } from '../../server/src/features/navigation';
import { applyEdits } from '../protocol/analyzeText';
import { findAsm, fixtureArgs } from '../support/nasm-fixtures';
import { nasmOn, scratchFolder } from '../support/nasm-live';
import { hasNasm } from '../support/random';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'nasm', 'asm');

/** Fixtures whose bytes spell a name out, or where a rename misses uses, each with why. */
const KNOWN_DIFFERENCES: Readonly<Record<string, string>> = {
  'pp-macro-name.asm': 'the program writes macros\' names into its bytes (`%?`, `%??` through `%defstr`): another name is other bytes',
  'pp-function-self.asm': 'the program writes a define\'s name into its bytes (`%str(b)`): another name is other bytes',
};

/** Each symbol `text` defines renamed to a fresh name: the symbol, the new text, or why rename refused. */
function renamings(file: string, text: string): { name: string; renamed?: string; refused?: string }[] {
  const cache = new AnalysisCache(new OverlayFileHost(), DEFAULT_SETTINGS, path.dirname(file));
  const uri = pathToUri(file);
  cache.update(uri, text);
  const doc = cache.analyze(uri);
  assert.ok(doc !== undefined);
  const out: { name: string; renamed?: string; refused?: string }[] = [];
  let n = 0;
  for (const s of doc.result.symbols) {
    if (s.definition.file !== file || s.kind === 'section') continue;
    const fresh = s.shortName.startsWith('.') ? `.renamed_${n++}` : `renamed_${n++}`;
    const edit = rename(doc, { line: s.definition.start.line, character: s.definition.start.col }, fresh);
    if ('error' in edit) { out.push({ name: s.name, refused: edit.error }); continue; }
    const changes = (edit.changes ?? {}) as Record<string, TextEdit[]>;
    if (Object.keys(changes).some((u) => u !== uri)) continue;
    out.push({ name: s.name, renamed: applyEdits(text, changes[uri] ?? []) });
  }
  return out;
}

describe('renaming a symbol keeps what every recorded fixture assembles to', function () {
  this.timeout(120_000);
  if (!hasNasm) {
    it('is skipped: nasm is not on PATH (install NASM 2.16 to run it)', function () { this.skip(); });
    return;
  }
  const scratch = scratchFolder('ringside-rename-');

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
