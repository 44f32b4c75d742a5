// documentHighlight: the places in this document where the symbol under the cursor is written —
// labels (`.x` resolved under its parent), equ constants, macros, %define names, struc fields —
// from the same resolution as definition and references (occurrences.ts), so the three agree.
// Registers, mnemonics and numbers are not symbols and get no highlights, as in definition and
// references (and as rust-analyzer does for keywords): every `eax` of a file is no more one thing
// than every `mov` is.

import { DocumentHighlightKind, type DocumentHighlight, type Position } from 'vscode-languageserver-types';
import { toLspRange, type AnalyzedDocument } from '../analysis/document';
import { occurrencesAt, type OccurrenceRole } from './occurrences';

/** LSP 3.17: Write for where the symbol is defined, Read for its uses, Text for a piece a macro pastes into it. */
const KIND: Record<OccurrenceRole, DocumentHighlightKind> = {
  definition: DocumentHighlightKind.Write,
  use: DocumentHighlightKind.Read,
  piece: DocumentHighlightKind.Text,
};

export function documentHighlights(doc: AnalyzedDocument, pos: Position): DocumentHighlight[] {
  const found = occurrencesAt(doc, pos, true);
  if (!found) return [];
  return found.occurrences
    .filter((o) => o.range.file === doc.path)
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.col - b.range.start.col)
    .map((o) => ({ range: toLspRange(o.range), kind: KIND[o.role] }));
}
