// `ringside run`'s standard input as what is typed into the guest's COM1, as QEMU's `-serial stdio`
// takes it: `printf 'help\nexit\n' | ringside run shell.gasm` scripts a guest that reads its
// serial port. A file, pipe, FIFO, socket or device is read as the guest takes the bytes, without
// waiting unless the guest has nothing else to do (see SerialInput). A terminal gives its keys as
// they are typed, as QEMU's -serial stdio puts it in raw mode: no line editing and no echo but
// the guest's; Ctrl-C ends the run. A run in the background does not read its terminal (a read, or
// the change of mode, would stop it: SIGTTIN, SIGTTOU), nor one whose output goes elsewhere.

import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { isatty, type ReadStream } from 'node:tty';
import { waitMs } from '../wait-ms';
import type { SerialInput } from '../runtime/session';

/** Exit status of a run Ctrl-C ended: a shell's for a command SIGINT ended (128 + 2). */
export const INTERRUPTED_STATUS = 130;

/** Standard input as the guest's serial input, or undefined when it cannot be read without blocking (or a background run's terminal). */
export function stdinSerialInput(): SerialInput | undefined {
  if (isatty(0)) return terminalInput();
  let file: boolean;
  try {
    file = fstatSync(0).isFile();
  } catch {
    return undefined;
  }
  // A regular file never makes a read wait.
  if (file) return new DescriptorInput(0);
  // A pipe, FIFO or device is opened again without blocking (on Linux /dev/stdin opens the same pipe
  // with an open file of its own, whose flags are nobody else's), so that a read with nothing there
  // says so (EAGAIN) rather than holding the guest.
  try {
    return new DescriptorInput(openSync('/dev/stdin', constants.O_RDONLY | constants.O_NONBLOCK));
  } catch {
    // A socket cannot be opened so (ENXIO). Node's process.stdin, made here and never read, puts
    // its descriptor in non-blocking mode; where /proc shows that it did not, none is read.
    void process.stdin;
    return blocking(0) === true ? undefined : new DescriptorInput(0);
  }
}

/** Whether descriptor `fd` is in blocking mode, from Linux's /proc; undefined where that cannot be seen. */
function blocking(fd: number): boolean | undefined {
  try {
    const flags = /^flags:\s+([0-7]+)/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
    return flags === undefined ? undefined : (parseInt(flags, 8) & constants.O_NONBLOCK) === 0;
  } catch {
    return undefined;
  }
}

const NOTHING = new Uint8Array(0);

/**
 * The terminal on standard input, in raw mode until the process exits, when this process is in its
 * foreground and writes to a terminal too; undefined otherwise (or where that cannot be told: no
 * /proc). Output that goes elsewhere leaves the keys alone: `ringside run guest | less` is read
 * with less, which takes its keys from the terminal.
 */
function terminalInput(): SerialInput | undefined {
  if (!isatty(1) || !inForeground()) return undefined;
  let fd: number;
  try {
    // (The terminal opened again, with a file of its own that does not block: see stdinSerialInput.)
    fd = openSync('/dev/stdin', constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    return new TerminalInput(fd, process.stdin as ReadStream);
  } catch {
    closeSync(fd);
    return undefined;
  }
}

/** Whether this process's group is its terminal's foreground group (Linux's /proc/self/stat: pgrp and tpgid). */
function inForeground(): boolean {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // (The fields after the command name, which is in parentheses and may hold any character.)
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [pgrp, tpgid] = [Number(fields[2]), Number(fields[5])];
    return Number.isInteger(pgrp) && pgrp === tpgid;
  } catch {
    return false;
  }
}

// Ctrl-C and Ctrl-Z as a raw terminal gives them (ETX, SUB): they do what the terminal's SIGINT
// and SIGTSTP do to QEMU, whose -serial stdio keeps the terminal's signals: the run ends; the run
// stops, to go on as the shell's `fg` or `bg` has it.
const CTRL_C = 0x03;
const CTRL_Z = 0x1a;
/** How many keys typed ahead of the guest are kept: the terminal is read even when the guest reads nothing, to see Ctrl-C. */
const TYPE_AHEAD = 1 << 16;

class TerminalInput implements SerialInput {
  private readonly keys: DescriptorInput;
  private typed: number[] = [];
  /** Whether the terminal is in raw mode, read by this run: not while the run goes on in the background. */
  private raw = false;

  /** Puts the terminal in raw mode (a throw when it cannot be), and back in line mode as the process exits. */
  constructor(fd: number, private readonly terminal: ReadStream) {
    this.keys = new DescriptorInput(fd);
    this.enter();
    process.once('exit', () => this.leave());
  }

  private enter(): void {
    this.terminal.setRawMode(true);
    this.raw = true;
  }

  private leave(): void {
    if (!this.raw) return;
    this.raw = false;
    this.terminal.setRawMode(false);
  }

  /** Ctrl-Z: the terminal back in line mode and the process stopped; in raw mode again when it goes on in the foreground. */
  private suspend(): void {
    this.leave();
    process.kill(process.pid, 'SIGTSTP');
    // (Here once the shell has continued the process.)
    if (inForeground()) this.enter();
  }

  available(most: number): Uint8Array {
    this.poll();
    return this.take(most);
  }

  wait(most: number): Uint8Array | undefined {
    for (;;) {
      this.poll();
      if (this.typed.length > 0) return this.take(most);
      waitMs(5);
    }
  }

  private poll(): void {
    if (!this.raw) {
      // (Continued in the background: the terminal is the shell's until the run is back in the foreground.)
      if (!inForeground()) return;
      this.enter();
    }
    for (let bytes = this.keys.available(TYPE_AHEAD); bytes.length > 0; bytes = this.keys.available(TYPE_AHEAD)) {
      for (const [i, b] of bytes.entries()) {
        if (b === CTRL_C) process.exit(INTERRUPTED_STATUS);
        if (b === CTRL_Z) {
          // (The keys after it come once the run is back: they may be the shell's meanwhile.)
          this.keep(bytes.subarray(0, i));
          this.suspend();
          return;
        }
      }
      this.keep(bytes);
    }
  }

  private keep(bytes: Uint8Array): void {
    for (const b of bytes) if (this.typed.length < TYPE_AHEAD) this.typed.push(b);
  }

  private take(most: number): Uint8Array {
    if (most <= 0 || this.typed.length === 0) return NOTHING;
    const out = Uint8Array.from(this.typed.slice(0, most));
    this.typed = this.typed.slice(out.length);
    return out;
  }
}

class DescriptorInput implements SerialInput {
  private ended = false;
  /** Read into, and copied out of only when a read gave bytes (a poll of an empty pipe makes nothing). */
  private buffer = new Uint8Array(0);

  constructor(private readonly fd: number) {}

  available(most: number): Uint8Array {
    return this.read(most) ?? NOTHING;
  }

  wait(most: number): Uint8Array | undefined {
    for (;;) {
      const bytes = this.read(most);
      if (bytes !== undefined || this.ended) return bytes;
      waitMs(5);
    }
  }

  /** What there is now; undefined when nothing yet or at the end. */
  private read(most: number): Uint8Array | undefined {
    if (this.ended || most <= 0) return undefined;
    if (this.buffer.length < most) this.buffer = new Uint8Array(most);
    try {
      const n = readSync(this.fd, this.buffer, 0, most, null);
      if (n === 0) this.ended = true;
      return n === 0 ? undefined : this.buffer.slice(0, n);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') this.ended = true;
      return undefined;
    }
  }
}
