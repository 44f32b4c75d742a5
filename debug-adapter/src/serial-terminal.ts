// COM1 in a terminal of its own (launch `"console": "integratedTerminal"`), as QEMU's `-serial
// stdio` gives it a terminal: the adapter listens on a local socket (a named pipe on Windows) and
// asks the client, with DAP's runInTerminal, to run dist/serialTerminal.js (serial-bridge.ts) in
// its terminal; that program joins the terminal to the socket. Keys typed there reach the guest's
// UART; what the guest writes comes out there. Output written before the terminal joins waits for it.

import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** The most guest output kept for a terminal that has not joined yet: the latest bytes are kept. */
const BACKLOG_LIMIT = 1 << 20;

export interface SerialTerminalHandlers {
  /** Listening: the terminal's program may connect to `address` now. */
  readonly listening: (address: string) => void;
  /** Bytes typed in the terminal. */
  readonly typed: (bytes: Uint8Array) => void;
  /** The terminal went away (closed by the user) or could not be listened for; called once. */
  readonly gone: (why: string) => void;
}

export class SerialTerminal {
  private readonly server = net.createServer();
  private socket: net.Socket | null = null;
  private backlog: Buffer[] = [];
  private backlogBytes = 0;
  private ended = false;
  /** Whether the last byte the guest wrote ended a line (a farewell then starts its own). */
  private atLineStart = true;
  /** Where the terminal's program connects: a Unix socket's path or a Windows pipe's name. */
  readonly address: string;

  constructor(private readonly on: SerialTerminalHandlers) {
    const name = `ringside-com1-${process.pid}-${randomBytes(6).toString('hex')}`;
    this.address = process.platform === 'win32' ? `\\\\.\\pipe\\${name}` : path.join(os.tmpdir(), `${name}.sock`);
    this.server.on('connection', (s) => this.join(s));
    this.server.on('error', (e) => this.end(`cannot listen at ${this.address}: ${e.message}`));
    this.server.listen(this.address, () => on.listening(this.address));
  }

  /** The first connection is the terminal; any later one is refused (the address is this session's alone). */
  private join(s: net.Socket): void {
    if (this.socket !== null || this.ended) { s.destroy(); return; }
    this.socket = s;
    // (No more connections: closing the server also removes a Unix socket's file.)
    this.server.close();
    s.on('data', (d: Buffer) => this.on.typed(new Uint8Array(d.buffer, d.byteOffset, d.length)));
    s.on('error', () => undefined);
    s.on('close', () => this.end('the COM1 terminal was closed'));
    for (const b of this.backlog) s.write(b);
    this.backlog = [];
    this.backlogBytes = 0;
  }

  /** Whether the terminal has joined (and not gone since). */
  get joined(): boolean {
    return this.socket !== null && !this.ended;
  }

  /** Guest output (one character a byte, as the runtime gives it). */
  write(text: string): void {
    if (this.ended) return;
    const bytes = Buffer.from(text, 'latin1');
    if (bytes.length > 0) this.atLineStart = bytes[bytes.length - 1] === 0x0a;
    if (this.socket !== null) { this.socket.write(bytes); return; }
    this.backlog.push(bytes);
    this.backlogBytes += bytes.length;
    while (this.backlogBytes > BACKLOG_LIMIT && this.backlog.length > 1) this.backlogBytes -= this.backlog.shift()!.length;
  }

  /** Output no terminal has shown (it never joined), taken away. */
  takeBacklog(): string {
    const text = Buffer.concat(this.backlog).toString('latin1');
    this.backlog = [];
    this.backlogBytes = 0;
    return text;
  }

  /** Gives up on the terminal, telling `gone` why (once). */
  end(why: string): void {
    if (this.ended) return;
    this.close();
    this.on.gone(why);
  }

  /**
   * Ends the connection (the terminal's program then ends) and stops listening; `gone` is not
   * called. `farewell` is Ringside's last line in the terminal, set apart from the guest's output.
   */
  close(farewell?: string): void {
    if (farewell !== undefined && !this.ended) this.write(`${this.atLineStart ? '' : '\r\n'}[Ringside: ${farewell}]\r\n`);
    this.ended = true;
    this.server.close();
    this.socket?.end();
  }
}
