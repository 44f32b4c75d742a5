// The Debug Adapter Protocol's base framing, for the tests that drive the adapter: a message is a
// `Content-Length: N` header, a blank line, then N bytes of JSON (the DAP specification's "Base
// protocol").
import * as assert from 'node:assert/strict';

/** `json` as one message on the wire. */
export function dapFrame(json: string): string {
  return `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
}

/** Reads messages out of the chunks a stream gives, whole ones as they complete. */
export class DapFrameReader {
  private buffer = Buffer.alloc(0);

  constructor(private readonly onMessage: (message: unknown) => void) {}

  push(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const m = /Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString('ascii'));
      assert.ok(m, 'every DAP message has a Content-Length header');
      const len = Number(m[1]);
      if (this.buffer.length < headerEnd + 4 + len) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + len).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + len);
      this.onMessage(JSON.parse(body));
    }
  }
}
