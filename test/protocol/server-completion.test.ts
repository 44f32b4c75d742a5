// Completion over stdio (dist/server.js) for a client that declares VS Code's
// `completion.completionList.itemDefaults` (LSP 3.17): the edit range every item shares comes once,
// in the list's defaults; items carry only the text that differs from their label.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CompletionItemKind, Range, type CompletionItem, type CompletionList } from 'vscode-languageserver-types';
import { LspClient } from './lspClient';

const ROOT = join(__dirname, '..', '..');
const KERNEL = join(ROOT, 'examples', 'kernel', 'kernel.gasm');
/** What vscode-languageclient declares (its completion feature's fillClientCapabilities). */
const VSCODE_ITEM_DEFAULTS = ['commitCharacters', 'editRange', 'insertTextFormat', 'insertTextMode', 'data'];
const isItem = (i: CompletionItem) => typeof i.label === 'string' && (i.kind === undefined || (i.kind >= CompletionItemKind.Text && i.kind <= CompletionItemKind.TypeParameter));

describe('language server over stdio: completion with list item defaults', function () {
  this.timeout(20000);
  let client: LspClient;
  const uri = pathToFileURL(KERNEL).toString();
  const lines = readFileSync(KERNEL, 'utf8').split('\n');

  before(async () => {
    client = new LspClient();
    await client.request('initialize', {
      processId: process.pid, rootUri: pathToFileURL(ROOT).toString(),
      capabilities: { textDocument: { completion: { completionItem: { snippetSupport: true, insertReplaceSupport: true, labelDetailsSupport: true }, completionList: { itemDefaults: VSCODE_ITEM_DEFAULTS } } } },
      initializationOptions: { settings: { includePaths: [join(ROOT, 'examples', 'include'), join(ROOT, 'examples', 'kernel')] } },
    });
    await client.notify('initialized', {});
    const published = client.diagnostics(uri);
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'guest-asm', version: 1, text: lines.join('\n') } });
    await published;
  });

  after(async () => {
    await client?.close();
  });

  it('gives the operand range once and labels without per-item edits', async () => {
    const line = lines.findIndex((l) => /^\s+jmp\s+\S/.test(l));
    const character = lines[line].indexOf('jmp') + 4;
    const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line, character } });
    assert.ok(Range.is(list.itemDefaults?.editRange), 'itemDefaults.editRange is a Range');
    assert.deepEqual(list.itemDefaults?.editRange, { start: { line, character }, end: { line, character } });
    assert.ok(list.items.every((i) => isItem(i) && i.textEdit === undefined));
    const labels = list.items.map((i) => i.label);
    for (const l of ['eax', 'dword', 'start']) assert.ok(labels.includes(l), l);
  });

  it('gives a mnemonic its snippet as textEditText over the word being typed', async () => {
    const line = lines.findIndex((l) => /^\s+mov\s/.test(l));
    const start = lines[line].indexOf('mov');
    const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line, character: start + 3 } });
    assert.deepEqual(list.itemDefaults?.editRange, { start: { line, character: start }, end: { line, character: start + 3 } });
    const mov = list.items.find((i) => i.label === 'mov');
    assert.match(mov?.textEditText ?? '', /^mov \$\{1:[^}]+\}, \$\{2:[^}]+\}$/);
    assert.equal(mov?.insertTextFormat, 2);
  });

  it('asks for file names on a quote and offers those the assembler would find', async () => {
    const line = lines.findIndex((l) => l.startsWith('%include "multiboot.inc"'));
    const character = '%include "'.length;
    const list = await client.request<CompletionList>('textDocument/completion',
      { textDocument: { uri }, position: { line, character }, context: { triggerKind: 2, triggerCharacter: '"' } });
    const labels = list.items.map((i) => i.label);
    // Beside kernel.gasm, and in the -I directories (examples/include, examples/kernel): not kernel.gasm itself.
    for (const l of ['kernel.inc', 'multiboot.inc', 'pc.inc', 'gdt.inc', 'serial.inc']) assert.ok(labels.includes(l), l);
    assert.ok(!labels.includes('kernel.gasm'));
    // Typed after the name's start, each item replaces up to the closing quote.
    const item = list.items.find((i) => i.label === 'multiboot.inc')!;
    assert.deepEqual(item.textEdit, {
      newText: 'multiboot.inc',
      insert: { start: { line, character }, end: { line, character } },
      replace: { start: { line, character }, end: { line, character: character + 'multiboot.inc'.length } },
    });
  });

  it('gives a client that declares no completion capabilities plain text, without labelDetails (LSP 3.17)', async () => {
    const plain = new LspClient();
    try {
      await plain.request('initialize', { processId: process.pid, rootUri: pathToFileURL(ROOT).toString(), capabilities: {} });
      await plain.notify('initialized', {});
      await plain.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'guest-asm', version: 1, text: lines.join('\n') } });
      const line = lines.findIndex((l) => /^\s+mov\s/.test(l));
      const start = lines[line].indexOf('mov');
      const list = await plain.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line, character: start + 3 } });
      const mov = list.items.find((i) => i.label === 'mov');
      assert.deepEqual(mov?.textEdit, { range: { start: { line, character: start }, end: { line, character: start + 3 } }, newText: 'mov' });
      assert.ok(list.items.every((i) => i.insertTextFormat !== 2 && i.labelDetails === undefined));
    } finally {
      await plain.close();
    }
  });

  it('gives the insert and the replace range inside a word', async () => {
    const line = lines.findIndex((l) => /^\s+mov\s/.test(l));
    const start = lines[line].indexOf('mov');
    const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line, character: start + 2 } });
    assert.deepEqual(list.itemDefaults?.editRange, {
      insert: { start: { line, character: start }, end: { line, character: start + 2 } },
      replace: { start: { line, character: start }, end: { line, character: start + 3 } },
    });
  });
});
