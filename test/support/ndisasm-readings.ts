// ndisasm's readings of bytes the dialect gives another meaning, shared by the disassembler's
// recorded-corpus and differential tests.

/**
 * What ndisasm reads in the reserved-NOP space 0F 1A-0F 1E by ModR/M and a 66/F2/F3 prefix (MPX's
 * BND*, CLDEMOTE, CET's RDSSPD and ENDBR32/64). A processor without those extensions, as the
 * dialect's P6 and QEMU's default CPU, executes the same bytes as the reserved NOP (Intel SDM
 * Vol. 2B "NOP"), which we print as ndisasm names it elsewhere, `hint_nop16`..`hint_nop55`.
 */
const IN_RESERVED_NOP_SPACE = /^((rep|repne|o16|o32|a16|a32|lock|[c-gs]s) )*(bndldx|bndstx|bndmov|bndcl|bndcu|bndcn|bndmk|cldemote|rdsspd|endbr32|endbr64)\b/;
const RESERVED_NOP_16_TO_55 = /\bhint_nop(1[6-9]|[2-4][0-9]|5[0-5])\b/;

/** Whether ours is the reserved NOP where ndisasm reads the same bytes as MPX, CLDEMOTE or CET. */
export function isReservedNopReading(theirs: { hex: string; text: string }, ours: { hex: string; text: string }): boolean {
  return IN_RESERVED_NOP_SPACE.test(theirs.text) && theirs.hex === ours.hex && RESERVED_NOP_16_TO_55.test(ours.text);
}
