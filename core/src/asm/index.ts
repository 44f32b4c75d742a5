// The assembler's entry point: preprocess, parse, assemble, then gather the facts the language
// server, debugger and CLI read (listing, source map, symbols, references, statements).

import type { AssembleOptions, AssembleResult, ListingLine, OperandTextKind, SourceMap, SourceMapEntry, SourceRange, Statement, SymbolInfo, SymbolReference } from './api';
import { assembleStatements, type AssemblyOutput } from './assembler';
import { DiagnosticSink } from './diagnostics';
import { ParseCursor, parseLine, statementRange, type ParsedOperand, type ParsedStatement } from './parser';
import { preprocess, type PreprocessResult } from './preprocessor';
import { lineRange, type PPLine } from './source';
import { resolveLimits, TimeBudget, TIME_BUDGET_MESSAGE } from './limits';
import { buildSourceMap } from './sourcemap';
import { present, type StatementResults } from './statement-results';

export type * from './api';
export { tokenizeLine, type Token, type TokenKind } from './lexer';
export { renderListing } from './listing';

export function assemble(opts: AssembleOptions): AssembleResult {
  const sink = new DiagnosticSink();
  const limits = resolveLimits(opts.limits);
  const budget = new TimeBudget(opts.deadline);
  const pp = preprocess({
    file: opts.file, text: opts.text, readFile: (p) => (p === opts.file && opts.text !== undefined ? opts.text : opts.host.readFile(p)),
    includePaths: opts.includePaths ?? [], defines: opts.defines ?? {}, limits, budget,
  }, sink);

  const stmts: ParsedStatement[] = [];
  const stmtLines: PPLine[] = [];
  const stmtOfLine = new Int32Array(pp.lines.length).fill(-1);
  const cursor = new ParseCursor();
  for (let i = 0; i < pp.lines.length; i++) {
    const line = pp.lines[i];
    if (line.listOnly) continue;
    if (budget.expired()) {
      if (!budget.reported) { budget.reported = true; sink.error('time-budget', TIME_BUDGET_MESSAGE, lineRange(line.file, line.line, 0, line.text.length), line.expansion); }
      break;
    }
    const stmt = parseLine(line, cursor, limits.eval);
    const problem = cursor.problem;
    if (problem) {
      sink.error(problem.code, problem.message, lineRange(line.file, line.line, problem.start, problem.end), line.expansion);
      continue;
    }
    if (cursor.warnings) for (const w of cursor.warnings) sink.warning(w.code, w.message, lineRange(line.file, line.line, w.start, w.end), line.expansion);
    if (stmt) { stmtOfLine[i] = stmts.length; stmts.push(stmt); stmtLines.push(line); }
  }

  const asm = assembleStatements(stmts, stmtLines, sink, { readBinary: opts.host.readBinary?.bind(opts.host), includePaths: opts.includePaths ?? [], mainFile: opts.file, limits, budget }, opts.frontEndOnly ?? false);

  const textSection = asm.sections[0];
  const origin = textSection ? textSection.address - textSection.fileOffset : asm.origin;
  return lazyResult({
    image: asm.image, origin: asm.sections.length > 0 ? Math.min(origin, asm.origin) : asm.origin,
    diagnostics: sink.list, files: pp.files, includes: pp.includes, technique: pp.technique,
  }, pp, stmts, stmtLines, stmtOfLine, asm);
}

type Eager = Pick<AssembleResult, 'image' | 'origin' | 'diagnostics' | 'files' | 'includes' | 'technique'>;

/**
 * The result, with the per-line facts (listing, source map, statements, references, symbols)
 * built on first access and kept: the CLI needs only the image and diagnostics, and building
 * them for every line would cost more than assembling. They are enumerable getters, so spreading
 * or serializing the result still sees them.
 */
function lazyResult(eager: Eager, pp: PreprocessResult, stmts: readonly ParsedStatement[], stmtLines: readonly PPLine[], stmtOfLine: Int32Array, asm: AssemblyOutput): AssembleResult {
  let listing: ListingLine[] | undefined;
  let sourceMap: SourceMap | undefined;
  let statements: Statement[] | undefined;
  let references: SymbolReference[] | undefined;
  let symbols: SymbolInfo[] | undefined;
  return {
    ...eager,
    get listing(): readonly ListingLine[] {
      return (listing ??= buildListing(pp, stmts, stmtOfLine, asm));
    },
    get sourceMap(): SourceMap {
      return (sourceMap ??= buildSourceMap(mapEntries(pp, stmtOfLine, asm)));
    },
    get statements(): readonly Statement[] {
      return (statements ??= stmts.map((st, i) => toStatement(st, stmtLines[i], asm.results, i)));
    },
    get references(): readonly SymbolReference[] {
      return (references ??= buildReferences(pp, stmts, stmtLines));
    },
    get symbols(): readonly SymbolInfo[] {
      return (symbols ??= buildSymbols(pp, stmts, stmtLines, asm));
    },
  };
}

function buildReferences(pp: PreprocessResult, stmts: readonly ParsedStatement[], lines: readonly PPLine[]): SymbolReference[] {
  const references: SymbolReference[] = pp.references.slice();
  for (let i = 0; i < stmts.length; i++) {
    const l = lines[i];
    for (const r of stmts[i].refs) references.push({ name: r.name, range: r.src ?? lineRange(l.file, l.line, r.start, r.end) });
  }
  return references;
}

function buildListing(pp: PreprocessResult, stmts: readonly ParsedStatement[], stmtOfLine: Int32Array, asm: AssemblyOutput): ListingLine[] {
  const listing: ListingLine[] = [];
  const none = new Uint8Array(0);
  for (let i = 0; i < pp.lines.length; i++) {
    const line = pp.lines[i];
    const si = stmtOfLine[i];
    if (si < 0) {
      listing.push({ file: line.file, line: line.line, source: line.text, depth: line.depth, address: undefined, sectionOffset: undefined, bytes: none, repeat: undefined, reserved: undefined });
      continue;
    }
    const res = asm.results;
    const emitted = res.size[si] > 0 || res.bytes[si] !== undefined || hasOp(stmts[si]);
    const address = present(res.address[si]);
    listing.push({
      file: line.file, line: line.line, source: line.text, depth: line.depth,
      address: emitted ? address : undefined, sectionOffset: emitted ? present(res.sectionOffset[si]) ?? address : undefined,
      bytes: res.bytes[si] ?? none, repeat: present(res.repeat[si]), reserved: present(res.reserved[si]),
    });
  }
  return listing;
}

function mapEntries(pp: PreprocessResult, stmtOfLine: Int32Array, asm: AssemblyOutput): SourceMapEntry[] {
  const entries: SourceMapEntry[] = [];
  for (let i = 0; i < pp.lines.length; i++) {
    const si = stmtOfLine[i];
    if (si < 0) continue;
    const res = asm.results;
    if (res.size[si] > 0 && res.bytes[si] && res.address[si] === res.address[si] && res.section[si] >= 0) {
      const line = pp.lines[i];
      entries.push({ address: res.address[si], size: res.size[si], range: statementRange(line), expansion: line.expansion });
    }
  }
  return entries;
}

function buildSymbols(pp: PreprocessResult, stmts: readonly ParsedStatement[], lines: readonly PPLine[], asm: AssemblyOutput): SymbolInfo[] {
  const symbols: SymbolInfo[] = [];
  for (const s of asm.symbols.values()) {
    const st = stmts[s.stmt];
    const label = st?.label;
    const isField = label?.local && st.op && !st.op.directive ? false : label?.local && s.stmt < asm.results.count && asm.results.section[s.stmt] === -1;
    const value = s.value === undefined ? undefined : s.sec >= 0 && s.kind === 'label' ? (asm.sections[s.sec]?.address ?? 0) + s.value : s.value;
    if (s.isStruc) { symbols.push({ name: s.name, shortName: s.name, kind: 'struc', definition: s.range, value }); continue; }
    if (label && label.name === s.name && label.local) {
      symbols.push({ name: s.name, shortName: label.short, kind: isField ? 'struc-field' : 'local-label', definition: s.range, value, parent: label.parent });
    } else {
      symbols.push({ name: s.name, shortName: s.name, kind: s.kind === 'constant' ? 'constant' : 'label', definition: s.range, value });
    }
  }
  for (const m of pp.macros) symbols.push({ name: m.name, shortName: m.name, kind: 'macro', definition: m.range, params: { min: m.min, max: m.greedy || m.max === Infinity ? 'greedy' : m.max }, doc: m.doc });
  for (const d of pp.defines) if (d.range.file !== '<command line>') symbols.push({ name: d.name, shortName: d.name, kind: 'define', definition: d.range });
  for (const s of asm.sections) {
    const at = stmts.findIndex((st) => (st.op?.name === 'section' || st.op?.name === 'segment') && st.args[0]?.text === s.name);
    if (at < 0) continue;
    const decl = stmts[at];
    symbols.push({ name: s.name, shortName: s.name, kind: 'section', definition: lineRange(lines[at].file, lines[at].line, decl.args[0].start, decl.args[0].end), value: s.address });
  }
  return symbols;
}

function hasOp(st: ParsedStatement | undefined): boolean {
  return st?.op !== undefined && (!st.op.directive || st.op.name.startsWith('d') || st.op.name.startsWith('res') || st.op.name === 'times' || st.op.name === 'align' || st.op.name === 'incbin');
}

function operandKind(o: ParsedOperand, text: string): OperandTextKind {
  switch (o.kind) {
    case 'reg': return 'register';
    case 'mem': return 'memory';
    case 'farptr': return 'immediate';
    case 'imm':
      if (o.expr.k === 'num') return /^['"`]/.test(text) ? 'string' : 'immediate';
      if (o.expr.k === 'sym') return 'label';
      return 'expression';
  }
}

function toStatement(st: ParsedStatement, l: PPLine, res: StatementResults, i: number): Statement {
  const r = (a: { start: number; end: number }): SourceRange => lineRange(l.file, l.line, a.start, a.end);
  const operands: Statement['operands'][number][] = [];
  for (const o of st.operands) {
    const text = l.text.slice(o.start, o.end);
    operands.push({ text, range: r(o), kind: operandKind(o, text) });
  }
  for (const d of st.data) {
    const text = l.text.slice(d.start, d.end);
    operands.push({ text, range: r(d), kind: d.kind === 'bytes' ? 'string' : d.expr.k === 'sym' ? 'label' : d.expr.k === 'num' ? 'immediate' : 'expression' });
  }
  if (st.data.length === 0 && st.operands.length === 0 && st.args.length > 0) {
    const a = { start: st.args[0].start, end: st.args[st.args.length - 1].end };
    operands.push({ text: l.text.slice(a.start, a.end), range: r(a), kind: 'expression' });
  }
  return {
    range: statementRange(l),
    label: st.label ? { name: st.label.name, range: r(st.label) } : undefined,
    prefixes: st.prefixes.map((p) => ({ name: p.name, range: r(p) })),
    mnemonic: st.op ? { name: st.op.name, range: r(st.op), isDirective: st.op.directive } : undefined,
    operands,
    address: res.size[i] > 0 || st.op ? present(res.address[i]) : undefined,
    size: res.size[i],
    macroCall: l.macroCall,
  };
}
