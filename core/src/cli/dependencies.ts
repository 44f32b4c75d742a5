// nasm's `-M` dependency output (the -M options of NASM manual §2.1): the files a source reads, as a make
// rule, in nasm 2.16.01's order, quoting and line wrapping (measured; its nasm.c emit_dependencies).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PreprocessResult } from '../asm/preprocessor';
import { LineFlag, type PPToken } from '../asm/source';
import { callAfterLabel } from '../asm/standard-macros';
import { decodeString } from '../asm/strings';
import { searchPlaces } from '../asm/paths';

/** The `-M` options of one command line. */
export interface DependencyRequest {
  /** `-M` or `-MG`: write the dependencies and assemble nothing. */
  only: boolean;
  /** `-MD`: assemble, then write the dependencies (to `-MF`'s file, else OUT.d or FILE.d). */
  alsoAssemble: boolean;
  /** `-MG`: a missing file is one to be generated; nasm then searches no `-I` directory. */
  missingOk: boolean;
  /** `-MP`: a rule with no prerequisites for each file, so make goes on when one is deleted. */
  phony: boolean;
  /** `-MW`: quoted for Watcom make. */
  watcom: boolean;
  /** `-MF FILE` or `-MD FILE`; `-` is standard output. */
  file?: string;
  /** `-MT TARGET` as written, or `-MQ TARGET` (quoted for make when the rule is written). */
  target?: { readonly name: string; readonly quoted: boolean };
}

/**
 * A name as POSIX make reads it (nasm's quote_for_pmake): a blank gets a backslash (and the
 * backslashes before it are doubled), `$` is `$$`, `#` is `\#`, and trailing backslashes are doubled.
 */
export function quoteForMake(name: string): string {
  let out = '';
  let backslashes = 0;
  for (const c of name) {
    if (c === ' ' || c === '\t') out += '\\'.repeat(backslashes + 1) + c;
    else if (c === '$') out += '$$';
    else if (c === '#') out += '\\#';
    else out += c;
    backslashes = c === '\\' ? backslashes + 1 : 0;
  }
  return out + '\\'.repeat(backslashes);
}

/** A name as Watcom make reads it (nasm's quote_for_wmake): `$`/`#` escaped with `$`, in double quotes when it has blanks, `&` or `"`. */
export function quoteForWatcomMake(name: string): string {
  const body = name.replace(/[$#]/g, '$$$&').replace(/"/g, '""');
  return /[ \t&"]/.test(name) ? `"${body}"` : body;
}

/**
 * The rule nasm writes: `TARGET :` and the files, a line broken (with a backslash, two blanks
 * leading the next) before a name that would take it past column 62, then a blank line; with
 * `-MP`, `FILE :` and a blank line for each file.
 */
export function renderDependencies(target: string, files: readonly string[], request: DependencyRequest): string {
  const quote = request.watcom ? quoteForWatcomMake : quoteForMake;
  let text = `${target} :`;
  let column = Buffer.byteLength(text);
  for (const file of files) {
    const name = quote(file);
    const length = Buffer.byteLength(name);
    if (column + length > 62 && column > 1) {
      text += request.watcom ? ' &\n ' : ' \\\n ';
      column = 1;
    }
    text += ` ${name}`;
    column += length + 1;
  }
  text += '\n\n';
  if (request.phony) for (const file of files) text += `${quote(file)} :\n${request.watcom ? '\t%null\n' : ''}\n`;
  return text;
}

/** Where the CLI finds files and how nasm names them (see reported-places.ts nasmIncludeName). */
export interface DependencyNames {
  readonly mainFile: string;
  /** The main file as its command line wrote it. */
  readonly mainName: string;
  /** nasm's working directory, searched first (see searchPlaces). */
  readonly workingDirectory: string;
  /** The directories searched after it, in order. */
  readonly searchPaths: readonly string[];
  readonly nameOf: (file: string, written: string) => string;
}

/**
 * The files of a preprocessed source, in the order nasm 2.16.01 lists them, each once: the main
 * file, then each `%include` (as found, or as written when missing), `%depend` and `incbin` in the
 * order met. In nasm `incbin` is a standard macro that `%depend`s on its file (as `%pathsearch`
 * finds it), so only a line that starts with it (after a label) counts: `times 2 incbin "x"` does
 * not; nor its call with no file name (two errors of that macro's, which preprocessOnly reports).
 */
export function dependencyFiles(pp: PreprocessResult, names: DependencyNames): string[] {
  const files = new Set<string>([names.mainName]);
  const lines = pp.lines;
  let line = 0;
  const incbinsUpTo = (end: number): void => {
    for (; line < end; line++) {
      if ((lines.flags[line] & LineFlag.ListOnly) !== 0) continue;
      const call = incbinCall(lines.tokensOf(line));
      if (call === undefined) continue;
      if (call.name === undefined) continue;
      const file = found(call.name, names);
      files.add(file === undefined ? call.name : names.nameOf(file, call.name));
    }
  };
  for (const d of pp.dependencies) {
    incbinsUpTo(d.outputLine);
    files.add(d.resolved !== undefined ? names.nameOf(d.resolved, d.name) : d.name);
  }
  incbinsUpTo(lines.count);
  return [...files];
}

/**
 * A call of the standard macro `incbin` (one argument or more) on a line: its word, and its file
 * decoded, or no name when the first argument is no string. Undefined for any other line (one
 * after `%clear` too).
 */
function incbinCall(toks: readonly PPToken[]): { readonly word: PPToken; readonly name?: string } | undefined {
  if (toks.length < 2) return undefined;
  // (A name written in braces is what they enclose, as for any parameter: measured, `incbin {"f" }` depends on f.)
  const first = (t: readonly PPToken[], at: number): PPToken | undefined => (t[at]?.kind === 'op' && t[at].text === '{' ? t[at + 1] : t[at]);
  const call = callAfterLabel(toks, (t) => (t.kind === 'ident' && t.text.toLowerCase() === 'incbin' ? true : undefined), (t, at) => (at + 1 < t.length && t[at + 1].kind !== 'comment' ? first(t, at + 1) : undefined));
  if (call === undefined) return undefined;
  const bytes = call.args.kind === 'string' ? decodeString(call.args.text) : undefined;
  const word = toks[call.at];
  // (After `%clear` the line calls no macro: nasm's directive lists nothing, measured with -M.)
  if (word.unmacroed === true) return undefined;
  return bytes === undefined ? { word } : { word, name: Buffer.from(bytes).toString('utf8') };
}

/** The file `incbin` reads, searched for as the assembler searches (the working directory first). */
function found(name: string, names: DependencyNames): string | undefined {
  return searchPlaces(path.resolve(names.mainFile), names.workingDirectory, names.searchPaths.map((p) => path.resolve(p)), name).find((c) => { try { return fs.statSync(c).isFile(); } catch { return false; } });
}
