// hover(doc, pos): the instruction reference, register facts, a label's address or a constant's
// value from the last assembly, a number in several bases, or a macro's signature and expansion
// (as `nasm -E` prints it).

import type { SourceRange, SymbolInfo } from '../../../core/src/asm/api';
import { tokenizeLine } from '../../../core/src/asm/lexer';
import { parseFloatConstant } from '../../../core/src/asm/floats';
import { isFloatText, parseNumber, parseNumberExact } from '../../../core/src/asm/numbers';
import { decodeString, stringValueExact } from '../../../core/src/asm/strings';
import { searchPlaces, shortPath } from '../../../core/src/asm/paths';
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver-types';
import { rangeContains, toLspRange, type AnalyzedDocument } from '../analysis/document';
import { dupKeywordStarts } from '../syntax/dataDup';
import { DUP_KEYWORD, keywordDoc, USE_PACKAGES } from '../syntax/directives';
import { instructionFor, registerFor } from '../syntax/isaIndex';
import { prefixDoc, prefixMarkdown } from '../../../core/src/isa/prefixes';
import { shapeLine } from '../syntax/lineShape';
import { directiveWordAt } from './directiveArguments';
import { formOnLine } from './encodedForm';
import { linkedFileAt, type LinkedFile } from './documentLinks';
import { firstPlace, missingIncludeHint } from './includeHint';
import { instructionMarkdown, registerMarkdown } from './instructionDocs';
import { floatMarkdown, numberMarkdown } from './numberFormats';
import { symbolsAt, tokenAt, type SymbolHit } from './symbolAt';
import { wordClassifier } from './wordClassifier';

function markdown(value: string, line: number, start: number, end: number): Hover {
  return { contents: { kind: MarkupKind.Markdown, value }, range: { start: { line, character: start }, end: { line, character: end } } };
}

function hex(v: number): string {
  return `0x${(v >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

function symbolMarkdown(doc: AnalyzedDocument, s: SymbolInfo, callSite?: { line: number; col: number }): string {
  const where = `${s.definition.file === doc.path ? 'line' : s.definition.file + ':'} ${s.definition.start.line + 1}`.replace(': ', ':');
  switch (s.kind) {
    case 'label':
    case 'local-label':
      return `**${s.name}** — ${s.kind === 'local-label' ? 'local label' : 'label'} at ${s.value !== undefined ? `\`${hex(s.value)}\`` : 'an address not known (the file has errors)'}  \ndefined at ${where}`;
    case 'constant':
    case 'struc-field':
      return `**${s.name}** — ${s.kind === 'constant' ? 'constant' : 'structure field offset'}${s.value !== undefined ? ` = \`${s.value}\` (\`0x${(s.value >>> 0).toString(16).toUpperCase()}\`)` : ''}  \ndefined at ${where}`;
    case 'macro': {
      const p = s.params;
      const sig = p ? `%macro ${s.shortName} ${p.min}${p.max === 'greedy' ? '+' : p.max !== p.min ? `-${p.max}` : ''}` : `%macro ${s.shortName}`;
      const parts = ['```nasm', sig, '```'];
      if (s.doc) parts.push(s.doc);
      parts.push(`defined at ${where}`);
      const expansion = callSite ? expansionAt(doc, callSite) : [];
      if (expansion.length > 0) parts.push('', 'Expands to:', '```nasm', ...expansion, '```');
      return parts.join('\n');
    }
    case 'define': {
      const parts = [`**${s.name}** — single-line macro`];
      if (s.body !== undefined) parts.push('```nasm', `%define ${s.body}`, '```');
      if (s.doc) parts.push(s.doc);
      parts.push(`defined at ${where}`);
      return parts.join('\n');
    }
    case 'struc':
      return `**${s.name}** — structure${s.value !== undefined ? `, ${s.value} bytes` : ''}  \ndefined at ${where}`;
    case 'section':
      return `**${s.name}** — section${s.value !== undefined ? ` at \`${hex(s.value)}\`` : ''}`;
  }
}

/**
 * The lines a macro call on this line expanded into, as `nasm -E` prints them (parameters, `%%`
 * labels and the macros it calls expanded). A call written in a macro's body (made anew at each
 * call of that macro) shows the lines of its body it made in the first. Bounded for huge ones.
 */
function expansionAt(doc: AnalyzedDocument, at: { line: number; col: number }): string[] {
  const out: string[] = [];
  const inCall = (r: SourceRange | undefined) => r !== undefined && r.file === doc.path && rangeContains(r, at.line, at.col);
  // The outermost call of the expansion shown, by place (the statements' ranges are copies); for
  // a call written in a macro's body, the lines that call made in that macro's first expansion.
  let shown: string | undefined;
  let inBody = false;
  for (const s of doc.result.statements) {
    if (s.expanded === undefined || s.outerCall === undefined) continue;
    if (shown === undefined) {
      if (inCall(s.outerCall)) inBody = false;
      else if (inCall(s.macroCall)) inBody = true;
      else continue;
      shown = placeKey(s.outerCall);
    } else if (placeKey(s.outerCall) !== shown) break;
    else if (inBody && !inCall(s.macroCall)) continue;
    out.push(s.expanded);
    if (out.length >= 40) {
      out.push('...');
      break;
    }
  }
  return out;
}

function placeKey(r: SourceRange): string {
  return `${r.start.line}:${r.start.col}:${r.file}`;
}

/** A number token's exact value as NASM's 64-bit integer (unsigned), or undefined when malformed. */
function exactNumber(text: string): bigint | undefined {
  const v = parseNumber(text);
  if (v === undefined) return undefined;
  return Number.isSafeInteger(v) ? BigInt(v) : BigInt.asUintN(64, parseNumberExact(text));
}

/**
 * The column of a unary `-` written just before the number at `start` (`dd -1`, `mov eax, -2`,
 * `[ebp - -4]`), or undefined when the `-` subtracts (`x - 1`) or there is none.
 */
function unaryMinusBefore(text: string, start: number, doc: AnalyzedDocument): number | undefined {
  const tokens = tokenizeLine(text.slice(0, start));
  const minus = tokens[tokens.length - 1];
  if (!minus || minus.kind !== 'op' || minus.text !== '-') return undefined;
  const before = tokens[tokens.length - 2];
  if (before === undefined) return minus.start;
  if (before.kind === 'op') return before.text === ')' || before.text === ']' ? undefined : minus.start;
  if (before.kind === 'ident') {
    const words = wordClassifier(doc);
    return words.isInstructionOrDirective(before.text) || words.isPrefix(before.text) ? minus.start : undefined;
  }
  return undefined;
}

/** A string's value as a character constant (up to 8 bytes, little-endian, NASM manual §3.4.3). */
function characterConstant(line: string, token: string): bigint | undefined {
  // `%include "x.inc"`, `%define`, `incbin "f"`: strings there are names and text, not numbers.
  const first = tokenizeLine(line)[0];
  if (first?.kind === 'preproc' || /^\s*(?:\w+:?\s+)?incbin\b/i.test(line)) return undefined;
  const bytes = decodeString(token);
  if (!bytes || bytes.length === 0 || bytes.length > 8) return undefined;
  return stringValueExact(bytes);
}

/**
 * The package a `%use` line names, when `tok` is that name: what it does and the macros it
 * defined there (the package's names are recorded at the name, so its first macro would answer).
 */
function packageHover(doc: AnalyzedDocument, line: number, text: string, tok: { readonly kind: string; readonly text: string; readonly start: number }): string | undefined {
  if (tok.kind !== 'ident' && tok.kind !== 'string') return undefined;
  const toks = tokenizeLine(text);
  if (toks[0]?.kind !== 'preproc' || toks[0].text.toLowerCase() !== '%use' || toks[1]?.start !== tok.start) return undefined;
  const name = (tok.kind === 'string' ? tok.text.slice(1, -1) : tok.text).toLowerCase();
  const what = USE_PACKAGES.get(name);
  if (what === undefined) return undefined;
  const defined = doc.index.definitionsOn(line).filter((s) => rangeContains(s.definition, line, tok.start) && !s.shortName.startsWith('__'));
  const names = defined.map((s) => `\`${s.shortName}\``).join(', ');
  return `**%use ${name}** — ${what}${names.length > 0 ? `\n\nDefined here: ${names}.` : ''}`;
}

/**
 * A `%include` or `incbin` file name: the file the assembler reads for it and where it found it
 * (beside the main file, or under which -I directory), as clangd says of an `#include`.
 */
function fileMarkdown(doc: AnalyzedDocument, f: LinkedFile): string {
  if (f.found === undefined) {
    const hint = f.directive !== 'incbin' ? missingIncludeHint(doc, f.target) : '';
    return `**${f.target}** — not found: ${hint !== '' ? hint : `\`${f.directive}\` looks ${firstPlace(doc)}, then under each -I directory`}`;
  }
  const places = searchPlaces(doc.rootPath, doc.home, doc.includePaths, f.target);
  const k = places.indexOf(f.found);
  const where = k === 0 ? ` (${firstPlace(doc)})` : k > 0 ? ` (under -I ${shortPath(doc.includePaths[k - 1], doc.home)})` : '';
  const text = f.directive !== 'incbin' ? doc.readText(f.found) : undefined;
  const count = text === undefined ? 0 : text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  const lines = text === undefined ? '' : `, ${count} line${count === 1 ? '' : 's'}`;
  return `**${f.target}** — \`${f.directive}\` reads \`${f.found}\`${where}${lines}`;
}

/** The most pasted names a hover lists. */
const PASTED_NAMES_SHOWN = 12;

/** A name a macro body pastes together (`HC_%1`): the symbols its calls make of it, each with the first line of its own hover. */
function pastedNamesMarkdown(doc: AnalyzedDocument, hits: readonly SymbolHit[], pos: Position): Hover {
  const at = { line: pos.line, col: pos.character };
  const rows = hits.slice(0, PASTED_NAMES_SHOWN).map((h) => `- ${symbolMarkdown(doc, h.symbol!, at).split('\n')[0].replace(/ {2}$/, '')}`);
  const more = hits.length > PASTED_NAMES_SHOWN ? [`- … and ${hits.length - PASTED_NAMES_SHOWN} more`] : [];
  const value = [`The macro's calls make ${hits.length} names here:`, '', ...rows, ...more].join('\n');
  const range = hits[0].range;
  return { contents: { kind: MarkupKind.Markdown, value }, range: range.file === doc.path ? toLspRange(range) : undefined };
}

export function hover(doc: AnalyzedDocument, pos: Position): Hover | null {
  const text = doc.lines[pos.line];
  if (text === undefined) return null;
  const tok = tokenAt(text, pos.character);
  if (!tok || tok.kind === 'comment') return null;
  const wrap = (value: string) => markdown(value, pos.line, tok.start, tok.end);
  const pkg = packageHover(doc, pos.line, text, tok);
  if (pkg !== undefined) return wrap(pkg);
  const file = tok.kind === 'string' || tok.kind === 'invalid' ? linkedFileAt(doc, pos.line, pos.character) : undefined;
  if (file !== undefined) return markdown(fileMarkdown(doc, file), pos.line, file.start, file.end);
  const arg = directiveWordAt(text, pos.character);
  if (arg !== undefined) return markdown(`**${arg.word.word}** (\`${arg.directive}\`) — ${arg.word.doc}`, pos.line, arg.start, arg.end);
  if (tok.kind === 'number' && isFloatText(tok.text)) {
    const value = parseFloatConstant(tok.text);
    if ('error' in value) return null;
    const minus = unaryMinusBefore(text, tok.start, doc);
    return markdown(floatMarkdown(value, minus !== undefined), pos.line, minus ?? tok.start, tok.end);
  }
  if (tok.kind === 'number') {
    const v = exactNumber(tok.text);
    if (v === undefined) return null;
    const minus = unaryMinusBefore(text, tok.start, doc);
    if (!minus) return wrap(numberMarkdown(v));
    return markdown(numberMarkdown(-BigInt.asIntN(64, v)), pos.line, minus, tok.end);
  }
  if (tok.kind === 'string') {
    const v = characterConstant(text, tok.text);
    return v === undefined ? null : wrap(numberMarkdown(v));
  }
  if (tok.kind === 'preproc') {
    const k = keywordDoc(tok.text);
    return k ? wrap(`**${k.name}** — ${k.doc}`) : null;
  }
  if (tok.kind !== 'ident') return null;
  // The count's `dup` before any symbol: a label may be called `dup` too.
  if (tok.text.length === 3 && tok.text.toLowerCase() === 'dup' && dupKeywordStarts(shapeLine(text, wordClassifier(doc))).includes(tok.start)) {
    return wrap(`**${DUP_KEYWORD.name}** — ${DUP_KEYWORD.doc}`);
  }
  const hits = symbolsAt(doc, pos);
  if (hits.length > 1) return pastedNamesMarkdown(doc, hits, pos);
  const hit = hits[0];
  if (hit !== undefined) {
    const value = symbolMarkdown(doc, hit.symbol!, { line: pos.line, col: pos.character });
    const r = toLspRange(hit.range);
    return { contents: { kind: MarkupKind.Markdown, value }, range: hit.range.file === doc.path ? r : undefined };
  }
  const reg = registerFor(tok.text);
  if (reg) return wrap(registerMarkdown(reg));
  const shape = shapeLine(text, wordClassifier(doc));
  const prefix = shape.prefixes.some((p) => p.start === tok.start) ? prefixDoc(tok.text) : undefined;
  if (prefix) return wrap(prefixMarkdown(tok.text, prefix));
  const spec = instructionFor(tok.text);
  if (spec) {
    const isMnemonic = shape.mnemonic?.start === tok.start;
    const form = isMnemonic ? formOnLine(doc, spec, pos.line, text, shape) : undefined;
    return wrap(instructionMarkdown(spec, form));
  }
  const k = keywordDoc(tok.text);
  return k ? wrap(`**${k.name}** — ${k.doc}`) : null;
}
