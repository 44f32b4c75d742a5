// What nasm 2.16.01's `%use` packages define (NASM manual §6): the single-line and multi-line
// macros each one adds, for the preprocessor to define as its own `%define`s and `%imacro`s,
// and the line it puts out. Measured with nasm 2.16.01
// (`nasm -E`, and the fixtures use-altreg-*, use-fp-*, use-masm-*): the names, their case, and
// the `..@N` numbers the calls take.

import { SMARTALIGN_CALL, SMARTALIGN_DIRECTIVE } from './smart-align';

/**
 * The file the lines of a package's multi-line macros are read from: a name no file has, which
 * DiagnosticSink.report replaces with the macro's call.
 */
export const PACKAGE_BODY_FILE = '<nasm package>';

/** A single-line macro a package defines. */
export interface PackageDefine {
  readonly name: string;
  readonly params?: readonly string[];
  readonly body: string;
  /** `%idefine`: called in any case. */
  readonly caseInsensitive: boolean;
}

/** A multi-line macro a package defines: all of them are `%imacro ... .nolist`. */
export interface PackageMacro {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly greedy: boolean;
  readonly body: readonly string[];
}

export interface StandardPackage {
  readonly defines: readonly PackageDefine[];
  readonly macros: readonly PackageMacro[];
  /** A line the package puts out when read: masm's `default rel` (a standard macro's call), smartalign's first mode. */
  readonly line?: string;
}

/**
 * altreg (manual §6.1): numbered names of the eight general registers, `r0`..`r7` (64-bit),
 * `r0d`, `r0w`, `r0b`/`r0l` and `r0h`..`r3h`, and `r8l`..`r15l` for `r8b`..`r15b`. In bits 16 and
 * 32 only the 32-, 16- and 8-bit names of the first four registers, and the 32- and 16-bit ones of
 * the others, name registers; the rest are 64-bit registers, which the dialect leaves out.
 */
const GENERAL = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di'];
const LOW_BYTE = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil'];
const ALTREG: readonly PackageDefine[] = [
  ...GENERAL.map((r, n) => ({ name: `r${n}`, body: `r${r}`, caseInsensitive: true })),
  ...GENERAL.map((r, n) => ({ name: `r${n}d`, body: `e${r}`, caseInsensitive: true })),
  ...GENERAL.map((r, n) => ({ name: `r${n}w`, body: r, caseInsensitive: true })),
  ...LOW_BYTE.map((r, n) => ({ name: `r${n}b`, body: r, caseInsensitive: true })),
  ...LOW_BYTE.map((r, n) => ({ name: `r${n}l`, body: r, caseInsensitive: true })),
  ...['ah', 'ch', 'dh', 'bh'].map((r, n) => ({ name: `r${n}h`, body: r, caseInsensitive: true })),
  ...[8, 9, 10, 11, 12, 13, 14, 15].map((n) => ({ name: `r${n}l`, body: `r${n}b`, caseInsensitive: true })),
];

/**
 * fp (manual §6.3): the special values and the float functions without their underscores, in the
 * case written (`%define`: `inf`, `FLOAT32` are no macros), and `bf16`, data of bfloat16 words.
 */
const FP_FUNCTIONS = ['float8', 'float16', 'bfloat16', 'float32', 'float64', 'float80m', 'float80e', 'float128l', 'float128h'];
const FP: readonly PackageDefine[] = [
  { name: 'Inf', body: '__?Infinity?__', caseInsensitive: false },
  { name: 'NaN', body: '__?QNaN?__', caseInsensitive: false },
  { name: 'QNaN', body: '__?QNaN?__', caseInsensitive: false },
  { name: 'SNaN', body: '__?SNaN?__', caseInsensitive: false },
  ...FP_FUNCTIONS.map((fn) => ({ name: fn, params: ['x'], body: `__?${fn}?__(x)`, caseInsensitive: false })),
];
/** `bf16 a, b, ...`: one `dw` line per argument. */
const BF16: PackageMacro = { name: 'bf16', min: 1, max: Infinity, greedy: false, body: ['%rep %0', 'dw __?bfloat16?__(%1)', '%rotate 1', '%endrep'] };

/**
 * ifunc (manual §6.4): the assembler's ilog2 functions (see expr.ts) without their underscores, in
 * any case; `ilog2cw` warns as `w` and rounds up.
 */
const IFUNC: readonly PackageDefine[] = [
  ['ilog2', '(__?ilog2e?__(x))'], ['ilog2e', '(__?ilog2e?__(x))'], ['ilog2w', '(__?ilog2w?__(x))'], ['ilog2fw', '(__?ilog2w?__(x))'],
  ['ilog2f', '(__?ilog2f?__(x))'], ['ilog2cw', '(__?ilog2w?__(x) * 0 + __?ilog2c?__(x))'], ['ilog2c', '(__?ilog2c?__(x))'],
].map(([name, body]) => ({ name, params: ['x'], body, caseInsensitive: true }));

/**
 * masm (manual §6.5): MASM's words as nasm's: `ptr` and `flat` (the parser's `__?masm_ptr?__`,
 * which makes a memory reference without brackets, and `__?masm_flat?__:`, which it skips; see
 * parser.ts), `offset` (nothing), `tbyte` (`tword`) (2.16.01's has no `st(N)`, measured);
 * `NAME segment [ARGS]` is `[segment NAME ARGS]` and sets `__SECT__` to it; `NAME proc far` makes
 * `ret` `retf` until `endp` (`near`: `retn`); `ends` and `end` do nothing. Reading it puts out
 * `default rel` (which does nothing in bits 16 and 32).
 */
const MASM: StandardPackage = {
  defines: [
    { name: 'ptr', body: '__?masm_ptr?__', caseInsensitive: true },
    { name: 'flat', body: '__?masm_flat?__', caseInsensitive: true },
    { name: 'offset', body: '', caseInsensitive: true },
    { name: 'tbyte', body: 'tword', caseInsensitive: true },
  ],
  macros: [
    // The label before the call is the segment's name (`%00`), not a label.
    { name: 'segment', min: 0, max: 1, greedy: true, body: ['%define __?SECT?__ [segment %00 %1]', '__?SECT?__'] },
    { name: 'ends', min: 0, max: 0, greedy: true, body: ['%null %00'] },
    // Each argument in turn: the last decides (`proc` alone leaves `ret` as it was).
    { name: 'proc', min: 0, max: Infinity, greedy: false, body: ['%rep %0', '%ifidni %1,far', '%idefine ret retf', '%else', '%idefine ret retn', '%endif', '%rotate 1', '%endrep'] },
    { name: 'endp', min: 0, max: 0, greedy: false, body: ['%null %00', '%undef ret'] },
    { name: 'end', min: 0, max: 0, greedy: true, body: [] },
  ],
  line: 'default rel',
};

/**
 * smartalign (manual §6.2): `alignmode MODE[, THRESHOLD]` sets how `align` pads code, which the
 * assembler keeps (see smart-align.ts); reading the package sets `generic`.
 */
const SMARTALIGN: StandardPackage = {
  defines: [],
  macros: [{ name: 'alignmode', min: 1, max: 2, greedy: false, body: [SMARTALIGN_CALL] }],
  line: `[${SMARTALIGN_DIRECTIVE} generic]`,
};

/** The packages by their names in lower case. */
export const STANDARD_PACKAGES: ReadonlyMap<string, StandardPackage> = new Map<string, StandardPackage>([
  ['altreg', { defines: ALTREG, macros: [] }],
  ['fp', { defines: FP, macros: [BF16] }],
  ['ifunc', { defines: IFUNC, macros: [] }],
  ['masm', MASM],
  ['smartalign', SMARTALIGN],
]);

/**
 * What every package defines as nasm reads it: `__?USE_NAME?__` (empty), and the alias
 * `__USE_NAME__`, which nasm 2.16.01 points at `__?USENAME?__` (no underscore: so it names
 * nothing, measured).
 */
export function packageMarkers(name: string): { readonly define: string; readonly alias: string; readonly target: string } {
  const upper = name.toUpperCase();
  return { define: `__?USE_${upper}?__`, alias: `__USE_${upper}__`, target: `__?USE${upper}?__` };
}
