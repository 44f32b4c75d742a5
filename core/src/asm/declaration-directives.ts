// The `extern`, `required`, `global`, `static` and `common` lines as nasm 2.16.01's bin format takes
// them: the names each declares, the labels `extern`, `required` and `common` define, and the
// errors nasm gives for them, some held to the end of the assembly. The assembler hands each such
// line here through DeclarationHost; the rules of one name's declarations are SymbolDeclarations'.

import type { SourceRange } from './api';
import type { FirstPassWarning, SymbolDef } from './assembler';
import type { DiagnosticSink } from './diagnostics';
import { qualifyName } from './expr';
import { givenInFinalPass } from './listing-errors';
import { tokensText } from './macros';
import type { ParsedStatement } from './parser';
import { lineRange, type PPLines, type PPToken } from './source';
import { readDeclaration, SymbolDeclarations, type DeclarationKind, type DeclarationPlace } from './symbol-declarations';

/** What the declaration directives read of the assembly, and what they ask of it. */
export interface DeclarationHost {
  readonly lines: PPLines;
  /** The preprocessed line of each statement. */
  readonly lineOf: Int32Array;
  readonly sink: DiagnosticSink;
  /** The statement being assembled, its preprocessed line, and whether its pass is the final one. */
  stmt(): number;
  line(): number;
  final(): boolean;
  /** A symbol's definition so far. */
  definition(name: string): SymbolDef | undefined;
  /** Where a symbol is defined (see symbolRange). */
  definitionRange(def: SymbolDef): SourceRange;
  /** An error at `span` of the current line (given in the final pass alone: see Assembler.error). */
  error(code: string, message: string, span: { start: number; end: number }): void;
  /** `span`'s columns on the current line. */
  range(span: { start: number; end: number }): SourceRange;
  /** The text of `span` on the current line as written. */
  writtenText(span: { readonly start: number; readonly end: number }): string | undefined;
  /** `name` is external from here on (see Assembler.externals). */
  declareExternal(name: string): void;
  /** Whether an expression has named external name `name` (see reportSymbolTypes). */
  externalNamed(name: string): boolean;
}

/** A message held to the end of the assembly, to be given there or not (see reportCommons). */
type HeldMessage = FirstPassWarning;

export class DeclarationDirectives {
  /** The names `extern`, `required`, `global` and `static` declare in the pass, for `reportSymbolTypes`. */
  private readonly declarations = new SymbolDeclarations();
  /** The common variables of the final pass, each as its first `common` defines it (see commonDefined). */
  private commons: Map<string, { readonly size: number; readonly stmt: number; readonly place: SourceRange }> | undefined;
  /** The bin format's errors for them, held to the end, where nasm would give them (see reportCommons). */
  private laterCommonErrors: HeldMessage[] | undefined;
  /** Each name a `required` line declares, and the names `global` declares (see mapStatement). */
  private requiredNames: Set<string> | undefined;
  private globalNames: Set<string> | undefined;

  constructor(private readonly host: DeclarationHost) {}

  /** A pass starts: its lines declare anew. */
  startPass(): void {
    this.commons = undefined;
    this.laterCommonErrors = undefined;
    this.declarations.clear();
  }

  /** After the final pass: the errors nasm gives at the end (see symbolTypeErrors and reportCommons). */
  reportAtEnd(): void {
    this.reportCommons(this.symbolTypeErrors());
  }

  /**
   * The statement where the map lists external name `name` that no `equ` defines (see
   * Assembler.externalMapSymbols), or undefined where it leaves it out: a `required` name nothing
   * defines at its first `required` line, unless `global` declares it too; any other at its first
   * declaration when some line names it (`named`).
   */
  mapStatement(name: string, named: boolean): number | undefined {
    const d = this.declarations.declared(name);
    if (this.requiredNames?.has(name) === true) {
      return d?.required !== undefined && this.host.definition(name) === undefined && this.globalNames?.has(name) !== true ? d.required.stmt : undefined;
    }
    return d !== undefined && named ? d.first.stmt : undefined;
  }

  /** `global`, `static`: each name listed declared as such. */
  globalOrStatic(args: readonly PPToken[], word: NonNullable<ParsedStatement['op']>, name: 'global' | 'static'): void {
    const names = this.namesListed(args, word);
    this.declareNames(names, name);
    if (name === 'global') for (const item of names) (this.globalNames ??= new Set()).add(qualifyName(item[0].text, undefined));
  }

  /** `extern`, `required`: each name listed declared external (a label that is 0 to nasm), unless `global` or `static` took it first. */
  externDirective(st: ParsedStatement, name: 'extern' | 'required'): void {
    const args = st.args;
    const word = st.op!;
    const names = this.namesListed(args, word);
    this.declareNames(names, name);
    for (const item of names) {
      // (A name's type, `a:function`, is no name: measured, `function` stays undefined;
      // `required $a` declares `a`: measured, the map lists `a`.)
      const declared = qualifyName(item[0].text, undefined);
      // (After `global` or `static` nasm ignores it: measured, `global a` / `extern a` / `dd a`
      // is "symbol `a' not defined".)
      if (!this.declarations.external(declared)) continue;
      if (this.host.final()) this.externAfterDefinition(declared, item[0]);
      this.host.declareExternal(declared);
      if (name === 'required') (this.requiredNames ??= new Set()).add(declared);
    }
  }

  /**
   * Declares each name of an `extern`, `required`, `global` or `static` list (`names`, the tokens
   * of each) as `kind`, with the symbol type after its colon (`a:function`); nasm's errors for a
   * name declared two ways.
   */
  private declareNames(names: readonly (readonly PPToken[])[], kind: DeclarationKind): void {
    const host = this.host;
    for (const item of names) {
      const t = item[0];
      const special = item[1]?.text === ':' && item.length > 2 ? host.lines.text[host.line()].slice(item[2].start, item[item.length - 1].end) : undefined;
      const problem = this.declarations.declare(qualifyName(t.text, undefined), kind, special, host.stmt(), t);
      if (problem !== undefined) host.error('symbol-type', problem, t);
    }
  }

  /**
   * nasm's bin format rejects a symbol type (manual §7.9.5 and §8.1: ELF's `:function`, `:data`)
   * at the symbol's definition, wherever the declaring line is; a name only `required` declares,
   * at its first `required` line (measured: `extern a:function` / `required a`, at the second line).
   * Given with the common variables' refusals (see reportCommons).
   */
  private symbolTypeErrors(): HeldMessage[] {
    const places: { stmt: number; range: SourceRange }[] = [];
    for (const [name, d] of this.declarations.typed()) {
      const def = this.host.definition(name);
      if (def !== undefined) places.push({ stmt: def.stmt, range: this.host.definitionRange(def) });
      else if (d.kind === 'required' && d.required !== undefined) places.push(this.declarationPlace(d.required));
      else if (d.kind === 'extern' && this.host.externalNamed(name)) places.push(this.declarationPlace(d.first));
    }
    return places.map((p) => ({ code: 'symbol-type', message: 'binary format does not support any special symbol types', range: p.range, expansion: undefined, line: this.host.lineOf[p.stmt] }));
  }

  /** Where a declaration of a name was (see Declaration). */
  private declarationPlace(at: { readonly stmt: number; readonly start: number; readonly end: number }): { stmt: number; range: SourceRange } {
    const lines = this.host.lines;
    const l = this.host.lineOf[at.stmt];
    return { stmt: at.stmt, range: lineRange(lines.file(l), lines.line[l], at.start, at.end) };
  }

  /**
   * The items of a `global`/`extern`/`static`/`required` list that are names (the tokens of each),
   * nasm's error given for each other: nasm wants an item, after one `$`, to be an identifier up to
   * its `:` or a blank, with nothing after a blank (measured with nasm 2.16.01: `global 5`, `global
   * x, 5`, `extern e}`, `required }e` and `extern $$a` are "identifier expected after global, got
   * `5'" ... "got `$a'", `required: x` "... got `: x'"; `extern a b` and `extern a :function`
   * "invalid syntax in extern declaration", and declare `a` all the same; `extern 5, 6` gives the
   * error twice, and `extern a, 5` declares `a`). See declarationItems and readDeclaration.
   */
  private namesListed(args: readonly PPToken[], word: NonNullable<ParsedStatement['op']>): (readonly PPToken[])[] {
    const names: (readonly PPToken[])[] = [];
    const directive = this.declarationWord(word);
    for (const item of this.declarationItems(args)) {
      const read = readDeclaration(tokensText(item.tokens), directive, false);
      if (read.problem !== undefined) this.host.error('syntax', read.problem, item.at ?? word);
      // (nasm's symdef goes on after "invalid syntax": measured, `static a x` / `common a 5` is
      // "symbol `a' declared both as static and common" too.)
      if (read.name !== undefined && item.tokens[0]?.kind === 'ident') names.push(item.tokens);
    }
    return names;
  }

  /**
   * `common NAME SIZE`: nasm reads each item as it reads the line (measured with nasm 2.16.01:
   * `common a, 5` is "no size specified in common declaration" and "identifier expected after
   * common, got `5'"), declares the name (even with a size it could not read) and defines it, a
   * label no other definition agrees with: another size, or any label or `equ` of the name (see
   * reportCommons). Its bin format's refusal comes in a later pass (see laterCommonErrors).
   */
  commonDirective(args: readonly PPToken[], word: NonNullable<ParsedStatement['op']>): void {
    const host = this.host;
    const directive = this.declarationWord(word);
    for (const item of this.declarationItems(args)) {
      const read = readDeclaration(tokensText(item.tokens), directive, true);
      const at = item.at ?? word;
      if (read.problem !== undefined) host.error('syntax', read.problem, at);
      if (read.name === undefined) continue;
      const name = qualifyName(read.name, undefined);
      const declared = this.declarations.declared(name);
      const before = declared !== undefined ? { kind: declared.kind, first: declared.first } : undefined;
      const problem = this.declarations.declare(name, 'common', read.special, host.stmt(), at);
      if (problem !== undefined) { host.error('symbol-type', problem, at); continue; }
      // (A common variable is a segment of its own, as an external name is: measured, `common a 5`
      // / `extern b` / `dd a + b` is "expression is not simple or relocatable".)
      host.declareExternal(name);
      // (The bin format's words, at the directive that first defines the name: measured, `common
      // a 5` twice is refused at the first alone.)
      if (!host.final() || !this.commonDefined(name, read.size ?? 0, at, before) || read.problem !== undefined) continue;
      const message = read.special !== undefined ? 'binary format does not support any special symbol types' : 'binary output format does not support common variables';
      (this.laterCommonErrors ??= []).push({ code: read.special !== undefined ? 'symbol-type' : 'common', message, range: host.range(word), expansion: host.lines.origin(host.line()).expansion, line: host.line() });
    }
  }

  /**
   * Common variable `name` of `size` defined at `at` (final pass): nasm's label is the size in no
   * section, which another size redefines, and so does the size of an `extern` or `required`
   * declared `before` (their label is 0; measured: `extern a` / `common a 5` is "label `a'
   * inconsistently redefined", `common a 0` not). Whether this is the name's first `common`.
   */
  private commonDefined(name: string, size: number, at: { readonly start: number; readonly end: number }, before: { readonly kind: string; readonly first: DeclarationPlace } | undefined): boolean {
    const host = this.host;
    const latest = this.commons?.get(name);
    const earlier = latest !== undefined ? (latest.size !== size ? latest.place : undefined)
      : before !== undefined && (before.kind === 'extern' || before.kind === 'required') && size !== 0 ? this.declarationPlace(before.first).range : undefined;
    if (earlier !== undefined) this.redefinedAt(name, host.range(at), host.lines.origin(host.line()).expansion, earlier, host.line());
    // (Each redefinition is the one the next is compared with: measured, `common a 5` / `common a`
    // / `common a 5` is refused at the second and at the third.)
    if (latest === undefined || earlier !== undefined) (this.commons ??= new Map()).set(name, { size, stmt: latest?.stmt ?? host.stmt(), place: host.range(at) });
    return latest === undefined;
  }

  /**
   * `extern`/`required` of `name` (written `at`) after a label or `equ` defined it: nasm's extern
   * label is 0, which a definition of another value contradicts (measured with nasm 2.16.01: `a
   * equ 3` / `extern a`, and `nop` / `a:` / `extern a`, are "label `a' inconsistently redefined"
   * at the extern; `a equ 0` / `extern a` is not). A definition after it is no contradiction
   * (see reportCommons for one after `global` took the name over), and one after an earlier
   * `extern` or `required` makes the name global, which ignores the `extern` (measured: `extern a`
   * / `nop` / `a:` / `extern a` is no error, and `a` the label).
   */
  private externAfterDefinition(name: string, at: PPToken): void {
    const host = this.host;
    const s = host.definition(name);
    if (s === undefined || s.stmt >= host.stmt() || s.value === 0) return;
    if (this.declarations.declared(name)!.first.stmt < s.stmt) return;
    this.redefinedAt(name, host.range(at), host.lines.origin(host.line()).expansion, host.definitionRange(s), host.line());
  }

  /** nasm's "label `NAME' inconsistently redefined" at `range`, its first definition at `first`. */
  private redefinedAt(name: string, range: SourceRange, expansion: readonly SourceRange[] | undefined, first: SourceRange, line: number): void {
    this.host.sink.error('duplicate-label', `label \`${name}' inconsistently redefined`, range, expansion, [{ message: `label \`${name}' originally defined here`, range: first, definition: true }], line);
  }

  /**
   * After the final pass: a label or `equ` of a common variable's name is a second definition
   * (measured with nasm 2.16.01: `common a 5` then `a:`, or `a equ 5`, or `a:` before it, is
   * "label `a' inconsistently redefined" at the later line); and the bin format's refusal of the
   * common variables, which nasm gives in a pass after its first, so only when no error of its
   * first pass stopped it (measured: `common a 5` / `global a` is the declaration's error alone).
   * The symbol types' refusals (`symbolTypes`) are the same output format's, given as that pass
   * defines each label, in the order of the lines (measured: `global f:function` / `common c 4` /
   * `f: nop` is c's error, then f's; after `mov eax, [ax]` neither).
   */
  private reportCommons(symbolTypes: HeldMessage[]): void {
    const host = this.host;
    const { lines, lineOf } = host;
    for (const [name, c] of this.commons ?? []) {
      const s = host.definition(name);
      if (s === undefined) continue;
      const l = lineOf[s.stmt];
      if (s.stmt > c.stmt) this.redefinedAt(name, host.definitionRange(s), lines.origin(l).expansion, c.place, l);
      else this.redefinedAt(name, c.place, lines.origin(lineOf[c.stmt]).expansion, host.definitionRange(s), lineOf[c.stmt]);
    }
    // (An extern's label a `global` then took over, defined after: measured, `extern a` / `global
    // a` / `a:` is "label `a' inconsistently redefined" at `a:`, while `extern a` / `a:` is none.)
    for (const [name, d] of this.declarations.all()) {
      const s = d.kind === 'global' && (d.firstKind === 'extern' || d.firstKind === 'required') ? host.definition(name) : undefined;
      if (s === undefined || s.stmt <= d.first.stmt) continue;
      const l = lineOf[s.stmt];
      this.redefinedAt(name, host.definitionRange(s), lines.origin(l).expansion, this.declarationPlace(d.first).range, l);
    }
    // (The bin format's refusal of an external reference is of the final pass too: measured, `common
    // a 5` / `extern b` / `dd b` is the common variable's error alone.)
    const later = [...this.laterCommonErrors ?? [], ...symbolTypes].sort((a, b) => a.line - b.line);
    if (later.length === 0 || host.sink.list.some((d) => d.severity === 'error' && !givenInFinalPass(d))) return;
    for (const e of later) host.sink.error(e.code, e.message, e.range, e.expansion, undefined, e.line);
  }

  /**
   * The items of a declaration directive's list, each with the token to report it at: nasm's
   * standard macro writes a raw `[extern %1]` line for each of its parameters, while the raw
   * directive reads all it is given as one item (measured with nasm 2.16.01: `[extern a, b]` is
   * "identifier expected after extern, got `a, b'", `[extern a:function, b]` declares `a`).
   */
  private declarationItems(args: readonly PPToken[]): { tokens: readonly PPToken[]; at: PPToken | undefined }[] {
    if (this.host.lines.tokensOf(this.host.line())[0]?.text === '[') return [{ tokens: args, at: args[0] }];
    const items: { tokens: readonly PPToken[]; at: PPToken | undefined }[] = [];
    let from = 0;
    for (let k = 0; k <= args.length; k++) {
      if (k < args.length && args[k].text !== ',') continue;
      items.push({ tokens: args.slice(from, k), at: args[from] ?? args[k - 1] });
      from = k + 1;
    }
    return items;
  }

  /** The name a declaration directive's messages give it: the raw directive's as written, the standard macro's own. */
  private declarationWord(word: NonNullable<ParsedStatement['op']>): string {
    return this.host.lines.tokensOf(this.host.line())[0]?.text === '[' ? this.host.writtenText(word) ?? word.name : word.name;
  }
}
