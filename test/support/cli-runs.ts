// `ringside asm` run in this process as a user runs it in a folder, for the differentials that
// compare the command line with nasm run in the same folder.

import { main } from '../../core/src/cli/main';

export interface Run { readonly code: number | null; readonly out: string; readonly err: string }

/** `ringside asm ARGS` in `cwd` (the command line names and looks for files from its working directory). */
export function ringsideAsm(args: readonly string[], cwd: string): Run {
  const before = process.cwd();
  let out = '', err = '';
  process.chdir(cwd);
  try {
    const code = main(['asm', ...args], { out: (t) => { out += t; }, err: (t) => { err += t; } });
    return { code, out, err };
  } finally {
    process.chdir(before);
  }
}
