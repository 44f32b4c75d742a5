// The language server against the letter of LSP 3.17 and against NASM: the lifecycle (no answers
// before `initialize` or after `shutdown`), InvalidParams for malformed params, line ends at `\r`
// as well as `\n`, edits that leave the document valid, no hang or stale result on hostile but
// legal input — each driven over stdio on the real bundle.

import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TextEdit, type Location, type SemanticTokens, type WorkspaceEdit } from 'vscode-languageserver-types';
import { LspClient } from './lspClient';

// JSON-RPC and LSP error codes (LSP 3.17 "Response Message").
const INVALID_REQUEST = -32600;
const METHOD_NOT_FOUND = -32601;
const INVALID_PARAMS = -32602;
const SERVER_NOT_INITIALIZED = -32002;
const REQUEST_FAILED = -32803;

const withCode = (code: number) => (e: unknown) => (e as { code?: number }).code === code;

async function initialize(client: LspClient, dir: string): Promise<void> {
  await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).toString(), capabilities: {} });
  await client.notify('initialized', {});
}

describe('language server against the LSP 3.17 rules', function () {
  this.timeout(20000);
  let dir: string;
  let client: LspClient;
  const uriOf = (name: string) => pathToFileURL(join(dir, name)).toString();

  async function open(name: string, text: string): Promise<string> {
    const uri = uriOf(name);
    await client.open(uri, text);
    return uri;
  }

  before(() => { dir = mkdtempSync(join(tmpdir(), 'ringside-spec-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('lifecycle', () => {
    it('answers nothing before initialize, InvalidRequest after shutdown, and exits 0', async () => {
      const c = new LspClient();
      try {
        const hover = { textDocument: { uri: uriOf('x.asm') }, position: { line: 0, character: 0 } };
        // "Server lifetime": before initialize, requests get ServerNotInitialized and notifications
        // are dropped; the server sends nothing (no diagnostics) before its InitializeResult.
        await assert.rejects(c.request('textDocument/hover', hover), withCode(SERVER_NOT_INITIALIZED));
        let publishedEarly = false;
        void c.diagnostics(uriOf('early.asm')).then(() => { publishedEarly = true; });
        await c.notify('textDocument/didOpen', { textDocument: { uri: uriOf('early.asm'), languageId: 'guest-asm', version: 1, text: 'bits 32\nfoo\n' } });
        await initialize(c, dir);
        const later = c.diagnostics(uriOf('later.asm'));
        await c.notify('textDocument/didOpen', { textDocument: { uri: uriOf('later.asm'), languageId: 'guest-asm', version: 1, text: 'bits 32\nfoo\n' } });
        await later;
        assert.equal(publishedEarly, false);
        // "The initialize request may only be sent once."
        await assert.rejects(c.request('initialize', { processId: null, rootUri: null, capabilities: {} }), withCode(INVALID_REQUEST));
        // Unknown requests get MethodNotFound, `$/` ones too; `$/` notifications are ignored.
        await assert.rejects(c.request('ringside/noSuchRequest', {}), withCode(METHOD_NOT_FOUND));
        await assert.rejects(c.request('$/noSuchRequest', {}), withCode(METHOD_NOT_FOUND));
        await c.notify('$/noSuchNotification', {});
        assert.equal(await c.request('textDocument/hover', hover), null);
        assert.equal(await c.request('shutdown', null), null);
        // "If a server receives requests after a shutdown request those requests should error with InvalidRequest."
        await assert.rejects(c.request('textDocument/hover', hover), withCode(INVALID_REQUEST));
        await assert.rejects(c.request('workspace/symbol', { query: '' }), withCode(INVALID_REQUEST));
        await assert.rejects(c.request('ringside/noSuchRequest', {}), withCode(INVALID_REQUEST));
        await assert.rejects(c.request('shutdown', null), withCode(INVALID_REQUEST));
        const exited = new Promise((resolve) => c.process.once('exit', resolve));
        await c.notify('exit', null);
        assert.equal(await exited, 0);
      } finally {
        await c.close();
      }
    });

    it('exits with code 1 on exit without shutdown', async () => {
      const c = new LspClient();
      await initialize(c, dir);
      const exited = new Promise((resolve) => c.process.once('exit', resolve));
      await c.notify('exit', null);
      assert.equal(await exited, 1);
      await c.close();
    });
  });

  describe('an initialized server', () => {
    before(async () => {
      client = new LspClient();
      await initialize(client, dir);
    });
    after(async () => client?.close());

    it('answers malformed params with InvalidParams, not an exception', async () => {
      const uri = await open('params.asm', 'bits 32\nstart:\n    jmp start\n');
      const td = { textDocument: { uri } };
      const at = (line: number, character: number) => ({ ...td, position: { line, character } });
      const reversed = { start: { line: 2, character: 0 }, end: { line: 1, character: 0 } };
      const malformed: [string, unknown][] = [
        // Position.line and .character are uinteger: 0 to 2^31 - 1.
        ['textDocument/hover', at(-1, 0)],
        ['textDocument/completion', at(0, -5)],
        ['textDocument/completion', at(1.5, 0)],
        ['textDocument/definition', at(2 ** 31, 0)],
        ['textDocument/signatureHelp', td],
        ['textDocument/hover', { position: { line: 0, character: 0 } }],
        // ReferenceParams.context and CodeActionParams.context are required.
        ['textDocument/references', at(2, 9)],
        ['textDocument/codeAction', { ...td, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }],
        ['textDocument/codeAction', { ...td, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [{ code: 'operand-size' }] } }],
        ['textDocument/semanticTokens/range', { ...td, range: reversed }],
        ['textDocument/inlayHint', { ...td, range: reversed }],
        ['textDocument/rename', at(2, 9)],
        ['textDocument/semanticTokens/full/delta', td],
        ['workspace/symbol', {}],
        // DocumentFormattingParams.options is required FormattingOptions.
        ['textDocument/formatting', td],
        ['textDocument/rangeFormatting', { ...td, range: { start: { line: 0, character: 0 }, end: { line: 1, character: 0 } }, options: { tabSize: 4 } }],
        // DocumentHighlightParams needs a position; SelectionRangeParams.positions is a Position[].
        ['textDocument/documentHighlight', td],
        ['textDocument/documentHighlight', at(0, -1)],
        ['textDocument/selectionRange', td],
        ['textDocument/selectionRange', { ...td, positions: { line: 0, character: 0 } }],
        ['textDocument/selectionRange', { ...td, positions: [{ line: 0, character: 0 }, { line: -1, character: 0 }] }],
        ['textDocument/documentLink', {}],
        // CallHierarchyPrepareParams needs a position; the incoming/outgoing calls a CallHierarchyItem.
        ['textDocument/prepareCallHierarchy', td],
        ['callHierarchy/incomingCalls', {}],
        ['callHierarchy/outgoingCalls', { item: { name: 'start', uri } }],
        ['callHierarchy/incomingCalls', { item: { name: 'start', uri, range: reversed, selectionRange: reversed, kind: 12 } }],
      ];
      for (const [method, params] of malformed) {
        await assert.rejects(client.request(method, params), withCode(INVALID_PARAMS), `${method} ${JSON.stringify(params)}`);
      }
      assert.deepEqual(client.logs.filter((m) => /failed|TypeError/.test(m)), []);
    });

    it('ends lines at a lone \\r as LSP (and NASM 2.16) do', async () => {
      // LSP 3.17 "Text Documents": the EOL sequences are \n, \r\n and \r.
      const text = 'bits 32\rstart:\r    mov eax, nowhere\r    jmp start\r';
      const lines = text.split(/\r\n|\r|\n/);
      const uri = await open('cr.asm', text);
      const diagnostics = (await client.diagnostics(uri, () => true, false)).diagnostics;
      assert.deepEqual(diagnostics.map((d) => [d.code, d.range]), [['undefined-symbol', { start: { line: 2, character: 13 }, end: { line: 2, character: 20 } }]]);
      const defs = await client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: { line: 3, character: 9 } });
      assert.deepEqual(defs.map((l) => l.range), [{ start: { line: 1, character: 0 }, end: { line: 1, character: 5 } }]);
      // Every semantic token lies inside its line, and the label token is `start`.
      const tokens = await client.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
      const words: string[] = [];
      let line = 0;
      let col = 0;
      for (let i = 0; i < tokens.data.length; i += 5) {
        line += tokens.data[i];
        col = tokens.data[i] === 0 ? col + tokens.data[i + 1] : tokens.data[i + 1];
        assert.ok(line < lines.length && col + tokens.data[i + 2] <= lines[line].length, `token ${line}:${col}`);
        words.push(lines[line].slice(col, col + tokens.data[i + 2]));
      }
      assert.deepEqual(words, ['bits', '32', 'start', 'mov', 'eax', 'jmp', 'start']);
    });

    it('formats a document with a 1 MB line', async () => {
      const operands = Array(500000).fill('1');
      const uri = await open('wide.asm', `bits 32\n    db ${operands.join(',')}\n`);
      const edits = await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } });
      assert.ok(edits.every((e) => TextEdit.is(e)));
      const wide = edits.find((e) => e.range.start.line === 1);
      assert.deepEqual(wide?.range.end, { line: 1, character: 4 + 3 + 2 * operands.length - 1 });
      assert.equal(wide?.newText, `        db      ${operands.join(', ')}`);
    });

    it('renames a struc field as `.name` where defined and `S.name` where used', async () => {
      const text = ['bits 32', 'struc Point', '.x: resd 1', '.y: resd 1', 'endstruc', '    mov eax, [ebx+Point.x]', ''].join('\n');
      const uri = await open('struc.asm', text);
      const prep = await client.request<{ placeholder: string }>('textDocument/prepareRename', { textDocument: { uri }, position: { line: 2, character: 1 } });
      assert.equal(prep.placeholder, '.x');
      for (const [position, newName] of [[{ line: 2, character: 1 }, '.left'], [{ line: 5, character: 22 }, 'Point.left']] as const) {
        const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position, newName });
        const renamed = TextDocument.applyEdits(TextDocument.create(uri, 'guest-asm', 1, text), edit.changes?.[uri] ?? []);
        assert.equal(renamed, text.replace('.x:', '.left:').replace('Point.x', 'Point.left'), newName);
      }
      await assert.rejects(client.request('textDocument/rename', { textDocument: { uri }, position: { line: 2, character: 1 }, newName: 'left' }));
    });

    it('renames a label passed to a macro or written in a %define body, and refuses one a macro pastes', async () => {
      const text = ['bits 32', '%macro jump 1', '    jmp %1', '%endmacro', 'target:', '    jump target', '    jmp target', ''].join('\n');
      const uri = await open('macro-use.asm', text);
      const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: { line: 6, character: 9 }, newName: 'dest' });
      const renamed = TextDocument.applyEdits(TextDocument.create(uri, 'guest-asm', 1, text), edit.changes?.[uri] ?? []);
      assert.equal(renamed, text.replaceAll('target', 'dest'));
      // Through `%define` the name is written in the define's body, and renamed there (`jmp T` stays).
      const defined = ['bits 32', '%define T target', 'target:', '    jmp T', ''].join('\n');
      const other = await open('define.asm', defined);
      const byDefine = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: other }, position: { line: 2, character: 1 }, newName: 'dest' });
      assert.equal(TextDocument.applyEdits(TextDocument.create(other, 'guest-asm', 1, defined), byDefine.changes?.[other] ?? []), defined.replaceAll('target', 'dest'));
      // Pasted with `%+`, the name is written whole nowhere: an edit would rewrite `tar` alone.
      const paste = await open('paste.asm', ['bits 32', '%define CAT(a) a %+ get', 'target:', '    jmp CAT(tar)', ''].join('\n'));
      assert.deepEqual((await client.diagnostics(paste, () => true, false)).diagnostics, []);
      await assert.rejects(client.request('textDocument/rename', { textDocument: { uri: paste }, position: { line: 2, character: 1 }, newName: 'dest' }),
        (e: unknown) => withCode(REQUEST_FAILED)(e) && /paste\.asm:4/.test((e as { message?: string }).message ?? ''));
    });

    it('lists references a macro makes where the name or its pasted pieces are written', async () => {
      const text = ['bits 32', '%define T target', '%define CAT(a) a %+ get', '%macro go 0', '    call target', '%endmacro', 'target:', '    jmp T', '    go', '    go', '    jmp CAT(tar)', ''].join('\n');
      const uri = await open('macro-refs.asm', text);
      const lines = text.split('\n');
      const refs = await client.request<Location[]>('textDocument/references', { textDocument: { uri }, position: { line: 6, character: 2 }, context: { includeDeclaration: true } });
      const places = refs.map((l) => `${l.range.start.line}:${lines[l.range.start.line].slice(l.range.start.character, l.range.end.character)}`);
      assert.ok(refs.every((l) => l.uri === uri && l.range.start.line === l.range.end.line));
      assert.deepEqual(places.sort(), ['10:tar', '1:target', '2:get', '4:target', '6:target']);
    });

    it('re-validates a document when the file it failed to %include appears on disk', async () => {
      const uri = await open('needs.asm', "bits 32\n%include 'later.inc'\n    jmp print\n");
      assert.deepEqual((await client.diagnostics(uri, () => true, false)).diagnostics.map((d) => d.code), ['missing-include', 'undefined-symbol']);
      writeFileSync(join(dir, 'later.inc'), 'print:\n    ret\n');
      const healed = client.diagnostics(uri, (p) => p.diagnostics.length === 0);
      // FileChangeType.Created = 1.
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('later.inc'), type: 1 }] });
      await healed;
      // A change to a file nobody reads is no error either.
      await client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf('unrelated.txt'), type: 2 }] });
      assert.ok(Array.isArray(await client.request('textDocument/documentSymbol', { textDocument: { uri } })));
      assert.deepEqual(client.logs.filter((m) => /failed|TypeError/.test(m)), []);
    });
  });
});
