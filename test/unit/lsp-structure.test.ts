// Document/workspace symbols, semantic tokens (decoded), folding ranges, inlay hints and code lenses.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentSymbol } from 'vscode-languageserver-types';
import { codeLenses } from '../../server/src/features/codeLens';
import { foldingRanges } from '../../server/src/features/folding';
import { inlayHints } from '../../server/src/features/inlayHints';
import { LEGEND, semanticTokens } from '../../server/src/features/semanticTokens';
import { documentSymbols, fuzzyMatch, workspaceSymbols } from '../../server/src/features/symbols';
import { single, workspace } from '../protocol/analyzeText';
import { hasNasm } from '../support/random';

const SOURCE = [
  '; boot code',            // 0
  '; second comment line',  // 1
  'bits 32',                // 2
  'org 0x100000',           // 3
  'section .text',          // 4
  'kernel_start:',          // 5
  '    cli',                // 6
  '    popf',               // 7
  '.halt:',                 // 8
  '    mov eax, 1',         // 9
  '    jmp .halt',          // 10
  '%macro TWICE 1',         // 11
  '    %rep 2',             // 12
  '    nop',                // 13
  '    %endrep',            // 14
  '%endmacro',              // 15
  '%if 1',                  // 16
  '    nop',                // 17
  '%endif',                 // 18
  'section .data',          // 19
  'value: dd 7',            // 20
  'SIZE equ 4',             // 21
].join('\n');

/**
 * LSP 3.17 DocumentSymbol: the range holds the selection range, a child is inside its parent, and
 * siblings do not overlap (the outline, breadcrumbs and sticky scroll find the symbol at a line by
 * the ranges that hold it), except symbols one line defines together (a macro call's labels).
 */
function nestingProblems(list: readonly DocumentSymbol[], parent?: DocumentSymbol): string[] {
  const out: string[] = [];
  list.forEach((s, i) => {
    if (!(s.range.start.line <= s.selectionRange.start.line && s.selectionRange.end.line <= s.range.end.line)) out.push(`${s.name}'s range does not hold its name`);
    if (parent && !(parent.range.start.line <= s.range.start.line && s.range.end.line <= parent.range.end.line)) out.push(`${s.name} is outside ${parent.name}`);
    const before = list[i - 1];
    if (before !== undefined && before.range.start.line !== s.range.start.line && before.range.end.line >= s.range.start.line) out.push(`${before.name} and ${s.name} overlap`);
    out.push(...nestingProblems(s.children ?? [], s));
  });
  return out;
}

interface Decoded { line: number; col: number; len: number; type: string; mods: string[] }

function decode(data: readonly number[]): Decoded[] {
  const out: Decoded[] = [];
  let line = 0;
  let col = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i];
    col = data[i] === 0 ? col + data[i + 1] : data[i + 1];
    const mods = LEGEND.tokenModifiers.filter((_, b) => (data[i + 4] & (1 << b)) !== 0);
    out.push({ line, col, len: data[i + 2], type: LEGEND.tokenTypes[data[i + 3]], mods });
  }
  return out;
}

describe('lsp structure', () => {
  it('nests sections > labels > local labels, and constants and macros in the block written around them', () => {
    const { doc } = single(SOURCE);
    const symbols = documentSymbols(doc);
    const text = symbols.find((s) => s.name === '.text');
    const start = text?.children?.find((c) => c.name === 'kernel_start');
    assert.ok(start, JSON.stringify(symbols));
    assert.deepEqual(start.children?.map((c) => c.name), ['.halt']);
    assert.equal(start.detail, '0x100000');
    const value = symbols.find((s) => s.name === '.data')?.children?.find((c) => c.name === 'value');
    assert.deepEqual(value?.children?.map((c) => c.name), ['SIZE']);
    assert.deepEqual(start.children?.[0].children?.map((c) => c.name), ['TWICE']);
    assert.deepEqual(nestingProblems(symbols), []);
  });

  it('nests the outline of every recorded nasm fixture: children inside their parents, siblings apart', function () {
    this.timeout(120_000);
    const dir = join(__dirname, '..', 'fixtures', 'nasm', 'asm');
    const problems: string[] = [];
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.asm'))) {
      const { doc, ws } = single(readFileSync(join(dir, name), 'latin1'));
      try {
        problems.push(...nestingProblems(documentSymbols(doc)).map((p) => `${name}: ${p}`));
      } finally {
        ws.dispose();
      }
    }
    assert.deepEqual(problems, []);
  });

  it('lists a local label written after a section change under that section, by its full name', () => {
    // nasm 2.16.01 takes `.msg` in .data as main.msg: `dd main.msg, main.n` after it is 08 00 00 00 0a 00 00 00.
    const { doc } = single('bits 32\nsection .text\nmain:\n  mov eax, .msg\n  ret\nsection .data\n.msg: db "hi"\n.n: db 1\nother: db 2\ndd main.msg, main.n\n');
    const data = documentSymbols(doc).find((s) => s.name === '.data');
    assert.deepEqual(data?.children?.map((c) => [c.name, c.range.start.line, c.range.end.line]), [['main.msg', 6, 6], ['main.n', 7, 7], ['other', 8, 10]]);
    // LSP 3.17 DocumentSymbol: a child's range lies within its parent's.
    for (const c of data.children) assert.ok(c.range.start.line >= data.range.start.line && c.range.end.line <= data.range.end.line, c.name);
  });

  it('nests a local label written after an endstruc in the label block around it, by its full name', () => {
    // nasm 2.16.01 takes `.loop` after the structure as pt.loop (the structure's name is the last
    // label, NASM manual §3.9/§5.9.1): `dd pt.loop` assembles to 01 00 00 00, `.loop` being at 1.
    const { doc, ws } = single('start: nop\nstruc pt\n .x resd 1\nendstruc\n.loop: jmp .loop\ndd pt.loop\n');
    try {
      const symbols = documentSymbols(doc);
      const start = symbols.find((s) => s.name === 'start');
      assert.deepEqual(start?.children?.map((c) => c.name), ['pt', 'pt.loop']);
      assert.deepEqual(nestingProblems(symbols), []);
    } finally {
      ws.dispose();
    }
  });

  it('lists a macro\'s %%label once, as written, however many calls define it', function () {
    const source = ['%macro skip_if_zero 0', '  test eax, eax', '  jz %%skip', '  inc eax', '%%skip:', '%endmacro', 'start:', '  skip_if_zero', '  skip_if_zero', '  skip_if_zero', ''].join('\n');
    const { doc, ws } = single(source);
    try {
      if (hasNasm) {
        // nasm 2.16.01 -E: each call defines its own label (`..@2.skip:`, `..@3.skip:`, ...), all written on line 5.
        const out = spawnSync('nasm', ['-E', 'main.asm'], { cwd: ws.dir, encoding: 'utf8' }).stdout;
        assert.equal(new Set(out.match(/^\.\.@\d+\.skip:/gm)).size, 3, out);
      }
      const symbols = documentSymbols(doc);
      const all = (list: readonly DocumentSymbol[]): DocumentSymbol[] => list.flatMap((x) => [x, ...all(x.children ?? [])]);
      assert.deepEqual(all(symbols).filter((s) => s.name.endsWith('skip')).map((s) => [s.name, s.selectionRange.start.line]), [['%%skip', 4]]);
      assert.deepEqual(nestingProblems(symbols), []);
      const found = workspaceSymbols(ws.cache.allRoots(), 'skip').filter((s) => s.name !== 'skip_if_zero');
      assert.deepEqual(found.map((s) => [s.name, 'range' in s.location ? s.location.range.start.line : -1]), [['%%skip', 4]]);
    } finally {
      ws.dispose();
    }
  });

  it('gives a macro and a structure the range of their lines up to %endmacro and endstruc, what they write nested in them', () => {
    // LSP 3.17 DocumentSymbol.range: the range enclosing the symbol, "everything else like comments",
    // which the editor reads to find the symbol the cursor is in (breadcrumbs, sticky scroll).
    // nasm 2.16.01 assembles `dd pt.y, pt_size` after it to 04 00 00 00 08 00 00 00: the fields are the structure's.
    const source = ['start:', '%macro twice 1', '%%again:', '  %1', '%endmacro', 'struc pt', '  .x: resd 1', '  .y: resd 1', 'endstruc', '  twice nop', 'dd pt.y, pt_size', ''].join('\n');
    const { doc, ws } = single(source);
    try {
      const symbols = documentSymbols(doc);
      const start = symbols.find((s) => s.name === 'start');
      const shape = (x: DocumentSymbol): unknown => [x.name, x.range.start.line, x.range.end.line, ...(x.children ?? []).map(shape)];
      assert.deepEqual(start?.children?.map(shape), [['twice', 1, 4, ['%%again', 2, 2]], ['pt', 5, 8, ['pt.x', 6, 6], ['pt.y', 7, 7], ['pt_size', 8, 8]]]);
      assert.deepEqual(nestingProblems(symbols), []);
    } finally {
      ws.dispose();
    }
  });

  it('lists a definition the preprocessor runs several times once, like the workspace symbols', () => {
    // nasm runs the `%assign` in the %rep three times; the file writes it once on line 2.
    const { doc } = single(['%assign i 0', '%rep 3', '%assign i i+1', '%endrep', 'db i'].join('\n'));
    const entries = documentSymbols(doc).filter((s) => s.name === 'i').map((s) => s.selectionRange.start.line);
    assert.deepEqual(entries, [0, 2]);
  });

  it('finds workspace symbols in open and included files by fuzzy match', () => {
    const ws = workspace({ 'a.asm': "bits 32\n%include 'b.inc'\nkernel_main:\n    ret\n", 'b.inc': 'serial_write_byte:\n    ret\n' }, ['a.asm']);
    try {
      const found = workspaceSymbols(ws.cache.allRoots(), 'swb');
      assert.deepEqual(found.map((s) => s.name), ['serial_write_byte']);
      assert.equal(found[0].location.uri, ws.uri('b.inc'));
      assert.ok(fuzzyMatch('kmain', 'kernel_main') && !fuzzyMatch('mk', 'kernel_main'));
    } finally {
      ws.dispose();
    }
  });

  it('classifies tokens with privileged and sensitive modifiers', () => {
    const { doc } = single(SOURCE);
    const tokens = decode(semanticTokens(doc).data);
    const on = (line: number, col: number) => tokens.find((t) => t.line === line && t.col === col);
    assert.deepEqual(on(0, 0), { line: 0, col: 0, len: 11, type: 'comment', mods: [] });
    assert.deepEqual(on(5, 0), { line: 5, col: 0, len: 12, type: 'label', mods: ['declaration'] });
    assert.deepEqual(on(6, 4)?.type, 'mnemonic');
    assert.deepEqual(on(6, 4)?.mods, ['privileged']);
    assert.deepEqual(on(7, 4)?.mods, ['sensitive']);
    assert.deepEqual(on(9, 8)?.type, 'register');
    assert.deepEqual(on(9, 13)?.type, 'number');
    assert.deepEqual(on(10, 8)?.type, 'label');
    assert.deepEqual(on(2, 0)?.type, 'directive');
    assert.deepEqual(on(11, 0)?.type, 'directive');
    assert.deepEqual(on(21, 0)?.mods, ['declaration', 'readonly']);
    const ranged = decode(semanticTokens(doc, { start: { line: 9, character: 0 }, end: { line: 10, character: 0 } }).data);
    assert.ok(ranged.every((t) => t.line >= 9 && t.line <= 10) && ranged.some((t) => t.line === 10 && t.type === 'label'));
  });

  it('colours a structure\'s `.field` lines as its fields in a range starting inside the structure, as in the full document', () => {
    // nasm 2.16.01: after `prev:`, `struc S` defines S, so `.b` is S.b (`dd S.b` is 04 00 00 00), not prev.b.
    const { doc } = single('bits 32\nprev:\nstruc S\n.a: resd 1\n.b: resw 1\nendstruc\ndd S.b\n');
    const field = (tokens: Decoded[]) => tokens.find((t) => t.line === 4 && t.col === 0);
    assert.deepEqual(field(decode(semanticTokens(doc).data)), { line: 4, col: 0, len: 2, type: 'property', mods: ['declaration', 'readonly'] });
    const ranged = decode(semanticTokens(doc, { start: { line: 4, character: 0 }, end: { line: 6, character: 0 } }).data);
    assert.deepEqual(field(ranged), { line: 4, col: 0, len: 2, type: 'property', mods: ['declaration', 'readonly'] });
  });

  it('colours a data list\'s `dup` as a keyword and a label called dup as a label', () => {
    // nasm 2.16.01: `dup: db 1` then `db dup, 2 dup dup` is 01 00 00 00 (a count's dup, the label twice).
    const { doc } = single('dup: db 1\n    db dup, 2 dup dup\n    times 2 dw (1+1) Dup (1, ?), word 3\n    mov eax, dup\n');
    const tokens = decode(semanticTokens(doc).data);
    const on = (line: number, col: number) => tokens.find((t) => t.line === line && t.col === col);
    assert.deepEqual(on(0, 0), { line: 0, col: 0, len: 3, type: 'label', mods: ['declaration'] });
    assert.equal(on(1, 7)?.type, 'label');
    assert.deepEqual(on(1, 14), { line: 1, col: 14, len: 3, type: 'keyword', mods: [] });
    assert.equal(on(1, 18)?.type, 'label');
    assert.equal(on(2, 21)?.type, 'keyword');
    assert.equal(on(2, 33)?.type, 'keyword');
    assert.equal(on(3, 13)?.type, 'label');
  });

  it('folds comments, macros, %rep, %if, sections and label blocks', () => {
    const { doc } = single(SOURCE);
    const folds = foldingRanges(doc).map((f) => `${f.startLine}-${f.endLine}${f.kind ? ':' + f.kind : ''}`).sort();
    for (const f of ['0-1:comment', '11-15', '12-14', '16-18', '4-18', '5-18']) assert.ok(folds.includes(f), `${f} in ${folds.join(' ')}`);
  });

  // nasm 2.16.01 takes `%rmacro`, `%irmacro` and `%endm` (its pptok.dat): `%rmacro a 0` / `db 1` /
  // `%endm` is a macro nasm assembles (measured).
  it('folds each spelling of a macro definition: %rmacro, %irmacro, %endm', () => {
    const { doc } = single('%rmacro a 0\n  db 1\n%endm\n%irmacro b 0\n  db 2\n%endmacro\na\nb\n');
    const folds = foldingRanges(doc).map((f) => `${f.startLine}-${f.endLine}`);
    assert.ok(folds.includes('0-2') && folds.includes('3-5'), folds.join(' '));
  });

  it('folds `; region` … `; endregion` as regions, nested, as the language configuration\'s markers would', () => {
    // A client with a folding provider uses its ranges, not the markers (LSP 3.17 FoldingRangeKind.Region).
    const src = ['; region outer', '; a comment', '; about start', 'start:', '    ;#region inner', '    nop', '    ; #endregion', '    ret', '; endregion', '; region never closed', '    nop'].join('\n');
    const { doc } = single(src);
    const folds = foldingRanges(doc).map((f) => `${f.startLine}-${f.endLine}${f.kind ? ':' + f.kind : ''}`).sort();
    for (const f of ['0-8:region', '4-6:region', '1-2:comment']) assert.ok(folds.includes(f), `${f} in ${folds.join(' ')}`);
    assert.ok(!folds.some((f) => f.startsWith('9-')), folds.join(' '));
    assert.equal(folds.filter((f) => f.startsWith('0-')).length, 1, folds.join(' '));
  });

  it('shows label addresses as inlay hints and code size in code lenses', () => {
    const { doc } = single(SOURCE);
    const hints = inlayHints(doc, { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } });
    const start = hints.find((h) => h.position.line === 5);
    assert.equal(start?.label, '@0x00100000');
    assert.equal(start?.position.character, 13);
    assert.deepEqual(inlayHints(single(SOURCE, { inlayHintAddresses: false }).doc, { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } }), []);
    const lenses = codeLenses(doc);
    // cli(1) + popf(1) + mov eax, 1(5) + jmp short(2) + the %if'd nop(1) = 10 bytes
    assert.equal(lenses.find((l) => l.range.start.line === 5)?.command?.title, '0x00100000 · 10 bytes');
  });
});
