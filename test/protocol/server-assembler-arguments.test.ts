// `ringside.assembler.arguments` over stdio (dist/server.js): with `-DDEBUG -O0`, as nasm was run
// for the fixture, the `%ifdef DEBUG` label is defined and the addresses in hovers and inlay hints
// are those of nasm's own -O0 listing (recorded: fixtures/args-debug-o0.lst); a flag that names an
// output is left out with one message naming it, and the server goes on answering. The worker
// that assembles while the deadline probe has not cleared in-process assembly gets the same flags:
// its bytes are nasm's (fixtures/args-debug-o0.bin).

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Hover, InlayHint } from 'vscode-languageserver-types';
import { WorkerAssembler } from '../../server/src/analysis/assemblerWorker';
import { readAssemblerArguments } from '../../core/src/cli/assembler-arguments';
import { FIXTURES } from './analyzeText';
import { LspClient, SERVER_BUNDLE } from './lspClient';
import { listedAddress } from './nasmListing';

const SOURCE = join(FIXTURES, 'args-debug-o0.asm');
const LISTING = join(FIXTURES, 'args-debug-o0.lst');
const NASM_FLAGS = readFileSync(join(FIXTURES, 'args-debug-o0.args'), 'utf8').trim().split(/\s+/);
const text = readFileSync(SOURCE, 'utf8');
const lines = text.split('\n');
const ORG = Number(/^\s*org\s+(0x[0-9a-f]+)/im.exec(text)![1]);
/** 0-based line of the first line starting with `prefix`. */
const lineOf = (prefix: string): number => lines.findIndex((l) => l.startsWith(prefix));
const hex8 = (v: number): string => `0x${v.toString(16).toUpperCase().padStart(8, '0')}`;

describe('language server over stdio: ringside.assembler.arguments', function () {
  this.timeout(20000);
  let client: LspClient;
  const uri = pathToFileURL(SOURCE).toString();

  before(async () => {
    client = new LspClient();
    await client.request('initialize', {
      processId: process.pid, rootUri: pathToFileURL(FIXTURES).toString(), capabilities: {},
      initializationOptions: { settings: { assembler: { arguments: NASM_FLAGS } } },
    });
    await client.notify('initialized', {});
  });

  after(async () => {
    await client?.close();
  });

  it('defines -D names: the %ifdef DEBUG label is defined, nothing is reported', async () => {
    assert.deepEqual(NASM_FLAGS, ['-DDEBUG', '-O0']);
    const d = await client.open(uri, text);
    assert.deepEqual(d.diagnostics.map((x) => x.message), []);
  });

  it('gives the addresses of nasm -O0\'s listing in inlay hints and hovers, past the near JMP', async () => {
    // (Facts come from the worker or in process, whichever assembles: both take the flags.)
    const expected = ['start:', 'debug_only:', 'after:'].map((label) => [lineOf(label), listedAddress(LISTING, lineOf(label) + 1, ORG)]);
    // Under -Ox `after` would be at ORG+5 (a short JMP; measured): the listing's is another.
    assert.equal(expected[2][1], ORG + 8);
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } } });
    assert.deepEqual(hints.map((h) => [h.position.line, h.label]), expected.map(([line, a]) => [line, `@${hex8(a)}`]));
    const use = lineOf('        mov eax, debug_only');
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: use, character: lines[use].indexOf('debug_only') + 2 } });
    assert.match((hover.contents as { value: string }).value, new RegExp(`label at \`${hex8(expected[1][1])}\``));
  });

  it('leaves out a flag that names an output, with one message naming it, and goes on answering', async () => {
    const shown = client.shownMessage(/-o out\.bin/);
    const republished = client.diagnostics(uri);
    await client.notify('workspace/didChangeConfiguration', { settings: { ringside: { assembler: { arguments: ['-DDEBUG', '-o', 'out.bin', '-O0'] } } } });
    assert.match(await shown, /^Ringside: ringside\.assembler\.arguments: `-o out\.bin': it names an output file/);
    // The other flags still apply: no undefined symbol, the -O0 address.
    assert.deepEqual((await republished).diagnostics.map((x) => x.message), []);
    const after = lineOf('after:');
    const hints = await client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: after, character: 0 }, end: { line: after + 1, character: 0 } } });
    assert.deepEqual(hints.map((h) => h.label), [`@${hex8(listedAddress(LISTING, after + 1, ORG))}`]);
    assert.equal(client.shown.filter((m) => m.includes('assembler.arguments')).length, 1);
    assert.equal(client.exited, false);
  });

  it('the assembler worker takes the flags: its bytes are nasm\'s', () => {
    const worker = new WorkerAssembler(SERVER_BUNDLE, 10000, (m) => assert.fail(m));
    try {
      const host = { readFile: () => undefined };
      const r = worker.assemble({ ...readAssemblerArguments(NASM_FLAGS, FIXTURES).flags, file: SOURCE, text, host }, new Map());
      assert.deepEqual(r.diagnostics, []);
      assert.deepEqual(Buffer.from(r.image), readFileSync(join(FIXTURES, 'args-debug-o0.bin')));
    } finally {
      worker.dispose();
    }
  });
});
