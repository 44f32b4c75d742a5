// The `equ`s whose value nasm's first pass did not know (a label further on): nasm defines such a
// name as the number 0 in that pass and reports what its first two passes find wrong with the
// expressions that name it (measured with nasm 2.16.01: `C equ L` before `L:`, then
// `dw (C - $$) >> 16` is "shift operator may only be applied to scalar values"). Ringside's first
// pass leaves such a name unknown; the assembler checks these expressions again as nasm's first
// and second passes see them, through the views made here.

import { symbolName, type EvalContext, type Expr, type ExternalName, type Value } from './expr';
import { firstLeaf } from './expr-walk';

/** What a view reads of the assembly: its symbols as they stand, and where the statement is. */
export interface FirstPassHost {
  /** A symbol's definition: the statement that defined it (`stmt`) and its value now. */
  definition(name: string): { readonly stmt: number } | undefined;
  valueOf(def: { readonly stmt: number }): Value;
  /** The value the `equ` at statement `stmt` gives its name, read as `equ` reads it, its names from `ctx`. */
  equValue(stmt: number, ctx: EvalContext): Value | undefined;
  here(): Value | undefined;
  base(): Value | undefined;
  sectionAddress(sec: number): number | undefined;
  /** The external names, and `equ`s of them, declared so far (EvalContext.externals). */
  readonly externals: ReadonlyMap<string, ExternalName>;
}

export class FirstPassEqus {
  /** Each such `equ` by name, with the value nasm's first pass gave it and its statement. */
  private readonly equs = new Map<string, { readonly value: Value; readonly stmt: number }>();
  /** Whether there is one (read for every expression: a field, not the map's size). */
  any = false;

  constructor(private readonly host: FirstPassHost) {}

  /** Keeps `equ` `name` at statement `stmt`, whose value nasm's first pass has as `value` (0 when it has none). */
  keep(name: string, value: Value, stmt: number): void {
    this.equs.set(name, { value: value.v === undefined ? { v: 0, sec: -1 } : { v: value.v, sec: value.sec }, stmt });
    this.any = true;
  }

  /** The value nasm's first pass gives `equ` `name`, when it is one of them. */
  firstPassValue(name: string): Value | undefined {
    return this.equs.get(name)?.value;
  }

  /** Whether `e` names one of them. */
  namedIn(e: Expr): boolean {
    return this.any && mentionsAny(e, this.equs);
  }

  /**
   * The symbols as nasm's first pass (`first`) or second has them at statement `at`: in the first,
   * a name defined further on is not known, and such an `equ` is its first-pass value; in the
   * second, such an `equ` further on still is.
   */
  view(at: number, first: boolean, error: EvalContext['error'], second = new Map<string, Value | undefined>()): EvalContext {
    const host = this.host;
    return {
      symbol: (name) => {
        const early = this.equs.get(name);
        const s = host.definition(name);
        if (first) return s === undefined || s.stmt >= at ? undefined : early?.value ?? host.valueOf(s);
        if (early === undefined) return s === undefined ? undefined : host.valueOf(s);
        if (early.stmt >= at) return early.value;
        // An `equ` behind: its value in nasm's second pass, made of the first pass's values of the
        // `equ`s ahead of it (`C1 equ C2 + 3` before `C2 equ x - $$` is 3 there).
        if (!second.has(name)) {
          second.set(name, undefined);
          second.set(name, host.equValue(early.stmt, this.view(early.stmt, false, () => undefined, second)));
        }
        return second.get(name);
      },
      here: () => host.here(),
      base: () => host.base(),
      error,
      sectionAddress: (sec) => host.sectionAddress(sec),
      externals: this.externalsAt(at, first),
    };
  }

  /**
   * The external names as the view at `at` has them: those defined before it, and an `equ` of
   * one that nasm's first pass did not know only in the second pass, once behind `at` (measured
   * with nasm 2.16.01: `k equ a+3` / `extern a` / `mov eax, k+a` is 3, the first pass's `0 + a`,
   * the second's `a+3 + a` with a's segment twice, which an immediate drops; `k-a` is "invalid
   * operand type", the first pass's `0 - a`). An `extern` line is behind in the second pass
   * wherever it is, as the first pass declared the name (measured: `k equ a` / `mov eax, k + a` /
   * `extern a` assembles, `a`'s segment twice).
   */
  private externalsAt(at: number, first: boolean): ReadonlyMap<string, ExternalName> | undefined {
    if (this.host.externals.size === 0) return undefined;
    const out = new Map<string, ExternalName>();
    for (const [name, of] of this.host.externals) {
      const early = this.equs.get(name);
      const behind = early !== undefined ? !first && early.stmt < at : !first || (this.host.definition(name)?.stmt ?? at) < at;
      if (behind) out.set(name, of);
    }
    return out;
  }
}

/** Whether expression `e` names one of `names`. */
export function mentionsAny(e: Expr, names: { has(name: string): boolean; readonly size: number }): boolean {
  return names.size !== 0 && firstLeaf(e, (x) => x.k === 'sym' && names.has(symbolName(x))) !== undefined;
}
