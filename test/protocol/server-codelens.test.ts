// The Run | Debug code lenses over stdio (dist/server.js): the example kernel, opened as an editor
// would with the examples' include directories, gets "▶ Run guest" and "⚙ Debug guest" on line 0
// carrying its URI (what ringside.runGuest / ringside.debugGuest take); an edit that removes the
// multiboot magic removes them. Shapes checked with the LSP types' `is` guards.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeLens } from 'vscode-languageserver-types';
import { LspClient } from './lspClient';

const ROOT = join(__dirname, '..', '..');
const KERNEL = join(ROOT, 'examples', 'kernel', 'kernel.gasm');

describe('language server over stdio: run/debug code lenses', function () {
  this.timeout(20000);
  let client: LspClient;
  const uri = pathToFileURL(KERNEL).toString();
  const text = readFileSync(KERNEL, 'utf8');

  before(async () => {
    client = new LspClient();
    await client.request('initialize', {
      processId: process.pid, rootUri: pathToFileURL(ROOT).toString(), capabilities: {},
      initializationOptions: { settings: { includePaths: [join(ROOT, 'examples', 'include'), join(ROOT, 'examples', 'kernel')] } },
    });
    await client.notify('initialized', {});
  });

  after(async () => {
    await client?.close();
  });

  it('puts Run and Debug with the file URI at the top of the example kernel', async () => {
    const d = await client.open(uri, text);
    assert.deepEqual(d.diagnostics.filter((x) => x.severity === 1), []);
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.ok(lenses.every((l) => CodeLens.is(l)));
    assert.deepEqual(lenses.slice(0, 2).map((l) => [l.range.start.line, l.range.start.character, l.command?.title, l.command?.command, l.command?.arguments]), [
      [0, 0, '▶ Run guest', 'ringside.runGuest', [uri]],
      [0, 0, '⚙ Debug guest', 'ringside.debugGuest', [uri]],
    ]);
  });

  it('gives label lenses and symbols for the freshly opened kernel once assembly runs in process', async () => {
    // Whether the first analysis ran on the worker depends on when the deadline probe finished;
    // either way, after the switch the facts must come from an in-process analysis.
    await client.logMessage(/assembling in process/);
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    const startLine = text.split('\n').findIndex((l) => l.startsWith('start:'));
    assert.match(lenses.find((l) => l.range.start.line === startLine)?.command?.title ?? '', /^0x001[0-9A-F]{5} · \d+ bytes$/);
    const symbols = await client.request<{ name: string }[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(symbols.length > 0, 'document symbols after the switch');
  });

  it('drops them once the header loses the a.out kludge (QEMU cannot load that flat binary); label lenses stay', async () => {
    // The header macro uses MB_FLAGS; flags without bit 16 are what the loader (and QEMU) reject for a flat binary.
    const broken = text.replace('%include "multiboot.inc"', '%include "multiboot.inc"\n%define MB_FLAGS 0');
    assert.notEqual(broken, text);
    const published = client.diagnostics(uri, (p) => p.version === 2);
    await client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: broken }] });
    await published;
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.ok(lenses.length > 0 && lenses.every((l) => CodeLens.is(l)));
    assert.ok(!lenses.some((l) => l.command?.command === 'ringside.runGuest' || l.command?.command === 'ringside.debugGuest'));
    // The per-label lenses stay: `start:` has one with its address.
    const startLine = broken.split('\n').findIndex((l) => l.startsWith('start:'));
    assert.match(lenses.find((l) => l.range.start.line === startLine)?.command?.title ?? '', /^0x001[0-9A-F]{5} · \d+ bytes$/);
  });
});
