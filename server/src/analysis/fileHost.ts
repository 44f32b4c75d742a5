// The assembler's FileHost for the editor: open buffers win over the disk, so %include sees
// unsaved edits (DESIGN.md §6). Disk reads are capped so a huge binary cannot stall the server.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirName } from '../../../core/src/asm/paths';
import { decodeSource, withLineFeeds } from '../../../core/src/asm/source-encoding';
import { type FileHost, UNREADABLE_DIRECTORY } from '../../../core/src/asm/api';
import { isStream } from '../../../core/src/host-files';
import type { DirectoryEntry } from './document';

/** Files bigger than this are treated as missing for `%include` and skipped for `incbin`. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export class OverlayFileHost implements FileHost {
  private readonly buffers = new Map<string, string>();

  setBuffer(path: string, text: string): void {
    this.buffers.set(path, text);
  }

  dropBuffer(path: string): void {
    this.buffers.delete(path);
  }

  hasBuffer(path: string): boolean {
    return this.buffers.has(path);
  }

  readFile(path: string): string | undefined {
    const open = this.buffers.get(path);
    if (open !== undefined) return open;
    return readDiskSource(path);
  }

  /** Whether readFile would return a text, without reading the file. */
  isReadable(path: string): boolean {
    if (this.buffers.has(path)) return true;
    try {
      const st = statSync(path);
      return st.isFile() && st.size <= MAX_FILE_BYTES;
    } catch {
      return false;
    }
  }

  /** For file-name completion: the directory's entries (a link by what it leads to), then open buffers named there that are not on disk yet. */
  listDirectory(path: string): DirectoryEntry[] {
    const out: DirectoryEntry[] = [];
    const names = new Set<string>();
    try {
      for (const e of readdirSync(path, { withFileTypes: true })) {
        const directory = e.isDirectory() || (e.isSymbolicLink() && isDirectory(`${path}/${e.name}`));
        out.push({ name: e.name, directory });
        names.add(e.name);
      }
    } catch {
      // Not a directory, or not readable: nothing to offer from the disk.
    }
    for (const open of this.buffers.keys()) {
      const name = open.slice(dirName(open).length + 1);
      if (dirName(open) === path && !names.has(name)) out.push({ name, directory: false });
    }
    return out;
  }

  readBinary(path: string): Uint8Array | typeof UNREADABLE_DIRECTORY | undefined {
    return readDiskBinary(path);
  }
}

/**
 * A regular file of at most MAX_FILE_BYTES, as `%include` reads it from the disk, and a directory
 * as an empty file, as the command line reads one (see core/src/host-files.ts); undefined for anything else.
 */
export function readDiskSource(path: string): string | undefined {
  if (isDirectory(path)) return '';
  const bytes = readRegular(path);
  // (Bytes that are no UTF-8 stay bytes, as for the command line: see source-encoding.ts.)
  return bytes === undefined ? undefined : withLineFeeds(decodeSource(bytes));
}

/**
 * What `incbin` takes from the disk: a regular file of at most MAX_FILE_BYTES; nothing from a
 * device, a FIFO or a socket, and UNREADABLE_DIRECTORY of a directory, as the command line and
 * nasm (see core/src/host-files.ts), found without opening it (a FIFO's open would wait for a writer).
 */
export function readDiskBinary(path: string): Uint8Array | typeof UNREADABLE_DIRECTORY | undefined {
  try {
    const st = statSync(path);
    if (isStream(st)) return new Uint8Array(0);
    if (st.isDirectory()) return UNREADABLE_DIRECTORY;
  } catch {
    return undefined;
  }
  return readRegular(path);
}

function readRegular(path: string): Uint8Array | undefined {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > MAX_FILE_BYTES) return undefined;
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Whether `path` is a regular file (a link by what it leads to). */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
