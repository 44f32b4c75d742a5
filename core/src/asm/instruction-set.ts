// The assembler's view of the instruction table: which words are mnemonics or prefixes, and the
// encoder entry point. The one place that adapts to core/src/isa (STYLE.md §3).

import { encode } from '../isa/encoder';
import { MNEMONICS, PREFIX_MNEMONICS } from '../isa/table';

const mnemonicSet: ReadonlySet<string> = new Set<string>(MNEMONICS);
const prefixSet: ReadonlySet<string> = new Set<string>(PREFIX_MNEMONICS);

/** True when `lower` (a lower-case word) is an instruction mnemonic the table knows. */
export function isMnemonic(lower: string): boolean {
  return mnemonicSet.has(lower);
}

/** True for instruction prefixes written as words: `rep`, `lock`, `o16`, `es`, ... */
export function isPrefixWord(lower: string): boolean {
  return prefixSet.has(lower);
}

export { encode };
