// documentHighlight, documentLink and selectionRange over stdio (dist/server.js), as an editor
// sends them: the advertised capabilities, answers in the LSP 3.17 shapes (the types' `is` guards
// and the spec's rules: highlight kinds, a selection range per position, each parent containing
// its child), across %include files and -I paths, and proper empty answers for empty documents,
// closed documents and positions past the end.

import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DocumentHighlightKind, DocumentLink, Range, SelectionRange, type DocumentHighlight, type Position } from 'vscode-languageserver-types';
import { LspClient } from './lspClient';

const MAIN = [
  'bits 32',                        // 0
  "%include 'lib.inc'",             // 1
  '%include "deep.inc"',            // 2
  '%include "missing.inc"',         // 3
  '%macro spin 1',                  // 4
  '%%top:',                         // 5
  '    dec %1',                     // 6
  '    jnz %%top',                  // 7
  '%endmacro',                      // 8
  'a:',                             // 9
  '.loop:',                         // 10
  '    mov eax, LIMIT',             // 11
  '    spin ecx',                   // 12
  '    jmp .loop',                  // 13
  'b:',                             // 14
  '.loop:',                         // 15
  '    mov ecx, [ebx+ecx*4+LIMIT]', // 16
  '    jmp .loop',                  // 17
  '    jmp a.loop',                 // 18
  'blob: incbin "data.bin", 2',     // 19
].join('\n');
const LIB = ['LIMIT equ 8', 'helper:', '    mov eax, LIMIT', '    ret'].join('\n');

const { Text, Read, Write } = DocumentHighlightKind;
const precedes = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character < b.character);
const contains = (outer: Range, inner: Range) => !precedes(inner.start, outer.start) && !precedes(outer.end, inner.end);

describe('language server over stdio: document highlights, document links, selection ranges', function () {
  this.timeout(20000);
  let client: LspClient;
  let dir: string;
  const uriOf = (name: string) => pathToFileURL(join(dir, name)).toString();
  const lines = MAIN.split('\n');

  async function open(name: string, text: string): Promise<string> {
    const uri = uriOf(name);
    await client.open(uri, text);
    return uri;
  }

  /** Highlights as `line:text:kind`, each checked for the spec's shape. */
  async function highlights(uri: string, text: string, position: Position): Promise<string[]> {
    const got = await client.request<DocumentHighlight[]>('textDocument/documentHighlight', { textDocument: { uri }, position });
    const ls = text.split('\n');
    return got.map((h) => {
      assert.ok(Range.is(h.range) && (h.kind === Text || h.kind === Read || h.kind === Write), JSON.stringify(h));
      return `${h.range.start.line}:${ls[h.range.start.line].slice(h.range.start.character, h.range.end.character)}:${h.kind}`;
    }).sort();
  }

  /** The chain of one SelectionRange, checked: the first range holds the position, each parent holds (and is larger than) its child. */
  function chain(s: SelectionRange, position: Position): Range[] {
    const out: Range[] = [];
    assert.ok(contains(s.range, { start: position, end: position }), `${JSON.stringify(s.range)} holds ${JSON.stringify(position)}`);
    for (let r: SelectionRange | undefined = s; r; r = r.parent) {
      assert.ok(SelectionRange.is(r));
      const prev = out[out.length - 1];
      if (prev) assert.ok(contains(r.range, prev) && JSON.stringify(r.range) !== JSON.stringify(prev));
      out.push(r.range);
    }
    return out;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ringside-parity-'));
    mkdirSync(join(dir, 'inc'));
    writeFileSync(join(dir, 'main.asm'), MAIN);
    writeFileSync(join(dir, 'lib.inc'), LIB);
    writeFileSync(join(dir, 'inc', 'deep.inc'), 'nop\n');
    writeFileSync(join(dir, 'data.bin'), 'abcdef');
    client = new LspClient();
  });

  after(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('advertises the three providers', async () => {
    const r = await client.request<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid, rootUri: pathToFileURL(dir).toString(), capabilities: {},
      workspaceFolders: [{ uri: pathToFileURL(dir).toString(), name: 'ws' }],
      // A relative include path is taken from the workspace folder, like nasm's -Iinc/ run there.
      initializationOptions: { settings: { includePaths: ['inc'] } },
    });
    assert.equal(r.capabilities.documentHighlightProvider, true);
    assert.equal(r.capabilities.selectionRangeProvider, true);
    assert.deepEqual(r.capabilities.documentLinkProvider, { resolveProvider: false });
    await client.notify('initialized', {});
  });

  it('highlights a local label under its own parent only, Write at the definition and Read at the uses', async () => {
    const uri = await open('main.asm', MAIN);
    assert.deepEqual(await highlights(uri, MAIN, { line: 13, character: 9 }), [`10:.loop:${Write}`, `13:.loop:${Read}`, `18:a.loop:${Read}`]);
    assert.deepEqual(await highlights(uri, MAIN, { line: 17, character: 9 }), [`15:.loop:${Write}`, `17:.loop:${Read}`]);
  });

  it('highlights a macro, its %%local label in the body, and a constant from an %include in this document only', async () => {
    const uri = uriOf('main.asm');
    assert.deepEqual(await highlights(uri, MAIN, { line: 12, character: 5 }), [`12:spin:${Read}`, `4:spin:${Write}`]);
    assert.deepEqual(await highlights(uri, MAIN, { line: 7, character: 10 }), [`5:%%top:${Write}`, `7:%%top:${Read}`]);
    assert.deepEqual(await highlights(uri, MAIN, { line: 11, character: 14 }), [`11:LIMIT:${Read}`, `16:LIMIT:${Read}`]);
    // lib.inc, opened, is analysed in main.asm's assembly: its own definition and use.
    const lib = await open('lib.inc', LIB);
    assert.deepEqual(await highlights(lib, LIB, { line: 0, character: 1 }), [`0:LIMIT:${Write}`, `2:LIMIT:${Read}`]);
    // A register: each place it is written, as text (no symbol is read or written there).
    assert.deepEqual(await highlights(uri, MAIN, { line: 16, character: 18 }), [`12:ecx:${Text}`, `16:ecx:${Text}`, `16:ecx:${Text}`]);
    // A mnemonic is not one thing through a file.
    assert.deepEqual(await highlights(uri, MAIN, { line: 16, character: 5 }), []);
  });

  it('links %include and incbin names to the files the assembler reads, and not a missing one', async () => {
    const links = await client.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri: uriOf('main.asm') } });
    assert.ok(links.every((l) => DocumentLink.is(l) && typeof l.tooltip === 'string'));
    assert.deepEqual(links.map((l) => [l.range.start.line, lines[l.range.start.line].slice(l.range.start.character, l.range.end.character), l.target]), [
      [1, 'lib.inc', uriOf('lib.inc')],
      [2, 'deep.inc', pathToFileURL(join(dir, 'inc', 'deep.inc')).toString()],
      [19, 'data.bin', uriOf('data.bin')],
    ]);
  });

  it('expands a selection from a register through the address, the operands, the instruction and the label block to the file', async () => {
    const position = { line: 16, character: 18 };
    const [s] = await client.request<SelectionRange[]>('textDocument/selectionRange', { textDocument: { uri: uriOf('main.asm') }, positions: [position] });
    const shown = chain(s, position).map((r) => (r.start.line === r.end.line ? lines[r.start.line].slice(r.start.character, r.end.character) : `${r.start.line}-${r.end.line}`));
    assert.deepEqual(shown, ['ecx', 'ebx+ecx*4+LIMIT', '[ebx+ecx*4+LIMIT]', 'ecx, [ebx+ecx*4+LIMIT]', 'mov ecx, [ebx+ecx*4+LIMIT]', lines[16], '14-18', '0-19']);
    // Inside the macro body: the line, the %macro block, the file.
    const body = { line: 6, character: 9 };
    const [m] = await client.request<SelectionRange[]>('textDocument/selectionRange', { textDocument: { uri: uriOf('main.asm') }, positions: [body] });
    assert.deepEqual(chain(m, body).map((r) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`), ['6:8-6:10', '6:4-6:10', '6:0-6:10', '4:0-8:9', `0:0-19:${lines[19].length}`]);
  });

  it('answers empty documents, closed documents and positions past the end with proper empty results', async () => {
    const empty = await open('empty.asm', '');
    const far = { line: 40, character: 7 };
    assert.deepEqual(await client.request('textDocument/documentHighlight', { textDocument: { uri: empty }, position: far }), []);
    assert.deepEqual(await client.request('textDocument/documentLink', { textDocument: { uri: empty } }), []);
    const ranges = await client.request<SelectionRange[]>('textDocument/selectionRange', { textDocument: { uri: empty }, positions: [{ line: 0, character: 0 }, far] });
    assert.deepEqual(ranges, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }, { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }]);
    assert.deepEqual(await client.request('textDocument/selectionRange', { textDocument: { uri: empty }, positions: [] }), []);
    // Past the end of main.asm: no highlight; the selection is clamped to the end of the file.
    assert.deepEqual(await highlights(uriOf('main.asm'), MAIN, { line: 99, character: 99 }), []);
    const [end] = await client.request<SelectionRange[]>('textDocument/selectionRange', { textDocument: { uri: uriOf('main.asm') }, positions: [{ line: 99, character: 99 }] });
    assert.equal(chain(end, { line: 19, character: lines[19].length }).length > 1, true);
    // A document that was never opened has nothing to answer from.
    const closed = { textDocument: { uri: uriOf('never-opened.asm') } };
    assert.deepEqual(await client.request('textDocument/documentHighlight', { ...closed, position: { line: 0, character: 0 } }), []);
    assert.deepEqual(await client.request('textDocument/documentLink', closed), []);
    assert.deepEqual(await client.request('textDocument/selectionRange', { ...closed, positions: [{ line: 0, character: 0 }] }), []);
    assert.deepEqual(client.logs.filter((m) => /failed|TypeError/.test(m)), []);
  });
});
