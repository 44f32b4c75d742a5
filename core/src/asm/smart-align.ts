// The padding of `align` after `%use smartalign` (NASM manual §6.2, "smartalign: Smart ALIGN Macro
// Package"): multi-byte NOPs chosen by `alignmode`, or a jump over plain NOPs past a threshold.
// Measured with nasm 2.16.01 (fixture smartalign-*): every pad length 1..63 in bits 16 and 32.

export type AlignMode = 'generic' | 'nop' | 'k7' | 'k8' | 'p6';

/**
 * What `alignmode` has set: per bits, the NOP sequence of each length 1..8 and the group length,
 * and the jump threshold. nasm's package keeps these in single-line macros that each mode
 * redefines in part, so a mode can inherit some from the one before (see MODES).
 */
export interface SmartAlign {
  readonly sequences: Readonly<Record<16 | 32, readonly string[]>>;
  readonly group: Readonly<Record<16 | 32, number>>;
  /** A pad longer than this is a jump to the boundary over `0x90` bytes; -1 (`nojmp`) never. */
  readonly threshold: number;
  /**
   * The threshold as `alignmode`'s text gave it, which the package's `align` writes into its
   * `%if THRESHOLD != -1 && PAD > THRESHOLD` (see Assembler.smartJumps); undefined for a mode's own
   * or `nojmp`.
   */
  readonly thresholdText?: string;
}

interface ModeDefinitions {
  readonly threshold: number;
  /** Per bits, the sequences of lengths 1..n it defines, and the group length if it sets one. */
  readonly 16: { readonly sequences: readonly string[]; readonly group?: number };
  readonly 32: { readonly sequences: readonly string[]; readonly group?: number };
}

/**
 * Measured with nasm 2.16.01 (every pad 1..64, and each mode after each other). `k7` sets no
 * 16-bit group length (nasm's package sets the 64-bit one twice): in bits 16 it pads with the
 * previous mode's group length, and that mode's sequences of lengths above 4.
 */
const MODES: Readonly<Record<AlignMode, ModeDefinitions>> = {
  nop: { threshold: 16, 16: { sequences: ['90'], group: 1 }, 32: { sequences: ['90'], group: 1 } },
  generic: {
    threshold: 8,
    16: { sequences: ['90', '89f6', '8d7400', '8db40000', '8db4000090', '8db4000089ff', '8db400008d7d00', '8db400008dbd0000'], group: 8 },
    32: { sequences: ['90', '89f6', '8d7600', '8d742600', '908d742600', '8db600000000', '8db42600000000'], group: 7 },
  },
  k8: {
    threshold: 16,
    16: { sequences: ['90', '6690', '666690', '66666690'], group: 4 },
    32: { sequences: ['90', '6690', '666690', '66666690'], group: 4 },
  },
  k7: {
    threshold: 16,
    16: { sequences: ['90', '6690', '666690', '66666690'] },
    32: { sequences: ['90', '8bc0', '8d0420', '8d442000', '8d44200090', '8d8000000000', '8d040500000000'], group: 7 },
  },
  p6: {
    threshold: 16,
    16: { sequences: ['90', '6690', '0f1f00', '0f1f4000'], group: 4 },
    32: { sequences: ['90', '6690', '0f1f00', '0f1f4000', '0f1f440000', '660f1f440000', '0f1f8000000000', '0f1f840000000000'], group: 8 },
  },
};

export function isAlignMode(word: string): word is AlignMode {
  return Object.prototype.hasOwnProperty.call(MODES, word);
}

/**
 * The modes in the order smartalign.mac's `alignmode` tests them, `%ifidni %1,nop`, `%elifidni
 * %1,generic`...: the names as the macros of the call's line expand them follow its two parameters
 * in the directive the package writes (SMARTALIGN_CALL).
 */
const TESTED_MODES: readonly AlignMode[] = ['nop', 'generic', 'k8', 'k7', 'p6'];

/**
 * The mode `alignmode`'s first parameter `word` chooses: nasm's `%ifidni` compares it and each
 * mode's name both expanded (`names`, in TESTED_MODES's order, when the package's call gave them),
 * and the first that matches is the mode (measured, nasm 2.16.01: after `%define k7 p6`,
 * `alignmode k7` is k7's; after `%define k7 x`, `alignmode x` too); undefined for none. An empty
 * `word` matches none, not even a name defined empty: the blank after `%ifidni` is then the left
 * side (see conditionals.ts identical; measured, after `%define p6`, `alignmode p6` is "unknown
 * alignment mode: ").
 */
export function chosenAlignMode(word: string, names: readonly string[] | undefined): AlignMode | undefined {
  if (word === '') return undefined;
  const lower = word.toLowerCase();
  if (names === undefined || names.length !== TESTED_MODES.length) return isAlignMode(lower) ? lower : undefined;
  const k = names.findIndex((n) => n.toLowerCase() === lower);
  return k >= 0 ? TESTED_MODES[k] : undefined;
}

/** `alignmode MODE[, THRESHOLD]` over `before` (undefined: what `%use smartalign` starts from); THRESHOLD a number or its text. */
export function withAlignMode(before: SmartAlign | undefined, mode: AlignMode, threshold: number | string | undefined): SmartAlign {
  const m = MODES[mode];
  const merged = (bits: 16 | 32): string[] => {
    const seqs = before !== undefined ? [...before.sequences[bits]] : [];
    m[bits].sequences.forEach((hex, i) => { seqs[i] = hex; });
    return seqs;
  };
  return {
    sequences: { 16: merged(16), 32: merged(32) },
    group: { 16: m[16].group ?? before?.group[16] ?? 1, 32: m[32].group ?? before?.group[32] ?? 1 },
    threshold: typeof threshold === 'number' ? threshold : m.threshold,
    ...(typeof threshold === 'string' ? { thresholdText: threshold } : {}),
  };
}

/** A run of the padding: `count` copies of `unit` (nasm's `times count db ...` or an instruction). */
export interface PaddingPiece {
  readonly unit: Uint8Array;
  readonly count: number;
  /**
   * Where nasm's output calls end in one copy: a `db` item a byte, the `jmp` its opcode and its
   * displacement (measured: in absolute space nasm errs, in a nobits section warns, once a call).
   */
  readonly calls: readonly number[];
}

/**
 * The `pad` bytes that take code at `bits` to the `align` boundary, as the lines of nasm's macro
 * give them: a jump over NOPs when `jumps` (a pad of 0 then too), else the mode's NOPs.
 * `shortJump`: its `jmp` may be short, as at -Ox (not at -O0 and -O1, where a JMP not written
 * `short` is near).
 */
export function smartPadding(s: SmartAlign, bits: 16 | 32, pad: number, align: number, shortJump: boolean, jumps: boolean): PaddingPiece[] {
  if (jumps) {
    // `jmp` to the boundary (short when it reaches), then `times n nop` to the boundary after the
    // jump: the next one when the jump passes the first (measured with nasm 2.16.01: pad 1 after
    // `alignmode generic, 0` is EB 03 90 90 90 to `align 4`, pad 3 at -O0 E9 00000000 90 90 90).
    const afterShort = (((pad - 2) % align) + align) % align;
    if (shortJump && afterShort <= 127) return [{ unit: Uint8Array.of(0xeb, afterShort), count: 1, calls: [1, 2] }, { unit: NOP, count: afterShort, calls: ONE_CALL }];
    const jmp = new Uint8Array(bits === 16 ? 3 : 5);
    const nops = (((pad - jmp.length) % align) + align) % align;
    jmp[0] = 0xe9;
    for (let k = 1, rel = nops; k < jmp.length; k++, rel = Math.floor(rel / 256)) jmp[k] = rel & 0xff;
    return [{ unit: jmp, count: 1, calls: [1, jmp.length] }, { unit: NOP, count: nops, calls: ONE_CALL }];
  }
  // `times pad / GROUP db GROUP's sequence`, then `db` the rest's.
  const group = s.group[bits];
  const pieces = [dbPiece(s.sequences[bits][group - 1], Math.floor(pad / group))];
  if (pad % group > 0) pieces.push(dbPiece(s.sequences[bits][pad % group - 1], 1));
  return pieces;
}

/** The bytes of `pieces`, one after the other. */
export function paddingBytes(pieces: readonly PaddingPiece[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.unit.length * p.count, 0));
  let at = 0;
  for (const p of pieces) for (let k = 0; k < p.count; k++, at += p.unit.length) out.set(p.unit, at);
  return out;
}

const NOP = Uint8Array.of(0x90);
const ONE_CALL: readonly number[] = [1];

function dbPiece(hex: string, count: number): PaddingPiece {
  const unit = hexBytes(hex);
  return { unit, count, calls: Array.from(unit, (_, k) => k + 1) };
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let k = 0; k < out.length; k++) out[k] = parseInt(hex.slice(2 * k, 2 * k + 2), 16);
  return out;
}

/**
 * The bracketed directive the preprocessor's `alignmode` macro (defined by `%use smartalign`)
 * writes: `[__?smartalign?__ MODE, THRESHOLD]`. Named so that no nasm source writes it.
 */
export const SMARTALIGN_DIRECTIVE = '__?smartalign?__';

/** The body of the package's `alignmode` (see TESTED_MODES). */
export const SMARTALIGN_CALL = `[${SMARTALIGN_DIRECTIVE} %1,%2,${TESTED_MODES.join(',')}]`;
