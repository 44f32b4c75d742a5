// Warnings over stdio (dist/server.js): each published with its nasm class as code (what nasm's
// `[-w+CLASS]` names), and the quick fixes that switch that class off on the line or in the file,
// with their edits; none for an error. warning-switch-actions.test.ts assembles such edits with nasm.

import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeAction, type Diagnostic } from 'vscode-languageserver-types';
import { LspClient } from './lspClient';

const TEXT = [
  '; warns',                 // 0
  'bits 32',                 // 1
  '%macro put 1',            // 2
  '    db %1',               // 3
  '%endmacro',               // 4
  'put 300',                 // 5
  'foo',                     // 6
  '[warning +error=zeroing]', // 7
  'resb 4',                  // 8
].join('\n');

describe('language server over stdio: warning classes and switches', function () {
  this.timeout(20000);
  let client: LspClient;
  let dir: string;
  let uri: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ringside-wswitch-proto-'));
    uri = pathToFileURL(join(dir, 'w.asm')).toString();
    client = new LspClient();
    await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).toString(), capabilities: {} });
    await client.notify('initialized', {});
  });

  after(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes warnings with their nasm class as code, and offers to switch it off on the line or in the file', async () => {
    const published = (await client.open(uri, TEXT)).diagnostics;
    // nasm 2.16.01: "w.asm:6: warning: byte data exceeds bounds [-w+number-overflow]" (from the macro's line 4),
    // "w.asm:7: warning: label alone on a line without a colon might be in error [-w+label-orphan]",
    // "w.asm:9: error: uninitialized space declared in .text section: zeroing [-w+error=zeroing]".
    assert.deepEqual(published.map((d) => [d.range.start.line, d.severity, d.code]).sort(), [[3, 2, 'number-overflow'], [6, 2, 'label-orphan'], [8, 1, 'zeroing']]);
    const actions = (d: Diagnostic) => client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    const overflow = await actions(published.find((d) => d.code === 'number-overflow')!);
    assert.ok(overflow.every((a) => CodeAction.is(a)));
    assert.deepEqual(overflow.map((a) => [a.title, a.kind, a.edit?.changes?.[uri]]), [
      ['Disable warning number-overflow on this line', 'quickfix', [
        { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, newText: '    [warning push]\n    [warning -number-overflow]\n' },
        { range: { start: { line: 3, character: 9 }, end: { line: 3, character: 9 } }, newText: '\n    [warning pop]' },
      ]],
      ['Disable warning number-overflow in this file', 'quickfix', [
        { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText: '[warning -number-overflow]\n' },
      ]],
    ]);
    const orphan = await actions(published.find((d) => d.code === 'label-orphan')!);
    assert.deepEqual(orphan.map((a) => a.title), ['Disable warning label-orphan on this line', 'Disable warning label-orphan in this file']);
    assert.deepEqual((await actions(published.find((d) => d.code === 'zeroing')!)).map((a) => a.title), []);
  });
});
