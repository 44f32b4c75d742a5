// documentHighlight: where the symbol under the cursor is written in this document, from the same
// resolution as definition and references (occurrences.ts), so the three agree.

import { tokenizeLine } from '../../../core/src/asm/lexer';
import { DocumentHighlightKind, type DocumentHighlight, type Position } from 'vscode-languageserver-types';
import { toLspRange, type AnalyzedDocument } from '../analysis/document';
import { registerFor } from '../syntax/isaIndex';
import { occurrencesAt, type OccurrenceRole } from './occurrences';
import { wordAt } from './symbolAt';

/** LSP 3.17: Write for where the symbol is defined, Read for its uses, Text for a piece a macro pastes into it. */
const KIND: Record<OccurrenceRole, DocumentHighlightKind> = {
  definition: DocumentHighlightKind.Write,
  use: DocumentHighlightKind.Read,
  piece: DocumentHighlightKind.Text,
};

/**
 * Symbols: labels (`.x` under its own parent), equ constants, macros, %define names and struc
 * fields. Registers too: once a language has a highlight provider VS Code stops highlighting the
 * word under the cursor itself, and in assembly the registers are what a reader tracks through a
 * routine the way a Rust reader tracks a variable (rust-analyzer highlights only symbols, but in
 * Rust the variables are symbols). Mnemonics, numbers and directives get none: every `mov` of a
 * file is noise, not one thing.
 */
export function documentHighlights(doc: AnalyzedDocument, pos: Position): DocumentHighlight[] {
  const found = occurrencesAt(doc, pos, true);
  if (!found) return registerHighlights(doc, pos);
  return found.occurrences
    .filter((o) => o.range.file === doc.path)
    .sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.col - b.range.start.col)
    .map((o) => ({ range: toLspRange(o.range), kind: KIND[o.role] }));
}

/**
 * The register under the cursor, written in any case, wherever this document names it outside
 * comments and strings: Text, for no symbol is read or written there. Only that register: `al`
 * is a part of `eax`, not the same operand.
 */
function registerHighlights(doc: AnalyzedDocument, pos: Position): DocumentHighlight[] {
  const text = doc.lines[pos.line];
  if (text === undefined) return [];
  const tok = wordAt(tokenizeLine(text), pos.character);
  const reg = tok?.kind === 'ident' ? registerFor(tok.text) : undefined;
  if (!reg) return [];
  const out: DocumentHighlight[] = [];
  const lines = doc.lines;
  for (let line = 0; line < lines.length; line++) {
    if (!lines[line].toLowerCase().includes(reg.name)) continue;
    for (const t of tokenizeLine(lines[line])) {
      if (t.kind === 'ident' && t.text.length === reg.name.length && registerFor(t.text) === reg) {
        out.push({ range: { start: { line, character: t.start }, end: { line, character: t.end } }, kind: DocumentHighlightKind.Text });
      }
    }
  }
  return out;
}
