// The files the editor watches on disk for the language server from the start: guest sources and
// include files by their extensions, in the workspace. The server asks for each other file an
// open program reads (an include named `defs.h`, a file in an -I folder outside the workspace).

import { extname, isAbsolute, relative } from 'node:path';

export const WATCHED_EXTENSIONS: readonly string[] = ['asm', 'gasm', 'inc', 'mac', 's'];

/** The glob of those files (VS Code's createFileSystemWatcher, in each workspace folder). */
export const WATCHED_GLOB = `**/*.{${WATCHED_EXTENSIONS.join(',')}}`;

/**
 * Whether the watcher of WATCHED_GLOB in workspace folder `root` (undefined: none) sees `file`. (Its
 * extensions as written: a glob matches `A.ASM` only where the file system ignores case.)
 */
export function watchedFromTheStart(file: string, root: string | undefined): boolean {
  if (root === undefined || !WATCHED_EXTENSIONS.includes(extname(file).slice(1))) return false;
  const rel = relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
