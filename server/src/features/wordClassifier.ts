// Which words start an instruction in this document: table mnemonics, prefixes, directives and
// the multi-line macros the last assembly defined (NASM mnemonics and directives are case-insensitive).

import type { AnalyzedDocument } from '../analysis/document';
import { isDirective } from '../syntax/directives';
import { instructionFor, isPrefixMnemonic } from '../syntax/isaIndex';
import type { WordClassifier } from '../syntax/lineShape';

export function wordClassifier(doc: AnalyzedDocument): WordClassifier {
  let macros: Set<string> | undefined;
  return {
    isPrefix: (w) => isPrefixMnemonic(w),
    isInstructionOrDirective: (w) => {
      if (instructionFor(w) || isDirective(w)) return true;
      if (!macros) macros = new Set(doc.result.symbols.filter((s) => s.kind === 'macro').map((s) => s.name.toLowerCase()));
      return macros.has(w.toLowerCase());
    },
  };
}
