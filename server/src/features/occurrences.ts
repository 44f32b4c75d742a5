// Where a symbol is written, from the last assembly's symbols and references: the one resolution
// that definition, references, rename and document highlights share, so they always agree.

import type { SourceRange } from '../../../core/src/asm/api';
import type { Position } from 'vscode-languageserver-types';
import type { AnalyzedDocument } from '../analysis/document';
import { symbolAt, type SymbolHit } from './symbolAt';

/**
 * `definition`: where the name is defined (a label, `equ`, `%macro`, `%define`, a `struc` field);
 * `use`: where it is written whole; `piece`: part of a name a macro pastes (`%+`, `%1_end`).
 */
export type OccurrenceRole = 'definition' | 'use' | 'piece';

export interface Occurrence {
  readonly range: SourceRange;
  readonly role: OccurrenceRole;
}

export const rangeKey = (r: SourceRange): string => `${r.file}:${r.start.line}:${r.start.col}`;

/** Where the symbol of full name `name` is written, in every file of the assembly, each place once. */
export function occurrences(doc: AnalyzedDocument, name: string, includeDeclaration: boolean): Occurrence[] {
  const out: Occurrence[] = [];
  const seen = new Set<string>();
  const add = (range: SourceRange, role: OccurrenceRole) => {
    const key = rangeKey(range);
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ range, role });
  };
  if (includeDeclaration) for (const s of doc.result.symbols) if (s.name === name) add(s.definition, 'definition');
  for (const r of doc.result.references) {
    if (r.name !== name) continue;
    if (r.pieces) for (const p of r.pieces) add(p, 'piece');
    else add(r.range, 'use');
  }
  return out;
}

/** The symbol under the cursor and where it is written (definitions first). */
export function occurrencesAt(doc: AnalyzedDocument, pos: Position, includeDeclaration: boolean): { hit: SymbolHit; occurrences: Occurrence[] } | undefined {
  const hit = symbolAt(doc, pos);
  return hit ? { hit, occurrences: occurrences(doc, hit.name, includeDeclaration) } : undefined;
}
