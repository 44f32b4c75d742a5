// The shape of one NASM source line — label, prefixes, mnemonic or directive, top-level operands,
// comment — recovered from the text alone, for features that work while the buffer is half-typed
// (signature help, formatting, completion context) and for lines the assembler skipped.

import { tokenizeLine, type Token } from '../../../core/src/asm/lexer';

export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface LineShape {
  readonly tokens: readonly Token[];
  /** A `%` directive line (`%define`, `%macro`, ...): the directive token. */
  readonly preproc?: Span & { readonly name: string };
  /** `label:` or a bare label before a mnemonic; `colon` is the `:` column when written. */
  readonly label?: Span & { readonly name: string; readonly colon?: number };
  readonly prefixes: readonly (Span & { readonly name: string })[];
  readonly mnemonic?: Span & { readonly name: string };
  /** Operands split at top-level commas (not inside brackets, parentheses or strings). */
  readonly operands: readonly Span[];
  readonly comment?: Span;
  /** `[bits 32]`-style bracketed directive line. */
  readonly bracketed?: boolean;
}

/** Which words start an instruction: mnemonics, directives, macros (case-insensitive where NASM is). */
export interface WordClassifier {
  isPrefix(word: string): boolean;
  isInstructionOrDirective(word: string): boolean;
  /** The word, spelled exactly so, names a macro (`%define`, `%macro`, ...), whose case matters. */
  isCaseSensitiveMacro?(word: string): boolean;
  /** The word names a multi-line macro in any letter case (`%imacro`'s too): a call, not a mnemonic. */
  isMacro?(word: string): boolean;
}

export function shapeLine(line: string, words: WordClassifier): LineShape {
  const tokens = tokenizeLine(line);
  let end = tokens.length;
  let comment: Span | undefined;
  if (end > 0 && tokens[end - 1].kind === 'comment') {
    comment = { start: tokens[end - 1].start, end: tokens[end - 1].end };
    end--;
  }
  const shape: { -readonly [K in keyof LineShape]: LineShape[K] } = { tokens, prefixes: [], operands: [], comment };
  if (end === 0) return shape;
  let i = 0;
  const first = tokens[0];
  if (first.kind === 'preproc') {
    shape.preproc = { start: first.start, end: first.end, name: first.text.toLowerCase() };
    return shape;
  }
  if (first.kind === 'op' && line[first.start] === '[') {
    shape.bracketed = true;
    i = 1;
  }
  if (tokens[i]?.kind === 'ident' && !shape.bracketed) {
    const t = tokens[i];
    const word = line.slice(t.start, t.end);
    const next = tokens[i + 1];
    const hasColon = next !== undefined && next.kind === 'op' && line[next.start] === ':' && next.start === t.end;
    if (hasColon) {
      shape.label = { start: t.start, end: t.end, name: word, colon: next.start };
      i += 2;
    } else if (!words.isInstructionOrDirective(word) && !words.isPrefix(word)) {
      // NASM accepts a label without a colon before an instruction (`msg db 'hi'`) or alone.
      const after = tokens[i + 1];
      const afterWord = after && after.kind === 'ident' ? line.slice(after.start, after.end) : undefined;
      if (after === undefined || after.kind === 'comment' || (afterWord !== undefined && (words.isInstructionOrDirective(afterWord) || words.isPrefix(afterWord)))) {
        shape.label = { start: t.start, end: t.end, name: word };
        i += 1;
      }
    }
  }
  const prefixes: (Span & { name: string })[] = [];
  while (i < end && tokens[i].kind === 'ident' && words.isPrefix(line.slice(tokens[i].start, tokens[i].end)) && i + 1 < end && tokens[i + 1].kind === 'ident') {
    prefixes.push({ start: tokens[i].start, end: tokens[i].end, name: line.slice(tokens[i].start, tokens[i].end).toLowerCase() });
    i++;
  }
  shape.prefixes = prefixes;
  if (i < end && tokens[i].kind === 'ident') {
    const t = tokens[i];
    shape.mnemonic = { start: t.start, end: t.end, name: line.slice(t.start, t.end) };
    i++;
  }
  if (!shape.mnemonic) return shape;
  // Split the rest at top-level commas.
  const operands: Span[] = [];
  let depth = 0;
  let opStart = -1;
  let opEnd = -1;
  for (; i < end; i++) {
    const t = tokens[i];
    if (shape.bracketed && t.kind === 'op' && line[t.start] === ']' && depth === 0) break;
    if (t.kind === 'op') {
      const ch = line[t.start];
      if (ch === '[' || ch === '(') depth++;
      else if ((ch === ']' || ch === ')') && depth > 0) depth--;
      else if (ch === ',' && depth === 0) {
        operands.push(opStart < 0 ? { start: t.start, end: t.start } : { start: opStart, end: opEnd });
        opStart = -1;
        continue;
      }
    }
    if (opStart < 0) opStart = t.start;
    opEnd = t.end;
  }
  if (opStart >= 0) operands.push({ start: opStart, end: opEnd });
  shape.operands = operands;
  return shape;
}

/** Index of the operand the cursor column is in (commas before it at bracket depth 0). */
export function operandIndexAt(line: string, shape: LineShape, col: number): number {
  if (!shape.mnemonic || col <= shape.mnemonic.end) return -1;
  let index = 0;
  let depth = 0;
  for (const t of shape.tokens) {
    if (t.start >= col) break;
    if (t.kind !== 'op') continue;
    const ch = line[t.start];
    if (t.start < shape.mnemonic.end) continue;
    if (ch === '[' || ch === '(') depth++;
    else if ((ch === ']' || ch === ')') && depth > 0) depth--;
    else if (ch === ',' && depth === 0) index++;
  }
  return index;
}

/**
 * Index of the argument of a multi-line macro call the cursor column is in. nasm splits a call's
 * arguments at every comma, brackets and parentheses notwithstanding; only an argument that begins
 * with `{` runs to its matching `}`, commas inside it included (NASM manual §4.3.3; nasm 2.16.01
 * counts `four (1, 2), 3` as three arguments, `four {1, 2}, 3` as two).
 */
export function macroArgumentIndexAt(line: string, shape: LineShape, col: number): number {
  if (!shape.mnemonic || col <= shape.mnemonic.end) return -1;
  let index = 0;
  let atArgumentStart = true;
  let braces = 0;
  for (const t of shape.tokens) {
    if (t.start >= col || t.kind === 'comment') break;
    if (t.start < shape.mnemonic.end) continue;
    const ch = t.kind === 'op' ? line[t.start] : '';
    if (braces > 0) {
      if (ch === '{') braces++;
      else if (ch === '}') braces--;
    } else if (ch === ',') {
      index++;
      atArgumentStart = true;
      continue;
    } else if (ch === '{' && atArgumentStart) {
      braces = 1;
    }
    atArgumentStart = false;
  }
  return index;
}
