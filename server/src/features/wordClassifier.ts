// Which words start an instruction in this document: table mnemonics, prefixes, directives and
// the multi-line macros the last assembly defined (NASM mnemonics and directives are case-insensitive).

import type { AnalyzedDocument } from '../analysis/document';
import { isDirective } from '../syntax/directives';
import { instructionFor, isPrefixMnemonic } from '../syntax/isaIndex';
import type { WordClassifier } from '../syntax/lineShape';

export function wordClassifier(doc: AnalyzedDocument): WordClassifier {
  return {
    isPrefix: (w) => isPrefixMnemonic(w),
    isInstructionOrDirective: (w) => instructionFor(w) !== undefined || isDirective(w) || doc.index.isMacro(w),
    isMacro: (w) => doc.index.isMacro(w),
    isCaseSensitiveMacro: (w) => {
      const kind = doc.index.symbol(w)?.kind;
      return kind === 'macro' || kind === 'define';
    },
  };
}
