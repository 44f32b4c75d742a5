// EFLAGS bits (Intel SDM Vol. 1 §3.4.3, Vol. 3A §2.3) and the parity table the lazy flag
// evaluation uses for PF.

import { wordTable } from '../../word-table';

export const CF = 0x0001;
/** Bit 1 always reads as 1. */
export const EFLAGS_FIXED = 0x0002;
export const PF = 0x0004;
export const AF = 0x0010;
export const ZF = 0x0040;
export const SF = 0x0080;
export const TF = 0x0100;
export const IF = 0x0200;
export const DF = 0x0400;
export const OF = 0x0800;
export const IOPL = 0x3000;
export const IOPL_SHIFT = 12;
export const NT = 0x4000;
export const RF = 0x1_0000;
export const VM = 0x2_0000;
export const AC = 0x4_0000;
export const ID = 0x20_0000;

/** The six status flags arithmetic instructions compute. */
export const ARITH_FLAGS = CF | PF | AF | ZF | SF | OF;
/** Bits software can ever change on this CPU (no VIF/VIP: no VME; ID toggles to show CPUID). */
export const EFLAGS_WRITABLE = ARITH_FLAGS | TF | IF | DF | IOPL | NT | RF | VM | AC | ID;

/** PARITY[b] is PF for low result byte b: set when the byte has an even number of 1 bits. */
export const PARITY = (() => {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) {
    let n = 0;
    for (let v = b; v; v >>= 1) n += v & 1;
    t[b] = n & 1 ? 0 : PF;
  }
  return t;
})();

const BY_NAME: Readonly<Record<string, number>> = wordTable({
  CF, PF, AF, ZF, SF, TF, IF, DF, OF, IOPL, NT, RF, VM, AC,
});

/** The EFLAGS mask of flag names from the instruction table (`flags.undefined` and friends). */
export function flagMask(names: readonly string[] | undefined): number {
  let m = 0;
  for (const n of names ?? []) m |= BY_NAME[n] ?? 0;
  return m;
}
