// How the command line and the debugger read the files a program names (`%include`, `incbin`) from
// the host's disk, so that no name makes them wait forever or fill the heap. A regular file is read
// whole. A device, a FIFO or a socket gives what it holds now (opened without blocking: a FIFO no
// program writes to would otherwise hold the open, as it holds nasm's), and one that does not end
// (/dev/zero, /dev/urandom) is refused at STREAM_LIMIT bytes, where nasm reads on for ever. A
// directory opens, as it does for nasm, and reads as nothing (see readSourceBytes, readIncbinBytes). The
// language server reads only regular files, within its own limit, and incbin of a stream as empty
// (server/src/analysis/fileHost.ts).
//
// The one file the user names as a command's input (or standard input) is read as `cat` reads it:
// a pipe or FIFO is waited on until its writer closes it (`ringside asm <(generate)`), still
// refused at STREAM_LIMIT when it does not end.

import { closeSync, constants, fstatSync, openSync, readFileSync, readSync, type Stats } from 'node:fs';
import { UNREADABLE_DIRECTORY } from './asm/api';
import { decodeSource, withLineFeeds } from './asm/source-encoding';
import { waitMs } from './wait-ms';

/** The most a device, FIFO or socket may give as a source file. */
export const STREAM_LIMIT = 16 * 1024 * 1024;

/** Whether `st` is of a device, a FIFO or a socket: what gives bytes as they come, not a length known up front. */
export function isStream(st: Stats): boolean {
  return st.isCharacterDevice() || st.isFIFO() || st.isSocket();
}

/**
 * The bytes of the file `path` names, as `%include` reads them; undefined when it cannot be opened
 * or is a stream past STREAM_LIMIT. A directory is an empty file: nasm opens it and its first read
 * ends it (measured with nasm 2.16.01: `%include "dir"` assembles as if the line were not there).
 */
export function readSourceBytes(path: string): Buffer | undefined {
  return withFile(path, (fd, kind) => (kind === 'file' ? readFileSync(fd) : kind === 'stream' ? readStream(fd) : kind === 'directory' ? Buffer.alloc(0) : undefined));
}

/** The text of the file `path` names, read as readSourceBytes reads it, as nasm takes it (nasmSourceText). */
export function readSourceText(path: string): string | undefined {
  const bytes = readSourceBytes(path);
  return bytes === undefined ? undefined : nasmSourceText(bytes);
}

/**
 * A source file's text as nasm 2.16.01 reads it: bytes (a file in another encoding than UTF-8
 * keeps its bytes, see source-encoding.ts), a lone carriage return ends a line (classic Mac line
 * ends), and a NUL byte or a Ctrl-Z (0x1A, DOS's end of file) ends a line, inside a string too
 * (measured: `nop<NUL>x` and `db 1<^Z>db 2` are two lines each, `nasm -E` prints them so and numbers
 * the next line 3; `db "a<^Z>b"` is an unterminated string). The command line and the debugger
 * read every source so, and so assemble what nasm assembles.
 * (The language server keeps them where the editor shows them: its lines are the editor's.)
 */
export function nasmSourceText(bytes: Uint8Array): string {
  const text = withLineFeeds(decodeSource(bytes));
  return text.replace(/[\0\x1a]/g, '\n');
}

/**
 * The bytes `incbin` takes from the file `path` names. nasm takes a file's length from a seek to its
 * end when it is not a regular file, which is 0 for a character device (measured with nasm 2.16.01:
 * `incbin "/dev/zero"` and `incbin "/dev/urandom"` put out nothing), and reads that many bytes: a
 * stream is empty here. A directory is UNREADABLE_DIRECTORY: ext4 puts the end of one at the
 * largest offset there is, and its reads fail (see Assembler.incbin).
 */
export function readIncbinBytes(path: string): Uint8Array | typeof UNREADABLE_DIRECTORY | undefined {
  return withFile(path, (fd, kind) => (kind === 'file' ? readFileSync(fd) : kind === 'stream' ? new Uint8Array(0) : kind === 'directory' ? UNREADABLE_DIRECTORY : undefined));
}

type Kind = 'file' | 'stream' | 'directory' | 'other';

function withFile<T>(path: string, read: (fd: number, kind: Kind) => T | undefined): T | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    const kind: Kind = st.isFile() ? 'file' : isStream(st) ? 'stream' : st.isDirectory() ? 'directory' : 'other';
    return read(fd, kind);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The bytes of a command's input file (`0`: standard input), read to its end, a stream waited on
 * (see above); undefined when a stream goes past STREAM_LIMIT. Throws the file system's error when
 * it cannot be opened or read (a directory: EISDIR), for the caller to report.
 */
export function readInputBytes(file: string | 0): Buffer | undefined {
  const fd = file === 0 ? 0 : openSync(file, 'r');
  try {
    return isStream(fstatSync(fd)) ? readStream(fd, true) : readFileSync(fd);
  } finally {
    if (file !== 0) closeSync(fd);
  }
}


/**
 * What the stream `fd` holds, up to its end; undefined past STREAM_LIMIT bytes. Without `wait`, only
 * what it holds now (a non-blocking FIFO's "nothing yet" ends it); with it, until its writer ends it.
 */
function readStream(fd: number, wait = false): Buffer | undefined {
  const chunks: Buffer[] = [];
  const buffer = Buffer.allocUnsafe(64 * 1024);
  let total = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer, 0, buffer.length, null);
    } catch (e) {
      // (Nothing more for now: a FIFO's writer has not written yet.)
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      if (!wait) break;
      waitMs(10);
      continue;
    }
    if (n === 0) break;
    total += n;
    if (total > STREAM_LIMIT) return undefined;
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}
