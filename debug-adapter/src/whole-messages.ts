// The adapter's input, handed to the DAP library a whole message at a time. The library joins each
// chunk it reads to everything it holds before looking for a message's end (Buffer.concat on every
// 'data'), so a large request costs time quadratic in its length: a writeMemory of 20 MiB, which
// arrives in some 430 chunks of 64 KiB, took 3.7 s to read, and one of 40 MiB 21 s, with the
// adapter answering nothing meanwhile. Here the chunks of a message are kept in a list and joined
// once, when its last byte is in, so the library sees each message as one chunk, on an empty buffer.
//
// The framing is the library's (a header ending in CRLF CRLF whose `Content-Length' line gives the
// body's length in bytes). A header without a whole number of bytes is passed on by itself: the
// library skips one that has no length, and one whose length is a fraction or past any size (3.5,
// 1e400) puts it out of step with the messages after it, as it always did.

import { EventEmitter } from 'node:events';

const HEADER_END = Buffer.from('\r\n\r\n');

/** Splits a byte stream into DAP messages (header and body), each handed on whole. */
export class MessageFramer {
  private parts: Buffer[] = [];
  private held = 0;
  /** Bytes of the message being gathered, header included; -1 while its header is incomplete. */
  private need = -1;

  constructor(private readonly deliver: (chunk: Buffer) => void) {}

  take(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.parts.push(chunk);
    this.held += chunk.length;
    while (this.held > 0) {
      if (this.need < 0) {
        const data = this.joined();
        const end = data.indexOf(HEADER_END);
        if (end < 0) return;
        const length = contentLength(data.toString('utf8', 0, end));
        if (length === undefined) {
          this.deliver(data.subarray(0, end + HEADER_END.length));
          this.keep(data.subarray(end + HEADER_END.length));
          continue;
        }
        this.need = end + HEADER_END.length + length;
      }
      if (this.held < this.need) return;
      const data = this.joined();
      this.deliver(data.subarray(0, this.need));
      this.keep(data.subarray(this.need));
      this.need = -1;
    }
  }

  /** Everything held, as one buffer (joined once, then kept as the only part). */
  private joined(): Buffer {
    if (this.parts.length > 1) this.parts = [Buffer.concat(this.parts, this.held)];
    return this.parts[0];
  }

  private keep(rest: Buffer): void {
    this.parts = rest.length === 0 ? [] : [rest];
    this.held = rest.length;
  }
}

/** The last `Content-Length' line's value, read as the library reads it; undefined when it is not a byte count. */
function contentLength(header: string): number | undefined {
  let length: number | undefined;
  for (const line of header.split('\r\n')) {
    const [name, value] = line.split(/: +/);
    if (name === 'Content-Length') length = +value;
  }
  return length !== undefined && Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/**
 * `input` as the library reads a stream ('data', 'close' and 'error' events, and resume()), its
 * data framed into whole messages. Events are passed on as they come, in order. (The 'data'
 * listener already sets `input` flowing; the library's resume() is passed on all the same.)
 */
export function wholeMessages(input: NodeJS.ReadableStream): NodeJS.ReadableStream {
  const out = new EventEmitter();
  const framer = new MessageFramer((message) => out.emit('data', message));
  input.on('data', (chunk: Buffer | string) => framer.take(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
  input.on('close', () => out.emit('close'));
  input.on('error', (error: Error) => out.emit('error', error));
  return Object.assign(out, { resume: () => { input.resume(); return out; } }) as unknown as NodeJS.ReadableStream;
}
