// What the `extern`, `required`, `global` and `static` lines of a pass declare each name as, and
// the symbol type (`name:function`, manual §7.9.5) they give it, kept as nasm 2.16.01 keeps them on
// its labels; and how nasm reads one item of such a line. Measured with nasm 2.16.01 (fixtures
// symbol-declared-twice, required-symbol-type, err-declaration-raw-list, err-common-items).

import { isNameText } from './lexer';
import { readNumber } from './numbers';

export type DeclarationKind = 'extern' | 'required' | 'global' | 'static' | 'common';

export interface Declaration {
  kind: DeclarationKind;
  /** The symbol type the first declaration that gave one gave (`function` of `a:function`). */
  special: string | undefined;
  /** The first `required` line naming it: its statement and the name's place on it. */
  required: DeclarationPlace | undefined;
  /**
   * The first line declaring it, where nasm's bin format refuses the symbol type of an `extern`
   * an expression names (measured with nasm 2.16.01: `extern a` / `extern a:function` / `x equ
   * a` is "binary format does not support any special symbol types" at the first line).
   */
  readonly first: DeclarationPlace;
  /** The kind the first declaration gave it (an `extern`'s label stays after `global` takes it over, see Assembler.reportCommons). */
  readonly firstKind: DeclarationKind;
}

/** A declaring line's statement and the name's place on it. */
export interface DeclarationPlace { readonly stmt: number; readonly start: number; readonly end: number }

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
    const place = { stmt, start: span.start, end: span.end };
    const required = kind === 'required' ? place : undefined;
    if (d === undefined) { this.byName.set(name, { kind, special: typed, required, first: place, firstKind: kind }); return undefined; }
    d.required ??= required;
    if ((d.kind === 'static') !== (kind === 'static')) return `symbol \`${name}' declared both as ${d.kind} and ${kind}`;
    // `common` goes with no `global` (measured: "symbol `a' declared both as common and global",
    // either order), takes an `extern`'s or `required`'s place, and an `extern` or `required` after it is ignored.
    if (d.kind !== kind && (d.kind === 'common' || kind === 'common')) {
      if (d.kind === 'global' || kind === 'global') return `symbol \`${name}' declared both as ${d.kind} and ${kind}`;
      if (kind !== 'common') return undefined;
    }
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

  /** Whether `name` is external as its declarations leave it: an `extern` or `required` after `global`, `static` or `common` is ignored. */
  external(name: string): boolean {
    const kind = this.byName.get(name)?.kind;
    return kind === 'extern' || kind === 'required';
  }

  /** How `name` is declared so far, and where first (undefined: not declared). */
  declared(name: string): Readonly<Declaration> | undefined {
    return this.byName.get(name);
  }

  /** Every declared name and its declarations. */
  all(): Iterable<[string, Readonly<Declaration>]> {
    return this.byName;
  }

  /** The names declared with a symbol type, and their declarations. */
  *typed(): Iterable<[string, Declaration]> {
    for (const entry of this.byName) if (entry[1].special !== undefined) yield entry;
  }
}

const RANK: Readonly<Record<DeclarationKind, number>> = { extern: 0, required: 1, common: 2, global: 2, static: 3 };

/** What nasm's raw declaration directive makes of one item of its list (see readDeclaration). */
export interface DeclarationItem {
  /** nasm's error for the item (which then declares nothing here, but for a `common` size's). */
  readonly problem: string | undefined;
  /** The name it declares, when it is one. */
  readonly name?: string;
  /** `common`'s size, when it reads as a number. */
  readonly size?: number;
  /** The symbol type after the item's colon (`function` of `a:function`), if it has one. */
  readonly special: string | undefined;
}

/**
 * One item of a `global`/`extern`/`static`/`required`/`common` list as nasm's raw directive reads
 * its text (`[extern a:function]`, `[common a 4]`): after one `$`, an identifier up to a blank or
 * a colon; after a blank `common`'s size, which for the others is "invalid syntax"; after a colon
 * the symbol type (measured with nasm 2.16.01: `[extern a, b]` is "identifier expected after
 * extern, got `a, b'", `[common a]` and `[common a:4]` "no size specified in common declaration",
 * `[common a x]` "invalid size specified in common declaration", `[common a 5x]` none).
 * `directive` is the name the messages give it.
 */
export function readDeclaration(item: string, directive: string, common: boolean): DeclarationItem {
  // (A standard macro's item is its `[extern %1]`, a raw directive that ends at its first `]`:
  // measured, `extern {ext]}` declares `ext`.)
  const close = item.indexOf(']');
  const written = close >= 0 ? item.slice(0, close) : item;
  const text = written.startsWith('$') ? written.slice(1) : written;
  const name = /^[^\s:]*/.exec(text)![0];
  if (!isNameText(name)) return { problem: `identifier expected after ${directive}, got \`${text}'`, special: undefined };
  const rest = text.slice(name.length);
  const size = /^\s/.test(rest) ? rest.trimStart() : undefined;
  const typed = size ?? rest;
  const colon = typed.indexOf(':');
  const special = colon >= 0 ? typed.slice(colon + 1) : undefined;
  if (!common) return { problem: size !== undefined ? `invalid syntax in ${directive} declaration` : undefined, special, name };
  if (size === undefined) return { problem: 'no size specified in common declaration', special, name, size: 0 };
  const value = readNumber(colon >= 0 ? size.slice(0, colon) : size);
  return { problem: value === undefined ? 'invalid size specified in common declaration' : undefined, special, name, size: value ?? 0 };
}
