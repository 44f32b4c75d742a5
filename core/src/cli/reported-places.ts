// Where the command line's messages say they are: the place nasm names (a `%line` renumbering),
// else the file by the name nasm gives it: the main file as the command line wrote it, an included
// one as its `%include` found it.

import * as path from 'node:path';
import type { Diagnostic, SourceRange } from '../asm/api';
import type { ReportedLines } from '../asm/reported-lines';

/**
 * `d` with its places as nasm reports them, for the messages: a line a `%line` renumbered by the
 * name (as written) and number it gave (reported-lines.ts), any other by its file's name as
 * `nameOf` gives it (measured with nasm 2.16.01: `nasm ../src/a.asm` says `../src/a.asm:3:`, a file
 * found under `-I ../inc/` is `../inc/x.inc`). The result's own ranges stay on the real lines, for
 * the editor and the debugger.
 */
export function asReported(d: Diagnostic, reported: ReportedLines, nameOf: (file: string) => string): Diagnostic {
  const place = (r: SourceRange): SourceRange => {
    const p = reported.empty ? undefined : reported.at(r.file, r.start.line);
    if (p === undefined) return { ...r, file: nameOf(r.file) };
    // (The column is the line's own: a renumbered line is the same text.)
    return { file: p.file ?? nameOf(r.file), start: { line: p.line, col: r.start.col }, end: { line: p.line + r.end.line - r.start.line, col: r.end.col } };
  };
  return {
    ...d, range: place(d.range),
    ...(d.expansion ? { expansion: d.expansion.map(place) } : {}),
    ...(d.related ? { related: d.related.map((r) => ({ ...r, range: place(r.range) })) } : {}),
  };
}

/**
 * The names nasm gives the files of a run (`__FILE__`, `-E`'s `%line`s, the messages): the main
 * file (`file`, resolved) as the command line wrote it (`written`), an included one as
 * nasmIncludeName has it for the -I directories `includes` (as written).
 */
export function nasmFileNames(file: string, written: string, includes: readonly string[], cwd: string): (f: string, written: string | undefined) => string {
  return (f, name) => (f === file ? written : nasmIncludeName(f, name, includes, cwd));
}

/** `names` for the files of a run, each included one by the first `%include` name that found it (`includes`). */
export function includedFiles(names: (f: string, written: string | undefined) => string, includes: readonly { readonly target: string; readonly resolved?: string }[]): (f: string) => string {
  const written = new Map<string, string>();
  for (const inc of includes) if (inc.resolved !== undefined && !written.has(inc.resolved)) written.set(inc.resolved, inc.target);
  const known = new Map<string, string>();
  return (f) => {
    let name = known.get(f);
    if (name === undefined) known.set(f, (name = names(f, written.get(f))));
    return name;
  };
}

/**
 * The name nasm 2.16 gives an included file: the name as written when it is found from the
 * working directory, else the first `-I` directory it is found under joined before it. (Ringside
 * also looks in the including file's directory, which nasm does not: such a file is named
 * relative to the working directory.)
 */
export function nasmIncludeName(file: string, written: string | undefined, includes: readonly string[], cwd: string): string {
  if (written !== undefined) {
    if (path.resolve(cwd, written) === file) return written;
    for (const dir of includes) {
      // (nasm_catfile: a `/` between unless DIR ends in one; measured, -Isrc names src/lib/y.inc.)
      const name = dir === '' || dir.endsWith('/') ? dir + written : `${dir}/${written}`;
      if (path.resolve(cwd, name) === file) return name;
    }
  }
  return path.isAbsolute(file) && file.startsWith(cwd + path.sep) ? path.relative(cwd, file) : file;
}
