// selectionRange (expand selection): token → address → operand → operands → instruction → with its
// label → line → the blocks around it → the file, each parent containing its child (LSP 3.17).

import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SelectionRange, type Position, type Range } from 'vscode-languageserver-types';
import { tokenizeLine } from '../../core/src/asm/lexer';
import type { AnalyzedDocument } from '../../server/src/analysis/document';
import { selectionRanges } from '../../server/src/features/selectionRanges';
import { at, single } from '../protocol/analyzeText';

const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character < b.character);
const contains = (outer: Range, inner: Range) => !before(inner.start, outer.start) && !before(outer.end, inner.end);
const equal = (a: Range, b: Range) => JSON.stringify(a) === JSON.stringify(b);

/** The chain from the innermost range out, checked against the spec on the way. */
function steps(s: SelectionRange): Range[] {
  const out: Range[] = [];
  for (let r: SelectionRange | undefined = s; r; r = r.parent) {
    assert.ok(SelectionRange.is(r));
    const prev = out[out.length - 1];
    // "parent.range must contain this.range"; an equal parent would be a step that selects nothing more.
    if (prev) assert.ok(contains(r.range, prev) && !equal(r.range, prev), `${JSON.stringify(r.range)} around ${JSON.stringify(prev)}`);
    out.push(r.range);
  }
  return out;
}

/** One-line ranges as their text (but the whole file's), others as `lines A-B` (checked to run from column 0 to the end of line B). */
function shown(doc: AnalyzedDocument, r: Range): string {
  const whole = r.start.line === 0 && r.start.character === 0 && r.end.line === doc.lines.length - 1 && r.end.character === doc.lines[r.end.line].length;
  if (r.start.line === r.end.line && !whole) {
    return doc.lines[r.start.line].slice(r.start.character, r.end.character);
  }
  assert.equal(r.start.character, 0);
  assert.equal(r.end.character, doc.lines[r.end.line].length);
  return `lines ${r.start.line}-${r.end.line}`;
}

function chainAt(doc: AnalyzedDocument, pos: Position): string[] {
  const [s] = selectionRanges(doc, [pos]);
  const ranges = steps(s);
  assert.ok(contains(ranges[0], { start: pos, end: pos }));
  return ranges.map((r) => shown(doc, r));
}

const SOURCE = [
  'bits 32',                                   // 0
  'struc point',                               // 1
  '.x: resd 1',                                // 2
  'endstruc',                                  // 3
  '%macro push2 2',                            // 4
  '    push %1',                               // 5
  '    push %2',                               // 6
  '%endmacro',                                 // 7
  'start:',                                    // 8
  '    mov ecx, [ebx+ecx*4+8]   ; scaled',     // 9
  '    mov dword [x], 1',                      // 10
  '.next: rep movsd',                          // 11
  '    push2 eax, ebx',                        // 12
  '%if 1',                                     // 13
  '  %rep 2',                                  // 14
  '    nop',                                   // 15
  '  %endrep',                                 // 16
  '%else',                                     // 17
  '    hlt',                                   // 18
  '%endif',                                    // 19
  'x: dd 0',                                   // 20
].join('\n');

describe('lsp selection ranges', () => {
  const { doc, ws } = single(SOURCE);
  after(() => ws.dispose());
  const FILE = 'lines 0-20';

  it('expands from a register in an address to the address, the operands, the instruction, the line, the label block and the file', () => {
    assert.deepEqual(chainAt(doc, at(doc, 'ecx*', 1)), ['ecx', 'ebx+ecx*4+8', '[ebx+ecx*4+8]', 'ecx, [ebx+ecx*4+8]', 'mov ecx, [ebx+ecx*4+8]',
      '    mov ecx, [ebx+ecx*4+8]   ; scaled', 'lines 8-19', FILE]);
    // From the first operand, the next step is both operands.
    assert.deepEqual(chainAt(doc, { line: 9, character: 9 }).slice(0, 3), ['ecx', 'ecx, [ebx+ecx*4+8]', 'mov ecx, [ebx+ecx*4+8]']);
    // From the comment: the line.
    assert.deepEqual(chainAt(doc, at(doc, 'scaled', 2)), ['; scaled', '    mov ecx, [ebx+ecx*4+8]   ; scaled', 'lines 8-19', FILE]);
  });

  it('takes a size keyword into the operand, and a label and prefix into the instruction', () => {
    assert.deepEqual(chainAt(doc, at(doc, 'x]', 0)), ['x', '[x]', 'dword [x]', 'dword [x], 1', 'mov dword [x], 1', '    mov dword [x], 1', 'lines 8-19', FILE]);
    assert.deepEqual(chainAt(doc, at(doc, 'movsd', 2)), ['movsd', 'rep movsd', '.next: rep movsd', 'lines 8-19', FILE]);
    assert.deepEqual(chainAt(doc, at(doc, '.next', 2)), ['.next', '.next: rep movsd', 'lines 8-19', FILE]);
    // A label with data: the label block ends before the next non-local label at `x:`.
    assert.deepEqual(chainAt(doc, at(doc, 'dd', 1, 'x: dd')), ['dd', 'dd 0', 'x: dd 0', FILE]);
  });

  it('goes through %macro bodies, macro calls, %rep, the %if branch, the whole %if and struc', () => {
    assert.deepEqual(chainAt(doc, at(doc, '%1', 1)), ['%1', 'push %1', '    push %1', 'lines 4-7', FILE]);
    assert.deepEqual(chainAt(doc, at(doc, 'push2', 1, '%macro')), ['push2', 'push2 2', '%macro push2 2', 'lines 4-7', FILE]);
    assert.deepEqual(chainAt(doc, at(doc, 'ebx', 0, 'push2 eax')), ['ebx', 'eax, ebx', 'push2 eax, ebx', '    push2 eax, ebx', 'lines 8-19', FILE]);
    assert.deepEqual(chainAt(doc, at(doc, 'nop', 1)), ['nop', '    nop', 'lines 14-16', 'lines 13-16', 'lines 13-19', 'lines 8-19', FILE]);
    assert.deepEqual(chainAt(doc, at(doc, 'hlt', 1)), ['hlt', '    hlt', 'lines 17-19', 'lines 13-19', 'lines 8-19', FILE]);
    assert.deepEqual(chainAt(doc, { line: 2, character: 1 }), ['.x', '.x: resd 1', 'lines 1-3', FILE]);
  });

  it('selects a string\'s text before the string (an %include file name)', () => {
    const { doc: d, ws: w } = single(['bits 32', '%include "lib.inc"  ; the library', "msg: db 'hi', 0"].join('\n'));
    try {
      assert.deepEqual(chainAt(d, at(d, 'lib', 1)), ['lib.inc', '"lib.inc"', '%include "lib.inc"', '%include "lib.inc"  ; the library', 'lines 0-2']);
      // On a quote itself: the whole string first.
      assert.deepEqual(chainAt(d, at(d, "'hi'", 0)).slice(0, 3), ["'hi'", "'hi', 0", "db 'hi', 0"]);
    } finally {
      w.dispose();
    }
  });

  it('answers one range per position, in order, and clamps positions past a line or the file', () => {
    const got = selectionRanges(doc, [{ line: 15, character: 5 }, { line: 0, character: 1 }, { line: 9, character: 500 }, { line: 500, character: 3 }]);
    assert.equal(got.length, 4);
    assert.deepEqual(steps(got[0]).map((r) => shown(doc, r))[0], 'nop');
    assert.deepEqual(steps(got[1]).map((r) => shown(doc, r)), ['bits', 'bits 32', FILE]);
    // Past the end of line 9: at its end, in the comment.
    assert.deepEqual(steps(got[2]).map((r) => shown(doc, r))[0], '; scaled');
    // Past the last line: the end of the file (`x: dd 0`'s last token).
    assert.deepEqual(steps(got[3]).map((r) => shown(doc, r)), ['0', 'dd 0', 'x: dd 0', FILE]);
    assert.deepEqual(selectionRanges(doc, []), []);
  });

  it('keeps only ranges that nest when blocks cross (a label block running out of an %if)', () => {
    const text = ['bits 32', '%if 1', 'a:', '    nop', '%endif', '    hlt', 'b:', '    ret'].join('\n');
    const { doc: d, ws: w } = single(text);
    try {
      // The %if block (1-4) and a's label block (2-5) both hold line 3; only one can be a parent of the other's range.
      const chain = chainAt(d, { line: 3, character: 5 });
      assert.deepEqual(chain, ['nop', '    nop', 'lines 1-4', 'lines 0-7']);
    } finally {
      w.dispose();
    }
  });

  it('gives every position of empty, malformed and fixture files a chain that nests', () => {
    const texts = ['', '\n', '   ', ';', '[[[ ]]', 'mov eax, [ebx+', '%macro\n%endif\n%endrep\n.x:\n    jmp .x', 'a: b: c: mov ,,, ]', '\u0000\ud800\t;\r', `    db ${'('.repeat(300)}1`];
    const dir = join(__dirname, '..', 'fixtures', 'nasm', 'asm');
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.asm')).slice(0, 30)) texts.push(readFileSync(join(dir, f), 'utf8'));
    for (const text of texts) {
      const { doc: d, ws: w } = single(text);
      try {
        const positions: Position[] = [];
        // Both ends and the middle of every token, the line's ends, and a column past them.
        for (let line = 0; line < d.lines.length; line++) {
          const cols = new Set([0, d.lines[line].length, d.lines[line].length + 3]);
          for (const t of tokenizeLine(d.lines[line])) for (const c of [t.start, (t.start + t.end) >> 1, t.end]) cols.add(c);
          for (const character of cols) positions.push({ line, character });
        }
        const got = selectionRanges(d, positions);
        assert.equal(got.length, positions.length);
        got.forEach((s, i) => {
          const ranges = steps(s);
          const p = positions[i];
          const clamped = { line: p.line, character: Math.min(p.character, d.lines[p.line].length) };
          assert.ok(contains(ranges[0], { start: clamped, end: clamped }), JSON.stringify(p));
          const last = ranges[ranges.length - 1];
          assert.deepEqual(last, { start: { line: 0, character: 0 }, end: { line: d.lines.length - 1, character: d.lines[d.lines.length - 1].length } });
        });
      } finally {
        w.dispose();
      }
    }
  });
});
