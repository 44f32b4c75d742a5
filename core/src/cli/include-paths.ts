// Where the CLI's %include, incbin and %pathsearch look for a relative name after nasm's working
// directory (see searchPlaces in asm/paths.ts).

import * as path from 'node:path';

/**
 * The -I directories in order, then FILE's directory. nasm 2.16 looks in its working directory,
 * then under each -I directory, and in FILE's directory not at all (measured: `nasm -f bin
 * src/b.asm` cannot include `inc/x.inc` that is beside it in src/). Every file nasm finds is found
 * first in the same place; looking in FILE's directory last also finds what the editor, which
 * takes that directory for the working directory, finds.
 */
export function includeSearchPaths(includes: readonly string[], file: string): string[] {
  return [...includes, path.dirname(file)];
}
