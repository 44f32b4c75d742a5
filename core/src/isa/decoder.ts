// The IA-32 instruction decoder over the shared instruction table (STYLE.md §3): bytes → the
// table's spec and form plus operands in the assembler's AsmOperand shape, for the
// disassembler and the CPU emulator.

import { Decoder, type DecodeOptions, type DecodeResult } from './decode-engine';
import { INSTRUCTIONS } from './table';

export { Decoder } from './decode-engine';
export type { DecodedInstruction, DecodeOptions, DecodeResult, InvalidInstruction } from './decode-engine';

let defaultDecoder: Decoder | undefined;

/** The decoder over the shared instruction table, built on first use. */
export function tableDecoder(): Decoder {
  return (defaultDecoder ??= new Decoder(INSTRUCTIONS));
}

/**
 * Decodes one instruction at `bytes[offset]`. Never throws and never reads past `bytes`:
 * bytes that are no instruction of the table, or that end too soon, give `{ invalid: true }`.
 */
export function decode(bytes: Uint8Array, offset: number, opts: DecodeOptions): DecodeResult {
  return tableDecoder().decode(bytes, offset, opts);
}
