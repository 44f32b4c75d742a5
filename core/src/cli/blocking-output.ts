// Standard output and error written as write(2) writes them: a write returns once the kernel has
// the bytes, waiting while a pipe is full. Node's own streams for a pipe queue what it cannot
// take yet, without limit: `ringside run guest | less` on a guest that prints for ever grew by the
// guest's output rate (about 2.5 MB/s) for as long as `less` was not reading, until the heap ran out.

import { writeSync } from 'node:fs';
import { waitMs } from '../wait-ms';

const MAX_PAUSE_MS = 32;

export class BlockingOutput {
  private failed = false;

  /** `onFailure` hears the first error, except a closed pipe's (EPIPE); no write is tried after one. */
  constructor(private readonly fd: number, private readonly onFailure: (error: NodeJS.ErrnoException) => void) {}

  /** Whether a write failed (the reader has gone, the disk is full): nothing more goes out. */
  get closed(): boolean {
    return this.failed;
  }

  write(bytes: Uint8Array): void {
    let pause = 1;
    for (let done = 0; done < bytes.length && !this.failed;) {
      try {
        done += writeSync(this.fd, bytes, done, bytes.length - done);
        pause = 1;
      } catch (e) {
        const error = e as NodeJS.ErrnoException;
        // (A descriptor left non-blocking by whoever opened it: the pipe is full for now. The pause
        // doubles while it stays full: polling each millisecond cost a paused `| less` a tenth of
        // a core; at most 32 ms keeps the delay once the reader reads again below a frame's.)
        if (error.code === 'EAGAIN') { waitMs(pause); pause = Math.min(pause * 2, MAX_PAUSE_MS); continue; }
        this.failed = true;
        if (error.code !== 'EPIPE') this.onFailure(error);
      }
    }
  }
}
