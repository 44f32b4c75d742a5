// The server's background warm-up (server/src/warmUp.ts) over the protocol: an idle server warms
// up and says so; a document that arrives meanwhile stops it at once; `ringside.server.warmUp:
// false` turns it off; and nothing of the warm-up's own programs leaks into a document's
// analysis (their labels stay undefined for the user).

import * as assert from 'node:assert/strict';
import { LspClient } from './lspClient';

const IN_PROCESS = /assembling in process/;
const WARMED = /^warmed up in \d+ ms \(\d+ rounds, \d+ lines, the last round \d+ lines\)$/;
const STOPPED = /^warm-up stopped after \d+ rounds \(\d+ ms\): a document was opened$/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function started(settings: Record<string, unknown> = {}): Promise<LspClient> {
  const client = new LspClient();
  await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { settings } });
  await client.notify('initialized', {});
  return client;
}

async function open(client: LspClient, name: string, text: string) {
  return (await client.open(`file:///ringside-warmup-test/${name}`, text)).diagnostics;
}

// A program that uses the warm-up's names: round 0's first block and its data.
const BORROWER = 'bits 32\n    call w0_f0\n    mov eax, [w0_data]\n    ret\n';

describe('language server warm-up over the protocol', function () {
  this.timeout(30000);
  const clients: LspClient[] = [];
  after(async () => { for (const c of clients) await c.close(); });

  it('warms up while idle, then analyses a document as a fresh server does', async () => {
    const client = await started();
    clients.push(client);
    const message = await client.logMessage(/^warm/);
    assert.match(message, WARMED);
    const rounds = Number(/\((\d+) rounds/.exec(message)?.[1]);
    assert.ok(rounds > 1, message);
    const diags = await open(client, 'borrower.asm', BORROWER);
    assert.deepEqual(diags.map((d) => [d.range.start.line, d.code, d.message]), [
      [1, 'undefined-symbol', "symbol `w0_f0' not defined"],
      [2, 'undefined-symbol', "symbol `w0_data' not defined"],
    ]);
    assert.deepEqual(await open(client, 'clean.asm', 'bits 32\nstart: jmp start\n'), []);
  });

  it('stops as soon as a document is opened', async () => {
    const client = await started();
    clients.push(client);
    await client.logMessage(IN_PROCESS);
    // The warm-up starts 100 ms after the assembler is known safe and takes far longer than this.
    await sleep(300);
    const diags = await open(client, 'borrower.asm', BORROWER);
    assert.equal(diags.length, 2);
    assert.match(await client.logMessage(/^warm/), STOPPED);
    assert.ok(!client.logs.some((m) => WARMED.test(m)), client.logs.join('\n'));
  });

  it('does not start when a document comes first, nor when the setting turns it off', async () => {
    const first = await started();
    clients.push(first);
    assert.deepEqual(await open(first, 'clean.asm', 'bits 32\nnop\n'), []);
    const off = await started({ server: { warmUp: false } });
    clients.push(off);
    await off.logMessage(IN_PROCESS);
    await sleep(600);
    for (const c of [first, off]) assert.ok(!c.logs.some((m) => /warm/.test(m)), c.logs.join('\n'));
  });
});
