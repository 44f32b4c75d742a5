// selectionRange (expand selection): from the token under the cursor (a string's text first) out
// through what an assembly line is made of — a bracketed address and its contents, the operand
// (`dword [x]`), all operands, the instruction, the instruction with its label, the line — then the
// blocks around it (%macro, %rep, %if branch and the whole %if, struc, a label's lines, a section)
// and the whole file. From the text alone, so it works while the file does not assemble. LSP 3.17
// requires each parent to contain its child: candidates that do not nest (a label block crossing
// an %if) are left out.

import type { Position, Range, SelectionRange } from 'vscode-languageserver-types';
import type { AnalyzedDocument } from '../analysis/document';
import { scanBlocks, type Block } from '../syntax/blocks';
import { shapeLine, type WordClassifier } from '../syntax/lineShape';
import { wordAt } from './symbolAt';
import { wordClassifier } from './wordClassifier';

const before = (a: Position, b: Position): boolean => a.line < b.line || (a.line === b.line && a.character < b.character);
const contains = (outer: Range, inner: Range): boolean => !before(inner.start, outer.start) && !before(outer.end, inner.end);
const same = (a: Range, b: Range): boolean => !before(a.start, b.start) && !before(b.start, a.start) && !before(a.end, b.end) && !before(b.end, a.end);

export function selectionRanges(doc: AnalyzedDocument, positions: readonly Position[]): SelectionRange[] {
  const lines = doc.lines;
  const words = wordClassifier(doc);
  let blocks: readonly Block[] | undefined;
  return positions.map((p) => {
    // Past the end of a line is its end (LSP 3.17 Position); past the last line, the end of the file.
    const line = Math.min(p.line, lines.length - 1);
    const character = p.line > line ? lines[line].length : Math.min(p.character, lines[line].length);
    blocks ??= scanBlocks(lines, words);
    return chain(lineRanges(lines[line], line, character, words), blocks, lines, { line, character });
  });
}

/** Candidate ranges on the cursor's line, not yet ordered. */
function lineRanges(text: string, line: number, col: number, words: WordClassifier): Range[] {
  const span = (start: number, end: number): Range => ({ start: { line, character: start }, end: { line, character: end } });
  const out: Range[] = [];
  const shape = shapeLine(text, words);
  const token = wordAt(shape.tokens, col);
  if (token) out.push(span(token.start, token.end));
  // A string's text inside its quotes (a file name, a message) before the string.
  if (token?.kind === 'string' && token.end - token.start > 2 && col > token.start && col < token.end) out.push(span(token.start + 1, token.end - 1));
  const code = shape.comment ? shape.tokens.slice(0, -1) : shape.tokens;
  // Bracketed and parenthesised groups: their contents, then the group with its brackets.
  const opens: number[] = [];
  for (let i = 0; i < code.length; i++) {
    const ch = text[code[i].start];
    if (code[i].kind !== 'op') continue;
    if (ch === '[' || ch === '(') opens.push(i);
    else if ((ch === ']' || ch === ')') && opens.length > 0) {
      const o = opens.pop()!;
      if (i > o + 1) out.push(span(code[o + 1].start, code[i - 1].end));
      out.push(span(code[o].start, code[i].end));
    }
  }
  const last = code[code.length - 1];
  if (shape.preproc) {
    // `%define NAME body`, `%macro name 2`: the arguments, then the directive with them.
    if (code.length > 1) out.push(span(code[1].start, last.end));
    out.push(span(shape.preproc.start, last.end));
  } else {
    for (const o of shape.operands) if (o.end > o.start) out.push(span(o.start, o.end));
    const ops = shape.operands.filter((o) => o.end > o.start);
    if (ops.length > 0) out.push(span(ops[0].start, ops[ops.length - 1].end));
    const end = ops.length > 0 ? ops[ops.length - 1].end : shape.mnemonic?.end;
    const first = shape.prefixes[0] ?? shape.mnemonic;
    if (first && end !== undefined) out.push(span(first.start, end));
    if (shape.label) out.push(span(shape.label.start, Math.max(end ?? 0, shape.label.colon !== undefined ? shape.label.colon + 1 : shape.label.end)));
    // Everything but the comment (a `[bits 32]` line, a line the shape does not recognise).
    if (last) out.push(span(code[0].start, last.end));
  }
  out.push(span(0, text.length));
  return out;
}

/** The candidates and the blocks around the line, smallest first, each kept only if it contains the one before. */
function chain(onLine: Range[], blocks: readonly Block[], lines: readonly string[], pos: Position): SelectionRange {
  const lineLen = (l: number) => lines[l].length;
  const candidates = [...onLine];
  for (const b of blocks) {
    if (b.startLine <= pos.line && pos.line <= b.endLine) candidates.push({ start: { line: b.startLine, character: 0 }, end: { line: b.endLine, character: lineLen(b.endLine) } });
  }
  const lastLine = lines.length - 1;
  candidates.push({ start: { line: 0, character: 0 }, end: { line: lastLine, character: lineLen(lastLine) } });
  const here: Range = { start: pos, end: pos };
  // Smaller first: a range containing another spans as many lines or more and, over the same
  // lines, as many columns or more.
  const lineSpan = (r: Range) => r.end.line - r.start.line;
  const colSpan = (r: Range) => r.end.character - r.start.character;
  const sorted = candidates.filter((r) => contains(r, here)).sort((a, b) => lineSpan(a) - lineSpan(b) || colSpan(a) - colSpan(b));
  const kept: Range[] = [];
  for (const r of sorted) {
    const prev = kept[kept.length - 1];
    if (prev === undefined || (contains(r, prev) && !same(r, prev))) kept.push(r);
  }
  let result: SelectionRange | undefined;
  for (let i = kept.length - 1; i >= 0; i--) result = result ? { range: kept[i], parent: result } : { range: kept[i] };
  return result!;
}
