// Per-document lookups built once per assembly, on the first request that needs each one, so
// hover, completion and the other point queries cost a map lookup instead of a scan of every
// symbol, reference and statement of a 10k-line file.

import type { AssembleResult, Statement, SymbolInfo, SymbolReference } from '../../../core/src/asm/api';

export class DocumentIndex {
  private byName: Map<string, SymbolInfo> | undefined;
  private refsByLine: Map<number, SymbolReference[]> | undefined;
  private defsByLine: Map<number, SymbolInfo[]> | undefined;
  private stmtsByLine: Map<number, Statement[]> | undefined;
  private scopes: SymbolInfo[] | undefined;
  private macros: Set<string> | undefined;
  private expanded: Set<string> | undefined;

  constructor(private readonly result: AssembleResult, private readonly path: string) {}

  /** The first symbol of that full name (the assembler lists definitions in source order). */
  symbol(name: string): SymbolInfo | undefined {
    if (!this.byName) {
      this.byName = new Map();
      for (const s of this.result.symbols) if (!this.byName.has(s.name)) this.byName.set(s.name, s);
    }
    return this.byName.get(name);
  }

  /** References written on a line of this file. */
  referencesOn(line: number): readonly SymbolReference[] {
    if (!this.refsByLine) {
      this.refsByLine = new Map();
      for (const r of this.result.references) if (r.range.file === this.path) push(this.refsByLine, r.range.start.line, r);
    }
    return this.refsByLine.get(line) ?? NONE;
  }

  /** Symbols whose definition starts on a line of this file. */
  definitionsOn(line: number): readonly SymbolInfo[] {
    if (!this.defsByLine) {
      this.defsByLine = new Map();
      for (const s of this.result.symbols) if (s.definition.file === this.path) push(this.defsByLine, s.definition.start.line, s);
    }
    return this.defsByLine.get(line) ?? NONE;
  }

  /** Statements written on a line of this file (not produced by a macro call). */
  statementsOn(line: number): readonly Statement[] {
    if (!this.stmtsByLine) {
      this.stmtsByLine = new Map();
      for (const s of this.result.statements) if (!s.macroCall && s.range.file === this.path) push(this.stmtsByLine, s.range.start.line, s);
    }
    return this.stmtsByLine.get(line) ?? NONE;
  }

  /**
   * The non-local label in force at a line of this file (the parent of `.local` labels): a label's
   * or a structure's, whose `struc S` defines the label S (so after `endstruc`, `.x` is S.x until the
   * next label: measured with nasm 2.16.01).
   */
  scopeLabelAt(line: number): SymbolInfo | undefined {
    if (!this.scopes) {
      this.scopes = this.result.symbols.filter((s) => (s.kind === 'label' || s.kind === 'struc') && s.definition.file === this.path);
      this.scopes.sort((a, b) => a.definition.start.line - b.definition.start.line);
    }
    const list = this.scopes;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].definition.start.line <= line) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? list[lo - 1] : undefined;
  }

  /**
   * A label a macro call defined (`%%loop:`, `lbl_%1:`): its definition is a line of the macro's
   * body, which every call shares, so that line has no one address.
   */
  definedByExpansion(name: string): boolean {
    if (!this.expanded) {
      this.expanded = new Set();
      for (const s of this.result.statements) if (s.macroCall && s.label) this.expanded.add(s.label.name);
    }
    return this.expanded.has(name);
  }

  /** Lower-cased names of the multi-line macros (they start an instruction like a mnemonic). */
  isMacro(word: string): boolean {
    this.macros ??= new Set(this.result.symbols.filter((s) => s.kind === 'macro').map((s) => s.name.toLowerCase()));
    return this.macros.has(word.toLowerCase());
  }
}

const NONE: readonly never[] = [];

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
