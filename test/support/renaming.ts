// Rename as the editor runs it, on a text of its own (test/unit/rename-differential.test.ts,
// scripts/fuzz-nasm.mjs's rename mode): each symbol the text defines renamed in turn.

import { dirname } from 'node:path';
import type { TextEdit } from 'vscode-languageserver-types';
import { AnalysisCache } from '../../server/src/analysis/analysisCache';
import { OverlayFileHost } from '../../server/src/analysis/fileHost';
import { pathToUri } from '../../server/src/analysis/paths';
import { DEFAULT_SETTINGS } from '../../server/src/analysis/settings';
import { rename } from '../../server/src/features/navigation';
import { applyEdits } from '../protocol/analyzeText';

/** One symbol renamed: the new text, or why Rename refused. */
export interface Renaming {
  readonly name: string;
  readonly renamed?: string;
  readonly refused?: string;
}

/**
 * Each symbol `text` (the file at `file`) defines, renamed at its definition to a name used
 * nowhere. A rename that would edit another file is left out (a fixture's %include'd files are
 * shared).
 */
export function renamings(file: string, text: string): Renaming[] {
  const cache = new AnalysisCache(new OverlayFileHost(), DEFAULT_SETTINGS, dirname(file));
  const uri = pathToUri(file);
  cache.update(uri, text);
  const doc = cache.analyze(uri);
  if (doc === undefined) throw new Error(`no analysis of ${file}`);
  const out: Renaming[] = [];
  let n = 0;
  for (const s of doc.result.symbols) {
    if (s.definition.file !== file || s.kind === 'section') continue;
    const fresh = s.shortName.startsWith('.') ? `.renamed_${n++}` : `renamed_${n++}`;
    const edit = rename(doc, { line: s.definition.start.line, character: s.definition.start.col }, fresh);
    if ('error' in edit) { out.push({ name: s.name, refused: edit.error }); continue; }
    const changes = (edit.changes ?? {}) as Record<string, TextEdit[]>;
    if (Object.keys(changes).some((u) => u !== uri)) continue;
    out.push({ name: s.name, renamed: applyEdits(text, changes[uri] ?? []) });
  }
  return out;
}
