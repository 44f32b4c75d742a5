// `ringside run`'s standard input as what is typed into the guest's COM1, as QEMU's `-serial stdio`
// takes it: `printf 'help\nexit\n' | ringside run shell.gasm` scripts a guest that reads its
// serial port. A file, pipe, FIFO, socket or device is read as the guest takes the bytes, without
// waiting unless the guest has nothing else to do (see SerialInput). A terminal gives its keys as
// they are typed, as QEMU's -serial stdio puts it in raw mode: no line editing and no echo but
// the guest's, the terminal's signals kept (Ctrl-C, Ctrl-Z). A run in the background does not read
// its terminal (a read, or the change of mode, would stop it: SIGTTIN, SIGTTOU), nor one whose
// output goes elsewhere.

import { spawnSync } from 'node:child_process';
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { isatty, type ReadStream } from 'node:tty';
import { waitMs } from '../wait-ms';
import type { SerialInput } from '../runtime/session';

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
 * The terminal on standard input, in raw mode until the process exits, when it is this process's
 * own terminal, in whose foreground it runs, and its output goes there too; undefined otherwise
 * (or where that cannot be told: no /proc, no stty). Output that goes elsewhere leaves the keys
 * alone: `ringside run guest | less` is read with less, which takes its keys from the terminal.
 */
function terminalInput(): SerialInput | undefined {
  if (!ownTerminal()) return undefined;
  let fd: number;
  try {
    // (The terminal opened again, with a file of its own that does not block: see stdinSerialInput.)
    fd = openSync('/dev/stdin', constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  const terminal = new RawTerminal(process.stdin as ReadStream);
  if (terminal.enter()) return new DescriptorInput(fd, () => terminal.resumed());
  closeSync(fd);
  return undefined;
}

/**
 * Whether standard input and output are this process's controlling terminal and the process runs
 * in its foreground (Linux's /proc/self/stat: tty_nr, pgrp and tpgid).
 */
function ownTerminal(): boolean {
  try {
    if (!isatty(1)) return false;
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // (The fields after the command name, which is in parentheses and may hold any character.)
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [pgrp, ttyNr, tpgid] = [Number(fields[2]), Number(fields[4]), Number(fields[5])];
    const device = fstatSync(0).rdev;
    return Number.isInteger(pgrp) && pgrp === tpgid && device === ttyNr && fstatSync(1).rdev === device;
  } catch {
    return false;
  }
}

/** A gap between two reads this long means the run was stopped meanwhile (Ctrl-Z, then `fg`). */
const STOPPED_GAP_MS = 250;

/**
 * The terminal in raw mode, as QEMU's -serial stdio puts it: no line editing, no echo but the
 * guest's, every key as typed, but with the terminal's signals kept (Ctrl-C ends the run, Ctrl-Z
 * stops it, as for QEMU; Node puts the terminal back as SIGINT ends the process). It is read as a
 * pipe is, as far as the guest has room: keys typed ahead wait in the terminal, not here.
 */
class RawTerminal {
  private lastRead = 0;

  constructor(private readonly terminal: ReadStream) {}

  /** Raw mode with the terminal's signals on; false (and the mode as it was) where that cannot be had. */
  enter(): boolean {
    try {
      this.terminal.setRawMode(true);
      if (spawnSync('stty', ['isig'], { stdio: [0, 'ignore', 'ignore'] }).status === 0) {
        if (this.lastRead === 0) process.once('exit', () => this.terminal.setRawMode(false));
        this.lastRead = performance.now();
        return true;
      }
      this.terminal.setRawMode(false);
    } catch { /* no terminal to set */ }
    return false;
  }

  /**
   * Before each read. After a stop (Ctrl-Z) the shell had the terminal, in its own mode, and gave it back with `fg`:
   * raw mode again (QEMU sets it again on SIGCONT, a signal this synchronous run cannot hear). A
   * long gap between reads may be such a stop, or only a busy host: stty says which.
   */
  resumed(): void {
    const now = performance.now();
    if (now - this.lastRead > STOPPED_GAP_MS && lineMode()) {
      this.terminal.setRawMode(false);
      this.enter();
    }
    this.lastRead = now;
  }
}

/** Whether the terminal on standard input edits lines (stty's icanon), as a shell leaves it. */
function lineMode(): boolean {
  const r = spawnSync('stty', ['-a'], { stdio: [0, 'pipe', 'ignore'], encoding: 'utf8' });
  return r.status === 0 && /(^|\s)icanon(\s|$)/.test(r.stdout);
}

const MAX_PAUSE_MS = 20;

/** A descriptor's bytes; `beforeRead` runs before each read (a terminal's mode is checked then). A terminal that hangs up reads as ended. */
class DescriptorInput implements SerialInput {
  private over = false;
  /** Read into, and copied out of only when a read gave bytes (a poll of an empty pipe makes nothing). */
  private buffer = new Uint8Array(0);

  constructor(private readonly fd: number, private readonly beforeRead?: () => void) {}

  available(most: number): Uint8Array {
    return this.read(most) ?? NOTHING;
  }

  wait(most: number): Uint8Array | undefined {
    // (The pause doubles while nothing comes, up to 20 ms: a halted guest waiting for a key cost a
    // twentieth of a core at a steady 5 ms, and 20 ms is still below what a typist notices.)
    for (let pause = 1; ; pause = Math.min(pause * 2, MAX_PAUSE_MS)) {
      const bytes = this.read(most);
      if (bytes !== undefined || this.over) return bytes;
      waitMs(pause);
    }
  }

  /** What there is now; undefined when nothing yet or at the end. */
  private read(most: number): Uint8Array | undefined {
    if (this.over) return undefined;
    this.beforeRead?.();
    if (this.buffer.length < most) this.buffer = new Uint8Array(most);
    try {
      const n = readSync(this.fd, this.buffer, 0, most, null);
      if (n === 0) this.over = true;
      return n === 0 ? undefined : this.buffer.slice(0, n);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') this.over = true;
      return undefined;
    }
  }
}
