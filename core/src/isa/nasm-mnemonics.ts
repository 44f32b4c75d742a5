// The words NASM 2.16 reads as instructions or prefixes, recorded from nasm itself
// (scripts/record-nasm-mnemonics.sh): the table holds the IA-32 integer and system subset of
// them, and the rest must not pass for labels (nasm would assemble `lfence` alone on a line; taken
// for a label it would silently give other bytes).

import RECORDED from './nasm-mnemonics.json';
import { INSTRUCTIONS, PREFIX_MNEMONICS } from './table';

const NASM_WORDS: ReadonlySet<string> = new Set(RECORDED.mnemonics);
const TABLE_WORDS: ReadonlySet<string> = new Set([...INSTRUCTIONS.flatMap((s) => [s.mnemonic, ...(s.aliases ?? [])]), ...PREFIX_MNEMONICS]);

/** Whether nasm reads `word` (any case) as an instruction or prefix. */
export function isNasmMnemonic(word: string): boolean {
  return NASM_WORDS.has(word.toLowerCase());
}

/** Whether `word` is an instruction nasm knows that Ringside's dialect leaves out (SSE, x87, VMX, 64-bit ...). */
export function isOutsideDialect(word: string): boolean {
  const lower = word.toLowerCase();
  return NASM_WORDS.has(lower) && !TABLE_WORDS.has(lower);
}
