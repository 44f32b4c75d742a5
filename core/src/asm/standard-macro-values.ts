// The standard macros of nasm 2.16.01 whose values depend on no line (manual §5.1): the version
// and the assembly's date and time, and which names are standard macros at all.

import type { PPToken } from './source';

/** The nasm release whose output Ringside reproduces (Debian's nasm 2.16.01), for the version macros. */
const NASM_VERSION = { major: 2, minor: 16, subminor: 1, patchlevel: 0 } as const;

/** `name` (`LINE` of `__?LINE?__`) is one of the standard macros `builtin` expands. */
export function isStandardName(name: string, time: Date): boolean {
  return ['LINE', 'BITS', 'PASS', 'FILE', 'SECT', 'OUTPUT_FORMAT'].includes(name) || versionOrTime(name, time) !== undefined;
}

/**
 * The value of a version macro (`NASM_MAJOR` ... `NASM_VERSION_ID`, `NASM_VER`) or of a date and
 * time macro at `time` (`DATE`, `TIME` in local time, `UTC_DATE`, `UTC_TIME` and their `_NUM`
 * forms, `POSIX_TIME`), as nasm's manual §5.1.1 and §5.1.5 give them: a number, or a string's
 * characters. Undefined for any other name.
 */
export function versionOrTime(name: string, time: Date): number | string | undefined {
  const v = NASM_VERSION;
  switch (name) {
    case 'NASM_MAJOR': return v.major;
    case 'NASM_MINOR': return v.minor;
    case 'NASM_SUBMINOR': return v.subminor;
    case 'NASM_PATCHLEVEL': return v.patchlevel;
    case 'NASM_VERSION_ID': return ((v.major << 24) | (v.minor << 16) | (v.subminor << 8) | v.patchlevel) >>> 0;
    case 'NASM_VER': return `${v.major}.${v.minor}.${String(v.subminor).padStart(2, '0')}`;
    case 'POSIX_TIME': return Math.floor(time.getTime() / 1000);
  }
  const utc = name.startsWith('UTC_');
  const field = utc ? name.slice(4) : name;
  const [year, month, day, hours, minutes, seconds] = utc
    ? [time.getUTCFullYear(), time.getUTCMonth() + 1, time.getUTCDate(), time.getUTCHours(), time.getUTCMinutes(), time.getUTCSeconds()]
    : [time.getFullYear(), time.getMonth() + 1, time.getDate(), time.getHours(), time.getMinutes(), time.getSeconds()];
  const two = (n: number): string => String(n).padStart(2, '0');
  switch (field) {
    case 'DATE': return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}`;
    case 'TIME': return `${two(hours)}:${two(minutes)}:${two(seconds)}`;
    case 'DATE_NUM': return year * 10000 + month * 100 + day;
    case 'TIME_NUM': return hours * 10000 + minutes * 100 + seconds;
    default: return undefined;
  }
}

/** Whether a name in `toks` may be a standard macro's (`__X__`, `__?X?__`) or an environment variable's (`%!NAME`). */
export function hasBuiltin(toks: readonly PPToken[]): boolean {
  for (const t of toks) if ((t.kind === 'ident' && t.text.charCodeAt(0) === 0x5f && t.text.charCodeAt(1) === 0x5f) || isEnvironmentToken(t)) return true;
  return false;
}

/** `%!NAME`, or `%!` before a string (`%!'NAME'`): an environment variable's value (see Preprocessor.environment). */
export function isEnvironmentToken(t: PPToken): boolean {
  return t.kind === 'preproc' && t.text.charCodeAt(1) === 0x21;
}
