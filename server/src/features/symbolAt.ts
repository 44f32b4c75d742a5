// Which symbol the cursor is on: a recorded reference or definition from the last assembly, else
// the identifier under the cursor resolved the way NASM would (`.x` belongs to the label above).

import type { SourceRange, SymbolInfo } from '../../../core/src/asm/api';
import { tokenizeLine, type Token } from '../../../core/src/asm/lexer';
import type { Position } from 'vscode-languageserver-types';
import { rangeContains, type AnalyzedDocument } from '../analysis/document';

/** The token under (or just before) the cursor. */
export function tokenAt(line: string, col: number): Token | undefined {
  const tokens = tokenizeLine(line);
  let before: Token | undefined;
  for (const t of tokens) {
    if (t.start <= col && col < t.end) return t;
    if (t.end === col) before = t;
  }
  return before;
}

/** The non-local label in force at a line of this file (the parent of `.local` labels). */
export function scopeLabelAt(doc: AnalyzedDocument, line: number): SymbolInfo | undefined {
  let best: SymbolInfo | undefined;
  for (const s of doc.result.symbols) {
    if (s.kind !== 'label' || s.definition.file !== doc.path || s.definition.start.line > line) continue;
    if (!best || s.definition.start.line >= best.definition.start.line) best = s;
  }
  return best;
}

export interface SymbolHit {
  readonly symbol: SymbolInfo | undefined;
  /** Full name (`parent.local` for locals). */
  readonly name: string;
  /** Where the name is written under the cursor. */
  readonly range: SourceRange;
}

export function symbolAt(doc: AnalyzedDocument, pos: Position): SymbolHit | undefined {
  const { line, character: col } = pos;
  const r = doc.result;
  const find = (name: string) => r.symbols.find((s) => s.name === name);
  for (const ref of r.references) {
    if (ref.range.file === doc.path && rangeContains(ref.range, line, col)) return { symbol: find(ref.name), name: ref.name, range: ref.range };
  }
  for (const s of r.symbols) {
    if (s.definition.file === doc.path && rangeContains(s.definition, line, col)) return { symbol: s, name: s.name, range: s.definition };
  }
  const text = doc.lines[line];
  if (text === undefined) return undefined;
  const tok = tokenAt(text, col);
  if (!tok || tok.kind !== 'ident') return undefined;
  const range: SourceRange = { file: doc.path, start: { line, col: tok.start }, end: { line, col: tok.end } };
  let name = tok.text;
  if (name.startsWith('.') && !name.startsWith('..')) {
    const parent = scopeLabelAt(doc, line);
    if (parent) name = parent.name + name;
  }
  const symbol = find(name);
  return symbol ? { symbol, name, range } : undefined;
}
