// File-name completion between the quotes of %include, incbin, %pathsearch and %depend: what is
// offered is what the assembler finds there (each item, once taken, assembles without a missing
// file), in the order the assembler searches (beside the main file, then the -I directories); and
// the hover on such a name, which says which file the assembler read for it.

import * as assert from 'node:assert/strict';
import type { CompletionItem, InsertReplaceEdit, TextEdit } from 'vscode-languageserver-types';
import { completion, type CompletionClient } from '../../server/src/features/completion';
import { hover } from '../../server/src/features/hover';
import { at, workspace } from '../protocol/analyzeText';

const VSCODE: CompletionClient = { editRange: false, insertReplace: true, snippets: true, labelDetails: true };

const MAIN = [
  'bits 32',
  '%include "inc/"',
  '%include "',
  'incbin "da',
  '%pathsearch P "inc/s',
  '%include "lib.inc" ; done',
  'db "',
  'mov eax, 4/',
  "%depend '.",
].join('\n');

const FILES = {
  'main.asm': MAIN,
  'lib.inc': 'lib_entry: ret\n',
  'notes.txt': 'not source\n',
  'data.bin': 'AB',
  '.hidden.inc': '; hidden\n',
  'inc/a.inc': 'a_entry: nop\n',
  'inc/b.mac': '%define B 1\n',
  'inc/sub/c.inc': 'c_entry: nop\n',
  'vendor/v.inc': 'v_entry: nop\n',
};

function edit(i: CompletionItem): TextEdit & Partial<InsertReplaceEdit> {
  return i.textEdit as TextEdit & Partial<InsertReplaceEdit>;
}

describe('lsp file-name completion', () => {
  const ws = workspace(FILES, ['main.asm'], { includePaths: ['vendor'] });
  after(() => ws.dispose());
  const doc = () => ws.doc('main.asm');

  it('lists the main file\'s folder, then each -I directory, folders first and source files before others', () => {
    const line = MAIN.split('\n').indexOf('%include "');
    const items = completion(doc(), { line, character: '%include "'.length }, undefined, '"').items;
    const names = items.map((i) => i.label);
    for (const n of ['lib.inc', 'inc/', 'vendor/', 'notes.txt', 'data.bin', 'v.inc']) assert.ok(names.includes(n), `${n} in ${names.join(' ')}`);
    // Not the file itself (it would include itself), and no dot-files until a `.` is typed.
    assert.ok(!names.includes('main.asm'));
    assert.ok(!names.includes('.hidden.inc'));
    const sorted = [...items].sort((a, b) => (a.sortText! < b.sortText! ? -1 : 1)).map((i) => i.label);
    assert.ok(sorted.indexOf('inc/') < sorted.indexOf('lib.inc') && sorted.indexOf('lib.inc') < sorted.indexOf('notes.txt'));
    assert.equal(items.find((i) => i.label === 'v.inc')?.detail, '-I vendor');
    assert.equal(items.find((i) => i.label === 'lib.inc')?.detail, 'beside main.asm');
    // A folder's item asks for the next list once taken.
    assert.equal(items.find((i) => i.label === 'inc/')?.command?.command, 'editor.action.triggerSuggest');
  });

  it('lists a folder\'s entries after its name, replacing only the part after the last `/`', () => {
    const pos = at(doc(), 'inc/"', 4, '%include "inc/"');
    const items = completion(doc(), pos).items;
    assert.deepEqual(items.map((i) => i.label).sort(), ['a.inc', 'b.mac', 'sub/']);
    assert.deepEqual(edit(items[0]).range, { start: pos, end: pos });
  });

  it('offers names the assembler then finds: each taken item assembles without a missing file', () => {
    const pos = at(doc(), 'inc/"', 4, '%include "inc/"');
    for (const item of completion(doc(), pos).items.filter((i) => !i.label.endsWith('/'))) {
      const text = `bits 32\n%include "inc/${edit(item).newText}"\n`;
      ws.edit('main.asm', text);
      const d = ws.doc('main.asm');
      assert.deepEqual(d.result.diagnostics.filter((x) => x.severity === 'error').map((x) => x.message), [], item.label);
      assert.equal(d.result.includes.length, 1);
      assert.equal(d.result.includes[0].resolved, ws.path(`inc/${item.label}`));
    }
    ws.edit('main.asm', MAIN);
  });

  it('completes incbin\'s file while its string is still open, and %pathsearch\'s and %depend\'s', () => {
    const bin = completion(doc(), at(doc(), 'da', 2, 'incbin')).items;
    assert.ok(bin.some((i) => i.label === 'data.bin'));
    assert.deepEqual(edit(bin[0]).range.start, at(doc(), 'da', 0, 'incbin'));
    const search = completion(doc(), at(doc(), 'inc/s', 5, '%pathsearch')).items.map((i) => i.label).sort();
    assert.deepEqual(search, ['a.inc', 'b.mac', 'sub/']);
    // A name typed from its `.` shows dot-files.
    const depend = completion(doc(), at(doc(), "'.", 2, '%depend')).items.map((i) => i.label);
    assert.ok(depend.includes('.hidden.inc'));
  });

  it('inside a closed name, replaces up to the closing quote where the client can replace', () => {
    const pos = at(doc(), 'lib.inc', 2, 'done');
    const item = completion(doc(), pos, VSCODE).items.find((i) => i.label === 'lib.inc')!;
    assert.equal(edit(item).insert?.end.character, pos.character);
    assert.equal(edit(item).replace?.end.character, at(doc(), '" ; done', 0).character);
  });

  it('offers nothing in other strings, nor after a quote or `/` typed outside a file name', () => {
    assert.deepEqual(completion(doc(), at(doc(), '"', 1, 'db "'), undefined, '"').items, []);
    assert.deepEqual(completion(doc(), at(doc(), '4/', 2, 'mov eax'), undefined, '/').items, []);
    // Typing on in the operand asks without a trigger character: the operand list as before.
    assert.ok(completion(doc(), at(doc(), '4/', 2, 'mov eax')).items.some((i) => i.label === 'eax'));
  });

  it('says on hover which file a name leads to, as the assembly read it, and where it was found', () => {
    const text = ['bits 32', '%include "lib.inc"', '%include "v.inc"', 'incbin "data.bin"', '%include "nope.inc"'].join('\n');
    ws.edit('main.asm', text);
    const d = ws.doc('main.asm');
    const on = (line: number) => (hover(d, { line, character: d.lines[line].indexOf('"') + 2 })?.contents as { value: string } | undefined)?.value;
    assert.equal(on(1), `**lib.inc** — \`%include\` reads \`${ws.path('lib.inc')}\` (beside main.asm), 1 line`);
    assert.equal(on(2), `**v.inc** — \`%include\` reads \`${ws.path('vendor/v.inc')}\` (under -I vendor), 1 line`);
    assert.equal(on(3), `**data.bin** — \`incbin\` reads \`${ws.path('data.bin')}\` (beside main.asm)`);
    assert.match(on(4) ?? '', /^\*\*nope\.inc\*\* — not found: the editor looked in the workspace folder, the folder of the file assembled, then in vendor\/; add the folder that holds it to `ringside\.includePaths`$/);
    // The assembly read what the hover names: it included v.inc from vendor/.
    assert.equal(d.result.includes.find((i) => i.target === 'v.inc')?.resolved, ws.path('vendor/v.inc'));
    ws.edit('main.asm', MAIN);
  });
});
