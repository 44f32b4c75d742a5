// workspace/willRenameFiles (LSP 3.16): when a file or folder that an open assembly reads through
// `%include` or `incbin` is renamed or moved, the names written there are rewritten to find it at
// its new place, as rust-analyzer rewrites `mod` paths. A name keeps the directory it was found
// from (the main file's directory, nasm's working directory, or the -I directory that found it)
// and its style of separators; an absolute name stays absolute.

import { isAbsolute, joinPath, normalize } from '../../../core/src/asm/paths';
import type { TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import type { AnalyzedDocument } from '../analysis/document';
import { uriToPath } from '../analysis/paths';
import { documentLinks } from './documentLinks';

export interface FileRename {
  readonly oldPath: string;
  readonly newPath: string;
}

/**
 * The edits for `renames` in the files of the programs given: for each, the analysis of each file
 * its assembly read (AnalysisCache.programsReadingPlaces). Null when nothing names them.
 */
export function fileRenameEdits(programs: readonly (readonly AnalyzedDocument[])[], renames: readonly FileRename[]): WorkspaceEdit | null {
  const moves = renames.map((r) => ({ from: normalize(r.oldPath), to: normalize(r.newPath) }));
  const changes: Record<string, TextEdit[]> = {};
  const seen = new Set<string>();
  let any = false;
  for (const files of programs) {
    for (const doc of files) {
      for (const link of documentLinks(doc)) {
        const line = link.range.start.line;
        const key = `${doc.uri}#${line}:${link.range.start.character}`;
        if (seen.has(key) || link.target === undefined) continue;
        const written = doc.lines[line].slice(link.range.start.character, link.range.end.character);
        const found = normalize(uriToPath(link.target));
        const moved = movedTo(found, moves);
        if (moved === undefined) continue;
        const name = rewritten(doc, written, found, moved);
        if (name === undefined || name === written) continue;
        seen.add(key);
        (changes[doc.uri] ??= []).push({ range: link.range, newText: name });
        any = true;
      }
    }
  }
  return any ? { changes } : null;
}

/** The directories a %include or incbin name is looked up from, in order. */
function bases(doc: AnalyzedDocument): string[] {
  return [doc.home, ...doc.includePaths];
}

/** The new place of `path` under the moves (a file moved itself, or inside a moved folder). */
function movedTo(path: string, moves: readonly { from: string; to: string }[]): string | undefined {
  for (const m of moves) {
    if (path === m.from) return m.to;
    if (path.startsWith(`${m.from}/`)) return m.to + path.slice(m.from.length);
  }
  return undefined;
}

/**
 * The name to write for `moved`: from the directory the old name was found from, unless it must
 * climb out of it (`..`) and an earlier directory of the search reaches it without climbing (a
 * file moved out of an -I directory next to the main file is named from there).
 */
function rewritten(doc: AnalyzedDocument, written: string, found: string, moved: string): string | undefined {
  const backslashes = written.includes('\\') && !written.includes('/');
  const style = (name: string) => (backslashes ? name.replace(/\//g, '\\') : name);
  if (isAbsolute(written)) return style(moved);
  const dirs = bases(doc).map(normalize);
  const from = dirs.findIndex((b) => normalize(joinPath(b, written)) === found);
  if (from < 0) return undefined;
  const own = relativePath(dirs[from], moved);
  if (!own.startsWith('..')) return style(own);
  for (let k = 0; k < dirs.length; k++) {
    const name = relativePath(dirs[k], moved);
    if (name.startsWith('..')) continue;
    // Not if a directory searched before this one holds another file of that name.
    const shadowed = dirs.slice(0, k).some((b) => { const p = normalize(joinPath(b, name)); return p !== found && doc.isReadable(p); });
    if (!shadowed) return style(name);
  }
  return style(own);
}

/** `to` relative to directory `from` (both normalized, `/`-separated), `..` where it climbs. */
function relativePath(from: string, to: string): string {
  const a = from.split('/').filter((s) => s !== ''), b = to.split('/').filter((s) => s !== '');
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => '..'), ...b.slice(common)].join('/');
}
