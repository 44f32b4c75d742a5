// Where the command line's messages say they are: the place nasm names (a `%line` renumbering),
// else the file relative to the working directory, as nasm names the files it was given.

import * as path from 'node:path';
import type { Diagnostic, SourceRange } from '../asm/api';
import type { ReportedLines } from '../asm/reported-lines';

/**
 * `d` with its places as nasm reports them, for the messages: a line a `%line` renumbered by the
 * name (as written) and number it gave (reported-lines.ts), any other by its file relative to
 * `cwd`. The result's own ranges stay on the real lines, for the editor and the debugger.
 */
export function asReported(d: Diagnostic, reported: ReportedLines, cwd: string): Diagnostic {
  const relative = (f: string): string => (path.isAbsolute(f) && f.startsWith(cwd + path.sep) ? path.relative(cwd, f) : f);
  const place = (r: SourceRange): SourceRange => {
    const p = reported.empty ? undefined : reported.at(r.file, r.start.line);
    if (p === undefined) return { ...r, file: relative(r.file) };
    // (The column is the line's own: a renumbered line is the same text.)
    return { file: p.file ?? relative(r.file), start: { line: p.line, col: r.start.col }, end: { line: p.line + r.end.line - r.start.line, col: r.end.col } };
  };
  return {
    ...d, range: place(d.range),
    ...(d.expansion ? { expansion: d.expansion.map(place) } : {}),
    ...(d.related ? { related: d.related.map((r) => ({ ...r, range: place(r.range) })) } : {}),
  };
}
