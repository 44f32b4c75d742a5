// The single-line macros defined (manual §4.1) and their aliases (§4.1.12), kept as nasm 2.16.01
// keeps them: one list per name for `%define` and `%idefine` alike, searched newest first.

import type { SourceRange } from './api';
import { sameList } from './branch-state';
import type { DiagnosticSink } from './diagnostics';
import type { SingleLineMacro, Undecided } from './macros';
import type { PPToken } from './source';
import { takesCount, type ParamModifiers } from './single-line-params';

/** Single-line macros by their names in lower case (see SingleLineMacros.byName). */
export type MacroTable = ReadonlyMap<string, SingleLineMacro[]>;

/** The tokens of a body SingleLineMacros.all keeps: more than a hover shows. */
const RECORDED_BODY = 64;

export class SingleLineMacros {
  /**
   * Single-line macros by their names in lower case, oldest first: as nasm keeps them, one list
   * for `%define` and `%idefine` alike, so the newer of the two shadows the other (see define,
   * lookup).
   */
  readonly byName = new Map<string, SingleLineMacro[]>();
  /**
   * Every definition made, in order, for the editor (outline, hover): a body longer than
   * RECORDED_BODY tokens is kept cut there (`bodyCut`), since a `%xdefine` that grows its own
   * name in a `%rep` would otherwise keep every round's body, memory growing with the square of
   * the rounds (1,500 rounds of `%xdefine R 1+(R)` kept 360 MB; nasm needs 6 MB).
   */
  readonly all: SingleLineMacro[] = [];
  /** The aliases kept aside by `%aliases off` (see setAliases). */
  private aliasesAside: SingleLineMacro[] = [];
  /** Aliases kept aside that a definition with parameters made while off shadows (see defineOverAside). */
  private readonly shadowedAside = new Set<SingleLineMacro>();
  /** After `%aliases off`, until `%aliases on`. */
  private aliasesOff = false;

  /** Whether `%aliases off` holds (nasm's `__X__` aliases of its `__?X?__` macros are then names of their own). */
  get aliasesAreOff(): boolean {
    return this.aliasesOff;
  }
  /** Counts the changes made (see BranchStates). */
  version = 0;
  /**
   * Called before each change, with the name changed when it is one (`nasm -E` catches up on the
   * lines before it: see Preprocessor.structureText).
   */
  beforeChange: ((name?: string) => void) | undefined;

  constructor(private readonly sink: DiagnosticSink) {}

  /** The definitions `name` calls, oldest first: `%idefine`s in any case, `%define`s of `name` itself. */
  lookup(name: string): SingleLineMacro[] | undefined {
    const list = this.byName.get(name.toLowerCase());
    if (list === undefined) return undefined;
    // The list holds `%define`s of the name in other cases too, which do not match.
    if (list.every((m) => m.caseInsensitive === true || m.name === name)) return list;
    const named = list.filter((m) => m.caseInsensitive === true || m.name === name);
    return named.length > 0 ? named : undefined;
  }

  /**
   * Defines `name` (`%define`, `%idefine` when `caseInsensitive`, an alias of `%defalias` when
   * `alias`), through its aliases; true when the name had no definition (a new name).
   */
  define(name: string, params: string[] | undefined, body: readonly PPToken[], range: SourceRange, caseInsensitive: boolean, expansion?: readonly SourceRange[], alias = false,
    undecided?: Undecided, modifiers?: readonly ParamModifiers[]): boolean {
    if (!alias) name = this.aliasTarget(name);
    this.beforeChange?.(name);
    this.version++;
    const m: SingleLineMacro = { name, params, ...(modifiers !== undefined ? { modifiers } : {}), body, range, ...(caseInsensitive ? { caseInsensitive: true as const } : {}), ...(alias ? { alias: true as const } : {}), ...(undecided !== undefined ? { undecided } : {}) };
    const key = name.toLowerCase();
    this.all.push(body.length > RECORDED_BODY ? { ...m, body: body.slice(0, RECORDED_BODY), bodyCut: true } : m);
    if (alias && this.aliasesOff) {
      // An alias made while `%aliases off` waits aside with the others (measured, nasm 2.16.01:
      // `%aliases off` / `%defalias T2 U` / `db T2` is "symbol `T2' not defined").
      this.aliasesAside = this.aliasesAside.filter((o) => (o.caseInsensitive === true || caseInsensitive ? o.name.toLowerCase() !== key : o.name !== name));
      this.aliasesAside.push(m);
      this.replaceBeforeAside(name, key, caseInsensitive);
      return false;
    }
    if (!alias && this.aliasesOff) this.defineOverAside(name, key, params, caseInsensitive, range, expansion);
    let list = this.byName.get(key);
    // A definition meets what a block the assembler decides left undecided (see BranchStates) in
    // each way through the block: where every way then holds the same definitions, they are the
    // name's again; else it stays undecided, each way's definitions kept for the calls.
    const left = list?.find((o) => o.undecided !== undefined && (o.caseInsensitive === true || caseInsensitive ? o.name.toLowerCase() === key : o.name === name));
    if (left !== undefined && list !== undefined) {
      list = list.filter((o) => o !== left);
      if (list.length === 0) list = undefined; else this.byName.set(key, list);
      const ways = left.undecided!.ways;
      if (ways !== undefined) {
        const placed = ways.map((w) => { const l = w.slice(); return { list: l, problem: placeDefinition(l, m, name, key, params, caseInsensitive) }; });
        // (A warning nasm gives whichever way it takes; one it gives in some ways only is left out.)
        const problem = placed[0].problem;
        if (problem !== undefined && placed.every((p) => p.problem?.message === problem.message)) this.sink.warning(problem.code, problem.message, range, expansion);
        const decided = placed.every((p) => sameList(p.list, placed[0].list));
        const added = decided ? placed[0].list : [{ ...left, undecided: undecidedAfter(left.undecided!, placed.map((p) => p.list)) }];
        this.byName.set(key, list === undefined ? [...added] : [...list, ...added]);
        return list === undefined;
      }
      // One the branches all defined otherwise as to parameters is nasm's error whichever it takes.
      if (left.undecided!.withParameters !== undefined && left.undecided!.withParameters !== (params !== undefined) && (left.caseInsensitive === true) === caseInsensitive && !alias) {
        this.sink.warning('macro-def-param-single', `macro \`${name}' defined both with and without parameters`, range, expansion);
      }
    }
    if (list === undefined) {
      this.byName.set(key, [m]);
      return true;
    }
    const problem = placeDefinition(list, m, name, key, params, caseInsensitive);
    if (problem !== undefined) this.sink.warning(problem.code, problem.message, range, expansion);
    return false;
  }

  /**
   * A `%define` of `name` while `%aliases off`: nasm keeps its aliases among the definitions,
   * only not following them, so the definition meets an alias of that name as any other (measured
   * with nasm 2.16.01: after `%defalias F T` / `%aliases off`, `%define F 5` replaces the alias,
   * F is 5 after `%aliases on`; `%define F(x) 5` is "defined both with and without parameters"
   * there, and after `%aliases on` `F(1)` is 5 and `F` still T).
   */
  private defineOverAside(name: string, key: string, params: readonly string[] | undefined, caseInsensitive: boolean, range: SourceRange, expansion?: readonly SourceRange[]): void {
    let a: SingleLineMacro | undefined;
    for (const o of this.aliasesAside) if (o.caseInsensitive === true || caseInsensitive ? o.name.toLowerCase() === key : o.name === name) a = o;
    if (a === undefined) return;
    if ((a.caseInsensitive === true) !== caseInsensitive) {
      const sense = (insensitive: boolean): string => (insensitive ? 'insensitive' : 'sensitive');
      this.sink.warning('macro-def-case-single', `case ${sense(caseInsensitive)} definition of macro \`${name}' will shadow ${sense(a.caseInsensitive === true)} macro \`${a.name}'`, range, expansion);
    } else if (params !== undefined) this.sink.warning('macro-def-param-single', `macro \`${name}' defined both with and without parameters`, range, expansion);
    else { this.aliasesAside = this.aliasesAside.filter((o) => o !== a); return; }
    this.shadowedAside.add(a);
  }

  /**
   * An alias of `name` made while `%aliases off` replaces the newest definition of that name
   * without parameters, of the same case-sensitivity, as it would when on: nasm keeps its aliases
   * among the definitions, only not following them (measured with nasm 2.16.01: `%define F 5` /
   * `%aliases off` / `%defalias F T` / `db F` is "symbol `F' not defined"; F is T after `%aliases on`).
   */
  private replaceBeforeAside(name: string, key: string, caseInsensitive: boolean): void {
    const list = this.byName.get(key);
    if (list === undefined) return;
    let k = list.length - 1;
    while (k >= 0 && !(list[k].caseInsensitive === true || caseInsensitive ? list[k].name.toLowerCase() === key : list[k].name === name)) k--;
    if (k < 0 || (list[k].caseInsensitive === true) !== caseInsensitive || list[k].params !== undefined) return;
    if (list.length === 1) this.byName.delete(key); else list.splice(k, 1);
  }

  /** `%undef NAME`: every definition of NAME, in any case for one of `%idefine` (as nasm's undef_smacro). */
  undefine(name: string): void {
    name = this.aliasTarget(name);
    const key = name.toLowerCase();
    const list = this.byName.get(key);
    if (list === undefined) return;
    this.beforeChange?.(name);
    this.version++;
    const kept = list.filter((m) => m.caseInsensitive !== true && m.name !== name);
    if (kept.length === 0) this.byName.delete(key); else this.byName.set(key, kept);
  }

  /** `%undefalias NAME`: NAME's aliases only (in any case for one of `%idefalias`), silently when it has none. */
  undefineAlias(name: string): void {
    this.beforeChange?.(name);
    this.version++;
    const key = name.toLowerCase();
    const list = this.byName.get(key);
    const kept = list?.filter((m) => !(m.alias === true && (m.caseInsensitive === true || m.name === name)));
    if (list !== undefined && kept!.length === 0) this.byName.delete(key); else if (kept !== undefined) this.byName.set(key, kept);
  }

  /** The name `name` stands for through its aliases (nasm's define and undef go through them, measured). */
  aliasTarget(name: string): string {
    for (let depth = 0; depth < 32; depth++) {
      const defs = this.lookup(name);
      const last = defs?.[defs.length - 1];
      if (last?.alias !== true) break;
      name = last.body[0].text;
    }
    return name;
  }

  /**
   * `%aliases on|off`: the aliases are kept aside while off, so that expansion does not see them;
   * true when turning them on defined a new name.
   */
  setAliases(on: boolean): boolean {
    this.beforeChange?.();
    this.version++;
    this.aliasesOff = !on;
    let added = false;
    if (on) {
      if (this.aliasesAside.length === 0) return false;
      for (const m of this.aliasesAside) {
        const list = this.byName.get(m.name.toLowerCase());
        // (One a definition shadows goes back under it, as it was: no warning again.)
        if (this.shadowedAside.has(m) && list !== undefined) list.unshift(m);
        else if (this.define(m.name, undefined, m.body, m.range, m.caseInsensitive === true, undefined, true)) added = true;
      }
      this.aliasesAside = [];
      this.shadowedAside.clear();
      return added;
    }
    for (const [key, list] of [...this.byName]) {
      const kept = list.filter((m) => m.alias !== true);
      if (kept.length === list.length) continue;
      this.aliasesAside.push(...list.filter((m) => m.alias === true));
      if (kept.length === 0) this.byName.delete(key); else this.byName.set(key, kept);
    }
    return false;
  }

  /** A copy of the definitions, for restore. */
  save(): MacroTable {
    const copy = new Map<string, SingleLineMacro[]>();
    for (const [key, list] of this.byName) copy.set(key, list.slice());
    return copy;
  }

  /** The definitions become those of `table` (made by save, or after a block, by BranchStates). */
  restore(table: MacroTable): void {
    this.beforeChange?.();
    this.version++;
    this.byName.clear();
    for (const [key, list] of table) this.byName.set(key, list.slice());
  }
}

/**
 * Puts definition `m` of `name` (`key` in lower case) in `list`, the name's definitions, as nasm
 * 2.16's define_smacro does, and returns the warning it gives, if any. The definition a new one
 * replaces is the newest of the same name (told apart by case only when both are case-sensitive)
 * taking the same count of parameters or none (any, for a definition without), or a greedy one a
 * call of that count would call. If that one differs in case-sensitivity or in having parameters,
 * or is greedy of fewer parameters, nasm warns and keeps both, the new one shadowing the other
 * (for parameters, an error unless -w-pp-macro-def-param-single; measured: `%define f(a+) 1` /
 * `%define f(a,b) 2` shadows, `f(1)` is then 1, and `%define f(a)` after `f(a,b+)` replaces it).
 */
function placeDefinition(list: SingleLineMacro[], m: SingleLineMacro, name: string, key: string, params: readonly string[] | undefined, caseInsensitive: boolean): { code: string; message: string } | undefined {
  const n = params?.length ?? 0;
  let k = list.length - 1;
  for (; k >= 0; k--) {
    const o = list[k];
    const same = o.caseInsensitive === true || caseInsensitive ? o.name.toLowerCase() === key : o.name === name;
    if (same && (n === 0 || o.params === undefined || takesCount(o.params, o.modifiers, n))) break;
  }
  if (k < 0) { list.push(m); return undefined; }
  const o = list[k];
  if ((o.caseInsensitive === true) !== caseInsensitive) {
    const sense = (insensitive: boolean): string => (insensitive ? 'insensitive' : 'sensitive');
    list.push(m);
    return { code: 'macro-def-case-single', message: `case ${sense(caseInsensitive)} definition of macro \`${name}' will shadow ${sense(o.caseInsensitive === true)} macro \`${o.name}'` };
  }
  if ((o.params === undefined) !== (params === undefined)) {
    list.push(m);
    return { code: 'macro-def-param-single', message: `macro \`${name}' defined both with and without parameters` };
  }
  if (o.params !== undefined && o.params.length < n) {
    list.push(m);
    return { code: 'pp-macro-def-greedy-single', message: `defining macro \`${name}' shadows previous greedy definition` };
  }
  list[k] = m;
  return undefined;
}

/** `u` after a definition left each way through its block with definitions `ways` (see Undecided.ways). */
function undecidedAfter(u: Undecided, ways: readonly (readonly SingleLineMacro[])[]): Undecided {
  const kinds = new Set(ways.flatMap((w) => w.map((d) => d.params !== undefined)));
  const inEveryWay = ways.every((w) => w.length > 0);
  return { condition: u.condition, inEveryWay, constant: false, ways, ...(inEveryWay && kinds.size === 1 ? { withParameters: [...kinds][0] } : {}) };
}
