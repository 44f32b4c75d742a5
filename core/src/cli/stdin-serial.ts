// `ringside run`'s standard input as what is typed into the guest's COM1, as QEMU's `-serial stdio`
// takes it: `printf 'help\nexit\n' | ringside run shell.gasm` scripts a guest that reads its
// serial port. A file, pipe, FIFO, socket or device is read as the guest takes the bytes, without
// waiting unless the guest has nothing else to do. A terminal is not read: it would give whole
// edited lines, echoed by the terminal itself, and a read of it stops a run put in the background.

import { fstatSync, readSync } from 'node:fs';
import { isatty } from 'node:tty';
import { waitMs } from '../host-files';
import type { SerialInput } from '../runtime/session';

/** Standard input as the guest's serial input, or undefined when it is a terminal or closed. */
export function stdinSerialInput(): SerialInput | undefined {
  if (isatty(0)) return undefined;
  let file: boolean;
  try {
    file = fstatSync(0).isFile();
  } catch {
    return undefined;
  }
  // A regular file never makes a read wait. For a pipe, FIFO or socket, Node's own process.stdin
  // (made here, and never read) puts the descriptor in non-blocking mode, so a read with nothing
  // there says so (EAGAIN) rather than holding the guest; a device is read as it comes.
  if (!file) void process.stdin;
  return new DescriptorInput(0);
}

class DescriptorInput implements SerialInput {
  private ended = false;

  constructor(private readonly fd: number) {}

  available(most: number): Uint8Array {
    return this.read(most) ?? new Uint8Array(0);
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
    const buffer = new Uint8Array(most);
    try {
      const n = readSync(this.fd, buffer, 0, most, null);
      if (n === 0) this.ended = true;
      return n === 0 ? undefined : buffer.subarray(0, n);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') this.ended = true;
      return undefined;
    }
  }
}
