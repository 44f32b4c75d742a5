// The assembler's view of the instruction table: which words are mnemonics or prefixes, and the
// encoder entry point. The one place that adapts to core/src/isa (STYLE.md §3).

import { encode, formReachesOperand, OBSOLETE_REMOVED, wideRegisterProblem } from '../isa/encoder';
import { MNEMONICS, PREFIX_MNEMONICS } from '../isa/table';

/** Instruction mnemonics the table knows, lower case. */
export const MNEMONIC_WORDS: ReadonlySet<string> = new Set<string>(MNEMONICS);

/** Instruction prefixes written as words: `rep`, `lock`, `o16`, `es`, ... */
export const PREFIX_WORDS: ReadonlySet<string> = new Set<string>(PREFIX_MNEMONICS);

export { encode, formReachesOperand, OBSOLETE_REMOVED, wideRegisterProblem };
