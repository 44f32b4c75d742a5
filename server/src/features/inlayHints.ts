// inlayHints(doc, range): the address each label was assembled at, after its definition; one hint
// a line, the labels a `%rep` line defines (one a repetition) as their first and last addresses.

import type { SymbolInfo } from '../../../core/src/asm/api';
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver-types';
import type { AnalyzedDocument } from '../analysis/document';

function hex(v: number): string {
  return `0x${(v >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

export function inlayHints(doc: AnalyzedDocument, range: Range): InlayHint[] {
  if (!doc.settings.inlayHintAddresses) return [];
  const byLine = new Map<number, SymbolInfo[]>();
  for (const s of doc.result.symbols) {
    if ((s.kind !== 'label' && s.kind !== 'local-label') || s.value === undefined || s.definition.file !== doc.path) continue;
    // A label defined by a macro's body line has one address per call, none for the line.
    if (doc.index.definedByExpansion(s.name)) continue;
    const line = s.definition.end.line;
    if (line < range.start.line || line > range.end.line) continue;
    const list = byLine.get(line);
    if (list === undefined) byLine.set(line, [s]); else list.push(s);
  }
  const out: InlayHint[] = [];
  for (const [line, list] of byLine) {
    const s = list[0];
    const text = doc.lines[line] ?? '';
    // After the colon when there is one, so the hint does not split `label:`.
    const col = text[s.definition.end.col] === ':' ? s.definition.end.col + 1 : s.definition.end.col;
    const values = list.map((l) => l.value as number);
    const first = Math.min(...values);
    const last = Math.max(...values);
    out.push({
      position: { line, character: col },
      label: list.length === 1 ? `@${hex(first)}` : `@${hex(first)}–${hex(last)} (${list.length} labels)`,
      kind: InlayHintKind.Type,
      paddingLeft: true,
      tooltip: list.length === 1 ? `Address of ${s.name} in the last assembly` : `Addresses of the ${list.length} labels this line defines (${list[0].name} … ${list[list.length - 1].name}) in the last assembly`,
    });
  }
  return out;
}
