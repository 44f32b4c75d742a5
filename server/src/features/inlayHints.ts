// inlayHints(doc, range): the address each label was assembled at, after its definition.

import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver-types';
import type { AnalyzedDocument } from '../analysis/document';

export function inlayHints(doc: AnalyzedDocument, range: Range): InlayHint[] {
  if (!doc.settings.inlayHintAddresses) return [];
  const out: InlayHint[] = [];
  for (const s of doc.result.symbols) {
    if ((s.kind !== 'label' && s.kind !== 'local-label') || s.value === undefined || s.definition.file !== doc.path) continue;
    // A label defined by a macro's body line has one address per call, none for the line.
    if (doc.index.definedByExpansion(s.name)) continue;
    const line = s.definition.end.line;
    if (line < range.start.line || line > range.end.line) continue;
    const text = doc.lines[line] ?? '';
    // After the colon when there is one, so the hint does not split `label:`.
    const col = text[s.definition.end.col] === ':' ? s.definition.end.col + 1 : s.definition.end.col;
    out.push({
      position: { line, character: col },
      label: `@0x${(s.value >>> 0).toString(16).toUpperCase().padStart(8, '0')}`,
      kind: InlayHintKind.Type,
      paddingLeft: true,
      tooltip: `Address of ${s.name} in the last assembly`,
    });
  }
  return out;
}
