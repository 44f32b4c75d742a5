// Assembler directive and data keywords (NASM manual §3.2, §6, §7.1): the words the parser treats
// as directives rather than mnemonics or labels.

import { wordTable } from '../word-table';

/** Bytes per unit of `db`/`dw`/... and `resb`/`resw`/... */
export const DATA_UNIT: Readonly<Record<string, number>> = wordTable({ db: 1, dw: 2, dd: 4, dq: 8, dt: 10 });
export const RESERVE_UNIT: Readonly<Record<string, number>> = wordTable({ resb: 1, resw: 2, resd: 4, resq: 8, rest: 10 });

export const DIRECTIVES: ReadonlySet<string> = new Set([
  'bits', 'use16', 'use32', 'use64', 'userel', 'useabs', 'usebnd', 'usenobnd', 'org', 'section', 'segment', 'absolute', 'align', 'alignb', 'sectalign', 'equ', 'incbin',
  'global', 'extern', 'required', 'common', 'static', 'struc', 'endstruc', 'istruc', 'at', 'iend', 'cpu', 'float', 'default', 'times',
  ...Object.keys(DATA_UNIT), ...Object.keys(RESERVE_UNIT),
]);

/**
 * The directives nasm 2.16.01 knows itself, which it takes in brackets (`[bits 32]`, manual §6):
 * its others are standard macros (`align`, `struc`, `use16`, ...) or the parser's words (`db`,
 * `times`, `equ`, `incbin`), which in brackets are "unrecognized directive [align]" (measured).
 */
const PRIMITIVE_DIRECTIVES: ReadonlySet<string> = new Set([
  'bits', 'org', 'section', 'segment', 'absolute', 'sectalign', 'global', 'extern', 'required', 'common', 'static', 'cpu', 'float', 'default',
]);

/** Whether `[name ...]` is one of nasm's own directives (see PRIMITIVE_DIRECTIVES); `name` in lower case. */
export function isPrimitiveDirective(name: string): boolean {
  return PRIMITIVE_DIRECTIVES.has(name);
}

/** Whether `[name ...]` is no directive to nasm though `name ...` is one (see PRIMITIVE_DIRECTIVES); `name` in lower case. */
export function isUnbracketedOnly(name: string): boolean {
  return DIRECTIVES.has(name) && !PRIMITIVE_DIRECTIVES.has(name);
}

/**
 * Directive words that nasm reads as the directive even before a colon (its standard macros and
 * the parser's own words): `org: nop` is an `org` with a bad operand, not a label (measured).
 * Data and reserve words and `equ` make labels there.
 */
const NOT_LABELS: ReadonlySet<string> = new Set([...DIRECTIVES].filter((d) => DATA_UNIT[d] === undefined && RESERVE_UNIT[d] === undefined && d !== 'equ'));

/** Whether `name:` at the start of a line is a directive, not a label (see NOT_LABELS). */
export function isDirectiveWord(name: string): boolean {
  return name.length <= 9 && NOT_LABELS.has(name.toLowerCase());
}

/**
 * nasm's operator, size and function words: a line cannot start with one, as a label or
 * otherwise (`seg es`, `byte: nop`: "label or instruction expected at start of line", measured).
 */
const KEYWORDS: ReadonlySet<string> = new Set([
  // `?`, the data directives' value left undefined, is a token of its own (measured: `? nop`,
  // `?: nop` and `?` alone are "label or instruction expected at start of line").
  '?',
  'seg', 'wrt', 'strict', 'nosplit', 'rel', 'abs', 'far', 'near', 'short', 'to',
  'byte', 'word', 'dword', 'qword', 'tword', 'oword', 'yword', 'zword', 'long',
  // The function and special-value words in both spellings (measured: `__?float32?__: nop`,
  // `__?nan?__: nop`, `__ilog2e__: nop` too).
  ...['float8', 'float16', 'bfloat16', 'float32', 'float64', 'float80m', 'float80e', 'float128l', 'float128h',
    'utf16', 'utf16le', 'utf16be', 'utf32', 'utf32le', 'utf32be', 'ilog2e', 'ilog2w', 'ilog2f', 'ilog2c',
    'infinity', 'nan', 'qnan', 'snan'].flatMap((w) => [`__${w}__`, `__?${w}?__`]),
  // The masm package's `ptr` and `flat` as nasm's tokenizer reads them, with or without
  // `%use masm` (measured: `__?masm_ptr?__: nop` and `__?masm_flat?__ nop`).
  '__?masm_ptr?__', '__?masm_flat?__',
]);

/**
 * Words nasm's evaluator cannot read at all, its size, special and prefix words (measured with
 * nasm 2.16.01, -E and assembling alike: `%if byte`, `%if 1+far`, `%if rep`, `E(abs 1)` for a
 * `=` parameter are each "expression syntax error" alone, and so `dd far x`, `dd 1+near`).
 */
const UNREADABLE_WORDS: ReadonlySet<string> = new Set([
  'byte', 'word', 'dword', 'qword', 'tword', 'oword', 'yword', 'zword', 'long', 'strict', 'nosplit', 'rel', 'abs', 'far', 'near', 'short', 'to',
  'a16', 'a32', 'a64', 'asp', 'o16', 'o32', 'o64', 'osp', 'lock', 'rep', 'repe', 'repne', 'repnz', 'repz', 'times', 'wait',
  'xacquire', 'xrelease', 'bnd', 'nobnd', 'evex', 'vex', 'vex2', 'vex3', 'rex',
  // The masm package's words, where the parser does not read them as the start of a memory
  // reference (measured: `dd __?masm_ptr?__`, `mov eax, [ebx+__?masm_flat?__]`, `%if __?masm_ptr?__`).
  '__?masm_ptr?__', '__?masm_flat?__',
]);

/** Whether nasm's evaluator cannot read word `name` at all (see UNREADABLE_WORDS). */
export function isUnreadableWord(name: string): boolean {
  return (name.length <= 8 || name.charCodeAt(0) === 0x5f) && UNREADABLE_WORDS.has(name.toLowerCase());
}

/** Whether a line starting with `name` is an error for being one of nasm's keywords (see KEYWORDS). */
export function isKeywordWord(name: string): boolean {
  return (name.length <= 7 || name.charCodeAt(0) === 0x5f) && KEYWORDS.has(name.toLowerCase());
}

/**
 * Directives nasm knows only in brackets (`[list -]`): outside them the word is a plain name, so
 * a label may be called `list`.
 */
export const BRACKET_DIRECTIVES: ReadonlySet<string> = new Set(['list', 'map', 'warning']);

/**
 * The sizes a data item may be given (`dd byte 1`), in bytes (nasm 2.15): every size keyword nasm
 * has but `fword`, which it has not.
 */
export const DATA_ELEMENT_SIZE: Readonly<Record<string, number>> = wordTable({ byte: 1, word: 2, dword: 4, qword: 8, tword: 10, oword: 16, yword: 32, zword: 64 });

/**
 * Size keywords (manual §3.3) in bits. `long` is nasm 2.16.01's other word for `dword` on an
 * operand, though not on a data item (measured: `mov long [x], 5`, `jmp long x` under `bits 16`
 * (66 E9), `[long 5]` and `strict long` are dword's bytes; `dd long 5` is "expression syntax
 * error", `long:` "label or instruction expected at start of line").
 */
export const SIZE_KEYWORDS: Readonly<Record<string, 8 | 16 | 32 | 48 | 64 | 80>> = wordTable({
  byte: 8, word: 16, dword: 32, long: 32, fword: 48, qword: 64, tword: 80,
});
