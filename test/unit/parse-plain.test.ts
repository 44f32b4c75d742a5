// The fast parse of plain lines (parse-plain.ts) against the tokenizer and LineParser it stands in
// for: over every line of the fixtures and examples and a list of edge cases, under no label and
// two labels, a line it takes must give a statement deep-equal to LineParser's, one LineParser
// parses without a problem, warning or `.local` name.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tokenizeLine } from '../../core/src/asm/lexer';
import { parsePlainLine } from '../../core/src/asm/parse-plain';
import { parseStatement } from '../../core/src/asm/parser';

const ROOT = path.join(__dirname, '..', '..');

function* sourceFiles(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* sourceFiles(p);
    else if (/\.(g?asm|inc)$/i.test(e.name)) yield p;
  }
}

function lines(): Set<string> {
  const all = new Set<string>();
  for (const dir of ['test/fixtures', 'examples']) for (const f of sourceFiles(path.join(ROOT, dir))) for (const l of fs.readFileSync(f, 'utf8').split(/\r?\n/)) all.add(l);
  for (const l of fs.readFileSync(path.join(ROOT, 'test/fixtures/parse-plain/edge-lines.txt'), 'utf8').split('\n')) all.add(l);
  return all;
}

describe('plain-line parse', () => {
  it('gives LineParser\'s statement for every line it takes', () => {
    let taken = 0;
    const differ: string[] = [];
    for (const text of lines()) {
      if (text.includes('%') || text.includes('__')) continue;
      let start = 0;
      while (start < text.length && (text[start] === ' ' || text[start] === '\t')) start++;
      for (const base of [undefined, 'main', 'block_7']) {
        const fast = parsePlainLine(text, start, base);
        if (fast === undefined) continue;
        taken++;
        let toks = tokenizeLine(text);
        if (toks.length > 0 && toks[toks.length - 1].kind === 'comment') toks = toks.slice(0, -1);
        const slow = parseStatement(toks, base);
        const local = toks.some((t) => t.kind === 'ident' && /^\$?\.(?!\.)/.test(t.text));
        try {
          assert.ok(slow.problem === undefined && slow.warnings === undefined && !local, 'LineParser reports something or the line names a .local label');
          assert.deepStrictEqual(fast, slow.stmt);
        } catch (e) {
          differ.push(`${JSON.stringify(text)} under ${base}: ${(e as Error).message.split('\n')[0]}`);
        }
      }
    }
    assert.ok(taken > 1000, `only ${taken} lines taken`);
    assert.deepEqual(differ.slice(0, 10), []);
  });
});
