// definition / references / rename across %include files, and the names rename refuses.

import * as assert from 'node:assert/strict';
import type { TextEdit } from 'vscode-languageserver-types';
import { definition, prepareRename, references, rename } from '../../server/src/features/navigation';
import { applyEdits, at, workspace } from '../protocol/analyzeText';

const MAIN = ['bits 32', "%include 'lib.inc'", 'start:', '    call helper', '.spin:', '    jmp .spin', '    jmp start.spin', '    mov eax, LIMIT'].join('\n');
const LIB = ['LIMIT equ 10', 'helper:', '    ret'].join('\n');

describe('lsp navigation', () => {
  const ws = workspace({ 'main.asm': MAIN, 'lib.inc': LIB }, ['main.asm']);
  after(() => ws.dispose());

  it('goes to a definition in an included file', () => {
    const doc = ws.doc('main.asm');
    const loc = definition(doc, at(doc, 'helper', 2));
    assert.deepEqual(loc, [{ uri: ws.uri('lib.inc'), range: { start: { line: 1, character: 0 }, end: { line: 1, character: 6 } } }]);
    assert.equal(definition(doc, at(doc, "'lib.inc'", 2))[0].uri, ws.uri('lib.inc'));
  });

  it('finds references in every file, with or without the declaration', () => {
    const doc = ws.doc('main.asm');
    const refs = references(doc, at(doc, 'LIMIT', 1), true);
    assert.deepEqual(refs.map((r) => `${r.uri === ws.uri('lib.inc') ? 'lib' : 'main'}:${r.range.start.line}`).sort(), ['lib:0', 'main:7']);
    assert.equal(references(doc, at(doc, 'LIMIT', 1), false).length, 1);
  });

  it('renames across files and keeps the spelling of local labels', () => {
    const doc = ws.doc('main.asm');
    const edit = rename(doc, at(doc, 'helper', 1), 'service');
    assert.ok(!('error' in edit));
    const changes = edit.changes as Record<string, TextEdit[]>;
    assert.match(applyEdits(LIB, changes[ws.uri('lib.inc')]), /^service:$/m);
    assert.match(applyEdits(MAIN, changes[ws.uri('main.asm')]), /call service/);
    const local = rename(doc, at(doc, '.spin', 1, 'jmp .spin'), '.wait');
    assert.ok(!('error' in local));
    const out = applyEdits(MAIN, (local.changes as Record<string, TextEdit[]>)[ws.uri('main.asm')]);
    assert.match(out, /^\.wait:$/m);
    assert.match(out, /jmp \.wait\n/);
    assert.match(out, /jmp start\.wait/);
  });

  it('refuses invalid or reserved names and non-symbols', () => {
    const doc = ws.doc('main.asm');
    const pos = at(doc, 'helper', 1);
    assert.ok('error' in rename(doc, pos, '1abc'));
    assert.ok('error' in rename(doc, pos, 'eax'));
    assert.ok('error' in rename(doc, pos, 'mov'));
    assert.ok('error' in rename(doc, pos, 'start'));
    assert.ok('error' in rename(doc, at(doc, '.spin', 1, 'jmp .spin'), 'nodot'));
    assert.ok('error' in prepareRename(doc, at(doc, 'call', 1)));
    assert.ok('error' in prepareRename(doc, at(doc, 'eax', 1)));
    const ok = prepareRename(doc, pos);
    assert.ok(!('error' in ok) && ok.placeholder === 'helper');
  });
});
