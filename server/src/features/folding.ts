// foldingRanges(doc): %macro, %if…%endif, %rep, struc/istruc blocks, sections, runs of comment
// lines and label blocks (a non-local label to the line before the next one), from the text alone
// so folding works while the file does not assemble.

import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver-types';
import type { AnalyzedDocument } from '../analysis/document';
import { shapeLine } from '../syntax/lineShape';
import { wordClassifier } from './wordClassifier';

const OPENERS: Record<string, string> = { '%macro': '%endmacro', '%imacro': '%endmacro', '%rep': '%endrep' };
const MAX_DEPTH = 256;

export function foldingRanges(doc: AnalyzedDocument): FoldingRange[] {
  const out: FoldingRange[] = [];
  const words = wordClassifier(doc);
  const stack: { close: string; line: number }[] = [];
  let section: number | undefined;
  let label: number | undefined;
  let commentRun: number | undefined;
  let lastCode = -1;
  const closeBlock = (start: number | undefined, end: number) => {
    if (start !== undefined && end > start) out.push({ startLine: start, endLine: end });
  };
  const n = doc.lines.length;
  for (let line = 0; line < n; line++) {
    const text = doc.lines[line];
    const trimmed = text.trimStart();
    const isComment = trimmed.startsWith(';');
    if (isComment) {
      if (commentRun === undefined) commentRun = line;
    } else {
      if (commentRun !== undefined && line - 1 > commentRun) out.push({ startLine: commentRun, endLine: line - 1, kind: FoldingRangeKind.Comment });
      commentRun = undefined;
    }
    if (isComment || trimmed.length === 0) continue;
    const shape = shapeLine(text, words);
    if (shape.preproc) {
      const name = shape.preproc.name;
      if (OPENERS[name]) {
        if (stack.length < MAX_DEPTH) stack.push({ close: OPENERS[name], line });
      } else if (name.startsWith('%if')) {
        if (stack.length < MAX_DEPTH) stack.push({ close: '%endif', line });
      } else if (name === '%elif' || name === '%else' || name.startsWith('%elif')) {
        const top = stack[stack.length - 1];
        if (top?.close === '%endif') {
          closeBlock(top.line, line - 1);
          top.line = line;
        }
      } else if (name === '%endmacro' || name === '%endrep' || name === '%endif') {
        const i = stack.map((s) => s.close).lastIndexOf(name);
        if (i >= 0) {
          closeBlock(stack[i].line, line);
          stack.length = i;
        }
      }
    } else {
      const word = (shape.mnemonic?.name ?? '').toLowerCase();
      if (word === 'struc' || word === 'istruc') {
        if (stack.length < MAX_DEPTH) stack.push({ close: word === 'struc' ? 'endstruc' : 'iend', line });
      } else if (word === 'endstruc' || word === 'iend') {
        const i = stack.map((s) => s.close).lastIndexOf(word);
        if (i >= 0) {
          closeBlock(stack[i].line, line);
          stack.length = i;
        }
      } else if (word === 'section' || word === 'segment') {
        closeBlock(label, lastCode);
        label = undefined;
        closeBlock(section, lastCode);
        section = line;
      }
      if (shape.label && !shape.label.name.startsWith('.') && !shape.label.name.startsWith('%') && word !== 'equ') {
        closeBlock(label, lastCode);
        label = line;
      }
    }
    lastCode = line;
  }
  if (commentRun !== undefined && n - 1 > commentRun) out.push({ startLine: commentRun, endLine: n - 1, kind: FoldingRangeKind.Comment });
  closeBlock(label, lastCode);
  closeBlock(section, lastCode);
  return out;
}
