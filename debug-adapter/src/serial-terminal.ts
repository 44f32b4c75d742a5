// COM1 in a terminal of its own (launch `"console": "integratedTerminal"`), as QEMU's `-serial
// stdio` gives it a terminal: the adapter listens on a local socket (a named pipe on Windows) and
// asks the client, with DAP's runInTerminal, to run dist/serialTerminal.js (serial-bridge.ts) in
// its terminal; that program joins the terminal to the socket. Keys typed there reach the guest's
// UART; what the guest writes comes out there. The guest starts once the terminal has joined
// (`ready`), as VS Code's own debuggers start a program once its terminal is there; output the
// terminal has not taken yet holds the guest back (`backedUp`), as a slow reader holds a program.

import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** The most guest output kept for a terminal that has not joined yet: the latest bytes are kept. */
const BACKLOG_LIMIT = 1 << 20;
/** Output written to the terminal and not taken by it yet beyond which the guest waits for it. */
const HIGH_WATER = 1 << 20;

export interface SerialTerminalHandlers {
  /** Listening: the terminal's program may connect to `address` now. */
  readonly listening: (address: string) => void;
  /** Bytes typed in the terminal. */
  readonly typed: (bytes: Uint8Array) => void;
  /** The terminal went away (closed by the user) or could not be had; called once. */
  readonly gone: (why: string) => void;
}

export class SerialTerminal {
  private readonly server = net.createServer();
  private socket: net.Socket | null = null;
  private backlog: Buffer[] = [];
  private backlogBytes = 0;
  private ended = false;
  /** Whether the last byte written ended a line (a line of Ringside's then starts its own). */
  private atLineStart = true;
  private settle: () => void = () => undefined;
  /** Resolves once the terminal has joined, or once it is given up on (`gone` said why). */
  readonly ready: Promise<void>;
  /** Where the terminal's program connects: a Unix socket's path or a Windows pipe's name. */
  readonly address: string;
  /** A Unix socket's file goes with the process too, if the terminal never came to take it. */
  private readonly removeFile = (): void => {
    try { unlinkSync(this.address); } catch { /* gone already */ }
  };

  constructor(private readonly on: SerialTerminalHandlers) {
    const name = `ringside-com1-${process.pid}-${randomBytes(6).toString('hex')}`;
    this.address = process.platform === 'win32' ? `\\\\.\\pipe\\${name}` : path.join(os.tmpdir(), `${name}.sock`);
    this.ready = new Promise((resolve) => { this.settle = resolve; });
    if (process.platform !== 'win32') process.once('exit', this.removeFile);
    this.server.on('connection', (s) => this.join(s));
    this.server.on('error', (e) => this.end(`cannot listen at ${this.address}: ${e.message}`));
    this.server.listen(this.address, () => on.listening(this.address));
  }

  /** The first connection is the terminal; any later one is refused (the address is this session's alone). */
  private join(s: net.Socket): void {
    if (this.socket !== null || this.ended) { s.destroy(); return; }
    this.socket = s;
    // (No more connections: closing the server also removes a Unix socket's file.)
    this.stopListening();
    s.on('data', (d: Buffer) => this.on.typed(new Uint8Array(d.buffer, d.byteOffset, d.length)));
    s.on('error', () => undefined);
    s.on('close', () => this.end('the COM1 terminal was closed'));
    for (const b of this.backlog) s.write(b);
    this.backlog = [];
    this.backlogBytes = 0;
    this.settle();
  }

  private stopListening(): void {
    this.server.close();
    process.removeListener('exit', this.removeFile);
  }

  /** Whether the terminal has joined (and not gone since). */
  get joined(): boolean {
    return this.socket !== null && !this.ended;
  }

  /** Guest output (one character a byte, as the runtime gives it). */
  write(text: string): void {
    if (this.ended || text === '') return;
    const bytes = Buffer.from(text, 'latin1');
    this.atLineStart = bytes[bytes.length - 1] === 0x0a;
    if (this.socket !== null) { this.socket.write(bytes); return; }
    this.backlog.push(bytes);
    this.backlogBytes += bytes.length;
    while (this.backlogBytes > BACKLOG_LIMIT && this.backlog.length > 1) this.backlogBytes -= this.backlog.shift()!.length;
  }

  /** Whether the terminal has so much output still to take that the guest should wait (see `drained`). */
  get backedUp(): boolean {
    return this.socket !== null && !this.ended && this.socket.writableLength > HIGH_WATER;
  }

  /** Resolves once the terminal has taken what it was given (or has gone). */
  drained(): Promise<void> {
    const s = this.socket;
    if (s === null || this.ended || s.writableLength === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => { s.removeListener('drain', done); s.removeListener('close', done); resolve(); };
      s.once('drain', done);
      s.once('close', done);
    });
  }

  /** Output no terminal has shown (it never joined), taken away. */
  takeBacklog(): string {
    const text = Buffer.concat(this.backlog).toString('latin1');
    this.backlog = [];
    this.backlogBytes = 0;
    return text;
  }

  /** A line of Ringside's in the terminal, set apart from the guest's output. */
  say(line: string): void {
    this.write(`${this.atLineStart ? '' : '\r\n'}[Ringside: ${line}]\r\n`);
  }

  /** Gives up on the terminal, telling `gone` why (once). */
  end(why: string): void {
    if (this.ended) return;
    this.close();
    this.on.gone(why);
  }

  /**
   * Ends the connection (the terminal's program then ends) and stops listening, after `farewell`
   * (a line of Ringside's) when given; `gone` is not called.
   */
  close(farewell?: string): void {
    if (this.ended) return;
    if (farewell !== undefined) this.say(farewell);
    this.ended = true;
    this.stopListening();
    this.socket?.end();
    this.settle();
  }
}
