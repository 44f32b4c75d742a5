// Drives the built language server (dist/server.js) over stdio as an editor would, checking each
// response against the LSP shapes (the `is` guards of vscode-languageserver-types, the spec's
// published types), and fuzzes it with hostile input: it must answer every request and never exit.
// documentHighlight, documentLink and selectionRange: server-highlight-links-selection.test.ts.

import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SemanticTokensDelta } from 'vscode-languageserver-types';
import {
  CodeAction, CodeLens, Diagnostic, DocumentLink, DocumentSymbol, Range, FoldingRange, Hover, InlayHint, Location,
  TextEdit, type CompletionItem, type CompletionList, type MarkupContent, type SemanticTokens, type SignatureHelp,
  type WorkspaceEdit, type WorkspaceSymbol,
} from 'vscode-languageserver-types';
import { LspClient } from './lspClient';

const MAIN = [
  'bits 32',                     // 0
  'org 0x100000',                // 1
  "%include 'lib.inc'",          // 2
  'start:',                      // 3
  '    call print',              // 4
  '    popf',                    // 5
  '.again:',                     // 6
  '    mov eax, PORT',           // 7
  '    jmp .again',              // 8
  '    mov [flag], 1',           // 9
  'flag: dd 0',                  // 10
  '%if 1',                       // 11
  '    nop',                     // 12
  '%endif',                      // 13
].join('\n');
const LIB = ['PORT equ 0x3F8', 'print:', '    ret'].join('\n');

// The types package has no `is` guard for these three; the spec's required fields are checked here.
const isCompletionItem = (i: CompletionItem) => typeof i.label === 'string' && (i.kind === undefined || (Number.isInteger(i.kind) && i.kind >= 1 && i.kind <= 25));
// DocumentHighlight: a Range and an optional kind, Text 1, Read 2 or Write 3 (LSP 3.17).
const isHighlight = (h: unknown) => Range.is((h as { range?: unknown }).range) && [undefined, 1, 2, 3].includes((h as { kind?: number }).kind);
const isSignature = (s: { label: unknown; parameters?: { label: unknown }[] }) => typeof s.label === 'string'
  && (s.parameters ?? []).every((p) => typeof p.label === 'string' || (Array.isArray(p.label) && p.label.length === 2 && p.label.every(Number.isInteger)));

describe('language server over stdio', function () {
  this.timeout(20000);
  let client: LspClient;
  let dir: string;
  let mainUri: string;
  let libUri: string;
  const td = () => ({ textDocument: { uri: mainUri } });
  let init: { capabilities: Record<string, unknown> };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ringside-proto-'));
    writeFileSync(join(dir, 'main.asm'), MAIN);
    writeFileSync(join(dir, 'lib.inc'), LIB);
    mainUri = pathToFileURL(join(dir, 'main.asm')).toString();
    libUri = pathToFileURL(join(dir, 'lib.inc')).toString();
    client = new LspClient();
    // Here, not in the first test, so each test can also run alone (mocha -g).
    init = await client.request<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid, rootUri: pathToFileURL(dir).toString(), capabilities: {},
      workspaceFolders: [{ uri: pathToFileURL(dir).toString(), name: 'ws' }],
      initializationOptions: { settings: { technique: 'trap-and-emulate' } },
    });
    await client.notify('initialized', {});
  });

  after(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('initializes with the advertised capabilities', () => {
    const c = init.capabilities;
    assert.deepEqual(c.textDocumentSync, { openClose: true, change: 2 });
    for (const k of ['hoverProvider', 'definitionProvider', 'referencesProvider', 'documentSymbolProvider', 'workspaceSymbolProvider',
      'documentFormattingProvider', 'documentRangeFormattingProvider', 'foldingRangeProvider', 'inlayHintProvider',
      'documentHighlightProvider', 'selectionRangeProvider']) assert.equal(c[k], true, k);
    assert.deepEqual(c.documentLinkProvider, { resolveProvider: false });
    assert.deepEqual(c.renameProvider, { prepareProvider: true });
    assert.deepEqual((c.semanticTokensProvider as { full: unknown }).full, { delta: true });
    const legend = (c.semanticTokensProvider as { legend: { tokenTypes: string[]; tokenModifiers: string[] } }).legend;
    assert.ok(legend.tokenModifiers.includes('privileged') && legend.tokenModifiers.includes('sensitive'));
    for (const t of ['label', 'macro', 'number', 'string', 'comment']) assert.ok(legend.tokenTypes.includes(t), t);
  });

  it('publishes diagnostics on open and after an incremental change', async () => {
    const first = client.diagnostics(mainUri);
    await client.notify('textDocument/didOpen', { textDocument: { uri: mainUri, languageId: 'guest-asm', version: 1, text: MAIN } });
    const d = await first;
    assert.ok(d.diagnostics.every((x) => Diagnostic.is(x)));
    assert.deepEqual(d.diagnostics.map((x) => `${x.range.start.line}:${x.code}`).sort(), ['5:sensitive-instruction', '9:operand-size']);
    // Replace `[flag]` by `dword [flag]`: the size error goes away without a save.
    const fixed = client.diagnostics(mainUri, (p) => p.version === 2);
    await client.notify('textDocument/didChange', { textDocument: { uri: mainUri, version: 2 },
      contentChanges: [{ range: { start: { line: 9, character: 8 }, end: { line: 9, character: 8 } }, text: 'dword ' }] });
    const after = await fixed;
    assert.deepEqual(after.diagnostics.map((x) => `${x.range.start.line}:${x.code}`), ['5:sensitive-instruction']);
  });

  it('re-validates the includer when an included file changes', async () => {
    const lib = client.diagnostics(mainUri, (p) => p.diagnostics.some((x) => x.code === 'undefined-symbol'));
    await client.notify('textDocument/didOpen', { textDocument: { uri: libUri, languageId: 'guest-asm', version: 1, text: LIB } });
    await client.notify('textDocument/didChange', { textDocument: { uri: libUri, version: 2 },
      contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } }, text: 'write' }] });
    const broken = await lib;
    assert.equal(broken.diagnostics.find((x) => x.code === 'undefined-symbol')?.range.start.line, 4);
    const healed = client.diagnostics(mainUri, (p) => !p.diagnostics.some((x) => x.code === 'undefined-symbol'));
    await client.notify('textDocument/didChange', { textDocument: { uri: libUri, version: 3 },
      contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } }, text: 'print' }] });
    await healed;
    // (This client can fetch nothing again when asked: it is never asked.)
    await client.request('textDocument/hover', { ...td(), position: { line: 0, character: 0 } });
    assert.deepEqual(client.requestsFromServer.filter((r) => r.method.endsWith('/refresh')), []);
  });

  // LSP 3.17 workspace/inlayHint/refresh, workspace/codeLens/refresh, workspace/semanticTokens/refresh:
  // what an editor shows of a document besides diagnostics, which it fetches again only as that
  // document changes, or when asked. A label's address in main.asm moves as lib.inc grows.
  it('asks a client that can to fetch inlay hints, code lenses and semantic tokens again when an included file changes', async () => {
    const other = new LspClient();
    try {
      const caps = { workspace: { inlayHint: { refreshSupport: true }, codeLens: { refreshSupport: true }, semanticTokens: { refreshSupport: true } } };
      await other.request('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).toString(), capabilities: caps, workspaceFolders: [{ uri: pathToFileURL(dir).toString(), name: 'ws' }] });
      await other.notify('initialized', {});
      const root = pathToFileURL(join(dir, 'root.asm')).toString(), inc = pathToFileURL(join(dir, 'grows.inc')).toString();
      const rootText = "bits 32\norg 0x1000\n%include 'grows.inc'\nafter:\n    jmp after\n";
      writeFileSync(join(dir, 'grows.inc'), 'db 1\n');
      await other.open(root, rootText);
      const settled = () => other.request('textDocument/hover', { textDocument: { uri: root }, position: { line: 0, character: 0 } });
      const refreshes = () => other.requestsFromServer.map((r) => r.method).filter((m) => m.endsWith('/refresh')).sort();
      const hints = async () => JSON.stringify(await other.request('textDocument/inlayHint', { textDocument: { uri: root }, range: { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } } }));
      const before = await hints();
      assert.match(before, /0x0*1001/);
      // An edit of the document itself: the editor fetches again on its own.
      const edited = other.diagnostics(root, (p) => p.version === 2);
      await other.notify('textDocument/didChange', { textDocument: { uri: root, version: 2 }, contentChanges: [{ range: { start: { line: 5, character: 0 }, end: { line: 5, character: 0 } }, text: '; end\n' }] });
      await edited;
      await settled();
      assert.deepEqual(refreshes(), []);
      // The included file opened and grown by three bytes in another tab.
      await other.notify('textDocument/didOpen', { textDocument: { uri: inc, languageId: 'guest-asm', version: 1, text: 'db 1\n' } });
      await other.notify('textDocument/didChange', { textDocument: { uri: inc, version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 4 }, end: { line: 0, character: 4 } }, text: ', 2, 3, 4' }] });
      await other.diagnostics(root, () => true);
      await settled();
      assert.deepEqual([...new Set(refreshes())], ['workspace/codeLens/refresh', 'workspace/inlayHint/refresh', 'workspace/semanticTokens/refresh']);
      const after = await hints();
      assert.match(after, /0x0*1004/);
    } finally {
      await other.close();
    }
  });

  // A client watches guest sources and include files by extension (core/src/watched-sources.ts);
  // an include of another name went unwatched, and an edit of it on disk unseen.
  it('asks a client that can to watch each file a program reads that its own watcher does not see', async () => {
    const other = new LspClient();
    try {
      const caps = { workspace: { didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } } };
      await other.request('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).toString(), capabilities: caps, workspaceFolders: [{ uri: pathToFileURL(dir).toString(), name: 'ws' }] });
      await other.notify('initialized', {});
      writeFileSync(join(dir, 'defs.h'), 'VALUE equ 1\n');
      const root = pathToFileURL(join(dir, 'uses-h.asm')).toString();
      await other.open(root, "bits 32\n%include 'defs.h'\n%include 'lib.inc'\n  mov eax, VALUE\n");
      const settled = () => other.request('textDocument/hover', { textDocument: { uri: root }, position: { line: 0, character: 0 } });
      await settled();
      type Registration = { registrations: { method: string; registerOptions: { watchers: { globPattern: unknown }[] } }[] };
      const registered = other.requestsFromServer.filter((r) => r.method === 'client/registerCapability').flatMap((r) => (r.params as Registration).registrations);
      assert.deepEqual(registered.map((r) => [r.method, r.registerOptions.watchers]), [
        ['workspace/didChangeWatchedFiles', [{ globPattern: { baseUri: pathToFileURL(dir).toString(), pattern: 'defs.h' } }]],
      ]);
      // The file changed on disk, as the client reports it: assembled again.
      const redefined = other.diagnostics(root, (p) => p.diagnostics.some((d) => d.code === 'undefined-symbol'));
      writeFileSync(join(dir, 'defs.h'), 'OTHER equ 1\n');
      await other.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(dir, 'defs.h')).toString(), type: 2 }] });
      await redefined;
      // Closed, nothing is read: the watcher goes.
      await other.notify('textDocument/didClose', { textDocument: { uri: root } });
      await settled();
      await new Promise((r) => setTimeout(r, 100));
      assert.ok(other.requestsFromServer.some((r) => r.method === 'client/unregisterCapability'), JSON.stringify(other.requestsFromServer));
    } finally {
      await other.close();
    }
  });

  // An include file opened alone (server/src/analysis/includers.ts), as nasm assembles it in its program.
  it('publishes an include file opened alone with the diagnostics of the program that includes it, and that program\'s none', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'ringside-includer-'));
    const other = new LspClient();
    try {
      mkdirSync(join(ws, 'inc'));
      mkdirSync(join(ws, 'prog'));
      writeFileSync(join(ws, 'inc', 'defs.inc'), 'PORT equ 0x3F8\n');
      writeFileSync(join(ws, 'inc', 'io.inc'), 'io_init:\n    mov dx, PORT\n    ret\n');
      const program = join(ws, 'prog', 'main.asm');
      writeFileSync(program, "bits 32\n%include 'defs.inc'\n%include 'io.inc'\n  call io_init\n  mov dx, FROM_ELSEWHERE\n");
      const folder = pathToFileURL(ws).toString();
      await other.request('initialize', { processId: process.pid, rootUri: folder, capabilities: {}, workspaceFolders: [{ uri: folder, name: 'ws' }], initializationOptions: { settings: { includePaths: ['inc'] } } });
      await other.notify('initialized', {});
      const io = pathToFileURL(join(ws, 'inc', 'io.inc')).toString();
      const opened = await other.open(io, 'io_init:\n    mov dx, PORT\n    ret\n');
      assert.deepEqual(opened.diagnostics, []);
      // The program Run Guest, Debug Guest and F5 take for it (core/src/protocol.ts); a program is its own.
      assert.deepEqual(await other.request('ringside/program', { textDocument: { uri: io } }), { uri: pathToFileURL(program).toString() });
      assert.equal(await other.request('ringside/program', { textDocument: { uri: pathToFileURL(join(ws, 'not-open.asm')).toString() } }), null);
      const hover = await other.request<Hover>('textDocument/hover', { textDocument: { uri: io }, position: { line: 0, character: 2 } });
      // First in main.asm's image: io_init is at 0 (nasm: 66 BA F8 03 C3, then `call io_init` E8 F6 FF FF FF).
      assert.match((hover.contents as MarkupContent).value, /label at `0x00000000`/);
      // The program's own error (FROM_ELSEWHERE) is not published: it is not open.
      assert.equal(other.latestFor(pathToFileURL(program).toString()), undefined);
      // The program no longer includes defs.inc: io.inc's PORT is undefined there.
      const undefinedPort = other.diagnostics(io, (p) => p.diagnostics.some((d) => d.message === "symbol `PORT' not defined"));
      writeFileSync(program, "bits 32\n%include 'io.inc'\n");
      await other.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(program).toString(), type: 2 }] });
      await undefinedPort;
    } finally {
      await other.close();
      rmSync(ws, { recursive: true, force: true });
    }
  });

  it('publishes an include file opened alone again when a program that includes it is written to the disk', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'ringside-includer-'));
    const other = new LspClient();
    try {
      mkdirSync(join(ws, 'inc'));
      writeFileSync(join(ws, 'inc', 'defs.inc'), 'PORT equ 0x3F8\n');
      writeFileSync(join(ws, 'inc', 'io.inc'), 'io_init:\n    mov dx, PORT\n    ret\n');
      const folder = pathToFileURL(ws).toString();
      await other.request('initialize', { processId: process.pid, rootUri: folder, capabilities: {}, workspaceFolders: [{ uri: folder, name: 'ws' }], initializationOptions: { settings: { includePaths: ['inc'] } } });
      await other.notify('initialized', {});
      const io = pathToFileURL(join(ws, 'inc', 'io.inc')).toString();
      // nasm 2.16.01 on io.inc alone: "io.inc:2: error: symbol `PORT' not defined".
      const alone = await other.open(io, 'io_init:\n    mov dx, PORT\n    ret\n');
      assert.deepEqual(alone.diagnostics.map((d) => `${d.range.start.line}:${d.message}`), ["1:symbol `PORT' not defined"]);
      // nasm assembles this program with -I inc/ without a message.
      const program = join(ws, 'main.asm');
      writeFileSync(program, "bits 32\n%include 'defs.inc'\n%include 'io.inc'\n");
      const clean = other.diagnostics(io);
      await other.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(program).toString(), type: 1 }] });
      assert.deepEqual((await clean).diagnostics, []);
    } finally {
      await other.close();
      rmSync(ws, { recursive: true, force: true });
    }
  });

  // A multi-root workspace: each file's relative include paths and the programs an include file
  // is analysed in come from its own folder. nasm run in b/ with -I inc/ assembles b/main.asm
  // without a message; a/ has no inc/defs.inc.
  it('reads a file\'s relative include paths and programs from its own folder of a multi-root workspace, and follows folders added and removed', async () => {
    const a = mkdtempSync(join(tmpdir(), 'ringside-root-a-'));
    const b = mkdtempSync(join(tmpdir(), 'ringside-root-b-'));
    const other = new LspClient();
    try {
      mkdirSync(join(b, 'inc'));
      mkdirSync(join(b, 'src', 'os', 'kernel'), { recursive: true });
      writeFileSync(join(b, 'inc', 'defs.inc'), 'PORT equ 0x3F8\n');
      writeFileSync(join(b, 'inc', 'io.inc'), 'io_init:\n    mov dx, PORT\n    ret\n');
      const main = "bits 32\n%include 'defs.inc'\n  mov dx, PORT\n";
      writeFileSync(join(b, 'main.asm'), main);
      // Three folders down: no nearer search than the workspace folder's finds it.
      writeFileSync(join(b, 'src', 'os', 'kernel', 'k.asm'), "bits 32\n%include 'defs.inc'\n%include 'io.inc'\n  call io_init\n");
      const folders = [a, b].map((f, k) => ({ uri: pathToFileURL(f).toString(), name: `ws${k}` }));
      await other.request('initialize', { processId: process.pid, rootUri: folders[0].uri, capabilities: { workspace: { workspaceFolders: true } }, workspaceFolders: folders, initializationOptions: { settings: { includePaths: ['inc'] } } });
      await other.notify('initialized', {});
      const uri = pathToFileURL(join(b, 'main.asm')).toString();
      assert.deepEqual((await other.open(uri, main)).diagnostics, []);
      const io = pathToFileURL(join(b, 'inc', 'io.inc')).toString();
      assert.deepEqual((await other.open(io, 'io_init:\n    mov dx, PORT\n    ret\n')).diagnostics, []);
      assert.deepEqual(await other.request('ringside/program', { textDocument: { uri: io } }), { uri: pathToFileURL(join(b, 'src', 'os', 'kernel', 'k.asm')).toString() });
      // b/ removed: its files are in no folder, and `inc` is taken from a/, which has no defs.inc.
      const missing = other.diagnostics(uri, (p) => p.diagnostics.some((d) => typeof d.message === 'string' && d.message.startsWith("unable to open include file `defs.inc'")));
      await other.notify('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [folders[1]] } });
      await missing;
      const clean = other.diagnostics(uri, (p) => p.diagnostics.length === 0);
      await other.notify('workspace/didChangeWorkspaceFolders', { event: { added: [folders[1]], removed: [] } });
      await clean;
    } finally {
      await other.close();
      rmSync(a, { recursive: true, force: true });
      rmSync(b, { recursive: true, force: true });
    }
  });

  it('keeps the settings of initializationOptions when workspace/configuration answers null (the client has none)', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'ringside-settings-'));
    const other = new LspClient();
    try {
      mkdirSync(join(ws, 'inc'));
      writeFileSync(join(ws, 'inc', 'defs.inc'), 'PORT equ 0x3F8\n');
      let pulled!: () => void;
      const configurationPulled = new Promise<void>((resolve) => { pulled = resolve; });
      // LSP 3.17: "If the client can't provide a configuration setting for a given scope then null needs to be present".
      other.connection.onRequest('workspace/configuration', () => {
        setImmediate(pulled);
        return [null];
      });
      const folder = pathToFileURL(ws).toString();
      await other.request('initialize', { processId: process.pid, rootUri: folder, capabilities: { workspace: { configuration: true } }, workspaceFolders: [{ uri: folder, name: 'ws' }], initializationOptions: { settings: { includePaths: ['inc'] } } });
      await other.notify('initialized', {});
      await configurationPulled;
      // nasm -I inc/ assembles this without a message.
      const opened = await other.open(pathToFileURL(join(ws, 'main.asm')).toString(), "bits 32\n%include 'defs.inc'\nmov dx, PORT\n");
      assert.deepEqual(opened.diagnostics, []);
    } finally {
      await other.close();
      rmSync(ws, { recursive: true, force: true });
    }
  });

  it('answers hover, completion (with resolve) and signature help', async () => {
    const h = await client.request<Hover>('textDocument/hover', { ...td(), position: { line: 5, character: 5 } });
    assert.ok(Hover.is(h));
    assert.match((h.contents as MarkupContent).value, /does not trap outside ring 0/);
    const label = await client.request<Hover>('textDocument/hover', { ...td(), position: { line: 3, character: 2 } });
    // lib.inc's `ret` comes first, so start = 0x100000 + 1.
    assert.match((label.contents as MarkupContent).value, /label at `0x00100001`/);
    const list = await client.request<CompletionList>('textDocument/completion', { ...td(), position: { line: 8, character: 8 } });
    assert.ok(list.items.every(isCompletionItem));
    const labels = list.items.map((i) => i.label);
    for (const l of ['.again', 'print', 'PORT', 'eax']) assert.ok(labels.includes(l), l);
    const mov = await client.request<CompletionList>('textDocument/completion', { ...td(), position: { line: 12, character: 4 } });
    const item = mov.items.find((i) => i.label === 'mov');
    assert.ok(item);
    const resolved = await client.request<CompletionItem>('completionItem/resolve', item);
    assert.match((resolved.documentation as MarkupContent).value, /\*\*mov\*\*/);
    const sig = await client.request<SignatureHelp>('textDocument/signatureHelp', { ...td(), position: { line: 7, character: 13 } });
    assert.ok(sig.signatures.every(isSignature));
    assert.equal(sig.activeParameter, 1);
  });

  it('navigates and renames across the %include', async () => {
    const defs = await client.request<Location[]>('textDocument/definition', { ...td(), position: { line: 4, character: 10 } });
    assert.ok(defs.every((l) => Location.is(l)));
    assert.deepEqual(defs.map((l) => [l.uri, l.range.start.line]), [[libUri, 1]]);
    const refs = await client.request<Location[]>('textDocument/references', { ...td(), position: { line: 7, character: 14 }, context: { includeDeclaration: true } });
    assert.deepEqual(refs.map((l) => `${l.uri === libUri ? 'lib' : 'main'}:${l.range.start.line}`).sort(), ['lib:0', 'main:7']);
    const prep = await client.request<{ range: unknown; placeholder: string }>('textDocument/prepareRename', { ...td(), position: { line: 4, character: 10 } });
    assert.equal(prep.placeholder, 'print');
    await assert.rejects(client.request('textDocument/prepareRename', { ...td(), position: { line: 7, character: 9 } }));
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...td(), position: { line: 4, character: 10 }, newName: 'emit' });
    assert.ok(edit.changes && edit.changes[libUri].every((e) => TextEdit.is(e)) && edit.changes[mainUri].every((e) => TextEdit.is(e)));
    assert.deepEqual(Object.keys(edit.changes).sort(), [libUri, mainUri].sort());
    await assert.rejects(client.request('textDocument/rename', { ...td(), position: { line: 4, character: 10 }, newName: 'eax' }));
  });

  it('lists document and workspace symbols', async () => {
    const syms = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', td());
    assert.ok(syms.every((s) => DocumentSymbol.is(s)));
    const start = syms.find((s) => s.name === 'start');
    assert.deepEqual(start?.children?.map((c) => c.name), ['.again']);
    const ws = await client.request<WorkspaceSymbol[]>('workspace/symbol', { query: 'por' });
    assert.deepEqual(ws.map((s) => s.name), ['PORT']);
    assert.equal((ws[0].location as Location).uri, libUri);
  });

  it('returns semantic tokens that decode to the source', async () => {
    const t = await client.request<SemanticTokens>('textDocument/semanticTokens/full', td());
    assert.equal(t.data.length % 5, 0);
    const lines = MAIN.split('\n');
    lines[9] = '    mov dword [flag], 1';
    let line = 0;
    let col = 0;
    const found: string[] = [];
    for (let i = 0; i < t.data.length; i += 5) {
      line += t.data[i];
      col = t.data[i] === 0 ? col + t.data[i + 1] : t.data[i + 1];
      found.push(`${line}:${lines[line].slice(col, col + t.data[i + 2])}:${t.data[i + 4]}`);
    }
    // Legend modifiers: declaration=1, readonly=2, privileged=4, sensitive=8.
    for (const f of ['3:start:1', '5:popf:8', '7:eax:0', '7:PORT:2', '8:.again:0', '0:32:0']) assert.ok(found.includes(f), `${f} in ${found.join(' ')}`);
    const ranged = await client.request<SemanticTokens>('textDocument/semanticTokens/range', { ...td(), range: { start: { line: 5, character: 0 }, end: { line: 5, character: 8 } } });
    assert.deepEqual(ranged.data, [5, 4, 4, 0, 8]);
  });

  it('answers semantic token deltas that turn the previous array into the new one', async () => {
    const uri = pathToFileURL(join(dir, 'delta.asm')).toString();
    const text = ['bits 32', 'start:', '    mov eax, 1', '    popf', '    jmp start', ''].join('\n');
    const opened = client.diagnostics(uri, (p) => p.version === 1);
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'guest-asm', version: 1, text } });
    await opened;
    const first = await client.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
    assert.equal(typeof first.resultId, 'string');
    // Insert a line that adds tokens in the middle: `    mov ebx, 2` after line 2.
    const changed = client.diagnostics(uri, (p) => p.version === 2);
    await client.notify('textDocument/didChange', { textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: '    mov ebx, 2\n' }] });
    await changed;
    const delta = await client.request<SemanticTokensDelta>('textDocument/semanticTokens/full/delta', { textDocument: { uri }, previousResultId: first.resultId });
    assert.ok(Array.isArray(delta.edits) && delta.resultId !== first.resultId);
    const patched = [...first.data];
    for (const e of [...delta.edits].sort((a, b) => b.start - a.start)) patched.splice(e.start, e.deleteCount, ...(e.data ?? []));
    const full = await client.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
    assert.deepEqual(patched, full.data);
    // The edit is local: the tokens of `start:` and `mov eax, 1` before it are kept.
    assert.ok(delta.edits.every((e) => e.start >= 5 * 4 && (e.data ?? []).length < full.data.length));
    // A stale result id gets the full array back.
    const stale = await client.request<SemanticTokens>('textDocument/semanticTokens/full/delta', { textDocument: { uri }, previousResultId: 'no-such-id' });
    assert.deepEqual(stale.data, full.data);
    await client.notify('textDocument/didClose', { textDocument: { uri } });
  });

  it('publishes a file two open roots include with the diagnostics of one root, whichever assembled last', async () => {
    // shared.inc uses VALUE: a.asm defines it, b.asm does not. a.asm (the smaller path) owns it.
    writeFileSync(join(dir, 'shared.inc'), '    mov eax, VALUE\n');
    const aUri = pathToFileURL(join(dir, 'a.asm')).toString();
    const bUri = pathToFileURL(join(dir, 'b.asm')).toString();
    const sharedUri = pathToFileURL(join(dir, 'shared.inc')).toString();
    const bFirst = client.diagnostics(bUri);
    await client.notify('textDocument/didOpen', { textDocument: { uri: bUri, languageId: 'guest-asm', version: 1, text: "bits 32\n%include 'shared.inc'\n" } });
    assert.deepEqual((await bFirst).diagnostics.map((d) => d.code), ['undefined-symbol']);
    const aFirst = client.diagnostics(aUri);
    await client.notify('textDocument/didOpen', { textDocument: { uri: aUri, languageId: 'guest-asm', version: 1, text: "bits 32\nVALUE equ 1\n%include 'shared.inc'\n" } });
    await aFirst;
    // b.asm assembles again last; shared.inc must keep a.asm's (clean) diagnostics.
    const bAgain = client.diagnostics(bUri, (p) => p.version === 2);
    await client.notify('textDocument/didChange', { textDocument: { uri: bUri, version: 2 }, contentChanges: [{ text: "bits 32\n%include 'shared.inc'\nnop\n" }] });
    await bAgain;
    await client.request('textDocument/hover', { textDocument: { uri: bUri }, position: { line: 0, character: 0 } });
    assert.deepEqual((await client.diagnostics(sharedUri, () => true, false)).diagnostics, []);
    for (const u of [aUri, bUri]) await client.notify('textDocument/didClose', { textDocument: { uri: u } });
  });

  it('clears the diagnostics a closed program published for a closed file it includes', async () => {
    // nasm 2.16.01 on this program: "wide.inc:1: warning: byte data exceeds bounds [-w+number-overflow]".
    writeFileSync(join(dir, 'wide.inc'), 'db 300\n');
    const uri = pathToFileURL(join(dir, 'warns.asm')).toString();
    const wideUri = pathToFileURL(join(dir, 'wide.inc')).toString();
    const warned = client.diagnostics(wideUri, (p) => p.diagnostics.length > 0);
    await client.open(uri, "bits 32\n%include 'wide.inc'\n");
    assert.deepEqual((await warned).diagnostics.map((d) => `${d.range.start.line}:${d.severity}:${d.message}`), ['0:2:byte data exceeds bounds']);
    // Closed, nothing reads wide.inc: its warning must not stay in the Problems panel.
    const cleared = client.diagnostics(wideUri);
    await client.notify('textDocument/didClose', { textDocument: { uri } });
    assert.deepEqual((await cleared).diagnostics, []);
  });

  it('publishes an open include file again when the open program that read it drops its %include', async () => {
    const io = 'io_init:\n    mov dx, IO_PORT\n    ret\n';
    writeFileSync(join(dir, 'uart.inc'), io);
    const uri = pathToFileURL(join(dir, 'uart.asm')).toString();
    const incUri = pathToFileURL(join(dir, 'uart.inc')).toString();
    await client.open(uri, "bits 32\nIO_PORT equ 0x3F8\n%include 'uart.inc'\n");
    assert.deepEqual((await client.open(incUri, io)).diagnostics, []);
    // nasm 2.16.01 on uart.inc alone: "uart.inc:2: error: symbol `IO_PORT' not defined".
    const alone = client.diagnostics(incUri, (p) => p.diagnostics.length > 0);
    await client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'bits 32\nnop\n' }] });
    assert.deepEqual((await alone).diagnostics.map((d) => `${d.range.start.line}:${d.message}`), ["1:symbol `IO_PORT' not defined"]);
    for (const u of [uri, incUri]) await client.notify('textDocument/didClose', { textDocument: { uri: u } });
  });

  it('reflects a one-line edit in a 2000-line file in the next diagnostics', async () => {
    const uri = pathToFileURL(join(dir, 'long.asm')).toString();
    const body = ['bits 32', 'org 0x100000'];
    for (let i = 0; body.length < 2000; i++) body.push(`l${i}:`, `    add eax, ${i}`, `    jmp l${i}`);
    const opened = client.diagnostics(uri, (p) => p.version === 1);
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'guest-asm', version: 1, text: body.join('\n') } });
    assert.deepEqual((await opened).diagnostics, []);
    // `jmp l500` → `jmp x500` on line 1503: an undefined symbol there, and nowhere else.
    const line = body.indexOf('    jmp l500');
    const broken = client.diagnostics(uri, (p) => p.version === 2);
    await client.notify('textDocument/didChange', { textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line, character: 8 }, end: { line, character: 9 } }, text: 'x' }] });
    assert.deepEqual((await broken).diagnostics.map((d) => `${d.range.start.line}:${d.code}`), [`${line}:undefined-symbol`]);
    const fixed = client.diagnostics(uri, (p) => p.version === 3);
    await client.notify('textDocument/didChange', { textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line, character: 8 }, end: { line, character: 9 } }, text: 'l' }] });
    assert.deepEqual((await fixed).diagnostics, []);
    await client.notify('textDocument/didClose', { textDocument: { uri } });
  });

  it('offers code actions, formatting, folding, inlay hints and code lenses', async () => {
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { ...td(),
      range: { start: { line: 5, character: 4 }, end: { line: 5, character: 4 } }, context: { diagnostics: [] } });
    assert.ok(actions.every((a) => CodeAction.is(a)));
    // popf has no single hypercall equivalent, so nothing is offered for it.
    assert.deepEqual(actions.map((a) => a.title), []);
    // Line 9 is `mov dword [flag], 1` since the first test: a stale size diagnostic gets no
    // second size keyword (`byte dword [flag]` is no operand NASM takes).
    const sizeRequest = (diagnostic: Diagnostic) => client.request<CodeAction[]>('textDocument/codeAction', { ...td(),
      range: { start: { line: 9, character: 8 }, end: { line: 9, character: 8 } }, context: { diagnostics: [diagnostic] } });
    const stale = { range: { start: { line: 9, character: 14 }, end: { line: 9, character: 20 } }, message: 'operation size not specified', code: 'operand-size' };
    assert.deepEqual((await sizeRequest(stale)).map((a) => a.title), []);
    const unsized = client.diagnostics(mainUri, (p) => p.version === 3);
    await client.notify('textDocument/didChange', { textDocument: { uri: mainUri, version: 3 },
      contentChanges: [{ range: { start: { line: 9, character: 8 }, end: { line: 9, character: 14 } }, text: '' }] });
    const sizeDiagnostic = (await unsized).diagnostics.find((d) => d.code === 'operand-size');
    assert.ok(sizeDiagnostic);
    assert.deepEqual((await sizeRequest(sizeDiagnostic)).map((a) => a.title), ['Add operand size `byte`', 'Add operand size `word`', 'Add operand size `dword`']);
    const resized = client.diagnostics(mainUri, (p) => p.version === 4);
    await client.notify('textDocument/didChange', { textDocument: { uri: mainUri, version: 4 },
      contentChanges: [{ range: { start: { line: 9, character: 8 }, end: { line: 9, character: 8 } }, text: 'dword ' }] });
    await resized;
    const edits = await client.request<TextEdit[]>('textDocument/formatting', { ...td(), options: { tabSize: 4, insertSpaces: true } });
    assert.ok(edits.length > 0 && edits.every((e) => TextEdit.is(e)));
    const ranged = await client.request<TextEdit[]>('textDocument/rangeFormatting', { ...td(), range: { start: { line: 4, character: 0 }, end: { line: 4, character: 5 } }, options: { tabSize: 4, insertSpaces: true } });
    assert.deepEqual(ranged.map((e) => e.newText), ['        call    print']);
    // With insertSpaces false (FormattingOptions), the same columns in tabs of tabSize.
    const tabbed = await client.request<TextEdit[]>('textDocument/rangeFormatting', { ...td(), range: { start: { line: 4, character: 0 }, end: { line: 4, character: 5 } }, options: { tabSize: 4, insertSpaces: false } });
    assert.deepEqual(tabbed.map((e) => e.newText), ['\t\tcall\tprint']);
    const folds = await client.request<FoldingRange[]>('textDocument/foldingRange', td());
    assert.ok(folds.every((f) => FoldingRange.is(f)));
    assert.ok(folds.some((f) => f.startLine === 11 && f.endLine === 13));
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', { ...td(), range: { start: { line: 0, character: 0 }, end: { line: 14, character: 0 } } });
    assert.ok(hints.every((h) => InlayHint.is(h)));
    assert.deepEqual(hints.map((h) => h.label), ['@0x00100001', '@0x00100007', '@0x00100018']);
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', td());
    assert.ok(lenses.every((l) => CodeLens.is(l)));
    assert.deepEqual(lenses.map((l) => l.command?.title), ['0x00100001 · 23 bytes', '0x00100018 · 5 bytes']);
  });

  it('survives hostile input and answers every request', async () => {
    let seed = 0x2545f491;
    const rand = (n: number) => {
      seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const junk = (n: number) => Array.from({ length: n }, () => String.fromCharCode(rand(0x3000))).join('');
    const mutate = (s: string) => {
      const chars = [...s];
      for (let k = 0; k < 12; k++) {
        const at = rand(chars.length + 1);
        const op = rand(3);
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, '[]%,;:\'"`$.\\\n'[rand(13)]);
        else chars.splice(at, 0, ...junk(3));
      }
      return chars.join('');
    };
    const inputs = [
      junk(4000),
      "    db 'unterminated\n    mov eax, \"also\n    db `esc\\",
      '%if 1\n'.repeat(600) + '    nop\n' + '%endif\n'.repeat(600),
      `    mov eax, ${'1+'.repeat(5000)}1\n`,
      `label_${'x'.repeat(10000)}:\n    jmp label_${'x'.repeat(10000)}\n`,
      '%macro m 0\n    m\n%endmacro\n    m\n',
      '%rep 100000\n%rep 100000\n    nop\n%endrep\n%endrep\n',
      '\u0000\u0001\uffff\ud800 \r\r\n\t;',
      // Found by fuzzing the language server (the assembler had thrown): a pasting macro that makes
      // a chain of 4,470 operators, and a `section` line inside a structure.
      'bits 32\n%define n %?%+%isnum\nisnum equ 7\ndd 7, n\n',
      'struc line\n  .a: resb 4\n  .tag: section .data\nendstruc\nl1: istruc line\n  at line.tag, dd 0xdead\niend\n',
      ...Array.from({ length: 14 }, () => mutate(MAIN)),
    ];
    const logsBefore = client.logs.length;
    const uri = pathToFileURL(join(dir, 'fuzz.asm')).toString();
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'guest-asm', version: 1, text: '' } });
    let version = 1;
    for (const text of inputs) {
      version++;
      const published = client.diagnostics(uri, (p) => p.version === version);
      await client.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
      await published;
      const lines = text.split('\n');
      const line = rand(lines.length);
      const position = { line, character: rand(lines[line].length + 1) };
      const doc = { textDocument: { uri } };
      const answers = await Promise.all([
        client.request('textDocument/hover', { ...doc, position }),
        client.request('textDocument/completion', { ...doc, position }),
        client.request('textDocument/signatureHelp', { ...doc, position }),
        client.request('textDocument/semanticTokens/full', doc),
        client.request('textDocument/formatting', { ...doc, options: { tabSize: 4, insertSpaces: true } }),
        client.request('textDocument/foldingRange', doc),
        client.request('textDocument/documentSymbol', doc),
        client.request('textDocument/codeAction', { ...doc, range: { start: position, end: position }, context: { diagnostics: [] } }),
        client.request('textDocument/codeLens', doc),
        client.request('textDocument/definition', { ...doc, position }),
        client.request('textDocument/documentHighlight', { ...doc, position }),
        client.request('textDocument/documentLink', doc),
        client.request('textDocument/selectionRange', { ...doc, positions: [position, { line: line + 1, character: 0 }, { line: lines.length + 5, character: 9999 }] }),
        client.request<{ name: string }[] | null>('textDocument/prepareCallHierarchy', { ...doc, position }).then(async (items) => {
          for (const item of items ?? []) {
            await client.request('callHierarchy/incomingCalls', { item });
            await client.request('callHierarchy/outgoingCalls', { item });
          }
          return items;
        }),
        client.request('workspace/willRenameFiles', { files: [{ oldUri: uri, newUri: `${uri}.renamed` }, { oldUri: pathToFileURL(dir).toString(), newUri: pathToFileURL(`${dir}-moved`).toString() }] }),
      ]);
      assert.equal(answers.length, 15);
      // A selection range for each position (LSP 3.17), even past the end of the document.
      assert.equal((answers[12] as unknown[]).length, 3);
      assert.ok((answers[10] as unknown[]).every(isHighlight) && (answers[11] as unknown[]).every((l) => DocumentLink.is(l)));
      assert.ok(!client.exited, `server exited on input ${JSON.stringify(text.slice(0, 80))}`);
    }
    assert.deepEqual(client.stderr.filter((s) => /FATAL|Maximum call stack/.test(s)), []);
    // No feature failed and the assembler never threw (the server logs either, and answers empty).
    assert.deepEqual(client.logs.slice(logsBefore).filter((m) => / failed|threw/.test(m)), []);
  });

  it('stops a runaway assembly at the time budget and keeps answering', async () => {
    const uri = pathToFileURL(join(dir, 'bomb.asm')).toString();
    const published = client.diagnostics(uri);
    // Four million lines (under the editor's five-million line limit), each evaluating a
    // 200-term expression: only the time budget can stop it.
    const term = Array(200).fill('(x*3+1)').join('+');
    const text = `%assign x 0\n%rep 1000000\n%rep 4\n%assign x (${term}) & 0xffff\n%endrep\n%endrep\n`;
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'guest-asm', version: 1, text } });
    const d = await published;
    assert.deepEqual(d.diagnostics.map((x) => x.code), ['time-budget']);
    const h = await client.request<Hover | null>('textDocument/hover', { ...td(), position: { line: 5, character: 5 } });
    assert.ok(h && Hover.is(h));
  });

  it('stops a single-line macro that doubles twice a round at the time budget (fuzz seed 403: the server ran out of heap)', async () => {
    const uri = pathToFileURL(join(dir, 'doubling.asm')).toString();
    const published = client.diagnostics(uri);
    const text = '%define D 1\n%rep 11\n%xdefine D D+D\n%xdefine D D+D\n%endrep\ndd D\n';
    await client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'guest-asm', version: 1, text } });
    const d = await published;
    assert.deepEqual(d.diagnostics.map((x) => x.code), ['time-budget']);
    const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 10 } });
    assert.ok(h === null || Hover.is(h));
    assert.ok(!client.exited);
  });

  it('shuts down and exits cleanly', async () => {
    await client.close();
    assert.equal(client.exitStatus, 0);
  });
});
