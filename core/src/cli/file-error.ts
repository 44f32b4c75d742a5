// Why a file could not be read or written, for the CLI's error lines, in the C library's words
// (strerror), as nasm and ndisasm print them: "No such file or directory", "Is a directory".

import { readInputBytes, STREAM_LIMIT } from '../host-files';

const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
};

/** The reason in a Node file-system error; Node's own text without its code and syscall otherwise. */
export function fileErrorReason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && STRERROR[code] !== undefined) return STRERROR[code];
  const message = e instanceof Error ? e.message : String(e);
  return /^[A-Z]+: (.*?), \w+(?: '.*')?$/.exec(message)?.[1] ?? message;
}

/**
 * The input file's bytes (`0`: standard input's), or undefined after one error line that names it
 * and says why, in the same words for every command (nasm: "unable to open input file `a.asm' No
 * such file or directory"), or as `line` words it.
 */
export function readInputFile(file: string | 0, err: (text: string) => void, line = (name: string, reason: string): string => `${name}: error: unable to open input file \`${name}': ${reason}\n`): Buffer | undefined {
  const name = file === 0 ? '-' : file;
  try {
    const bytes = readInputBytes(file);
    if (bytes === undefined) err(line(name, `it did not end within ${STREAM_LIMIT >> 20} MiB`));
    return bytes;
  } catch (e) {
    err(line(name, fileErrorReason(e)));
    return undefined;
  }
}
