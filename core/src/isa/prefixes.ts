// What each instruction prefix nasm takes before an instruction does (Intel SDM Vol. 2A §2.1.1,
// "REP/REPE/REPZ/REPNE/REPNZ—Repeat String Operation Prefix" and "LOCK—Assert LOCK# Signal
// Prefix" in Vol. 2B/2A; NASM manual §3.1 for o16/o32/a16/a32): hover and completion show it.
// The segment-override words (`es lodsb`) are the segment registers' own entries.

export interface PrefixDoc {
  /** The byte it adds to the instruction (o16/o32/a16/a32: only where it differs from the `bits` mode). */
  readonly byte: number;
  readonly summary: string;
  /** More: where it applies, what the CPU and a VMM make of it. */
  readonly detail: string;
}

const REPEAT = 'The count is ECX (CX when the address size is 16 bits), decremented after each iteration; with a count of 0 the instruction does nothing. An interrupt between iterations returns to the instruction with the count so far.';

const REP: PrefixDoc = {
  byte: 0xf3,
  summary: 'Repeat the string instruction after it until the count in ECX runs out: MOVS, STOS, LODS, INS and OUTS.',
  detail: `${REPEAT} Under VT-x a REP INS or OUTS that exits says so in its exit qualification (the REP-prefixed bit, SDM Vol. 3C), and ECX holds the count: a VMM can emulate the whole repeat at one exit.`,
};
const REPE: PrefixDoc = {
  byte: 0xf3,
  summary: 'Repeat CMPS or SCAS while the count in ECX is not 0 and ZF = 1: stops at the first difference.',
  detail: REPEAT,
};
const REPNE: PrefixDoc = {
  byte: 0xf2,
  summary: 'Repeat CMPS or SCAS while the count in ECX is not 0 and ZF = 0: stops at the first match.',
  detail: REPEAT,
};

const PREFIX_DOCS: ReadonlyMap<string, PrefixDoc> = new Map<string, PrefixDoc>([
  ['rep', REP],
  ['repe', REPE],
  ['repz', REPE],
  ['repne', REPNE],
  ['repnz', REPNE],
  ['lock', {
    byte: 0xf0,
    summary: 'Make the instruction\'s read-modify-write of its memory destination atomic (the LOCK# signal).',
    detail: 'Only ADD, ADC, AND, BTC, BTR, BTS, CMPXCHG, CMPXCHG8B, DEC, INC, NEG, NOT, OR, SBB, SUB, XOR, XADD and XCHG with a memory destination take it; on any other instruction, or a register destination, it raises #UD. XCHG with memory is locked without it.',
  }],
  ['o16', {
    byte: 0x66,
    summary: 'Give this instruction a 16-bit operand size.',
    detail: 'nasm puts the operand-size prefix 66h before it in `bits 32` and nothing in `bits 16`; it decides forms a size does not show (`o16 push 1`, `o16 ret`, `o16 iret`).',
  }],
  ['o32', {
    byte: 0x66,
    summary: 'Give this instruction a 32-bit operand size.',
    detail: 'nasm puts the operand-size prefix 66h before it in `bits 16` and nothing in `bits 32`; it decides forms a size does not show (`o32 push 1`, `o32 retf`, `o32 iret`).',
  }],
  ['a16', {
    byte: 0x67,
    summary: 'Give this instruction a 16-bit address size.',
    detail: 'nasm puts the address-size prefix 67h before it in `bits 32` and nothing in `bits 16`; string instructions, LOOP and JCXZ then use SI, DI and CX instead of ESI, EDI and ECX.',
  }],
  ['a32', {
    byte: 0x67,
    summary: 'Give this instruction a 32-bit address size.',
    detail: 'nasm puts the address-size prefix 67h before it in `bits 16` and nothing in `bits 32`; string instructions, LOOP and JCXZ then use ESI, EDI and ECX instead of SI, DI and CX.',
  }],
]);

/** The prefix `word` names (any case), or undefined. */
export function prefixDoc(word: string): PrefixDoc | undefined {
  return PREFIX_DOCS.get(word.toLowerCase());
}

/** The Markdown hover and completion show for prefix `word`. */
export function prefixMarkdown(word: string, doc: PrefixDoc): string {
  return `**${word.toLowerCase()}** (prefix ${doc.byte.toString(16).toUpperCase()}h) — ${doc.summary}\n\n${doc.detail}`;
}
