// Completion, hover, signature help and code actions asked at every position of real and mangled
// files (the examples, fixtures of each kind, and random mutations of them with the brackets,
// quotes, `%` and separators the contextual lists key on): none may throw, and each answer is
// well formed. The language server's own fuzz (test/protocol/server.test.ts) asks at one random
// position per input; these features read the line around the cursor, so every column counts.

import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { codeActions } from '../../server/src/features/codeActions';
import { completion, PLAIN_CLIENT } from '../../server/src/features/completion';
import { validate } from '../../server/src/features/diagnostics';
import { hover } from '../../server/src/features/hover';
import { signatureHelp } from '../../server/src/features/signatureHelp';
import { rng, seedsForThisRun } from '../support/random';
import { single } from '../protocol/analyzeText';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'nasm', 'asm');
const CLIENTS = [PLAIN_CLIENT, { editRange: true, insertReplace: true, snippets: true, labelDetails: true }];
const TRIGGERS = [undefined, '%', '.', '"', "'", '/'];

function sources(): { name: string; text: string }[] {
  const out = ['hello/hello.gasm', 'sensitive/sensitive.gasm'].map((f) => ({ name: f, text: readFileSync(join(ROOT, 'examples', f), 'utf8') }));
  // A fixture of each kind the contextual lists read: directives, warnings, macros, sections, packages, includes.
  const wanted = /^(warning-|section-|use-|macro-|pp-function|incbin|include|map-|float-|cpu-|sectalign|rep-)/;
  for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.asm') && wanted.test(n)).sort().slice(0, 40)) {
    out.push({ name: f, text: readFileSync(join(FIXTURES, f), 'utf8') });
  }
  return out;
}

function mutate(text: string, random: () => number): string {
  const chars = [...text];
  for (let k = 0; k < 30; k++) {
    const at = Math.floor(random() * (chars.length + 1));
    const pick = Math.floor(random() * 4);
    if (pick === 0) chars.splice(at, 1);
    else chars.splice(at, 0, ['[', ']', '%', '%%', ',', '"', "'", '/', '=', ' ', '\n', 'section ', '[warning -', '%use ', 'incbin "', '%macro m 1-*+\n'][Math.floor(random() * 16)]);
  }
  return chars.join('');
}

describe('lsp features at every position', function () {
  this.timeout(120000);
  for (const seed of seedsForThisRun([7, 1207])) {
    it(`answer without throwing over real and mangled files (seed ${seed})`, () => {
      const random = rng(seed);
      const all = sources();
      const inputs = [...all, ...all.slice(0, 12).map((s) => ({ name: `${s.name} mangled`, text: mutate(s.text, random) }))];
      for (const { name, text } of inputs) {
        const { doc, ws } = single(text.split('\n').slice(0, 120).join('\n'));
        try {
          const diagnostics = validate(doc);
          for (let line = 0; line < doc.lines.length; line++) {
            const onLine = diagnostics.filter((d) => d.range.start.line === line);
            const width = Math.min(doc.lines[line].length, 100);
            for (let character = 0; character <= width + 1; character++) {
              const pos = { line, character };
              const where = `${name} ${line}:${character}`;
              const list = completion(doc, pos, CLIENTS[character % 2], TRIGGERS[character % TRIGGERS.length]);
              assert.ok(Array.isArray(list.items) && list.items.every((i) => typeof i.label === 'string'), where);
              hover(doc, pos);
              signatureHelp(doc, pos);
              if (character === 0) for (const a of codeActions(doc, { start: pos, end: { line, character: width } }, onLine)) assert.equal(typeof a.title, 'string', where);
            }
          }
        } finally {
          ws.dispose();
        }
      }
    });
  }
});
