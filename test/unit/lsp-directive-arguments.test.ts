// Completion of a directive's words after its name (bits, cpu, float, default, sectalign, section
// names and attributes, [warning], [map], alignmode, %use, %ifusable, %pragma ringside technique):
// the lists in each place, and every word offered, put in its place, accepted by nasm 2.16.01 run
// now (no error, no "unknown" warning with -w+unknown-warning) and by Ringside. nasm's part skips without it.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { completion } from '../../server/src/features/completion';
import { hover } from '../../server/src/features/hover';
import { assemble } from '../../core/src/asm/index';
import { hasNasm } from '../support/random';
import { single } from '../protocol/analyzeText';

/**
 * Each place: the line up to the cursor, and how a word taken there makes a whole program (a
 * word ending in `=` gets a value).
 */
const PLACES: readonly { readonly before: string; readonly program: (w: string) => string }[] = [
  { before: 'bits ', program: (w) => `bits ${w}\nnop\n` },
  { before: 'cpu ', program: (w) => `cpu ${w}\nbits 16\nnop\n` },
  { before: 'float ', program: (w) => `float ${w}\ndd 1.5\n` },
  { before: '[default ', program: (w) => `bits 32\n[default ${w}]\nnop\n` },
  { before: 'sectalign ', program: (w) => `section .data\nsectalign ${w}\ndb 1\n` },
  { before: 'section ', program: (w) => `section ${w}\nhere:\n` },
  { before: 'section .extra ', program: (w) => `section .text\nnop\nsection .extra ${attribute(w)}\nhere:\n` },
  { before: '[warning ', program: (w) => `[warning ${w === 'pop' ? 'push]\n[warning pop' : w === 'push' || w.length > 1 ? w : `${w}label-orphan`}]\ndb 1\n` },
  { before: '[warning -', program: (w) => `[warning -${w === 'error=' ? 'error=label-orphan' : w}]\ndb 1\n` },
  { before: '[map ', program: (w) => `[map ${w} stdout]\ndb 1\n` },
  { before: 'alignmode ', program: (w) => `%use smartalign\nbits 32\nalignmode ${w}\nnop\nalign 16\nnop\n` },
  { before: '%use ', program: (w) => `%use ${w}\nbits 32\nnop\n` },
  { before: '%ifusable ', program: (w) => `%ifusable ${w}\ndb 1\n%else\n%error not usable\n%endif\n` },
  { before: '%pragma ringside technique ', program: (w) => `%pragma ringside technique ${w}\nbits 32\nnop\n` },
];

function attribute(w: string): string {
  switch (w) {
    case 'align=': case 'valign=': return `${w}16`;
    case 'start=': case 'vstart=': return `${w}0x100`;
    case 'follows=': case 'vfollows=': return `${w}.text`;
    default: return w;
  }
}

function offered(before: string, declared = ''): string[] {
  const { doc, ws } = single(`${declared}${before}`);
  try {
    return completion(doc, { line: declared.split('\n').length - 1, character: before.length }).items.map((i) => i.label);
  } finally {
    ws.dispose();
  }
}

describe('lsp completion of directive words', () => {
  it('offers each directive its own words, not registers or labels', () => {
    assert.deepEqual(offered('bits '), ['32', '16']);
    assert.deepEqual(offered('  [bits 3'), ['32', '16']);
    assert.deepEqual(offered('%use '), ['altreg', 'smartalign', 'fp', 'ifunc', 'masm']);
    assert.deepEqual(offered('%pragma ringside technique '), ['native', 'trap-and-emulate', 'binary-translation', 'paravirtual', 'hardware-assisted']);
    for (const w of ['386', '686', 'pentium', 'default']) assert.ok(offered('cpu ').includes(w), w);
    const warnings = offered('[warning +');
    for (const w of ['all', 'error=', 'label-orphan', 'number-overflow', 'pp', 'pp-macro-params', 'float']) assert.ok(warnings.includes(w), w);
    assert.ok(!warnings.includes('pp-else-else-x'));
    assert.deepEqual(offered('[warning '), ['+', '-', '*', 'push', 'pop']);
    assert.deepEqual(offered('section .text '), ['progbits', 'nobits', 'align=', 'start=', 'vstart=', 'follows=', 'vfollows=', 'valign=']);
    assert.deepEqual(offered('section .data align=16 '), offered('section .text '));
    // The usual three, then the sections the file declares.
    assert.deepEqual(offered('section ', 'section .boot\nnop\n'), ['.text', '.data', '.bss', '.boot']);
    assert.deepEqual(offered('section .late follows=', 'section .boot\nnop\n'), ['.boot']);
    for (const place of PLACES) assert.ok(!offered(place.before).includes('eax'), place.before);
  });

  it('says on hover what a directive\'s word does, over the word as written', () => {
    const lines = ['bits 32', '[warning -label-orphan]', 'cpu 386', 'section .text align=16 progbits', 'float daz', '[warning +error=number-overflow]'];
    const { doc, ws } = single(lines.join('\n'));
    try {
      const at = (line: number, word: string) => {
        const h = hover(doc, { line, character: lines[line].indexOf(word) + 1 });
        const value = (h?.contents as { value: string } | undefined)?.value ?? '';
        return { value, range: h?.range && [h.range.start.character, h.range.end.character] };
      };
      assert.match(at(0, '32').value, /^\*\*32\*\* \(`bits`\) — 32-bit code/);
      assert.deepEqual(at(1, 'label-orphan'), { value: '**label-orphan** (`[warning]`) — On by default.', range: [10, 22] });
      assert.match(at(2, '386').value, /the 386\.$/);
      // `align=` of a section, not the `align` directive; its value stays a number.
      assert.deepEqual(at(3, 'align').range, [14, 20]);
      assert.match(at(3, 'align').value, /^\*\*align=\*\* \(`section`\)/);
      assert.match(at(3, '16').value, /^hex: `0x10`/);
      assert.match(at(3, 'progbits').value, /holds bytes in the output file/);
      assert.match(at(4, 'daz').value, /^\*\*daz\*\* \(`float`\) — Denormal/);
      assert.match(at(5, 'number-overflow').value, /^\*\*number-overflow\*\*/);
      // A section's name keeps its own hover (its address).
      assert.match(at(3, '.text').value, /section at `0x00000000`/);
    } finally {
      ws.dispose();
    }
  });

  describe('every word offered is one nasm and Ringside take there', function () {
    this.timeout(120000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ringside-args-'));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    for (const place of PLACES) {
      it(`after \`${place.before}\``, function () {
        for (const word of offered(place.before)) {
          const program = place.program(word);
          const ours = assemble({ file: path.join(dir, 'w.asm'), text: program, host: { readFile: () => undefined } });
          assert.deepEqual(ours.diagnostics.map((d) => `${d.severity}: ${d.message}`), [], `${word}:\n${program}`);
          if (!hasNasm) continue;
          fs.writeFileSync(path.join(dir, 'w.asm'), program);
          const r = spawnSync('nasm', ['-f', 'bin', '-w+unknown-warning', '-w+pragma-unknown', 'w.asm', '-o', 'w.bin'], { cwd: dir, encoding: 'utf8' });
          assert.equal(r.status, 0, `nasm rejects ${word}:\n${program}${r.stderr}`);
          // (nasm 2.16.01 also looks `push` and `pop` up as class names, and says so under
          // -w+unknown-warning, while it pushes and pops: warning-switches.ts.)
          const said = r.stderr.split('\n').filter((l) => l !== '' && !/unknown warning name: (push|pop) /.test(l));
          assert.ok(!said.some((l) => /unknown|invalid/i.test(l)), `nasm: ${r.stderr}`);
        }
      });
    }
  });
});
