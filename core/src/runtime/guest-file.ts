// Whether a file the user names as the guest (`ringside run FILE`, launch.json's `program`) is a
// source to assemble or a multiboot image to load.

import * as path from 'node:path';
import { findMultibootHeader } from '../machine/loader/multiboot';

const SOURCE_EXTENSIONS: ReadonlySet<string> = new Set(['.gasm', '.asm', '.s', '.nasm', '.inc']);
const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.bin', '.img', '.elf', '.kernel']);

/**
 * 'source' or 'image' by `file`'s extension, or undefined when it has neither kind's: a name
 * without one (`kernel`), or what the shell makes of `<(generate)` (`/dev/fd/63`). guestKindOf
 * then reads the contents.
 */
export function guestKindByName(file: string): 'source' | 'image' | undefined {
  const ext = path.extname(file).toLowerCase();
  return SOURCE_EXTENSIONS.has(ext) ? 'source' : IMAGE_EXTENSIONS.has(ext) ? 'image' : undefined;
}

/**
 * The kind of guest `file` holds, given its contents `bytes`: by its name when that tells
 * (guestKindByName), else an image when it has a multiboot header or any NUL byte (no source
 * text has one; a binary without a header then fails to load with the loader's reason), else a
 * source.
 */
export function guestKindOf(file: string, bytes: Uint8Array): 'source' | 'image' {
  return guestKindByName(file) ?? (findMultibootHeader(bytes) >= 0 || bytes.includes(0) ? 'image' : 'source');
}
