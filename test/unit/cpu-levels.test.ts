// nasm's `cpu` directive over the encoder corpus: every line nasm assembles is accepted from the
// level nasm accepts it at and rejected below (test/fixtures/nasm/cpu-levels.json, recorded
// by scripts/record-cpu-levels.mjs), checked through the assembler as a file is assembled.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assemble } from '../../core/src/asm/index';

const FORMS = path.join(__dirname, '..', 'fixtures', 'nasm', 'forms');
const recorded = JSON.parse(fs.readFileSync(path.join(FORMS, '..', 'cpu-levels.json'), 'utf8')) as { levels: string[]; files: Record<string, string> };

/** The 1-based lines of `text` we report an error on. */
function errorLines(file: string, text: string): Set<number> {
  const r = assemble({ file, host: { readFile: (p) => (p === file ? text : undefined) } });
  return new Set(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.range.start.line + 1));
}

describe('cpu levels (nasm\'s `cpu` directive over the encoder corpus)', () => {
  for (const [name, lowest] of Object.entries(recorded.files)) {
    it(`${name}: each line from the level nasm accepts it at`, () => {
      const lines = fs.readFileSync(path.join(FORMS, name), 'utf8').split('\n');
      // Lines nasm rejects at every level are left out (they are the encoder corpus's own business).
      const kept = lines.map((l, i) => (lowest[i] === '-' && l !== lines[0] && l !== 'base_label:' && !/^org /.test(l) ? '' : l));
      const wrong: string[] = [];
      recorded.levels.forEach((level, rank) => {
        // `cpu` goes after the `bits` line (nasm refuses `bits 32` below a 386): line n is n+1.
        const errors = errorLines(path.join(FORMS, `cpu-${level}-${name}`), [kept[0], `cpu ${level}`, ...kept.slice(1)].join('\n'));
        for (let i = 1; i < lines.length; i++) {
          if (lowest[i] === '-') continue;
          const rejected = errors.has(i + 2);
          if (rejected !== rank < Number(lowest[i]) && wrong.length < 20) {
            wrong.push(`${name}:${i + 1} \`${lines[i]}' under cpu ${level}: nasm ${rejected ? 'accepts' : 'rejects'} it, we do not`);
          }
        }
      });
      assert.deepEqual(wrong, []);
    });
  }
});
