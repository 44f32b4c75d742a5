// Call hierarchy (LSP 3.16): which routines `call` a label and which labels a routine calls. A
// routine is a non-local label and the lines up to the next one in its file, as a reader of
// assembly takes it (NASM scopes `.local` labels the same way); a `.local` label called on its own
// is a routine up to the next label of either kind. Calls written at a file's top, before any
// label, belong to the file.

import type { SourceRange, Statement, SymbolInfo, SymbolReference } from '../../../core/src/asm/api';
import { SymbolKind, type CallHierarchyIncomingCall, type CallHierarchyItem, type CallHierarchyOutgoingCall, type Position } from 'vscode-languageserver-types';
import { toLspRange, type AnalyzedDocument } from '../analysis/document';
import { inOtherPrograms, NO_OTHERS, type OtherPrograms } from './navigation';
import { symbolAt } from './symbolAt';

/** What an item carries from prepare to the incoming/outgoing requests (LSP keeps `data`). */
export interface CallHierarchyData {
  /** The open document whose assembly the item comes from. */
  readonly doc: string;
  /** The routine's full name, or undefined for a file's top. */
  readonly name: string | undefined;
  /** The file, for a file's top. */
  readonly file: string;
}

const CALLABLE: ReadonlySet<SymbolInfo['kind']> = new Set(['label', 'local-label']);

/** The routine the cursor names (at its definition or at a use), as an item; none for other symbols. */
export function prepareCallHierarchy(doc: AnalyzedDocument, pos: Position): CallHierarchyItem[] | null {
  const s = symbolAt(doc, pos)?.symbol;
  if (s === undefined || !CALLABLE.has(s.kind) || doc.index.definedByExpansion(s.name)) return null;
  return [new Scopes(doc).item(s)];
}

/**
 * The routines (and file tops) whose `call`s name the item's routine, with where each call is: in
 * `doc`'s assembly, and in each other open program that reads the file defining it (`others`, as
 * references has them), whose callers' items are that program's.
 */
export function incomingCalls(doc: AnalyzedDocument, data: CallHierarchyData, others: OtherPrograms = NO_OTHERS): CallHierarchyIncomingCall[] {
  const own = callsTo(doc, data);
  const symbol = data.name === undefined ? undefined : doc.index.symbol(data.name);
  if (symbol === undefined) return own;
  const seen = new Set(own.map(callKey));
  for (const other of inOtherPrograms(doc, symbol, others)) {
    const root = other.doc.toUri(other.doc.rootPath);
    for (const call of callsTo(other.doc, data)) {
      if (seen.has(callKey(call))) continue;
      seen.add(callKey(call));
      // (Its caller is asked about again in the program it was found in.)
      own.push({ ...call, from: { ...call.from, data: { ...call.from.data as CallHierarchyData, doc: root } } });
    }
  }
  return own;
}

/** An incoming call's identity across programs: its caller's file and name, and where it calls. */
function callKey(call: CallHierarchyIncomingCall): string {
  return `${call.from.uri}\n${call.from.name}\n${call.fromRanges.map((r) => `${r.start.line}:${r.start.character}`).join(',')}`;
}

function callsTo(doc: AnalyzedDocument, data: CallHierarchyData): CallHierarchyIncomingCall[] {
  if (data.name === undefined) return [];
  const scopes = new Scopes(doc);
  const byCaller = new Map<string, { from: CallHierarchyItem; ranges: SourceRange[] }>();
  for (const call of calls(doc, scopes)) {
    if (call.callee !== data.name) continue;
    const key = call.caller?.name ?? `file:${call.site.file}`;
    let entry = byCaller.get(key);
    if (entry === undefined) {
      entry = { from: call.caller ? scopes.item(call.caller) : fileTopItem(doc, call.site.file), ranges: [] };
      byCaller.set(key, entry);
    }
    entry.ranges.push(call.site);
  }
  return [...byCaller.values()].map((e) => ({ from: e.from, fromRanges: e.ranges.map(toLspRange) }));
}

/** The routines the item's routine (or file top) calls, with where it calls each. */
export function outgoingCalls(doc: AnalyzedDocument, data: CallHierarchyData): CallHierarchyOutgoingCall[] {
  const scopes = new Scopes(doc);
  const byCallee = new Map<string, { to: CallHierarchyItem; ranges: SourceRange[] }>();
  for (const call of calls(doc, scopes)) {
    const inItem = data.name === undefined ? call.caller === undefined && call.site.file === data.file : call.caller?.name === data.name;
    if (!inItem) continue;
    const callee = doc.index.symbol(call.callee);
    if (callee === undefined || !CALLABLE.has(callee.kind)) continue;
    let entry = byCallee.get(callee.name);
    if (entry === undefined) {
      entry = { to: scopes.item(callee), ranges: [] };
      byCallee.set(callee.name, entry);
    }
    entry.ranges.push(call.site);
  }
  return [...byCallee.values()].map((e) => ({ to: e.to, fromRanges: e.ranges.map(toLspRange) }));
}

interface Call {
  /** The full name the call targets. */
  readonly callee: string;
  /** The routine the call is written in (for a macro's call, where the call written in a file is); undefined at a file's top. */
  readonly caller: SymbolInfo | undefined;
  /** Where the callee is named: the name in the operand, or the macro call that made the `call`. */
  readonly site: SourceRange;
}

/**
 * Every `call` of the assembly whose target is one name (`call f`, `call near .x`, `call far f`):
 * a line's own from the references the assembler recorded on it, a macro's from its operand's
 * text under the label in force where the macro is called.
 */
function calls(doc: AnalyzedDocument, scopes: Scopes): Call[] {
  const out: Call[] = [];
  let byLine: Map<string, SymbolReference[]> | undefined;
  for (const st of doc.result.statements) {
    if (st.mnemonic?.name !== 'call' || st.mnemonic.isDirective) continue;
    if (st.macroCall === undefined) {
      byLine ??= referencesByLine(doc);
      for (const r of referencesIn(byLine, st)) out.push({ callee: r.name, caller: scopes.routineAt(r.range), site: r.range });
      continue;
    }
    const name = targetName(st);
    if (name === undefined) continue;
    // At the call written in a file: a macro another macro calls is that call's too.
    const site = st.outerCall ?? st.macroCall;
    const caller = scopes.routineAt(site);
    const callee = name.startsWith('.') && !name.startsWith('..') ? (caller === undefined ? undefined : `${caller.name}${name}`) : name;
    if (callee !== undefined) out.push({ callee, caller, site });
  }
  return out;
}

/**
 * The references written in a statement's operands outside brackets (a line's own statement:
 * columns are the file's); `call [vector]` calls what `vector` holds, not `vector`.
 */
function referencesIn(byLine: ReadonlyMap<string, readonly SymbolReference[]>, st: Statement): SymbolReference[] {
  const line = st.range.start.line;
  const refs = byLine.get(lineKey(st.range.file, line)) ?? [];
  return refs.filter((r) => st.operands.some((o) => o.kind !== 'memory' && o.range.start.line === line && o.range.start.col <= r.range.start.col && r.range.end.col <= o.range.end.col));
}

/** The assembly's references by the file and line where they are written. */
function referencesByLine(doc: AnalyzedDocument): Map<string, SymbolReference[]> {
  const byLine = new Map<string, SymbolReference[]>();
  for (const r of doc.result.references) {
    const key = lineKey(r.range.file, r.range.start.line);
    const list = byLine.get(key);
    if (list === undefined) byLine.set(key, [r]); else list.push(r);
  }
  return byLine;
}

function lineKey(file: string, line: number): string {
  return `${line}:${file}`;
}

/**
 * A macro-made call's target when its one operand is a name, after `near`/`far`/`short`: as the
 * call expanded it (`call %1` with `f` for %1 is `call f`, as `nasm -E` prints it).
 */
function targetName(st: Statement): string | undefined {
  if (st.operands.length !== 1 || st.operands[0].kind === 'memory') return undefined;
  const expanded = st.expanded === undefined ? undefined : /\bcall\s+(.*)$/i.exec(st.expanded)?.[1];
  const words = (expanded ?? st.operands[0].text).trim().split(/\s+/);
  const name = words[words.length - 1];
  if (words.length > 2 || (words.length === 2 && !/^(near|far|short)$/i.test(words[0]))) return undefined;
  return /^[A-Za-z_.?][A-Za-z0-9_$#@~.?]*$/.test(name) ? name : undefined;
}

/** The labels of each file in line order, for "which routine is this line in". */
class Scopes {
  /** Each file's labels, and its non-local ones, in line order. */
  private readonly byFile = new Map<string, SymbolInfo[]>();
  private readonly routines = new Map<string, SymbolInfo[]>();

  constructor(private readonly doc: AnalyzedDocument) {
    for (const s of doc.result.symbols) {
      if (!CALLABLE.has(s.kind) || doc.index.definedByExpansion(s.name)) continue;
      let list = this.byFile.get(s.definition.file);
      if (list === undefined) this.byFile.set(s.definition.file, (list = []));
      list.push(s);
    }
    for (const [file, list] of this.byFile) {
      list.sort((a, b) => a.definition.start.line - b.definition.start.line);
      this.routines.set(file, list.filter((s) => s.kind === 'label'));
    }
  }

  /** The non-local label in force at `at` (undefined before the file's first). */
  routineAt(at: SourceRange): SymbolInfo | undefined {
    const list = this.routines.get(at.file) ?? [];
    let lo = 0, hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].definition.start.line <= at.start.line) lo = mid + 1; else hi = mid;
    }
    return lo > 0 ? list[lo - 1] : undefined;
  }

  /** The item of routine `s`: its lines up to the next label that ends it (any label for a `.local` one). */
  item(s: SymbolInfo): CallHierarchyItem {
    const file = s.definition.file;
    const lines = fileLines(this.doc, file);
    let end = Math.max(0, lines.length - 1);
    for (const o of this.byFile.get(file) ?? []) {
      if (o.definition.start.line <= s.definition.start.line) continue;
      if (s.kind === 'local-label' || o.kind === 'label') { end = Math.max(s.definition.start.line, o.definition.start.line - 1); break; }
    }
    const data: CallHierarchyData = { doc: this.doc.uri, name: s.name, file };
    return {
      name: s.kind === 'local-label' ? s.shortName : s.name,
      kind: SymbolKind.Function,
      detail: s.value === undefined ? s.parent : `0x${s.value.toString(16).padStart(8, '0')}${s.parent === undefined ? '' : ` in ${s.parent}`}`,
      uri: this.doc.toUri(file),
      range: { start: { line: s.definition.start.line, character: 0 }, end: { line: end, character: (lines[end] ?? '').length } },
      selectionRange: toLspRange(s.definition),
      data,
    };
  }
}

function fileTopItem(doc: AnalyzedDocument, file: string): CallHierarchyItem {
  const uri = doc.toUri(file);
  const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  const start = { line: 0, character: 0 };
  const data: CallHierarchyData = { doc: doc.uri, name: undefined, file };
  return { name: base, kind: SymbolKind.File, detail: 'top of file', uri, range: { start, end: start }, selectionRange: { start, end: start }, data };
}

function fileLines(doc: AnalyzedDocument, file: string): readonly string[] {
  if (file === doc.path) return doc.lines;
  return (doc.readText(file) ?? '').split(/\r?\n|\r/);
}
