// foldingRanges(doc): %macro, %if…%endif branches, %rep, struc/istruc blocks, sections, runs of
// comment lines, `; region` markers and label blocks (syntax/blocks.ts), from the text alone so folding works while the
// file does not assemble.

import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver-types';
import type { AnalyzedDocument } from '../analysis/document';
import { scanBlocks } from '../syntax/blocks';
import { wordClassifier } from './wordClassifier';

export function foldingRanges(doc: AnalyzedDocument): FoldingRange[] {
  const out: FoldingRange[] = [];
  for (const b of scanBlocks(doc.lines, wordClassifier(doc))) {
    // An %if folds branch by branch (its first branch starts on the same line as the whole).
    if (b.kind === 'if') continue;
    const kind = b.kind === 'comment' ? FoldingRangeKind.Comment : b.kind === 'region' ? FoldingRangeKind.Region : undefined;
    out.push(kind ? { startLine: b.startLine, endLine: b.endLine, kind } : { startLine: b.startLine, endLine: b.endLine });
  }
  return out;
}
