// Call hierarchy over stdio (dist/server.js), as VS Code's "Show Call Hierarchy" drives it: the
// advertised capability, prepare then incoming and outgoing calls with the item prepare returned
// (its `data` sent back, as LSP 3.16 keeps it), across an %include file, and empty answers where
// there is no routine.

import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Range, SymbolKind, type CallHierarchyIncomingCall, type CallHierarchyItem, type CallHierarchyOutgoingCall } from 'vscode-languageserver-types';
import { LspClient } from './lspClient';

const MAIN = [
  'bits 32',                // 0
  '%include "io.inc"',      // 1
  'start:',                 // 2
  '    call init',          // 3
  '    call putc',          // 4
  '    hlt',                // 5
  'init:',                  // 6
  '    call putc',          // 7
  '    ret',                // 8
].join('\n');
const IO = ['putc:', '    out dx, al', '    ret'].join('\n');

/** LSP 3.16 CallHierarchyItem: a name, a SymbolKind, a uri, a range holding the selection range. */
function isItem(i: CallHierarchyItem): boolean {
  const holds = (o: Range, r: Range) => (o.start.line < r.start.line || (o.start.line === r.start.line && o.start.character <= r.start.character))
    && (r.end.line < o.end.line || (r.end.line === o.end.line && r.end.character <= o.end.character));
  return typeof i.name === 'string' && Number.isInteger(i.kind) && typeof i.uri === 'string' && Range.is(i.range) && Range.is(i.selectionRange) && holds(i.range, i.selectionRange);
}

describe('language server over stdio: call hierarchy', function () {
  this.timeout(20000);
  let client: LspClient;
  let dir: string;
  const uriOf = (name: string) => pathToFileURL(join(dir, name)).toString();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ringside-calls-'));
    writeFileSync(join(dir, 'main.asm'), MAIN);
    writeFileSync(join(dir, 'io.inc'), IO);
    client = new LspClient();
    const r = await client.request<{ capabilities: Record<string, unknown> }>('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).toString(), capabilities: {} });
    assert.equal(r.capabilities.callHierarchyProvider, true);
    await client.notify('initialized', {});
    await client.open(uriOf('main.asm'), MAIN);
  });

  after(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function prepare(line: number, character: number): Promise<CallHierarchyItem[] | null> {
    return client.request<CallHierarchyItem[] | null>('textDocument/prepareCallHierarchy', { textDocument: { uri: uriOf('main.asm') }, position: { line, character } });
  }

  it('prepares the routine under the cursor, defined in an %include file', async () => {
    const items = await prepare(4, 10);
    assert.ok(items !== null && items.length === 1 && isItem(items[0]), JSON.stringify(items));
    const [putc] = items;
    assert.equal(putc.name, 'putc');
    assert.equal(putc.kind, SymbolKind.Function);
    assert.equal(putc.uri, uriOf('io.inc'));
    assert.deepEqual(putc.selectionRange, { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } });
    assert.deepEqual(putc.range, { start: { line: 0, character: 0 }, end: { line: 2, character: 7 } });
  });

  it('answers incoming and outgoing calls for the item prepare returned', async () => {
    const [putc] = (await prepare(4, 10))!;
    const incoming = await client.request<CallHierarchyIncomingCall[]>('callHierarchy/incomingCalls', { item: putc });
    assert.ok(incoming.every((c) => isItem(c.from) && c.fromRanges.every((r) => Range.is(r))));
    assert.deepEqual(incoming.map((c) => [c.from.name, c.from.uri, c.fromRanges.map((r) => r.start.line)]).sort(), [
      ['init', uriOf('main.asm'), [7]],
      ['start', uriOf('main.asm'), [4]],
    ]);
    const [start] = (await prepare(2, 1))!;
    const outgoing = await client.request<CallHierarchyOutgoingCall[]>('callHierarchy/outgoingCalls', { item: start });
    assert.ok(outgoing.every((c) => isItem(c.to)));
    assert.deepEqual(outgoing.map((c) => [c.to.name, c.to.uri, c.fromRanges.map((r) => `${r.start.line}:${r.start.character}`)]), [
      ['init', uriOf('main.asm'), ['3:9']],
      ['putc', uriOf('io.inc'), ['4:9']],
    ]);
  });

  it('has no routine at a mnemonic, and answers a document never opened with nothing', async () => {
    assert.equal(await prepare(5, 5), null);
    const other = { textDocument: { uri: uriOf('never.asm') }, position: { line: 0, character: 0 } };
    assert.equal(await client.request('textDocument/prepareCallHierarchy', other), null);
    const stray = { name: 'x', kind: SymbolKind.Function, uri: uriOf('never.asm'), range: Range.create(0, 0, 0, 1), selectionRange: Range.create(0, 0, 0, 1) };
    assert.deepEqual(await client.request('callHierarchy/incomingCalls', { item: stray }), []);
    assert.deepEqual(client.logs.filter((m) => /failed|TypeError/.test(m)), []);
  });
});
