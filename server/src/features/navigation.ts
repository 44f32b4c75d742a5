// definition / references / prepareRename / rename over the last assembly's symbols and references,
// which span every %include file, so navigation and rename work across files. Where a symbol is
// written comes from occurrences.ts, which document highlights share.

import { basename } from 'node:path';
import type { SourceRange, SymbolInfo } from '../../../core/src/asm/api';
import type { Location, Position, Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver-types';
import { toLspRange, type AnalyzedDocument } from '../analysis/document';
import { isDirective, isSizeKeyword } from '../syntax/directives';
import { instructionFor, registerFor } from '../syntax/isaIndex';
import { tokenizeLine } from '../../../core/src/asm/lexer';
import { occurrences, occurrencesAt, rangeKey } from './occurrences';
import { symbolAt, symbolsAt } from './symbolAt';

const RENAMABLE: ReadonlySet<SymbolInfo['kind']> = new Set(['label', 'local-label', 'constant', 'macro', 'define', 'struc', 'struc-field']);

// NASM manual §3.1: a name starts with a letter, `_` or `?` (or `.` for a local label) and
// continues with letters, digits and `_ $ # @ ~ . ?`; nasm 2.16.01 also reads every non-ASCII
// character as a letter of a name (measured: `xé:`, `éx:`, `a😀b:`; the lexer's isIdentStart).
const GLOBAL_NAME = /^[A-Za-z_?\u0080-\uffff][A-Za-z0-9_$#@~.?\u0080-\uffff]*$/;
const LOCAL_NAME = /^\.[A-Za-z0-9_?\u0080-\uffff][A-Za-z0-9_$#@~.?\u0080-\uffff]*$/;

/** Where the symbol under the cursor is defined; each one's, where a macro body pastes a name that its calls make several symbols of. */
export function definition(doc: AnalyzedDocument, pos: Position): Location[] {
  const hits = symbolsAt(doc, pos);
  if (hits.length === 0) {
    const inc = doc.result.includes.find((i) => i.range.file === doc.path && i.range.start.line === pos.line && i.resolved);
    return inc?.resolved ? [{ uri: doc.toUri(inc.resolved), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }] : [];
  }
  return hits.map((h) => h.symbol!.definition).map((d) => ({ uri: doc.toUri(d.file), range: toLspRange(d) }));
}

/**
 * The analyses of a file in the other open programs that read it (AnalysisCache.analysesInOtherRoots):
 * a symbol defined in a shared %include file is used by each of them.
 */
export type OtherPrograms = (file: string) => readonly AnalyzedDocument[];

export const NO_OTHERS: OtherPrograms = () => [];

/** `symbol` (of `doc`'s assembly) as each other program that reads its definition's file has it: defined there too. */
export function inOtherPrograms(doc: AnalyzedDocument, symbol: SymbolInfo, others: OtherPrograms): { readonly doc: AnalyzedDocument; readonly symbol: SymbolInfo }[] {
  const at = rangeKey(symbol.definition);
  return others(symbol.definition.file).flatMap((other) => {
    const same = other.rootPath === doc.rootPath ? undefined : other.result.symbols.find((s) => s.name === symbol.name && rangeKey(s.definition) === at);
    return same === undefined ? [] : [{ doc: other, symbol: same }];
  });
}

export function references(doc: AnalyzedDocument, pos: Position, includeDeclaration: boolean, others: OtherPrograms = NO_OTHERS): Location[] {
  const found = occurrencesAt(doc, pos, includeDeclaration);
  if (found === undefined) return [];
  const all = [...found.occurrences];
  if (found.hit.symbol !== undefined) {
    for (const other of inOtherPrograms(doc, found.hit.symbol, others)) all.push(...occurrences(other.doc, other.symbol.name, includeDeclaration));
  }
  const seen = new Set<string>();
  return all.filter(({ range: r }) => !seen.has(rangeKey(r)) && seen.add(rangeKey(r))).map(({ range: r }) => ({ uri: doc.toUri(r.file), range: toLspRange(r) }));
}

/** Why a symbol's uses cannot all be renamed by editing where its name is written, if so. */
function unrenamableUse(doc: AnalyzedDocument, name: string): string | undefined {
  let others: Map<string, string> | undefined;
  for (const r of doc.result.references) {
    if (r.name !== name) continue;
    const where = `${r.range.file}:${r.range.start.line + 1}`;
    // Pasted (`CAT(tar)`, `%1_end`): the name is written whole nowhere to edit.
    if (r.pieces) return `\`${name}\` is also made by a macro from pieces (${where}); rename it by hand.`;
    // One macro body naming several symbols (`jmp .wait` expanded under two labels): an edit
    // there would rename the others too.
    if (!others) {
      others = new Map();
      for (const o of doc.result.references) if (o.name !== name && !o.pieces) others.set(rangeKey(o.range), o.name);
    }
    const other = others.get(rangeKey(r.range));
    if (other !== undefined) return `\`${name}\` is written in a macro (${where}) that also names \`${other}\`; rename it by hand.`;
  }
  return undefined;
}

export interface RenameTarget {
  readonly range: Range;
  readonly placeholder: string;
}

/** The range to rename, or an error message saying why the symbol cannot be renamed. */
export function prepareRename(doc: AnalyzedDocument, pos: Position): RenameTarget | { error: string } {
  const hit = symbolAt(doc, pos);
  if (!hit?.symbol) return { error: 'Only labels, constants, macros and structure names can be renamed.' };
  if (!RENAMABLE.has(hit.symbol.kind)) return { error: `A ${hit.symbol.kind} cannot be renamed.` };
  if (hit.range.file !== doc.path) return { error: 'The symbol is not written here.' };
  const written = doc.lines[hit.range.start.line]?.slice(hit.range.start.col, hit.range.end.col) ?? hit.name;
  return { range: toLspRange(hit.range), placeholder: written };
}

/**
 * A name written `.x` under an owner: a local label under the label above it, a `struc` field
 * under its structure (used as `S.x`, NASM manual §7.3). It is renamed to another `.name`.
 */
function isDotted(symbol: SymbolInfo): boolean {
  return symbol.kind === 'local-label' || (symbol.kind === 'struc-field' && symbol.shortName.startsWith('.'));
}

/** Why `newName` is not a valid name for the symbol, or undefined when it is; `forced`: written `$newName`, which a reserved word may be. */
export function checkNewName(symbol: SymbolInfo, newName: string, forced = false): string | undefined {
  const local = isDotted(symbol);
  if (local ? !LOCAL_NAME.test(newName) : !GLOBAL_NAME.test(newName)) {
    return local ? `\`${newName}\` is not a local name (it must start with \`.\`).` : `\`${newName}\` is not a valid NASM identifier.`;
  }
  if (!local && !forced && (registerFor(newName) || instructionFor(newName) || isDirective(newName) || isSizeKeyword(newName))) {
    return `\`${newName}\` is a reserved word (register, mnemonic or directive).`;
  }
  return undefined;
}

/** Defines nasm's standard macros expand: `__?SECT?__` (alias `__SECT__`), the last line of `endstruc`. */
const READ_BY_STANDARD_MACROS = /^(?:__\?SECT\?__|__SECT__)$/i;

/**
 * The edits that rename the symbol at `pos`, in `doc`'s program and in every other open program
 * that reads the file it is defined in (`others`), each checked as its own: a rename one of them
 * refuses is refused.
 */
export function rename(doc: AnalyzedDocument, pos: Position, newName: string, others: OtherPrograms = NO_OTHERS): WorkspaceEdit | { error: string } {
  const edit = renameInProgram(doc, pos, newName);
  const symbol = symbolAt(doc, pos)?.symbol;
  if ('error' in edit || symbol === undefined) return edit;
  const changes = edit.changes ?? {};
  const seen = new Set(Object.entries(changes).flatMap(([uri, edits]) => edits.map((e) => editKey(uri, e))));
  for (const other of inOtherPrograms(doc, symbol, others)) {
    const more = renameInProgram(other.doc, toLspRange(other.symbol.definition).start, newName);
    if ('error' in more) return { error: `${more.error} (in ${basename(other.doc.rootPath)}, which reads ${basename(other.doc.path)} too)` };
    for (const [uri, edits] of Object.entries(more.changes ?? {})) {
      for (const e of edits) {
        if (seen.has(editKey(uri, e))) continue;
        seen.add(editKey(uri, e));
        (changes[uri] ??= []).push(e);
      }
    }
  }
  return { changes };
}

const editKey = (uri: string, e: TextEdit): string => `${uri}:${e.range.start.line}:${e.range.start.character}`;

function renameInProgram(doc: AnalyzedDocument, pos: Position, newName: string): WorkspaceEdit | { error: string } {
  const hit = symbolAt(doc, pos);
  if (!hit?.symbol || !RENAMABLE.has(hit.symbol.kind)) return { error: 'Nothing to rename here.' };
  const symbol = hit.symbol;
  const writtenHere = hit.range.file === doc.path ? doc.lines[hit.range.start.line]?.slice(hit.range.start.col, hit.range.end.col) ?? '' : '';
  if (writtenHere.startsWith('%%')) return renameMacroLocal(doc, symbol, hit.range.start.line, writtenHere, newName);
  const structural = structureProblem(doc, symbol);
  if (structural !== undefined) return { error: structural };
  const dotted = isDotted(symbol);
  // `$name` is the name `name`, written so that it is taken for one (NASM manual §3.1): a
  // reserved word so written is a name, and is then written so everywhere.
  const forced = newName.startsWith('$');
  if (forced) newName = newName.slice(1);
  // Where the name is written in full (`start.loop`, `S.field`), the new name may be too.
  if (dotted && symbol.parent && newName.startsWith(`${symbol.parent}.`)) newName = newName.slice(symbol.parent.length);
  const problem = checkNewName(symbol, newName, forced);
  if (problem) return { error: problem };
  const newFull = dotted && symbol.parent ? symbol.parent + newName : newName;
  const lineCache = new Map<string, readonly string[]>();
  const lineAt = (r: SourceRange): string => {
    let lines = lineCache.get(r.file);
    if (!lines) lineCache.set(r.file, (lines = r.file === doc.path ? doc.lines : (doc.readText(r.file) ?? '').split('\n')));
    return lines[r.start.line] ?? '';
  };
  const taken = doc.result.symbols.find((s) => s !== symbol && (s.name === newFull
    || (s.name.toLowerCase() === newFull.toLowerCase() && (s.anyCase || symbol.anyCase))));
  if (taken !== undefined && taken.name === newFull) return { error: `\`${newFull}\` is already defined.` };
  if (taken !== undefined) {
    const directive = lineAt((taken.anyCase ? taken : symbol).definition).trim().split(/\s/)[0];
    return { error: `\`${newFull}\` would be taken for \`${taken.name}\`: one of the two is defined to match any case (${directive}).` };
  }
  const writtenAt = (r: SourceRange): string => lineAt(r).slice(r.start.col, r.end.col);
  const shared = unrenamableUse(doc, symbol.name) ?? sharedName(doc, symbol, lineAt) ?? sectalignWord(doc, symbol, lineAt) ?? unreadLine(doc, symbol, lineAt);
  if (shared) return { error: shared };
  const changes: Record<string, TextEdit[]> = {};
  const edit = (r: SourceRange, newText: string) => (changes[doc.toUri(r.file)] ??= []).push({ range: toLspRange(r), newText });
  const spellings = new Set([symbol.name.toLowerCase(), symbol.shortName.toLowerCase()]);
  for (const { range: r, role } of occurrences(doc, symbol.name, true)) {
    const written = writtenAt(r);
    // (`$name` keeps its `$`.)
    const dollar = written.startsWith('$') ? '$' : '';
    const bare = written.slice(dollar.length);
    // A name a macro makes where it is not written as such (`%%x`, a label defined by `T:` after
    // `%define T name`): an edit at that range would rewrite other text.
    if (!spellings.has(bare.toLowerCase())) return { error: notWrittenOut(symbol.name, r, written) };
    // A label a macro pastes (`%00 %+ _end:`, `lbl_%1:`): the piece written is others' too.
    if (role === 'definition' && pastedAt(lineAt(r), r.start.col, r.end.col)) return { error: `\`${symbol.name}\` is made by a macro from pieces (${r.file}:${r.start.line + 1}); rename it by hand.` };
    // A local label or field may be written short (`.loop`) or in full (`parent.loop`): keep the spelling.
    edit(r, (forced ? '$' : dollar) + (dotted && !bare.startsWith('.') ? newFull : newName));
  }
  // What the name owns goes with it where its name is written in theirs: a label's local labels
  // and a structure's fields written in full (`start.print`, `rec.next`), and the size
  // `endstruc` defines (`rec_size`).
  for (const owned of ownedNames(doc, symbol)) {
    // (A size a `%define NAME_size` named otherwise is refused before: see structureProblem.)
    if (!owned.name.startsWith(symbol.name)) return { error: `\`${owned.name}\` goes with \`${symbol.name}\` but is not spelt from it; rename them by hand.` };
    const newOwned = newName + owned.name.slice(symbol.name.length);
    if (doc.result.symbols.some((s) => s.name === newOwned)) return { error: `\`${newOwned}\` is already defined.` };
    const problem = unrenamableUse(doc, owned.name);
    if (problem) return { error: problem };
    for (const { range: r, role } of occurrences(doc, owned.name, true)) {
      const written = writtenAt(r);
      if (written.startsWith('.') || (role === 'definition' && owned.implicit)) continue;
      if (written.toLowerCase() !== owned.name.toLowerCase()) return { error: notWrittenOut(owned.name, r, written) };
      edit(r, newName + written.slice(symbol.name.length));
    }
  }
  return { changes };
}

/** Whether `symbol` is a single-line or multi-line macro defined to match its name in any case (`%idefine`, `%imacro`...). */
// (Non-ASCII characters too, as in GLOBAL_NAME: `%%ö:` is a label of each call, nasm 2.16.01.)
const MACRO_LOCAL_NAME = /^[A-Za-z0-9_$#@~.?\u0080-\uffff]+$/;
const MACRO_START = /^%i?r?macro$/i;
const MACRO_END = /^%endm(?:acro)?$/i;

/**
 * A macro-local label (`%%top`, NASM manual §4.3.2) renamed throughout the body of the macro it
 * is written in on `line`: each call makes a name of its own from it, used nowhere else.
 * `newName` may be written with its `%%` or without.
 */
function renameMacroLocal(doc: AnalyzedDocument, symbol: SymbolInfo, line: number, written: string, newName: string): WorkspaceEdit | { error: string } {
  // The names its calls made (`..@2.x`) may be written out elsewhere, where no edit of the body reaches.
  const at = rangeKey(symbol.definition);
  for (const made of doc.result.symbols) {
    if (rangeKey(made.definition) !== at) continue;
    for (const { range: r } of occurrences(doc, made.name, false)) {
      const there = r.file === doc.path ? doc.lines[r.start.line]?.slice(r.start.col, r.end.col) : undefined;
      if (there !== written) return { error: `\`${made.name}\`, which \`${written}\` makes, is written out at ${r.file}:${r.start.line + 1}; rename it by hand.` };
    }
  }
  const first = (l: number): string => tokenizeLine(doc.lines[l] ?? '')[0]?.text ?? '';
  let from = line;
  while (from >= 0 && !MACRO_START.test(first(from)) && !(from < line && MACRO_END.test(first(from)))) from--;
  let to = line;
  while (to < doc.lines.length && !MACRO_END.test(first(to)) && !(to > line && MACRO_START.test(first(to)))) to++;
  if (from < 0 || !MACRO_START.test(first(from)) || to >= doc.lines.length || !MACRO_END.test(first(to))) return { error: `\`${written}\` is not in the body of a macro written here.` };
  const base = newName.startsWith('%%') ? newName.slice(2) : newName;
  if (!MACRO_LOCAL_NAME.test(base)) return { error: `\`%%${base}\` is not a macro-local label (\`%%\` then letters, digits and \`_ $ # @ ~ . ?\`).` };
  const renamed = `%%${base}`;
  const edits: TextEdit[] = [];
  for (let l = from + 1; l < to; l++) {
    for (const t of tokenizeLine(doc.lines[l])) {
      if (t.kind !== 'preproc') continue;
      if (t.text === renamed && renamed !== written) return { error: `\`${renamed}\` is already used in this macro (line ${l + 1}).` };
      if (t.text === written) edits.push({ range: { start: { line: l, character: t.start }, end: { line: l, character: t.end } }, newText: renamed });
    }
  }
  return { changes: { [doc.uri]: edits } };
}

/** The errors of a line the assembler did not read through, for an instruction or register the dialect leaves out (core/src/asm/parser.ts). */
const UNREAD_LINE_CODES: ReadonlySet<string> = new Set(['unsupported-instruction', 'unsupported-register']);

/**
 * Why `symbol`'s uses may not all be known, if so: a line with an instruction or register the
 * dialect leaves out (`jmpe target`, which nasm assembles) is not read past it, so a use of the
 * name there is no reference; renaming the others would leave that one naming nothing.
 */
function unreadLine(doc: AnalyzedDocument, symbol: SymbolInfo, lineAt: (r: SourceRange) => string): string | undefined {
  for (const d of doc.result.diagnostics) {
    if (!UNREAD_LINE_CODES.has(d.code)) continue;
    const line = lineAt(d.range);
    if (writesName(line, symbol.name) || (isDotted(symbol) && writesName(line, symbol.shortName))) {
      return `\`${symbol.name}\` may be written in \`${line.trim()}\` (${d.range.file}:${d.range.start.line + 1}), a line Ringside's dialect leaves out and does not read: rename it by hand.`;
    }
  }
  return undefined;
}

/** Whether `line` has `name` as a whole word (NASM manual §3.1's name characters around it). */
function writesName(line: string, name: string): boolean {
  for (let at = line.indexOf(name); at >= 0; at = line.indexOf(name, at + 1)) {
    const before = line[at - 1];
    const after = line[at + name.length];
    if ((before === undefined || !NAME_CHAR.test(before)) && (after === undefined || !NAME_CHAR.test(after))) return true;
  }
  return false;
}

const NAME_CHAR = /[A-Za-z0-9_$#@~.?]/;

/** An `align`, `alignb` or `sectalign` line up to its argument (after a label, if there is one). */
const ALIGNMENT_BEFORE_ARGUMENT = /^\s*(?:[\w.?$@#~]+:?\s+)?(?:align|alignb|sectalign)\s+$/i;

/**
 * Why renaming `symbol` would change what nasm makes of an alignment, if so: a name `on` or `off`
 * written as `align`'s, `alignb`'s or `sectalign`'s argument is also the word nasm's sectalign
 * reads as written (measured with nasm 2.16.01: `off equ 4` / `align off` pads to 4 and turns the
 * raising of section alignments off; renamed, it turns nothing off).
 */
function sectalignWord(doc: AnalyzedDocument, symbol: SymbolInfo, lineAt: (r: SourceRange) => string): string | undefined {
  if (!/^o(?:n|ff)$/i.test(symbol.name)) return undefined;
  for (const { range: r } of occurrences(doc, symbol.name, true)) {
    if (ALIGNMENT_BEFORE_ARGUMENT.test(lineAt(r).slice(0, r.start.col))) {
      return `\`${symbol.name}\` is also the word nasm's sectalign reads in \`${lineAt(r).trim()}\` (${r.file}:${r.start.line + 1}): under another name the program would assemble otherwise; rename it by hand.`;
    }
  }
  return undefined;
}

/**
 * A structure's `NAME_size` that is a define, when `symbol` is the structure or the define: nasm's
 * endstruc writes `NAME_size equ ($-NAME)`, which the define's body begins instead.
 */
function sizeDefine(doc: AnalyzedDocument, symbol: SymbolInfo): string | undefined {
  const structure = symbol.kind === 'struc' ? symbol.name : symbol.kind === 'define' && /_size$/i.test(symbol.name) ? symbol.name.slice(0, -5) : undefined;
  if (structure === undefined) return undefined;
  const size = `${structure}_size`.toLowerCase();
  const paired = doc.result.symbols.some((s) => s.kind === 'struc' && s.name.toLowerCase() === structure.toLowerCase())
    && doc.result.symbols.some((s) => s.kind === 'define' && s.name.toLowerCase() === size);
  return paired ? `${structure}_size` : undefined;
}

/**
 * Why renaming `symbol` alone would change what nasm's structure macros make of the program, if
 * so. nasm 2.16.01's endstruc writes `%{$strucname}_size equ ($-%$strucname)` and its iend
 * `times %{$strucname}_size-($-%$strucname) db 0`, pasting a structure's name to what `_size`
 * gives and expanding the result, and `at .x` pastes the structure's name to the field's.
 */
function structureProblem(doc: AnalyzedDocument, symbol: SymbolInfo): string | undefined {
  if (symbol.kind === 'define' && READ_BY_STANDARD_MACROS.test(symbol.name)) {
    return `\`${symbol.name}\` is read by nasm's own macros (endstruc goes where it says): under another name the program would assemble otherwise.`;
  }
  if (symbol.kind === 'define' && /^_size$/i.test(symbol.name) && hasStructures(doc)) {
    return `\`${symbol.name}\` is read by nasm's endstruc and iend, which paste what it gives to a structure's name to name its size (\`${symbol.body ?? symbol.name}\`): under another name the sizes would be named otherwise; rename it by hand.`;
  }
  const sized = sizeDefine(doc, symbol);
  if (sized !== undefined) return `\`${sized}\` is defined with %define, and nasm's endstruc writes that name in its line: the structure's name and the define go together; rename them by hand.`;
  const field = fieldDefine(doc, symbol);
  if (field !== undefined) return `\`${field}\` is defined with %define, and nasm's \`at\` pastes the structure's name to a field's and expands that: the structure's name and the define go together; rename them by hand.`;
  return sizeProblem(doc, symbol) ?? unnamedStructureSize(doc, symbol);
}

/** Whether the program has a structure or an `istruc`, whose macros read `_size`. */
function hasStructures(doc: AnalyzedDocument): boolean {
  return doc.result.symbols.some((s) => s.kind === 'struc') || doc.result.statements.some((s) => /^istruc$/i.test(s.mnemonic?.name ?? ''));
}

/**
 * Why `symbol` cannot be renamed for a size endstruc defines: it is one (named from its structure's
 * name, which Rename renames it with), or it is the name an endstruc measured from without being
 * its structure (measured with nasm 2.16.01: `qq equ 2` / `struc pt` / `%define pt qq` /
 * `endstruc` defines `qq_size` as $-qq, and no `pt_size`).
 */
function sizeProblem(doc: AnalyzedDocument, symbol: SymbolInfo): string | undefined {
  const where = (s: SymbolInfo) => `${s.definition.file}:${s.definition.start.line + 1}`;
  if (symbol.structure !== undefined) {
    const structure = doc.result.symbols.find((s) => s.kind === 'struc' && s.name === symbol.structure);
    if (structure !== undefined) return `\`${symbol.name}\` is the size nasm's endstruc defines for the structure \`${structure.name}\` (${where(structure)}), from its name: rename \`${structure.name}\` and its size follows.`;
    return `\`${symbol.name}\` is defined by an endstruc from \`${symbol.structure}\`, which a %define of its structure's name gives there: rename them by hand.`;
  }
  if (symbol.kind === 'struc') return undefined;
  const size = doc.result.symbols.find((s) => s.structure === symbol.name);
  if (size === undefined) return undefined;
  return `\`${size.name}\` is defined by the endstruc at ${where(size)}, where a %define of the structure's name gives \`${symbol.name}\`: the name, the define and \`${size.name}\` go together; rename them by hand.`;
}

/**
 * Why `symbol` cannot be renamed when it is the size an `istruc` of no name reads at its iend
 * (`istruc E` after `%define E`): the structure's name is empty, so iend reads what `_size` gives
 * alone, written nowhere (measured with nasm 2.16.01: `_size equ 3` / `istruc E` / `iend` pads to 3).
 */
function unnamedStructureSize(doc: AnalyzedDocument, symbol: SymbolInfo): string | undefined {
  if (symbol.kind === 'define' || symbol.kind === 'macro') return undefined;
  const unnamed = doc.result.statements.find((s) => /^istruc$/i.test(s.mnemonic?.name ?? '') && s.operands.length === 0);
  if (unnamed === undefined) return undefined;
  const suffixes = doc.result.symbols.filter((s) => s.kind === 'define' && /^_size$/i.test(s.name)).map((s) => (s.body ?? '').slice(s.name.length).trim());
  if (symbol.name !== '_size' && !suffixes.includes(symbol.name)) return undefined;
  return `\`${symbol.name}\` is the size the iend of an \`istruc\` of no name reads (${unnamed.range.file}:${unnamed.range.start.line + 1}), a name written nowhere: under another name it would read another; rename it by hand.`;
}

/**
 * A define named `S.name` when `symbol` is structure S: nasm's `at .name` pastes `S.name`
 * (`%$strucname%1`) and expands it, so the define is the field's offset there whether S has the
 * field or not (measured with nasm 2.16.01: `%define pt.y 2` / `at .y` pads to offset 2).
 */
function fieldDefine(doc: AnalyzedDocument, symbol: SymbolInfo): string | undefined {
  if (symbol.kind !== 'struc') return undefined;
  const prefix = `${symbol.name}.`.toLowerCase();
  return doc.result.symbols.find((s) => s.kind === 'define' && s.name.toLowerCase().startsWith(prefix))?.name;
}

/** A name of another symbol owned by `symbol` and spelt from its name; `implicit` when defined where it is not written (`S_size`, `Sps` after `%define _size ps`, at `endstruc`). */
function ownedNames(doc: AnalyzedDocument, symbol: SymbolInfo): { readonly name: string; readonly implicit: boolean }[] {
  if (isDotted(symbol)) return [];
  const out = doc.result.symbols.filter((s) => s.parent === symbol.name && isDotted(s)).map((s) => ({ name: s.name, implicit: false }));
  if (symbol.kind === 'struc') {
    const size = doc.result.symbols.find((s) => s.structure === symbol.name);
    if (size !== undefined) out.push({ name: size.name, implicit: true });
  }
  return out;
}

/**
 * Why the symbol's uses cannot be told from another's: a symbol of another kind goes by the same
 * name (a label `X` and a `%define X`: a use of `X` is either), or a macro or define is defined
 * again in another letter case or case-sensitivity (`%imacro q` and `%imacro Q` are one macro,
 * `%idefine Foo` and `%define Foo` two, which `FOO` and `Foo` tell apart).
 */
function sharedName(doc: AnalyzedDocument, symbol: SymbolInfo, lineAt: (r: SourceRange) => string): string | undefined {
  const caseFolded = (s: SymbolInfo) => /^\s*%i/i.test(lineAt(s.definition));
  for (const s of doc.result.symbols) {
    if (s === symbol) continue;
    const where = `${s.definition.file}:${s.definition.start.line + 1}`;
    if (s.name === symbol.name && s.kind !== symbol.kind) return `\`${symbol.name}\` also names a ${s.kind} (${where}), whose uses cannot be told apart from its own; rename it by hand.`;
    if (s.kind !== symbol.kind || (s.kind !== 'macro' && s.kind !== 'define') || s.name.toLowerCase() !== symbol.name.toLowerCase()) continue;
    if (s.name !== symbol.name || caseFolded(s) !== caseFolded(symbol)) return `\`${symbol.name}\` is also defined as \`${s.name}\` (${where}) with other letter case rules; rename them by hand.`;
  }
  return undefined;
}

/** Whether the name from `start` to `end` of `line` is pasted to what is written next to it (`%+`, `%1_end`, `x%1`). */
function pastedAt(line: string, start: number, end: number): boolean {
  if (line.slice(0, start).trimEnd().endsWith('%+') || line.slice(end).trimStart().startsWith('%+')) return true;
  const before = line[start - 1] ?? ' ', after = line[end] ?? ' ';
  return /[%}\w#@~.?]/.test(before) || after === '%';
}

function notWrittenOut(name: string, r: SourceRange, written: string): string {
  return `\`${name}\` is also used through a macro where it is not written out (${r.file}:${r.start.line + 1}: \`${written}\`); rename it by hand.`;
}
