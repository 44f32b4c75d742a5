// workspace/willRenameFiles over stdio (dist/server.js), as VS Code sends it before it renames a
// file in the explorer: the advertised file-operation filter, and the WorkspaceEdit that renames
// the %include name in the open file.

import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WorkspaceEdit } from 'vscode-languageserver-types';
import { LspClient } from './lspClient';

const MAIN = 'bits 32\n%include "lib/io.inc"\nstart:\n    call putc\n';

describe('language server over stdio: file renames', function () {
  this.timeout(20000);
  let client: LspClient;
  let dir: string;
  const uriOf = (name: string) => pathToFileURL(join(dir, name)).toString();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ringside-renames-'));
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'main.asm'), MAIN);
    writeFileSync(join(dir, 'lib', 'io.inc'), 'putc:\n    ret\n');
    client = new LspClient();
    const r = await client.request<{ capabilities: { workspace?: { fileOperations?: { willRename?: { filters: { pattern: { glob: string } }[] } } } } }>('initialize', {
      processId: process.pid, rootUri: pathToFileURL(dir).toString(), capabilities: { workspace: { fileOperations: { willRename: true } } },
    });
    assert.deepEqual(r.capabilities.workspace?.fileOperations?.willRename?.filters.map((f) => f.pattern.glob), ['**/*']);
    await client.notify('initialized', {});
    await client.open(uriOf('main.asm'), MAIN);
  });

  after(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers a rename of an included file with the edit of its %include name', async () => {
    const edit = await client.request<WorkspaceEdit | null>('workspace/willRenameFiles', { files: [{ oldUri: uriOf('lib/io.inc'), newUri: uriOf('lib/serial.inc') }] });
    assert.deepEqual(edit, { changes: { [uriOf('main.asm')]: [{ range: { start: { line: 1, character: 10 }, end: { line: 1, character: 20 } }, newText: 'lib/serial.inc' }] } });
  });

  it('answers null for a file no open assembly reads, and InvalidParams for malformed params', async () => {
    assert.equal(await client.request('workspace/willRenameFiles', { files: [{ oldUri: uriOf('other.asm'), newUri: uriOf('x.asm') }] }), null);
    await assert.rejects(client.request('workspace/willRenameFiles', { files: [{ oldUri: 1 }] }), (e: { code?: number }) => e.code === -32602);
    assert.deepEqual(client.logs.filter((m) => /failed|TypeError/.test(m)), []);
  });
});
