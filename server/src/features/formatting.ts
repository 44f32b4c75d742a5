// format(doc, range?, blanks?): aligns labels, mnemonics, operands and trailing comments in columns
// (with tabs where the editor indents with tabs), optionally lower-cases mnemonics, and never
// changes what a line assembles to: a line is rewritten only when
// every token is accounted for, and only whitespace between tokens changes (and the case of
// mnemonics and directives, which NASM ignores). The blanks inside an operand list change only
// where nasm reads expressions (operandsRewritable); test/unit/format-differential.test.ts has nasm
// assemble every recorded fixture formatted.

import type { Token } from '../../../core/src/asm/lexer';
import { callsStandardMacro } from '../../../core/src/asm/standard-macros';
import type { Range, TextEdit } from 'vscode-languageserver-types';
import type { AnalyzedDocument } from '../analysis/document';
import type { FormatSettings } from '../analysis/settings';
import { isDirective } from '../syntax/directives';
import { instructionFor, isPrefixMnemonic } from '../syntax/isaIndex';
import { shapeLine, type LineShape, type WordClassifier } from '../syntax/lineShape';
import { wordClassifier } from './wordClassifier';

function pastes(t: Token): boolean {
  return t.kind === 'preproc' || t.text.startsWith('%');
}

/**
 * How the editor writes blanks (LSP 3.17 FormattingOptions): `insertSpaces` false indents with tabs,
 * one per `tabSize` columns.
 */
export interface Blanks {
  readonly insertSpaces: boolean;
  readonly tabSize: number;
}

export const SPACES: Blanks = { insertSpaces: true, tabSize: 8 };

/** The column after `s` written from column 0, a tab taking it to the next multiple of tabSize. */
function widthOf(s: string, tabSize: number): number {
  let col = 0;
  for (let i = 0; i < s.length; i++) col = s.charCodeAt(i) === 9 ? col - (col % tabSize) + tabSize : col + 1;
  return col;
}

/** Blanks from column `from` to column `to`: tabs where the editor uses them, then spaces for the columns short of a tab stop. */
function blanksBetween(from: number, to: number, blanks: Blanks): string {
  if (blanks.insertSpaces) return ' '.repeat(to - from);
  const tabs = Math.floor(to / blanks.tabSize) - Math.floor(from / blanks.tabSize);
  return tabs > 0 ? '\t'.repeat(tabs) + ' '.repeat(to % blanks.tabSize) : ' '.repeat(to - from);
}

/** `s` and blanks up to column `col`; past that column, one space. */
function pad(s: string, col: number, blanks: Blanks): string {
  const width = widthOf(s, blanks.tabSize);
  return width < col ? s + blanksBetween(width, col, blanks) : s + ' ';
}

/** Every token of the line is inside the label, prefixes, mnemonic, operands or comment. */
function fullyCovered(shape: LineShape): boolean {
  const spans = [shape.label, ...(shape.label?.colon !== undefined ? [{ start: shape.label.colon, end: shape.label.colon + 1 }] : []), ...shape.prefixes, shape.mnemonic, ...shape.operands, shape.comment]
    .filter((s) => s !== undefined);
  const afterMnemonic = shape.mnemonic?.end ?? Number.MAX_SAFE_INTEGER;
  // Tokens and spans both run left to right without overlapping, so one pass over each suffices:
  // a line of 500k operands must not cost tokens × operands.
  let k = 0;
  let previous: { readonly token: Token; readonly span: number } | undefined;
  for (const t of shape.tokens) {
    if (t.kind === 'invalid') return false;
    // The commas that separate operands are rewritten as ", ".
    if (t.kind === 'op' && t.text === ',' && t.start >= afterMnemonic) {
      previous = undefined;
      continue;
    }
    while (k < spans.length && spans[k].end < t.end) k++;
    if (k === spans.length || spans[k].start > t.start) return false;
    // A macro parameter or context token written against its neighbour is pasted to it by the
    // preprocessor (`lbl_%1:`, `j%-1`); a space between them would split the pasted name.
    if (previous && previous.span !== k && previous.token.end === t.start && (pastes(previous.token) || pastes(t))) return false;
    previous = { token: t, span: k };
  }
  return true;
}

/**
 * The directives whose operands are expressions, like an instruction's: nasm reads no blank
 * around the commas between them. Other directives take their arguments as text (`section .a
 * prog,bits` names one attribute `prog,bits`, measured: other bytes than `prog, bits`).
 */
const EXPRESSION_DIRECTIVES: ReadonlySet<string> = new Set(['db', 'dw', 'dd', 'dq', 'dt', 'resb', 'resw', 'resd', 'resq', 'rest', 'times', 'equ', 'incbin', 'align', 'alignb']);

/**
 * Whether the operands may be written again one after another with ", " between them: they are
 * an instruction's or a data directive's expressions (not a macro's arguments, whose blanks and
 * empty arguments count: `m 1,` has %0 2), every comma stands between two operands, and no brace
 * hides a comma or a parenthesis from the split (`%strcat(a, {)b} , c)` keeps its blank).
 */
function operandsRewritable(shape: LineShape, words: WordClassifier): boolean {
  const mnemonic = shape.mnemonic!;
  if (words.isMacro?.(mnemonic.name) || words.isCaseSensitiveMacro?.(mnemonic.name)) return false;
  if (instructionFor(mnemonic.name) === undefined && !EXPRESSION_DIRECTIVES.has(mnemonic.name.toLowerCase())) return false;
  // An empty operand stands between two commas (`db 1,,2`), or after the last one (`m 1,`): the
  // code then runs on past the last operand.
  const last = shape.operands[shape.operands.length - 1];
  if (codeEnd(shape) !== last.end || shape.operands.some((o) => o.start === o.end)) return false;
  return !shape.tokens.some((t) => t.start >= mnemonic.end && t.kind === 'op' && (t.text === '{' || t.text === '}'));
}

function caseOf(word: string, words: WordClassifier, settings: FormatSettings): string {
  if (!settings.lowercaseMnemonics) return word;
  // NASM macro names are case-sensitive: `DT' defined by %define or %deftok is the macro, `dt' the directive.
  if (words.isCaseSensitiveMacro?.(word)) return word;
  // Nor may the lower-case spelling become one: with `%macro push 1`, `PUSH eax` is the
  // instruction (50) and `push eax` the macro (measured with nasm 2.16.01).
  const lower = word.toLowerCase();
  if (lower !== word && words.isCaseSensitiveMacro?.(lower)) return word;
  return instructionFor(word) || isPrefixMnemonic(word) || isDirective(word) ? lower : word;
}

/** Where the line's code ends: its last token before the comment. */
function codeEnd(shape: LineShape): number {
  let end = 0;
  for (const t of shape.tokens) if (t.kind !== 'comment') end = t.end;
  return end;
}

/**
 * Whether nasm's preprocessor may take the line's first word for a label before a macro's call:
 * its case then names a label (measured with nasm 2.16.01: `CLD use16` is the label `CLD` and
 * `use16`, so `dd cld` finds no symbol; `cld use16` defines `cld`).
 */
function labelBeforeCall(shape: LineShape, words: WordClassifier): boolean {
  const [first, second] = shape.tokens;
  return first?.kind === 'ident' && second?.kind === 'ident' && (words.isMacro?.(second.text) === true || callsStandardMacro(shape.tokens, 1) === true);
}

/**
 * `s` without the blanks nasm reads at its end: C's isspace in the C locale (space, tab, \v, \f,
 * \r). JavaScript's trimEnd also takes Unicode spaces such as U+00A0, whose bytes nasm reads as
 * part of a name (`abc\u00a0 equ 5` defines `abc\u00a0`, measured with nasm 2.16.01).
 */
function trimBlanksEnd(s: string): string {
  let end = s.length;
  while (end > 0 && ' \t\v\f\r'.includes(s[end - 1])) end--;
  return s.slice(0, end);
}

/** The formatted text of one line, or undefined to leave it as it is. */
export function formatLine(text: string, words: WordClassifier, settings: FormatSettings, blanks: Blanks = SPACES): string | undefined {
  const trimmed = trimBlanksEnd(text);
  if (trimmed.length === 0) return '';
  const shape = shapeLine(trimmed, words);
  if (shape.preproc || shape.bracketed || (!shape.label && !shape.mnemonic)) return trimmed;
  // A token the tokenizer made up (the `]` closing an unterminated `%[`) has no text to place.
  if (!fullyCovered(shape) || shape.tokens.some((t) => t.start === t.end) || labelBeforeCall(shape, words)) return trimmed;
  let out = '';
  if (shape.label) out = trimmed.slice(shape.label.start, shape.label.colon !== undefined ? shape.label.colon + 1 : shape.label.end);
  if (shape.mnemonic) {
    out = out.length === 0 ? blanksBetween(0, settings.mnemonicColumn, blanks) : pad(out, settings.mnemonicColumn, blanks);
    const head = [...shape.prefixes.map((p) => caseOf(trimmed.slice(p.start, p.end), words, settings)), caseOf(shape.mnemonic.name, words, settings)].join(' ');
    if (shape.operands.length === 0) out += head;
    else {
      const operands = operandsRewritable(shape, words)
        ? shape.operands.map((o) => trimmed.slice(o.start, o.end)).join(', ')
        : trimBlanksEnd(trimmed.slice(shape.operands[0].start, codeEnd(shape)));
      out = pad(out + head, settings.mnemonicColumn + settings.mnemonicWidth, blanks) + operands;
    }
  }
  if (shape.comment) out = pad(out, settings.commentColumn, blanks) + trimmed.slice(shape.comment.start);
  return out;
}

export function format(doc: AnalyzedDocument, range?: Range, blanks: Blanks = SPACES): TextEdit[] {
  const edits: TextEdit[] = [];
  const words = wordClassifier(doc);
  // A file the assembly could not find, or lines after a stop (`%fatal`), may define a
  // case-sensitive macro (`%macro push 1`) that a mnemonic written in another case would then
  // call: no case changes until the assembly reads the whole source.
  const settings = doc.settings.format.lowercaseMnemonics && (doc.result.stopped === true || doc.result.includes.some((i) => !i.resolved))
    ? { ...doc.settings.format, lowercaseMnemonics: false } : doc.settings.format;
  const first = range ? Math.max(0, range.start.line) : 0;
  // A range's end is exclusive (LSP 3.17 Range): one ending at the start of a line, as a selection
  // of whole lines does, holds nothing of that line.
  const endLine = range && range.end.character === 0 && range.end.line > range.start.line ? range.end.line - 1 : range?.end.line;
  const last = endLine !== undefined ? Math.min(doc.lines.length - 1, endLine) : doc.lines.length - 1;
  for (let line = first; line <= last; line++) {
    const text = doc.lines[line];
    // A line continued with `\` (or continuing one) is left alone: its tokens span lines.
    if (text.trimEnd().endsWith('\\') || (line > 0 && doc.lines[line - 1].trimEnd().endsWith('\\'))) continue;
    const formatted = formatLine(text, words, settings, blanks);
    if (formatted === undefined || formatted === text) continue;
    edits.push({ range: { start: { line, character: 0 }, end: { line, character: text.length } }, newText: formatted });
  }
  return edits;
}
