// codeLenses(doc): above each non-local label, its address and the number of bytes of code and
// data it heads (up to the next non-local label in the file). Informational: no command runs.
// Run/debug lenses belong here once the extension has run and debug commands.

import type { CodeLens } from 'vscode-languageserver-types';
import { toLspRange, type AnalyzedDocument } from '../analysis/document';

export function codeLenses(doc: AnalyzedDocument): CodeLens[] {
  const labels = doc.result.symbols
    .filter((s) => s.kind === 'label' && s.definition.file === doc.path && s.value !== undefined)
    .sort((a, b) => a.definition.start.line - b.definition.start.line);
  if (labels.length === 0) return [];
  // Bytes emitted per source line of this file, in one pass over the statements.
  const bytesByLine = new Map<number, number>();
  for (const st of doc.result.statements) {
    const at = st.macroCall ?? st.range;
    if (at.file !== doc.path || st.size === undefined) continue;
    bytesByLine.set(at.start.line, (bytesByLine.get(at.start.line) ?? 0) + st.size);
  }
  const lines = [...bytesByLine.keys()].sort((a, b) => a - b);
  const out: CodeLens[] = [];
  let li = 0;
  for (let i = 0; i < labels.length; i++) {
    const start = labels[i].definition.start.line;
    const end = i + 1 < labels.length ? labels[i + 1].definition.start.line : Number.MAX_SAFE_INTEGER;
    while (li < lines.length && lines[li] < start) li++;
    let bytes = 0;
    for (let k = li; k < lines.length && lines[k] < end; k++) bytes += bytesByLine.get(lines[k]) as number;
    const addr = `0x${((labels[i].value as number) >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
    out.push({ range: toLspRange(labels[i].definition), command: { title: `${addr} · ${bytes} byte${bytes === 1 ? '' : 's'}`, command: '' } });
  }
  return out;
}
