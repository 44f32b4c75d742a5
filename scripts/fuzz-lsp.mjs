// Fuzzes the language server (dist/server.js) for as long as asked: documents made by mutating the
// nasm fixtures and examples, edited incrementally, with every request at random places and random
// settings pulled by the server. Reports what the protocol test's short fuzz cannot see: a handler
// or the assembler that threw (the server logs it and answers empty), a request left unanswered
// for 10 s, an answer that is a JSON-RPC error other than the LSP's own refusals, the server's exit.
// Usage: node scripts/fuzz-lsp.mjs [SEED] [DOCUMENTS]   (npm run fuzz:lsp -- SEED DOCUMENTS)
// Exit status 1 when it found anything; the findings, with the documents, go to a JSON file.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import rpc from 'vscode-jsonrpc/node';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEED = Number(process.argv[2] ?? Date.now() % 100000);
const DOCUMENTS = Number(process.argv[3] ?? 100);
const ROUNDS = 6;
const TIMEOUT_MS = 10_000;
/** Refusals the LSP defines (RequestFailed, ServerCancelled, ContentModified, RequestCancelled). */
const REFUSALS = new Set([-32803, -32802, -32801, -32800]);

let state = SEED >>> 0 || 1;
function rand(n) {
  state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
  return state % Math.max(1, n);
}
const pick = (a) => a[rand(a.length)];

function sources() {
  const out = [];
  const add = (dir) => {
    for (const f of readdirSync(dir, { withFileTypes: true })) {
      if (f.isDirectory()) add(join(dir, f.name));
      else if (/\.(asm|gasm|inc|mac)$/.test(f.name)) out.push(readFileSync(join(dir, f.name), 'latin1'));
    }
  };
  add(join(root, 'test/fixtures/nasm/asm'));
  add(join(root, 'examples'));
  return out;
}
const corpus = process.env.FUZZ_CORPUS ? [readFileSync(process.env.FUZZ_CORPUS, 'latin1')] : sources();

const CHARS = ' \t\n,:;[]{}()%$#@.?~!^&|*+-/<>="\'`\\0123456789abcdefxyzAX_';
/** Pieces of the dialect that meet other code in ways the fixtures do not. */
const PIECES = [
  '%macro m 1', '%endmacro', '%macro r 0\n r\n%endmacro\n r', '%if', '%endif', '%else', '%elifnum 3', '%ifdef X', '%rep 3', '%endrep',
  '%rep 1000000\n%rep 1000000\nnop\n%endrep\n%endrep', '%define X', '%xdefine Q Q Q', '%assign i i+1', '%deftok T "mov eax, 1"',
  '%strcat S "a", "b"', '%substr S "abc" 2', '%include "x.inc"', '%include "f.asm"', '%push c', '%pop', '%+', '%[', '%[__LINE__]',
  '%defstr', '%1', '%%l', '%$x', '%error x', '%warning w', '%fatal f', '%!HOME', '%line 5 a.asm', '%use smartalign', '%arg a:dword',
  '%local l:word', '%stacksize flat', '%pragma ringside technique bt', 'mov', 'eax', '[ebx+4]', 'dword', 'times', 'times 100000000 db 0',
  'db', 'dq 1.5e300', 'dt 1.0', '__?float32?__(1.5)', 'equ', 'struc', 'endstruc', 'struc s\n.a: resb 1\nendstruc', 'istruc', 'iend',
  'istruc s\n at s.a, db 1\niend', 'at', 'section .data', 'section .bss nobits', 'sectalign 16', 'align 4096, db 0x90', 'org', 'bits 16',
  'cpu 386', 'default rel', '.loc:', 'lab:', 'incbin', 'incbin "x.inc", 2, -1', 'jmp', 'jmp far [eax]', 'call', '$$', '$', 'seg x', 'x wrt y',
  'popf', 'cli', 'lgdt', 'mov cr0, eax', 'o16 a32 rep movsb', 'lock xchg [eax], eax', '[warning +error=all]', '[map all x.map]',
  `db ${'1+'.repeat(3000)}1`, '\\\n',
  // Names every JavaScript object has, as labels, macros, sections and words (a table keyed by
  // name must not find them: `ringside toString` once took Object.prototype's for a command).
  'constructor', '__proto__', 'toString:', 'hasOwnProperty', '%define valueOf 1', 'section __proto__', '%macro constructor 0', 'cpu toString', '[warning -__proto__]',
];
/** nasm flags for `ringside.assembler.arguments`, good and bad. */
const FLAGS = ['-O0', '-O1', '-Ox', '-Ov', '-DDEBUG', '-DX=1', '-UX', '-I', 'inc/', '-Pmissing.inc', '-w+all', '-w-orphan-labels', '-Werror', '-o',
  'x.bin', '-l', '-felf', '--limit-eval', '3', '--limit-rep', '2', '--before', 'bits 16', '--pragma', 'x', '-E', '--no-line', '-', '', '-O', '-D'];

function mutate(text) {
  const lines = text.split('\n');
  for (let k = 1 + rand(6); k > 0; k--) {
    const i = rand(lines.length), l = lines[i] ?? '', c = rand(l.length + 1);
    switch (rand(7)) {
      case 0: lines.splice(i, 1 + rand(3)); break;
      case 1: lines.splice(i, 0, ...lines.slice(rand(lines.length), rand(lines.length) + 1).slice(0, 5)); break;
      case 2: { const other = pick(corpus).split('\n'); const j = rand(other.length); lines.splice(i, 0, ...other.slice(j, j + 1 + rand(8))); break; }
      case 3: lines[i] = l.slice(0, c) + pick(CHARS) + l.slice(c); break;
      case 4: lines[i] = `${l.slice(0, c)} ${pick(PIECES)} ${l.slice(c)}`; break;
      case 5: lines[i] = l.slice(0, c); break;
      default: lines[i] = l.slice(0, c) + l.slice(c + 1 + rand(4));
    }
  }
  return lines.join(rand(10) === 0 ? '\r\n' : '\n');
}

function positionAt(text, offset) {
  let line = 0, start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) { line++; start = i + 1; }
  return { line, character: offset - start };
}

function settings() {
  if (rand(3) === 0) return null;
  return {
    technique: pick(['bt', 'pv', 'te', 'hw', 'none', 'bogus', 5]),
    includePaths: rand(2) ? [] : ['inc', 5, '/nonexistent'],
    assembler: { arguments: rand(2) ? Array.from({ length: rand(5) }, () => pick(FLAGS)) : pick([null, 'x', 7, [1, 2]]) },
    inlayHints: { addresses: rand(2) === 0 },
    warmUp: rand(2) === 0,
  };
}

const workspace = mkdtempSync(join(tmpdir(), 'ringside-fuzz-lsp-'));
writeFileSync(join(workspace, 'x.inc'), 'inc_label:\n  nop\n%macro im 1\n  db %1\n%endmacro\n');
const server = spawn(process.execPath, [join(root, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
let stderr = '';
server.stderr.on('data', (b) => { stderr += b; });
let exited;
server.on('exit', (code, signal) => { exited = `${code ?? signal}`; });
const conn = rpc.createMessageConnection(new rpc.StreamMessageReader(server.stdout), new rpc.StreamMessageWriter(server.stdin));
const findings = [];
let current = '';
conn.onNotification('window/logMessage', (p) => {
  if (/ failed|threw/.test(p.message)) findings.push({ kind: 'exception', document: current, message: p.message.slice(0, 2000) });
});
conn.onNotification(() => undefined);
conn.onRequest('workspace/configuration', (p) => p.items.map(() => settings()));
conn.onRequest(() => null);
conn.listen();

/** A notification, unless the server is gone (its exit is the finding, reported below). */
function notify(method, params) {
  try {
    conn.sendNotification(method, params);
  } catch (e) {
    exited ??= `connection closed (${e.message})`;
  }
}
const answered = (promise, what) => Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer to ${what} in ${TIMEOUT_MS} ms`)), TIMEOUT_MS))]);
async function ask(method, params) {
  try {
    return await answered(conn.sendRequest(method, params), method);
  } catch (e) {
    if (!REFUSALS.has(e.code)) findings.push({ kind: e.code === undefined ? 'hang' : 'error', document: current, message: `${method}: ${e.code ?? ''} ${e.message}`.slice(0, 2000) });
    return undefined;
  }
}

const folder = pathToFileURL(workspace).href;
await conn.sendRequest('initialize', {
  processId: process.pid, rootUri: folder, workspaceFolders: [{ uri: folder, name: 'fuzz' }],
  capabilities: { textDocument: { completion: { completionItem: { snippetSupport: true } } }, workspace: { configuration: true } },
});
notify('initialized', {});

for (let d = 0; d < DOCUMENTS && exited === undefined; d++) {
  const uri = `${folder}/f${d}.asm`;
  let text = mutate(pick(corpus));
  current = text;
  let version = 1;
  notify('textDocument/didOpen', { textDocument: { uri, languageId: 'guest-asm', version, text } });
  if (rand(4) === 0) notify('workspace/didChangeConfiguration', { settings: null });
  let resultId;
  for (let round = 0; round < ROUNDS && exited === undefined; round++) {
    if (round > 0) {
      const contentChanges = [];
      for (let e = 1 + rand(3); e > 0; e--) {
        const a = rand(text.length + 1), b = Math.min(text.length, a + rand(20));
        const inserted = rand(3) === 0 ? pick(PIECES) : rand(2) ? pick(CHARS) : '';
        contentChanges.push({ range: { start: positionAt(text, a), end: positionAt(text, b) }, text: inserted });
        text = text.slice(0, a) + inserted + text.slice(b);
      }
      current = text;
      notify('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges });
    }
    const at = rand(text.length + 1), position = positionAt(text, at);
    const range = { start: position, end: positionAt(text, Math.min(text.length, at + rand(200))) };
    const doc = { textDocument: { uri } };
    await ask('textDocument/hover', { ...doc, position });
    const completion = await ask('textDocument/completion', { ...doc, position });
    const items = completion?.items ?? completion;
    if (Array.isArray(items) && items.length > 0) await ask('completionItem/resolve', pick(items));
    await ask('textDocument/signatureHelp', { ...doc, position });
    await ask('textDocument/definition', { ...doc, position });
    await ask('textDocument/references', { ...doc, position, context: { includeDeclaration: true } });
    await ask('textDocument/documentHighlight', { ...doc, position });
    await ask('textDocument/prepareRename', { ...doc, position });
    await ask('textDocument/rename', { ...doc, position, newName: pick(['foo', '.bar', 'x y', '', '%%q', 'eax', 'block_1']) });
    await ask('textDocument/documentSymbol', doc);
    await ask('workspace/symbol', { query: pick(['', 'a', 'lab', '.']) });
    const tokens = await ask('textDocument/semanticTokens/full', doc);
    if (resultId !== undefined) await ask('textDocument/semanticTokens/full/delta', { ...doc, previousResultId: resultId });
    resultId = tokens?.resultId;
    await ask('textDocument/semanticTokens/range', { ...doc, range });
    const actions = await ask('textDocument/codeAction', { ...doc, range, context: { diagnostics: [] } });
    for (const a of Array.isArray(actions) ? actions : []) if (a.data !== undefined && a.edit === undefined) await ask('codeAction/resolve', a);
    await ask('textDocument/formatting', { ...doc, options: { tabSize: 4, insertSpaces: rand(2) === 0 } });
    await ask('textDocument/rangeFormatting', { ...doc, range, options: { tabSize: 8, insertSpaces: false } });
    await ask('textDocument/foldingRange', doc);
    await ask('textDocument/inlayHint', { ...doc, range: { start: { line: 0, character: 0 }, end: positionAt(text, text.length) } });
    await ask('textDocument/codeLens', doc);
    await ask('textDocument/documentLink', doc);
    await ask('textDocument/selectionRange', { ...doc, positions: [position, range.end] });
    const calls = await ask('textDocument/prepareCallHierarchy', { ...doc, position });
    for (const item of Array.isArray(calls) ? calls : []) {
      await ask('callHierarchy/incomingCalls', { item });
      await ask('callHierarchy/outgoingCalls', { item });
    }
  }
  notify('textDocument/didClose', { textDocument: { uri } });
}

if (exited !== undefined) findings.push({ kind: 'exit', document: current, message: `the server exited (${exited}): ${stderr.slice(-2000)}` });
const report = join(workspace, 'findings.json');
writeFileSync(report, JSON.stringify(findings, null, 1));
const counts = new Map();
for (const f of findings) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
const kinds = [...counts].map(([kind, n]) => `${n} ${kind}`).join(', ');
console.log(`seed ${SEED}, ${DOCUMENTS} documents: ${findings.length === 0 ? 'nothing found' : `${kinds} (${report})`}`);
if (exited === undefined) {
  await ask('shutdown', null);
  notify('exit');
}
setTimeout(() => process.exit(findings.length === 0 ? 0 : 1), 200);
