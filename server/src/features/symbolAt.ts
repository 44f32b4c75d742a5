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

/** The token under the cursor; between a word and punctuation (`.x|:`, `eax|,`), the word. */
export function wordAt(tokens: readonly Token[], col: number): Token | undefined {
  let under: Token | undefined;
  let ending: Token | undefined;
  for (const t of tokens) {
    if (t.start <= col && col < t.end) under = t;
    else if (t.end === col) ending = t;
  }
  if (under && ending && under.kind === 'op' && ending.kind !== 'op') return ending;
  return under ?? ending;
}

/** The non-local label in force at a line of this file (the parent of `.local` labels). */
export function scopeLabelAt(doc: AnalyzedDocument, line: number): SymbolInfo | undefined {
  return doc.index.scopeLabelAt(line);
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
  const index = doc.index;
  const find = (name: string) => index.symbol(name);
  // Ranges are single-line (names), so the lines' own lists are the only candidates.
  for (const ref of index.referencesOn(line)) {
    if (rangeContains(ref.range, line, col)) return { symbol: find(ref.name), name: ref.name, range: ref.range };
  }
  for (const s of index.definitionsOn(line)) {
    if (rangeContains(s.definition, line, col)) return { symbol: s, name: s.name, range: s.definition };
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

/**
 * Every symbol a name under the cursor stands for: more than one where a macro body pastes a name
 * together (`HC_%1`), which each call makes another symbol of, in the order first made; else
 * symbolAt's one.
 */
export function symbolsAt(doc: AnalyzedDocument, pos: Position): SymbolHit[] {
  const { line, character: col } = pos;
  const hits = new Map<string, SymbolHit>();
  for (const ref of doc.index.referencesOn(line)) {
    if (!rangeContains(ref.range, line, col) || hits.has(ref.name)) continue;
    const symbol = doc.index.symbol(ref.name);
    if (symbol !== undefined) hits.set(ref.name, { symbol, name: ref.name, range: ref.range });
  }
  if (hits.size > 1) return [...hits.values()];
  const hit = symbolAt(doc, pos);
  return hit?.symbol !== undefined ? [hit] : [];
}
