// `ringside run`'s standard input as what is typed into the guest's COM1, as QEMU's `-serial stdio`
// takes it: `printf 'help\nexit\n' | ringside run shell.gasm` scripts a guest that reads its
// serial port. A file, pipe, FIFO, socket or device is read as the guest takes the bytes, without
// waiting unless the guest has nothing else to do (see SerialInput). A terminal is not read: it would give whole
// edited lines, echoed by the terminal itself, and a read of it stops a run put in the background.

import { constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { isatty } from 'node:tty';
import { waitMs } from '../wait-ms';
import type { SerialInput } from '../runtime/session';

/** Standard input as the guest's serial input, or undefined when it is a terminal or cannot be read without blocking. */
export function stdinSerialInput(): SerialInput | undefined {
  if (isatty(0)) return undefined;
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
    if (this.ended) return undefined;
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
