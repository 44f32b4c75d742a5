// The real server (dist/server.js) and its code cache (core/src/startup/codeCache.ts): the first start
// writes it once its first analysis is out, the next start's V8 takes it, and the diagnostics are
// the same; a folder others can write to is refused, with the reason in the log, and the server
// works on without a cache, as with --no-code-cache. The deadline probe's worker reads the cache too.

import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startDeadlineProbe } from '../../server/src/analysis/deadlineProbe';
import { LspClient, SERVER, type PublishedDiagnostics } from './lspClient';

const PROGRAM = 'bits 32\nstart:\n    mov eax, [missing]\n    jmp start\n    db 300\n';

describe('language server: code cache', function () {
  this.timeout(30000);
  let scratch: string;
  beforeEach(() => { scratch = mkdtempSync(join(tmpdir(), 'ringside-server-cache-')); });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  /** A server started with `args`: its log once `initialized` is in, and a document's first diagnostics. */
  async function serve(args: string[], alsoAwait?: RegExp): Promise<{ logs: readonly string[]; diagnostics: PublishedDiagnostics['diagnostics'] }> {
    const client = new LspClient(args);
    try {
      await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(scratch).href, capabilities: {} });
      await client.notify('initialized', {});
      const { diagnostics } = await client.open(pathToFileURL(join(scratch, 'a.gasm')).href, PROGRAM);
      await client.logMessage(/^code cache|^no code cache/);
      if (alsoAwait !== undefined) await client.logMessage(alsoAwait);
      return { logs: [...client.logs], diagnostics };
    } finally {
      // (`shutdown` writes the cache if its short delay has not run out yet.)
      await client.close();
    }
  }

  it('is written by the first start and taken by the next, which analyses the same', async () => {
    const folder = join(scratch, 'cache');
    const first = await serve([`--code-cache=${folder}`]);
    assert.ok(first.logs.includes('code cache: absent'), first.logs.join('\n'));
    assert.equal(readdirSync(folder).filter((n) => n.startsWith('server-main.js-') && n.endsWith('.v8-code-cache')).length, 1);
    const second = await serve([`--code-cache=${folder}`]);
    assert.ok(second.logs.includes('code cache: accepted'), second.logs.join('\n'));
    assert.deepEqual(second.diagnostics, first.diagnostics);
    assert.ok(first.diagnostics.some((d) => JSON.stringify(d.message).includes('missing')), 'the program has its error');
    // The deadline probe, started on the entry as the server starts it, reads the bundle through
    // the same cache on its worker, and finds the assembler safe.
    assert.equal(startDeadlineProbe(SERVER, folder).awaitSafe(10_000), true);
  });

  it("keeps the deadline probe's safe verdict for this build: the next start runs no probe", async () => {
    const folder = join(scratch, 'cache');
    const verdicts = () => readdirSync(folder).filter((n) => n.startsWith('server-main.js-') && n.endsWith('.deadline-probe-safe'));
    const first = await serve([`--code-cache=${folder}`], /assembling in process/);
    assert.ok(first.logs.includes('the assembler stops at its deadline: assembling in process'), first.logs.join('\n'));
    assert.equal(verdicts().length, 1);
    // (Named by the same build key as the bundle's code cache.)
    assert.ok(readdirSync(folder).includes(verdicts()[0].replace(/\.deadline-probe-safe$/, '.v8-code-cache')));
    const second = await serve([`--code-cache=${folder}`], /assembling in process/);
    assert.ok(second.logs.includes('the assembler stops at its deadline (found by an earlier start of this build): assembling in process'), second.logs.join('\n'));
    assert.deepEqual(second.diagnostics, first.diagnostics);
    // Without a folder, the probe runs at every start.
    const off = await serve(['--no-code-cache'], /assembling in process/);
    assert.ok(off.logs.includes('the assembler stops at its deadline: assembling in process'), off.logs.join('\n'));
    assert.deepEqual(off.diagnostics, first.diagnostics);
  });

  it('is not used from a folder others can write to, and the server says why and works on', async function () {
    if (process.platform === 'win32') this.skip();
    const open = join(scratch, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    const refused = await serve([`--code-cache=${open}`]);
    assert.ok(refused.logs.some((m) => /^no code cache: .*can be written by other users/.test(m)), refused.logs.join('\n'));
    assert.deepEqual(readdirSync(open), []);
    const off = await serve(['--no-code-cache']);
    assert.ok(off.logs.includes('code cache: off'), off.logs.join('\n'));
    assert.deepEqual(refused.diagnostics, off.diagnostics);
  });
});
