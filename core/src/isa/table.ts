// The one declarative instruction table (STYLE.md §3): every mnemonic of the dialect with its
// forms in NASM's preference order, flags, privilege class and virtualization behaviour.

import type { InstructionSpec } from './types';
import { ARITHMETIC } from './table/arith';
import { BITS } from './table/bits';
import { CONTROL } from './table/control';
import { DATA } from './table/data';
import { FLAGS } from './table/flags';
import { IO } from './table/io';
import { SEGMENT } from './table/segment';
import { STRING } from './table/string';
import { SYSTEM } from './table/system';

export const INSTRUCTIONS: readonly InstructionSpec[] = [
  ...DATA, ...ARITHMETIC, ...BITS, ...CONTROL, ...STRING, ...FLAGS, ...IO, ...SEGMENT, ...SYSTEM,
];

const BY_NAME: ReadonlyMap<string, InstructionSpec> = (() => {
  const map = new Map<string, InstructionSpec>();
  for (const spec of INSTRUCTIONS) {
    map.set(spec.mnemonic, spec);
    for (const alias of spec.aliases ?? []) map.set(alias, spec);
  }
  return map;
})();

/** Every name the assembler accepts as an instruction: mnemonics and their aliases. */
export const MNEMONICS: readonly string[] = [...BY_NAME.keys()];

/** Prefixes NASM accepts written before an instruction (`rep movsb`, `lock add`, `es lodsb`, `o16 ret`). */
export const PREFIX_MNEMONICS: readonly string[] = [
  'lock', 'rep', 'repe', 'repz', 'repne', 'repnz',
  'es', 'cs', 'ss', 'ds', 'fs', 'gs',
  'o16', 'o32', 'a16', 'a32',
];

/** The instruction called `mnemonic` (any case; aliases resolve to their instruction), or undefined. */
export function findInstruction(mnemonic: string): InstructionSpec | undefined {
  return BY_NAME.get(mnemonic) ?? BY_NAME.get(mnemonic.toLowerCase());
}
