// documentHighlight: the symbol under the cursor in this document, Write where it is defined and
// Read where it is used (LSP 3.17 DocumentHighlightKind), agreeing with definition and references;
// a register wherever it is written, as Text.

import * as assert from 'node:assert/strict';
import { DocumentHighlightKind, type DocumentHighlight } from 'vscode-languageserver-types';
import type { AnalyzedDocument } from '../../server/src/analysis/document';
import { documentHighlights } from '../../server/src/features/highlight';
import { definition, references } from '../../server/src/features/navigation';
import { at, single, workspace } from '../protocol/analyzeText';

const { Text, Read, Write } = DocumentHighlightKind;

/** Each highlight as `line:written text:kind`, in document order. */
function shown(doc: AnalyzedDocument, highlights: readonly DocumentHighlight[]): string[] {
  return highlights.map((h) => {
    assert.equal(h.range.start.line, h.range.end.line);
    return `${h.range.start.line}:${doc.lines[h.range.start.line].slice(h.range.start.character, h.range.end.character)}:${h.kind}`;
  });
}

const LOCALS = [
  'bits 32',            // 0
  'a:',                 // 1
  '.loop:',             // 2
  '    dec ecx',        // 3
  '    jnz .loop',      // 4
  'b:',                 // 5
  '.loop:',             // 6
  '    jmp .loop',      // 7
  '    jmp a.loop',     // 8
  '    jmp b.loop',     // 9
].join('\n');

describe('lsp document highlights', () => {
  it('tells local labels of the same short name under different parents apart', () => {
    const { doc, ws } = single(LOCALS);
    try {
      assert.deepEqual(shown(doc, documentHighlights(doc, at(doc, '.loop', 1, 'jnz'))), [`2:.loop:${Write}`, `4:.loop:${Read}`, `8:a.loop:${Read}`]);
      assert.deepEqual(shown(doc, documentHighlights(doc, { line: 6, character: 0 })), [`6:.loop:${Write}`, `7:.loop:${Read}`, `9:b.loop:${Read}`]);
      assert.deepEqual(shown(doc, documentHighlights(doc, at(doc, 'b.loop', 0))), [`6:.loop:${Write}`, `7:.loop:${Read}`, `9:b.loop:${Read}`]);
      // The parent label itself: its definition only.
      assert.deepEqual(shown(doc, documentHighlights(doc, { line: 1, character: 0 })), [`1:a:${Write}`]);
    } finally {
      ws.dispose();
    }
  });

  it('highlights equ constants, %define names, %macro names and their calls, and struc fields', () => {
    const text = [
      'bits 32',                       // 0
      'COUNT equ 4',                   // 1
      '%define SCALE 2',               // 2
      '%imacro twice 1',               // 3
      '    %1',                        // 4
      '    %1',                        // 5
      '%endmacro',                     // 6
      'struc point',                   // 7
      '.x: resd 1',                    // 8
      '.y: resd 1',                    // 9
      'endstruc',                      // 10
      'start:',                        // 11
      '    mov eax, COUNT*SCALE',      // 12
      '    TWICE nop',                 // 13
      '    twice inc eax',             // 14
      '    mov ecx, [ebx+point.y]',    // 15
      '    mov ecx, COUNT',            // 16
    ].join('\n');
    const { doc, ws } = single(text);
    try {
      assert.deepEqual(shown(doc, documentHighlights(doc, at(doc, 'COUNT', 2, 'mov ecx'))), [`1:COUNT:${Write}`, `12:COUNT:${Read}`, `16:COUNT:${Read}`]);
      assert.deepEqual(shown(doc, documentHighlights(doc, at(doc, 'SCALE', 0, 'mov'))), [`2:SCALE:${Write}`, `12:SCALE:${Read}`]);
      // %imacro: its calls in any case are the same macro.
      assert.deepEqual(shown(doc, documentHighlights(doc, at(doc, 'twice', 1, '%imacro'))), [`3:twice:${Write}`, `13:TWICE:${Read}`, `14:twice:${Read}`]);
      assert.deepEqual(shown(doc, documentHighlights(doc, at(doc, 'TWICE', 5))), [`3:twice:${Write}`, `13:TWICE:${Read}`, `14:twice:${Read}`]);
      assert.deepEqual(shown(doc, documentHighlights(doc, at(doc, 'point.y', 7))), [`9:.y:${Write}`, `15:point.y:${Read}`]);
      assert.deepEqual(shown(doc, documentHighlights(doc, { line: 8, character: 1 })), [`8:.x:${Write}`]);
    } finally {
      ws.dispose();
    }
  });

  it('follows names in macro bodies: %%local labels, locals a body names under each caller, pasted pieces', () => {
    const text = [
      'bits 32',                          // 0
      '%macro spin 1',                    // 1
      '%%top:',                           // 2
      '    dec %1',                       // 3
      '    jnz %%top',                    // 4
      '    jmp .wait',                    // 5
      '%endmacro',                        // 6
      '%define CAT(x) x %+ _end',         // 7
      'a:',                               // 8
      '.wait:',                           // 9
      '    spin ecx',                     // 10
      'b:',                               // 11
      '.wait:',                           // 12
      '    spin edx',                     // 13
      '    jmp CAT(b)',                   // 14
      'b_end:',                           // 15
    ].join('\n');
    const { doc, ws } = single(text);
    try {
      assert.deepEqual(shown(doc, documentHighlights(doc, at(doc, '%%top', 2, 'jnz'))), [`2:%%top:${Write}`, `4:%%top:${Read}`]);
      // `jmp .wait` in the body is a use of a.wait (under a's call) and of b.wait (under b's).
      assert.deepEqual(shown(doc, documentHighlights(doc, { line: 9, character: 2 })), [`5:.wait:${Read}`, `9:.wait:${Write}`]);
      assert.deepEqual(shown(doc, documentHighlights(doc, { line: 12, character: 2 })), [`5:.wait:${Read}`, `12:.wait:${Write}`]);
      // b_end is pasted from `b` and `_end`: those are textual pieces of it (Text), not uses.
      assert.deepEqual(shown(doc, documentHighlights(doc, { line: 15, character: 1 })), [`7:_end:${Text}`, `14:b:${Text}`, `15:b_end:${Write}`]);
    } finally {
      ws.dispose();
    }
  });

  it('stays in the document asked about when the symbol lives in an %include file', () => {
    const main = ['bits 32', "%include 'lib.inc'", 'start:', '    mov eax, LIMIT', '    call helper', '    mov ebx, LIMIT'].join('\n');
    const lib = ['LIMIT equ 10', 'helper:', '    mov ecx, LIMIT', '    ret'].join('\n');
    const ws = workspace({ 'main.asm': main, 'lib.inc': lib }, ['main.asm', 'lib.inc']);
    try {
      const doc = ws.doc('main.asm');
      assert.deepEqual(shown(doc, documentHighlights(doc, at(doc, 'LIMIT', 1))), [`3:LIMIT:${Read}`, `5:LIMIT:${Read}`]);
      assert.deepEqual(shown(doc, documentHighlights(doc, at(doc, 'helper', 1))), [`4:helper:${Read}`]);
      // lib.inc is analysed in main.asm's assembly: its definition is there, main's uses are not.
      const inc = ws.doc('lib.inc');
      assert.equal(inc.rootPath, ws.path('main.asm'));
      assert.deepEqual(shown(inc, documentHighlights(inc, { line: 0, character: 2 })), [`0:LIMIT:${Write}`, `2:LIMIT:${Read}`]);
    } finally {
      ws.dispose();
    }
  });

  it('agrees with definition and references at every name of a file', () => {
    const { doc, ws } = single(LOCALS + "\nCOUNT equ 3\n%define D COUNT\n    mov eax, D\n");
    try {
      let checked = 0;
      for (let line = 0; line < doc.lines.length; line++) {
        for (let character = 0; character <= doc.lines[line].length; character++) {
          const pos = { line, character };
          const highlights = documentHighlights(doc, pos);
          const refs = references(doc, pos, true).filter((l) => l.uri === doc.uri).map((l) => JSON.stringify(l.range)).sort();
          // Where references has nothing (a register, a mnemonic), only a register's textual highlights may be.
          if (refs.length === 0) {
            const written = new Set(highlights.map((h) => doc.lines[h.range.start.line].slice(h.range.start.character, h.range.end.character).toLowerCase()));
            assert.ok(highlights.every((h) => h.kind === Text) && written.size <= 1 && [...written].every((w) => /^e?[a-d]x$/.test(w)), `at ${line}:${character}`);
          }
          else assert.deepEqual(highlights.map((h) => JSON.stringify(h.range)).sort(), refs, `at ${line}:${character}`);
          const defs = definition(doc, pos).filter((l) => l.uri === doc.uri);
          for (const d of defs) assert.ok(highlights.some((h) => h.kind === Write && JSON.stringify(h.range) === JSON.stringify(d.range)), `definition at ${line}:${character}`);
          if (highlights.length > 0) checked++;
        }
      }
      assert.ok(checked > 40, `${checked} positions had highlights`);
    } finally {
      ws.dispose();
    }
  });

  it('highlights the same register, in any case, outside comments and strings, as Text (no symbol is read or written)', () => {
    const text = ['bits 32', 'start:', '    mov eax, 1 ; eax', '    add eax, EAX', "    db 'eax'", '    mov al, ah', '    mov ax, [eax+eax*2]'].join('\n');
    const { doc, ws } = single(text);
    try {
      const expected = [`2:eax:${Text}`, `3:eax:${Text}`, `3:EAX:${Text}`, `6:eax:${Text}`, `6:eax:${Text}`];
      assert.deepEqual(shown(doc, documentHighlights(doc, at(doc, 'eax', 1, 'mov eax'))), expected);
      // Just after the name, before the comma: still the register.
      assert.deepEqual(shown(doc, documentHighlights(doc, at(doc, 'eax,', 3, 'mov eax'))), expected);
      // `al` is part of eax, not the same operand.
      assert.deepEqual(shown(doc, documentHighlights(doc, at(doc, 'al', 0))), [`5:al:${Text}`]);
    } finally {
      ws.dispose();
    }
  });

  it('gives nothing for mnemonics, numbers, comments, empty or broken documents and positions past the end', () => {
    const { doc, ws } = single('bits 32\nstart:\n    mov eax, 1 ; eax\n    add eax, eax\n    jmp start\n');
    try {
      for (const needle of ['mov', '1', '; eax', 'bits']) assert.deepEqual(documentHighlights(doc, at(doc, needle, 1, needle === 'bits' ? 'bits' : 'mov eax')), [], needle);
      assert.deepEqual(documentHighlights(doc, { line: 99, character: 0 }), []);
      assert.deepEqual(documentHighlights(doc, { line: 4, character: 999 }), []);
    } finally {
      ws.dispose();
    }
    for (const text of ['', '\n\n', ':::[[[', '%macro\n%endif\n.x:\n    jmp .x', '\u0000\ud800']) {
      const { doc: d, ws: w } = single(text);
      try {
        for (let line = 0; line <= d.lines.length; line++) {
          for (let character = 0; character <= (d.lines[line]?.length ?? 0) + 1; character++) {
            const hs = documentHighlights(d, { line, character });
            assert.ok(Array.isArray(hs) && hs.every((h) => h.kind === Read || h.kind === Write || h.kind === Text));
          }
        }
      } finally {
        w.dispose();
      }
    }
  });
});
