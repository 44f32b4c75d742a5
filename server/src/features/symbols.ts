// documentSymbols(doc): sections > labels > local labels, then macros, constants and structures;
// workspaceSymbols(docs, query): every symbol of the open and included files, fuzzy-matched.

import type { SymbolInfo } from '../../../core/src/asm/api';
import { SymbolKind, type DocumentSymbol, type Range, type WorkspaceSymbol } from 'vscode-languageserver-types';
import { splitLines, toLspRange, type AnalyzedDocument } from '../analysis/document';
import { scanBlocks } from '../syntax/blocks';
import { wordClassifier } from './wordClassifier';

const LSP_KIND: Record<SymbolInfo['kind'], SymbolKind> = {
  label: SymbolKind.Function,
  'local-label': SymbolKind.Key,
  constant: SymbolKind.Constant,
  macro: SymbolKind.Function,
  define: SymbolKind.Constant,
  struc: SymbolKind.Struct,
  'struc-field': SymbolKind.Field,
  section: SymbolKind.Module,
};

function lastLine(doc: AnalyzedDocument): number {
  return Math.max(0, doc.lines.length - 1);
}

function blockRange(doc: AnalyzedDocument, startLine: number, endLine: number): Range {
  const end = Math.max(startLine, endLine);
  return { start: { line: startLine, character: 0 }, end: { line: end, character: doc.lines[end]?.length ?? 0 } };
}

function detail(s: SymbolInfo): string | undefined {
  if (s.value === undefined) return undefined;
  return s.kind === 'label' || s.kind === 'local-label' || s.kind === 'section' ? `0x${(s.value >>> 0).toString(16).toUpperCase()}` : String(s.value);
}

/**
 * A `%%name` or `%$name` label as nasm names it in one expansion or context (`..@12.skip`, NASM
 * manual §4.3.2, §4.7.2): each call of the macro defines another, all written in one place.
 */
function perExpansion(s: SymbolInfo): boolean {
  return /^\.\.@\d+\./.test(s.name);
}

/** What tells apart the definitions a file writes: a per-expansion label by where it is written, any other by its name too. */
function writtenKey(s: SymbolInfo): string {
  return `${s.definition.file}:${s.definition.start.line}:${perExpansion(s) ? `${s.definition.start.col}` : `:${s.name}`}`;
}

/** The name to list `s` by: a per-expansion label as written (`%%skip`), `name` otherwise. */
function listedName(s: SymbolInfo, lineText: string | undefined, name: string): string {
  if (!perExpansion(s) || lineText === undefined || s.definition.start.line !== s.definition.end.line) return name;
  const written = lineText.slice(s.definition.start.col, s.definition.end.col);
  return written.startsWith('%') ? written : name;
}

export function documentSymbols(doc: AnalyzedDocument): DocumentSymbol[] {
  // A definition run more than once (`%assign` in a `%rep`, a macro called twice, the `%%skip:`
  // of a macro's body in each call) is one entry, as in workspaceSymbols: the outline lists what
  // the file writes.
  const written = new Set<string>();
  const own = doc.result.symbols.filter((s) => {
    if (s.definition.file !== doc.path) return false;
    const key = writtenKey(s);
    if (written.has(key)) return false;
    written.add(key);
    return true;
  });
  own.sort((a, b) => a.definition.start.line - b.definition.start.line || a.definition.start.col - b.definition.start.col);
  const end = lastLine(doc);
  const sections = own.filter((s) => s.kind === 'section');
  // A macro's or structure's range runs to its %endmacro or endstruc (LSP 3.17 DocumentSymbol:
  // the range encloses the whole symbol), so what its body writes nests in it.
  const bodyEnds = new Map<number, number>();
  for (const b of scanBlocks(doc.lines, wordClassifier(doc))) if (b.kind === 'macro' || b.kind === 'struc') bodyEnds.set(b.startLine, b.endLine);
  const bodies = own.filter((s) => s.kind === 'macro' || s.kind === 'struc').flatMap((s) => {
    const last = bodyEnds.get(s.definition.start.line);
    return last === undefined ? [] : [{ first: s.definition.start.line, last }];
  });
  // (A label written in a macro's body is defined where the macro is called: it opens no block of the file's code.)
  const inMacroBody = (s: SymbolInfo) => bodies.some((b) => b.first < s.definition.start.line && s.definition.start.line <= b.last);
  // (A `..@` label opens no block: the `.local` labels after it are still the last label's, NASM manual §3.9.)
  const opensBlock = (s: SymbolInfo) => s.kind === 'label' && !s.name.startsWith('..@') && !inMacroBody(s);
  const labels = own.filter(opensBlock);
  const locals = own.filter((s) => s.kind === 'local-label' && !inMacroBody(s));
  const localSet = new Set(locals);
  const others = own.filter((s) => s.kind !== 'section' && !opensBlock(s) && !localSet.has(s));
  const make = (s: SymbolInfo, lastLine: number, name = s.shortName): DocumentSymbol => ({
    name: listedName(s, doc.lines[s.definition.start.line], name || s.name),
    kind: LSP_KIND[s.kind],
    detail: detail(s),
    range: blockRange(doc, s.definition.start.line, lastLine),
    selectionRange: toLspRange(s.definition),
    children: [],
  });
  // A label's block runs to the line before the next label or section (binary search).
  const boundaries = [...sections, ...labels].map((s) => s.definition.start.line).sort((a, b) => a - b);
  const nextBoundary = (line: number): number => {
    let lo = 0;
    let hi = boundaries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (boundaries[mid] > line) hi = mid;
      else lo = mid + 1;
    }
    return lo < boundaries.length ? boundaries[lo] - 1 : end;
  };
  const localsByParent = new Map<string, SymbolInfo[]>();
  for (const x of locals) {
    const list = localsByParent.get(x.parent ?? '') ?? [];
    list.push(x);
    localsByParent.set(x.parent ?? '', list);
  }
  const nested = new Set<SymbolInfo>();
  const labelSymbols = labels.map((l) => {
    const sym = make(l, nextBoundary(l.definition.start.line));
    const lastOfBlock = sym.range.end.line;
    const children = (localsByParent.get(l.name) ?? []).filter((x) => x.definition.start.line >= l.definition.start.line && x.definition.start.line <= lastOfBlock);
    for (const x of children) nested.add(x);
    sym.children = children.map((x, i, arr) => make(x, i + 1 < arr.length ? arr[i + 1].definition.start.line - 1 : lastOfBlock));
    return sym;
  });
  // A local label outside its label's block (after a `section` line: `.msg` in .data is still
  // main.msg to nasm, NASM manual §3.9), or under a structure, is listed where it is written, by
  // its full name, like a label: in the innermost block around it (a structure's name opens none,
  // so `.loop` after an `endstruc` is in the code's label block, named after the structure).
  const apart = locals.filter((x) => !nested.has(x));
  const apartSymbols = apart.map((x, i) => {
    const next = i + 1 < apart.length ? apart[i + 1].definition.start.line - 1 : end;
    return make(x, Math.max(x.definition.start.line, Math.min(next, nextBoundary(x.definition.start.line))), x.name);
  });
  const sectionSymbols = sections.map((s, i) => {
    const last = i + 1 < sections.length ? sections[i + 1].definition.start.line - 1 : end;
    return { ...make(s, last, s.name), children: [] as DocumentSymbol[] };
  });
  const top: DocumentSymbol[] = [];
  let si = 0;
  for (const l of labelSymbols) {
    while (si < sectionSymbols.length && sectionSymbols[si].range.end.line < l.range.start.line) si++;
    const home = sectionSymbols[si] && sectionSymbols[si].range.start.line <= l.range.start.line ? sectionSymbols[si] : undefined;
    (home ? home.children : top).push(l);
  }
  const tree = [...sectionSymbols, ...top];
  const blocks = new Set<DocumentSymbol>([...sectionSymbols, ...labelSymbols, ...labelSymbols.flatMap((l) => l.children ?? [])]);
  for (const x of apartSymbols) {
    innermostHolder(tree, blocks, x.range.start.line, x.range.end.line).push(x);
    blocks.add(x);
  }
  // Constants, macros, structures and the rest go in the innermost block written around them
  // (a section, a label, a local label), as the outline, breadcrumbs and sticky scroll read
  // ranges: a symbol beside a block whose range holds it would overlap it.
  for (const o of others) {
    const line = o.definition.start.line;
    const holder = innermostHolder(tree, blocks, line, o.definition.end.line);
    // (Not past the end of the block it is in, nor over a section or label it writes.)
    let body = o.kind === 'macro' || o.kind === 'struc' ? bodyEnds.get(line) : undefined;
    if (body !== undefined && (nextBoundary(line) < body || innermostHolder(tree, blocks, line, body) !== holder)) body = undefined;
    const sym = make(o, body ?? o.definition.end.line, o.name);
    sym.children = undefined;
    holder.push(sym);
    if (body !== undefined) blocks.add(sym);
  }
  const tidy = (list: DocumentSymbol[]): void => {
    list.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    for (const x of list) {
      if (x.children?.length === 0) x.children = undefined;
      else if (x.children !== undefined) tidy(x.children);
    }
  };
  tidy(tree);
  return tree;
}

/** The children list of the innermost of `blocks` in `list` whose range holds lines `from`..`to` (`list` itself when none does). */
function innermostHolder(list: DocumentSymbol[], blocks: ReadonlySet<DocumentSymbol>, from: number, to: number): DocumentSymbol[] {
  for (const x of list) {
    if (blocks.has(x) && x.range.start.line <= from && to <= x.range.end.line) return innermostHolder(x.children ??= [], blocks, from, to);
  }
  return list;
}

/**
 * Case-insensitive subsequence match: `ksm` matches `kernel_start_main`. `lowerQuery`: the query
 * already in lower case (a workspace search matches one query against every symbol).
 */
export function fuzzyMatch(query: string, name: string, lowerQuery = false): boolean {
  if (query.length === 0) return true;
  // A subsequence is never longer than the name: a long query (a paste) is answered at once.
  if (query.length > name.length) return false;
  const q = lowerQuery ? query : query.toLowerCase();
  const n = name.toLowerCase();
  let qi = 0;
  for (let i = 0; i < n.length && qi < q.length; i++) if (n.charCodeAt(i) === q.charCodeAt(qi)) qi++;
  return qi === q.length;
}

/** The lines of `file`, read through `doc` (its own are at hand), each file once. */
function linesOf(doc: AnalyzedDocument, file: string, texts: Map<string, readonly string[]>): readonly string[] {
  if (file === doc.path) return doc.lines;
  let lines = texts.get(file);
  if (lines === undefined) texts.set(file, (lines = splitLines(doc.readText(file) ?? '')));
  return lines;
}

export function workspaceSymbols(docs: readonly AnalyzedDocument[], query: string, limit = 500): WorkspaceSymbol[] {
  const out: WorkspaceSymbol[] = [];
  const seen = new Set<string>();
  // (The lines of the files per-expansion labels are written in, read once each.)
  const texts = new Map<string, readonly string[]>();
  const q = query.toLowerCase();
  for (const doc of docs) {
    for (const s of doc.result.symbols) {
      if (!fuzzyMatch(q, s.name, true)) continue;
      const key = writtenKey(s);
      if (seen.has(key)) continue;
      seen.add(key);
      const lineText = perExpansion(s) ? linesOf(doc, s.definition.file, texts)[s.definition.start.line] : undefined;
      out.push({ name: listedName(s, lineText, s.name), kind: LSP_KIND[s.kind], location: { uri: doc.toUri(s.definition.file), range: toLspRange(s.definition) }, containerName: s.parent });
      if (out.length >= limit) return out;
    }
  }
  return out;
}
