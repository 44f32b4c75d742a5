// What the `extern`, `required`, `global` and `static` lines of a pass declare each name as, and
// the symbol type (`name:function`, manual §7.9.5) they give it, kept as nasm 2.16.01 keeps them on
// its labels. Measured with nasm 2.16.01 (fixtures symbol-declared-twice, required-symbol-type).

export type DeclarationKind = 'extern' | 'required' | 'global' | 'static';

export interface Declaration {
  kind: DeclarationKind;
  /** The symbol type the first declaration that gave one gave (`function` of `a:function`). */
  special: string | undefined;
  /** The first `required` line naming it: its statement and the name's place on it. */
  required: { readonly stmt: number; readonly start: number; readonly end: number } | undefined;
}

/**
 * The declarations of one pass. A name's kind moves up from `extern` to `required` to `global`
 * (an `extern` after `required` or `global` is ignored, and a `required` after `global`), and
 * `static` goes with none of the others, in either order ("symbol `a' declared both as extern and
 * static", the first kind kept). Two declarations of one kind, or `extern` then `required`, must
 * give the same type when both give one ("symbol `a' has inconsistent attributes `function' and
 * `data'", compared ignoring case; `a:` gives none); a kind that moves up otherwise takes the new type.
 */
export class SymbolDeclarations {
  private readonly byName = new Map<string, Declaration>();

  clear(): void {
    this.byName.clear();
  }

  /** Declares `name` as `kind` with type `special` (`stmt`, `span`: where); nasm's error, if it gives one. */
  declare(name: string, kind: DeclarationKind, special: string | undefined, stmt: number, span: { readonly start: number; readonly end: number }): string | undefined {
    const typed = special === '' ? undefined : special;
    const d = this.byName.get(name);
    const required = kind === 'required' ? { stmt, start: span.start, end: span.end } : undefined;
    if (d === undefined) { this.byName.set(name, { kind, special: typed, required }); return undefined; }
    d.required ??= required;
    if ((d.kind === 'static') !== (kind === 'static')) return `symbol \`${name}' declared both as ${d.kind} and ${kind}`;
    if (d.kind === kind || (d.kind === 'extern' && kind === 'required')) {
      d.kind = kind;
      if (typed === undefined) return undefined;
      if (d.special === undefined) d.special = typed;
      else if (d.special.toLowerCase() !== typed.toLowerCase()) return `symbol \`${name}' has inconsistent attributes \`${d.special}' and \`${typed}'`;
      return undefined;
    }
    if (RANK[kind] > RANK[d.kind]) {
      d.kind = kind;
      if (typed !== undefined) d.special = typed;
    } else d.special ??= typed;
    return undefined;
  }

  /** The names declared with a symbol type, and their declarations. */
  *typed(): Iterable<[string, Declaration]> {
    for (const entry of this.byName) if (entry[1].special !== undefined) yield entry;
  }
}

const RANK: Readonly<Record<DeclarationKind, number>> = { extern: 0, required: 1, global: 2, static: 3 };
