// completion(doc, pos): mnemonics with operand-form snippets, prefixes, directives and macros where
// an instruction starts; registers, labels (the current scope's `.locals` too, and labels from
// included files), constants, single-line macros and size keywords in operands, `dup` after a
// data list's expression; `%` directives.
// Documentation is filled in lazily by resolveCompletion. Every item of a list replaces the same
// range; a client that takes `itemDefaults.editRange` (LSP 3.17; VS Code does) gets it once per
// list instead of once per item, which halves a list of labels on the wire.

import type { SymbolInfo } from '../../../core/src/asm/api';
import type { FormSpec, InstructionSpec, OperandKind } from '../../../core/src/isa/types';
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type CompletionItemLabelDetails, type CompletionList, type Position, type Range } from 'vscode-languageserver-types';
import type { AnalyzedDocument } from '../analysis/document';
import { dupKeywordStarts } from '../syntax/dataDup';
import { BUILTIN_NAMES, DIRECTIVES, DUP_KEYWORD, OPERAND_MODIFIERS, PREPROCESSOR_DIRECTIVES, SIZE_KEYWORDS, isDirective, keywordDoc } from '../syntax/directives';
import { allMnemonics, allRegisters, instructionFor, isPrefixMnemonic, operandKindLabel } from '../syntax/isaIndex';
import { prefixDoc, prefixMarkdown } from '../../../core/src/isa/prefixes';
import { shapeLine, type LineShape } from '../syntax/lineShape';
import { timesInstruction } from '../syntax/timesPrefix';
import { argumentItem, directiveArguments } from './directiveArguments';
import { fileNameCompletion } from './fileNameCompletion';
import { macroBodyAt, macroBodyItems } from './macroBodyCompletion';
import { instructionMarkdown, registerMarkdown } from './instructionDocs';
import { scopeLabelAt, tokenAt } from './symbolAt';
import { wordClassifier } from './wordClassifier';

/** What resolveCompletion needs to find the documentation again. */
export type CompletionData = { readonly kind: 'mnemonic' | 'keyword' | 'register'; readonly name: string };

/**
 * How typical an operand kind is in 32-bit guest code, for choosing the form a mnemonic's snippet
 * shows: general 32-bit operands first, then immediates and the fixed operands of port and shift
 * forms, then 8/16-bit, segment, control and debug registers.
 */
function kindWeight(kind: OperandKind): number {
  switch (kind) {
    case 'r32': case 'rm32': case 'm32': case 'imm32': case 'rel32': case 'm': case 'moffs32': return 4;
    case 'eax': case 'imm8': case 'sbyte32': return 3;
    case 'one': case 'cl': case 'dx': case 'm64': case 'ptr16:32': case 'mfar32': return 2;
    default: return 1;
  }
}

/** The form a snippet shows: the most typical operands on average; the table's order breaks ties. */
function snippetForm(spec: InstructionSpec): FormSpec | undefined {
  let best: FormSpec | undefined;
  let bestWeight = 0;
  for (const f of spec.forms) {
    if (f.encodeOnly || f.operands.length === 0) continue;
    const weight = f.operands.reduce((sum, k) => sum + kindWeight(k), 0) / f.operands.length;
    if (weight > bestWeight) { best = f; bestWeight = weight; }
  }
  return best;
}

/** The operands of the form the snippet shows, as the reference writes them (` r/m32, r32`). */
function snippetOperands(name: string): string | undefined {
  const spec = instructionFor(name);
  if (!spec || !spec.forms.every((f) => f.operands.length > 0)) return undefined;
  const form = snippetForm(spec);
  return form ? ` ${form.operands.map(operandKindLabel).join(', ')}` : undefined;
}

function mnemonicSnippet(name: string): string {
  const spec = instructionFor(name);
  // Without operands in some form (`ret` / `ret imm16`), the bare mnemonic.
  if (!spec || !spec.forms.every((f) => f.operands.length > 0)) return name;
  const form = snippetForm(spec);
  if (!form) return name;
  return `${name} ${form.operands.map((k, i) => `\${${i + 1}:${exampleOperand(k, i).replace(/[}$\\]/g, (c) => `\\${c}`)}}`).join(', ')}`;
}

const GPR: Partial<Record<OperandKind, readonly string[]>> = { r8: ['al', 'cl', 'dl'], r16: ['ax', 'cx', 'dx'], r32: ['eax', 'ecx', 'edx'] };

/**
 * An operand of this kind as NASM accepts it, so an accepted snippet assembles as it stands and
 * selects the form it shows (`mov dword [ebx], eax` is `mov r/m32, r32`); the user types over it.
 */
function exampleOperand(kind: OperandKind, index: number): string {
  const gpr = GPR[kind];
  if (gpr) return gpr[index % gpr.length];
  switch (kind) {
    case 'rm8': case 'm8': return 'byte [ebx]';
    case 'rm16': case 'm16': return 'word [ebx]';
    case 'rm32': case 'm32': return 'dword [ebx]';
    case 'm64': return 'qword [ebx]';
    case 'm': case 'mfar32': return '[ebx]';
    case 'mfar16': return 'word [ebx]';
    case 'moffs8': case 'moffs16': case 'moffs32': return '[0]';
    case 'imm8': case 'imm16': case 'imm32': case 'sbyte16': case 'sbyte32': return '0';
    case 'one': return '1';
    case 'sreg': return 'ds';
    case 'creg': return 'cr0';
    case 'dreg': return 'dr0';
    case 'rel8': case 'rel16': case 'rel32': return '$';
    case 'ptr16:16': return 'word 0x8:0';
    case 'ptr16:32': return '0x8:0';
    default: return kind;
  }
}

/**
 * What the client takes: list-wide defaults (`completionList.itemDefaults`), insert/replace edits,
 * snippets (`completionItem.snippetSupport`) and `labelDetails` (`completionItem.labelDetailsSupport`).
 * A client that does not declare one does not get it (LSP 3.17 CompletionClientCapabilities).
 */
export interface CompletionClient {
  readonly editRange: boolean;
  readonly insertReplace: boolean;
  readonly snippets: boolean;
  readonly labelDetails: boolean;
}

export const PLAIN_CLIENT: CompletionClient = { editRange: false, insertReplace: false, snippets: false, labelDetails: false };

/**
 * Where an accepted item goes: over the word typed so far (`insert`: its start to the cursor), or
 * over the whole word the cursor is in (`replace`), as the client's insert mode chooses.
 */
interface EditRanges {
  readonly insert: Range;
  readonly replace: Range;
}

/** The items of one list, all with the same edit ranges: per item, or once in the list's defaults. */
class ItemList {
  readonly items: CompletionItem[] = [];
  /** Insert and replace differ, and the client takes both. */
  private readonly both: boolean;

  constructor(private readonly ranges: EditRanges, private readonly client: CompletionClient) {
    this.both = client.insertReplace && ranges.replace.end.character !== ranges.insert.end.character;
  }

  /** The item's edit: its own text edit, or the text for the default range when not its label. */
  edit(label: string, newText: string): Pick<CompletionItem, 'textEdit' | 'textEditText'> {
    if (this.client.editRange) return newText === label ? {} : { textEditText: newText };
    return { textEdit: this.both ? { newText, insert: this.ranges.insert, replace: this.ranges.replace } : { range: this.ranges.insert, newText } };
  }

  /**
   * The item's edit for text in snippet syntax: the snippet where the client takes snippets, else
   * the label alone, which such a client would otherwise insert with the `${1:…}` in it.
   */
  snippetEdit(label: string, snippet: string | undefined): Pick<CompletionItem, 'textEdit' | 'textEditText' | 'insertTextFormat'> {
    if (snippet === undefined || !this.client.snippets) return this.edit(label, label);
    return { ...this.edit(label, snippet), insertTextFormat: InsertTextFormat.Snippet };
  }

  /** `labelDetails` where the client shows them; a client that does not may reject the item. */
  labelDetails(details: CompletionItemLabelDetails | undefined): CompletionItemLabelDetails | undefined {
    return this.client.labelDetails ? details : undefined;
  }

  list(): CompletionList {
    if (!this.client.editRange) return { isIncomplete: false, items: this.items };
    return { isIncomplete: false, itemDefaults: { editRange: this.both ? this.ranges : this.ranges.insert }, items: this.items };
  }
}

function symbolItem(s: SymbolInfo, insert: string, out: ItemList): CompletionItem {
  const kind = s.kind === 'macro' || s.kind === 'define' ? CompletionItemKind.Function
    : s.kind === 'constant' ? CompletionItemKind.Constant
      : s.kind === 'struc' ? CompletionItemKind.Struct
        : s.kind === 'struc-field' ? CompletionItemKind.Field : CompletionItemKind.Reference;
  const value = s.value !== undefined ? (s.kind === 'label' || s.kind === 'local-label' ? `0x${(s.value >>> 0).toString(16).toUpperCase()}` : String(s.value)) : undefined;
  return {
    label: insert,
    kind,
    detail: `${s.kind}${value !== undefined ? ` = ${value}` : ''}`,
    documentation: s.doc ? { kind: MarkupKind.Markdown, value: s.doc } : undefined,
    ...out.edit(insert, insert),
    sortText: `1${insert}`,
  };
}

/** The instruction-start items that do not depend on the document, built once (only the edit range varies). */
interface StaticItem {
  readonly label: string;
  /** The text inserted, in snippet syntax, when it is more than the label. */
  readonly snippet?: string;
  readonly data: CompletionData;
  readonly sortText: string;
  readonly detail?: string;
  readonly labelDetails?: CompletionItemLabelDetails;
}
let instructionStartItems: StaticItem[] | undefined;

function staticInstructionItems(): readonly StaticItem[] {
  if (instructionStartItems) return instructionStartItems;
  const out: StaticItem[] = [];
  for (const m of allMnemonics()) {
    const snippet = mnemonicSnippet(m);
    const operands = snippetOperands(m);
    out.push({ label: m, snippet: snippet !== m ? snippet : undefined, data: { kind: 'mnemonic', name: m }, sortText: `2${m}`, detail: isPrefixMnemonic(m) ? 'prefix' : instructionFor(m)?.summary,
      labelDetails: operands ? { detail: operands } : undefined });
  }
  for (const d of DIRECTIVES) out.push({ label: d.name, snippet: d.snippet, data: { kind: 'keyword', name: d.name }, sortText: `3${d.name}`, detail: 'directive' });
  return (instructionStartItems = out);
}

/** Characters that ask for a list only inside a file name (see fileNameCompletion). */
const FILE_NAME_TRIGGERS = new Set(['"', "'", '/']);

/** `trigger`: the character whose typing asked for the list (LSP CompletionContext.triggerCharacter), if any. */
export function completion(doc: AnalyzedDocument, pos: Position, client: CompletionClient = PLAIN_CLIENT, trigger?: string): CompletionList {
  const text = doc.lines[pos.line] ?? '';
  const col = Math.min(pos.character, text.length);
  const tok = tokenAt(text, col);
  const files = tok?.kind === 'string' || tok?.kind === 'invalid' ? fileNameCompletion(doc, text, { line: pos.line, character: col }, client) : undefined;
  if (files !== undefined) return files;
  // Inside a comment or a string (one still open too), and after a quote or `/` typed elsewhere, no list.
  const inString = (tok?.kind === 'string' && col < tok.end) || (tok?.kind === 'invalid' && /^["'`]/.test(tok.text) && col > tok.start);
  if (tok?.kind === 'comment' || inString || (trigger !== undefined && FILE_NAME_TRIGGERS.has(trigger))) return { isIncomplete: false, items: [] };
  // The word being typed: the one holding the character before the cursor (`mo|v`, `ea|,`).
  const left = col > 0 ? tokenAt(text, col - 1) : undefined;
  const word = left && left.end >= col && (left.kind === 'ident' || left.kind === 'preproc') ? left : undefined;
  const at = (character: number): Position => ({ line: pos.line, character });
  const cursor: Range = { start: at(col), end: at(col) };
  const ranges: EditRanges = word
    ? { insert: { start: at(word.start), end: at(col) }, replace: { start: at(word.start), end: at(word.end) } }
    : { insert: cursor, replace: cursor };
  const before = text.slice(0, col);
  const args = directiveArguments(before, () => doc.result.symbols.filter((s) => s.kind === 'section').map((s) => s.name));
  if (args !== undefined) {
    const start = at(args.start);
    const end = at(col + (/^[\w=.-]*/.exec(text.slice(col))?.[0].length ?? 0));
    const out = new ItemList({ insert: { start, end: at(col) }, replace: { start, end } }, client);
    args.words.forEach((w, i) => out.items.push({ ...argumentItem(w, i), ...out.edit(w.word, w.word) }));
    return out.list();
  }
  const shape = shapeLine(before, wordClassifier(doc));

  // A `%` word: a directive at the start of a line; in a macro body, what the body can name too.
  // A bare `%%` (the start of a `%%label`) is one word: the item replaces both `%`.
  const typedPercents = /%%?$/.exec(before)?.[0].length ?? 0;
  const percent = word?.kind === 'preproc' ? word.start : typedPercents > 0 ? col - typedPercents : -1;
  const lineStart = percent >= 0 && before.slice(0, percent).trim() === '';
  const body = percent >= 0 ? macroBodyAt(doc.lines, pos.line) : undefined;
  if (lineStart || body !== undefined) {
    // The item replaces the `%` too (every name offered begins with it).
    const start = at(percent);
    const out = new ItemList({ insert: { start, end: ranges.insert.end }, replace: { start, end: word ? ranges.replace.end : ranges.insert.end } }, client);
    if (body !== undefined) {
      for (const item of macroBodyItems(doc.lines, body, { line: pos.line, start: percent })) out.items.push({ ...item, ...out.edit(item.label, item.label) });
    }
    if (lineStart) {
      for (const d of PREPROCESSOR_DIRECTIVES) {
        out.items.push({ label: d.name, kind: CompletionItemKind.Keyword, ...out.snippetEdit(d.name, d.snippet), data: { kind: 'keyword', name: d.name } satisfies CompletionData });
      }
    }
    return out.list();
  }

  const out = new ItemList(ranges, client);
  const items = out.items;
  const wordStart = word ? word.start : col;
  // After a `times` count, the instruction or data it repeats.
  const repeated = timesInstruction(shape);
  const afterCount = repeated !== undefined && (repeated.instruction === wordStart || (repeated.instruction === undefined && wordStart > repeated.end));
  const atInstruction = !shape.preproc && (!shape.mnemonic || (shape.mnemonic.end === col && shape.operands.length === 0) || afterCount || afterBareLabel(doc, shape, before, wordStart));
  if (atInstruction) {
    // The 64 reserved NOPs (`hint_nop0`..`hint_nop63`) only once their name is being typed: in
    // every other list they would be most of the entries for `h`.
    const hints = word !== undefined && /^hint/i.test(word.text);
    for (const s of staticInstructionItems()) {
      if (!hints && s.label.startsWith('hint_nop')) continue;
      items.push({ label: s.label, kind: CompletionItemKind.Keyword, ...out.snippetEdit(s.label, s.snippet),
        data: s.data, sortText: s.sortText, detail: s.detail, labelDetails: out.labelDetails(s.labelDetails) });
    }
    for (const s of doc.result.symbols) if (s.kind === 'macro') items.push(symbolItem(s, s.shortName, out));
    return out.list();
  }

  const tested = shape.preproc ? testedKind(shape, wordStart) : undefined;
  if (tested !== undefined) {
    const seen = new Set<string>();
    for (const s of doc.result.symbols) {
      if (s.kind !== tested || seen.has(s.shortName)) continue;
      seen.add(s.shortName);
      items.push(symbolItem(s, s.shortName, out));
    }
    if (tested === 'define') pushBuiltinNames(out);
    return out.list();
  }

  // Where `dup` would be a count's (`db 3 |`), it comes first; elsewhere it would be a name.
  if (dupKeywordStarts(shapeLine(text.slice(0, wordStart) + DUP_KEYWORD.name, wordClassifier(doc))).includes(wordStart)) {
    items.push({ label: DUP_KEYWORD.name, kind: CompletionItemKind.Keyword, ...out.snippetEdit(DUP_KEYWORD.name, 'dup (${1:0})'),
      detail: 'repeat count', documentation: { kind: MarkupKind.Markdown, value: DUP_KEYWORD.doc }, sortText: `0${DUP_KEYWORD.name}` });
  }
  for (const r of allRegisters()) {
    items.push({ label: r.name, kind: CompletionItemKind.Variable, ...out.edit(r.name, r.name), detail: `${r.bits}-bit ${r.cls}`, data: { kind: 'register', name: r.name } satisfies CompletionData, sortText: `3${r.name}` });
  }
  for (const k of [...SIZE_KEYWORDS, ...OPERAND_MODIFIERS]) items.push({ label: k.name, kind: CompletionItemKind.Keyword, ...out.edit(k.name, k.name), detail: k.doc, sortText: `4${k.name}` });
  pushBuiltinNames(out);
  const scope = scopeLabelAt(doc, pos.line);
  // A word written as `label.` names local labels by their full names, which reach any scope
  // (NASM manual §3.9: `label1.loop`); the client filters the items by that word (LSP 3.17
  // CompletionItem.filterText), so a `.loop` item would never match it.
  const qualified = word !== undefined && word.text.indexOf('.', 1) > 0 && !word.text.startsWith('..');
  const seen = new Set<string>();
  for (const s of doc.result.symbols) {
    // A multi-line macro is called, never an operand; `..@N.x` are the names NASM gives `%%x`
    // labels per call, which no one writes.
    if (s.kind === 'section' || s.kind === 'macro' || (s.name.startsWith('..@') && doc.index.definedByExpansion(s.name))) continue;
    if (s.kind === 'local-label') {
      if (qualified) {
        if (!seen.has(s.name)) items.push(symbolItem(s, s.name, out));
        seen.add(s.name);
        continue;
      }
      if (!scope || s.parent !== scope.name) continue;
      if (!seen.has(s.shortName)) items.push(symbolItem(s, s.shortName, out));
      seen.add(s.shortName);
      continue;
    }
    if (seen.has(s.name)) continue;
    seen.add(s.name);
    items.push(symbolItem(s, s.name, out));
  }
  return out.list();
}

/**
 * Whether the word typed at `wordStart` is the second of its line after a first word nasm can only
 * read as a label without a colon (`msg d|` on the way to `msg db 'hi'`, `len eq|`): no
 * instruction, directive, prefix or macro (a `%define`d word would take it as an argument). The
 * shape has that first word as the mnemonic, since what follows is not one yet.
 */
function afterBareLabel(doc: AnalyzedDocument, shape: LineShape, before: string, wordStart: number): boolean {
  const first = shape.mnemonic;
  if (first === undefined || shape.label !== undefined || shape.prefixes.length > 0 || shape.bracketed) return false;
  if (shape.operands.length > 1 || before.slice(first.end, wordStart).trim() !== '' || wordStart === first.end) return false;
  const name = first.name;
  if (instructionFor(name) || isPrefixMnemonic(name) || isDirective(name) || doc.index.isMacro(name)) return false;
  const kind = doc.index.symbol(name)?.kind;
  return kind !== 'define' && kind !== 'macro';
}

/** The single-line macros every file has (`__?BITS?__`, `__FILE__`, ...). */
function pushBuiltinNames(out: ItemList): void {
  for (const k of BUILTIN_NAMES) {
    if (k.name.startsWith('__')) out.items.push({ label: k.name, kind: CompletionItemKind.Constant, ...out.edit(k.name, k.name), detail: k.doc, sortText: `5${k.name}` });
  }
}

/**
 * What the name a `%ifdef`-like test takes as its first argument can be: for `%ifdef` and
 * `%elifdef` (and their `n` forms) a single-line macro (%define, %assign and the like), never a
 * label or an `equ` constant; for `%ifmacro` a multi-line macro (NASM manual §4.6.1, §4.6.2;
 * measured with nasm 2.16.01). Undefined elsewhere.
 */
function testedKind(shape: LineShape, wordStart: number): 'define' | 'macro' | undefined {
  const directive = shape.preproc!;
  if (wordStart <= directive.end || shape.tokens.some((t) => t.start >= directive.end && t.start < wordStart)) return undefined;
  return /^%(?:el)?ifn?def$/.test(directive.name) ? 'define' : /^%(?:el)?ifn?macro$/.test(directive.name) ? 'macro' : undefined;
}

export function resolveCompletion(item: CompletionItem): CompletionItem {
  const data = item.data as CompletionData | undefined;
  if (!data || typeof data.name !== 'string') return item;
  if (data.kind === 'mnemonic') {
    const spec = instructionFor(data.name);
    if (spec) return { ...item, documentation: { kind: MarkupKind.Markdown, value: instructionMarkdown(spec) } };
    const prefix = prefixDoc(data.name);
    if (prefix) return { ...item, documentation: { kind: MarkupKind.Markdown, value: prefixMarkdown(data.name, prefix) } };
    if (isPrefixMnemonic(data.name)) return { ...item, documentation: `Segment-override prefix \`${data.name}\`: the instruction's memory operand is addressed through ${data.name.toUpperCase()} (a string instruction's DS:ESI source; its ES:EDI destination cannot be overridden).` };
  } else if (data.kind === 'keyword') {
    const k = keywordDoc(data.name);
    if (k) return { ...item, documentation: { kind: MarkupKind.Markdown, value: k.doc } };
  } else if (data.kind === 'register') {
    const r = allRegisters().find((x) => x.name === data.name);
    if (r) return { ...item, documentation: { kind: MarkupKind.Markdown, value: registerMarkdown(r) } };
  }
  return item;
}
