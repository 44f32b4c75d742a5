// The adapter's input is framed into whole DAP messages before the library reads it, so a large
// request is read in time linear in its length (the library joins every chunk to all it holds).
// Framing as the DAP specification's base protocol gives it: a header of CRLF-ended lines with
// `Content-Length: N', a blank line, then N bytes of UTF-8 JSON.
import * as assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { RingsideDebugSession } from '../../debug-adapter/src/session';
import { MessageFramer, wholeMessages } from '../../debug-adapter/src/whole-messages';
import { dapFrame, DapFrameReader } from '../support/dap-frames';

function framed(chunks: readonly Buffer[]): string[] {
  const out: string[] = [];
  const framer = new MessageFramer((m) => out.push(m.toString('utf8')));
  for (const c of chunks) framer.take(c);
  return out;
}

describe('debug adapter input framing (whole-messages.ts)', () => {
  const a = dapFrame('{"seq":1,"type":"request","command":"threads"}');
  const b = dapFrame('{"seq":2,"type":"request","command":"evaluate","arguments":{"expression":"é€😀"}}');

  it('hands on each message whole when several come in one chunk', () => {
    assert.deepEqual(framed([Buffer.from(a + b + a)]), [a, b, a]);
  });

  it('joins a message cut at every byte, multi-byte characters included (the length counts bytes)', () => {
    const bytes = Buffer.from(a + b);
    assert.deepEqual(framed([...bytes].map((x) => Buffer.from([x]))), [a, b]);
    for (let cut = 1; cut < bytes.length; cut++) assert.deepEqual(framed([bytes.subarray(0, cut), bytes.subarray(cut)]), [a, b], `cut at ${cut}`);
  });

  it('passes a header without a usable length on by itself, and frames what follows', () => {
    for (const header of ['X-Other: 1\r\n\r\n', 'Content-Length: twelve\r\n\r\n', 'Content-Length: -4\r\n\r\n']) {
      assert.deepEqual(framed([Buffer.from(header + a)]), [header, a], header);
    }
  });

  it('takes the last Content-Length line, as the library does', () => {
    const body = '{"seq":1}';
    const message = `Content-Length: 99\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    assert.deepEqual(framed([Buffer.from(message)]), [message]);
  });

  it('passes close and error on in order', () => {
    const input = new EventEmitter() as EventEmitter & { resume(): void };
    input.resume = () => undefined;
    const seen: string[] = [];
    const out = wholeMessages(input as unknown as NodeJS.ReadableStream);
    out.on('data', (m: Buffer) => seen.push(`data ${m.length}`));
    out.on('error', (e: Error) => seen.push(`error ${e.message}`));
    out.on('close', () => seen.push('close'));
    input.emit('data', Buffer.from(a));
    input.emit('error', new Error('boom'));
    input.emit('close');
    assert.deepEqual(seen, [`data ${Buffer.byteLength(a)}`, 'error boom', 'close']);
  });

  // Before: the library's reader copied everything it held on each chunk, so a message of n bytes
  // in chunks of k bytes was copied about n²/2k times over (a 20 MiB writeMemory: 3.7 s).
  it('reads a 1 MiB request sent in 1 KiB pieces with each byte copied a few times, not once per piece', async () => {
    const session = new RingsideDebugSession();
    const toAdapter = new PassThrough();
    const fromAdapter = new PassThrough();
    session.start(toAdapter, fromAdapter);
    const responses: DebugProtocol.Response[] = [];
    const reader = new DapFrameReader((m) => responses.push(m as DebugProtocol.Response));
    fromAdapter.on('data', (c: Buffer) => reader.push(c));
    const data = Buffer.alloc(768 * 1024, 0x5a).toString('base64');
    const wire = Buffer.from(dapFrame(JSON.stringify({ seq: 1, type: 'request', command: 'writeMemory', arguments: { memoryReference: '0x1000', data } })));
    const concat = Buffer.concat;
    let copied = 0;
    Buffer.concat = ((list: readonly Uint8Array[], total?: number) => {
      const joined = concat(list, total);
      copied += joined.length;
      return joined;
    }) as typeof Buffer.concat;
    try {
      for (let at = 0; at < wire.length; at += 1024) toAdapter.write(wire.subarray(at, at + 1024));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      Buffer.concat = concat;
    }
    assert.ok(copied < 4 * wire.length, `${copied} bytes copied for a message of ${wire.length}`);
    // The request reached the session whole: it answers (no program is loaded, so it refuses).
    assert.equal(responses.length, 1);
    assert.equal(responses[0].command, 'writeMemory');
    assert.equal(responses[0].success, false);
  });
});
