// What the branches of a block the assembler decides (deferred-if.ts) change in the preprocessor's
// state. nasm runs only the branch each pass takes; Ringside preprocesses them all, each from the
// state before the block, and after the block keeps what every way through it leaves alike.

import { isNasmRegister } from '../isa/nasm-registers';
import { isOutsideDialect } from '../isa/nasm-mnemonics';
import type { ContextStack, ContextsSaved } from './context-stack';
import type { CheckCondition, ConstantValue, DeferredConstant } from './deferred-check';
import { DIRECTIVES, isKeywordWord, SIZE_KEYWORDS } from './directives';
import { MNEMONIC_WORDS, PREFIX_WORDS } from './instruction-set';
import type { SingleLineMacro } from './macros';
import { parseNumber } from './numbers';
import type { MacroTable, SingleLineMacros } from './single-line-macros';
import type { PPToken } from './source';

/**
 * The state before a block and what each of its branches left. A single-line macro the ways
 * through the block leave differently (one branch defines it, another does not or otherwise) is
 * undecided after it (see SingleLineMacro.undecided): a use is Ringside's error until it is
 * defined or removed again, but where each way leaves it a number (or undefined), which the
 * assembler then holds for the lines of code after the block (see DeferredConstant). The context
 * stack is to be left as it was by every branch (a `%push` popped in the branch): else
 * Ringside's error, at the branch's end.
 */
export class BranchStates {
  private readonly macrosBefore: MacroTable;
  private readonly contextsBefore: ContextsSaved;
  /** `singles.version` when the current branch began: unchanged, it left the macros as they were. */
  private version: number;
  /** The macros each branch that can be taken ended with, and the branch's index. */
  private readonly ends: { readonly branch: number; readonly macros: MacroTable }[] = [];
  /** The current branch's index. */
  private branch = 0;
  /** Whether the current branch can be taken (see branchBegins). */
  private possible = true;
  /** Whether a branch is taken whenever those before are not: no later way through the block is. */
  private certain = false;

  constructor(private readonly singles: SingleLineMacros, private readonly contexts: ContextStack, private readonly first: CheckCondition) {
    this.macrosBefore = singles.save();
    this.contextsBefore = contexts.save();
    this.version = singles.version;
  }

  /**
   * The current branch ended: what it left is kept, and the state before the block restored for
   * the next. False when it left the context stack changed (restored too).
   */
  branchEnded(): boolean {
    const changed = this.singles.version !== this.version;
    if (this.possible) this.ends.push({ branch: this.branch, macros: changed ? this.singles.save() : this.macrosBefore });
    if (changed) this.singles.restore(this.macrosBefore);
    this.version = this.singles.version;
    if (this.contexts.same(this.contextsBefore)) return true;
    this.contexts.restore(this.contextsBefore);
    return false;
  }

  /**
   * A branch after the first begins, at an `%elif` the preprocessor tested (`test` its result:
   * `%elifdef`...), or that the assembler tests (undefined), or at `%else` (true).
   */
  branchBegins(test: boolean | undefined): void {
    this.branch++;
    this.possible = !this.certain && test !== false;
    if (test === true) this.certain = true;
  }

  /**
   * The block ended (every branch ended first); `exhaustive` when it has an `%else` (else the way
   * that takes no branch leaves the state before). The macros become what every way leaves alike,
   * the others undecided. Returns the macros whose number the assembler is to hold, if any
   * (undefined when the macros are as before the block, as every way left them).
   */
  blockEnded(exhaustive: boolean): DeferredConstant[] | undefined {
    const ways = exhaustive || this.certain ? this.ends.map((e) => e.macros) : [...this.ends.map((e) => e.macros), this.macrosBefore];
    if (ways.every((e) => e === this.macrosBefore)) return undefined;
    const keys = new Set<string>();
    for (const e of ways) for (const k of e.keys()) keys.add(k);
    const merged = new Map<string, SingleLineMacro[]>();
    const constants: DeferredConstant[] = [];
    for (const key of keys) {
      const lists = ways.map((e) => e.get(key));
      if (lists.every((l) => sameList(l, lists[0]))) { if (lists[0] !== undefined) merged.set(key, lists[0]); continue; }
      const constant = this.constant(key);
      if (constant !== undefined) constants.push(constant);
      merged.set(key, this.undecided(lists, constant !== undefined));
    }
    this.singles.restore(merged);
    return constants;
  }

  /**
   * What the assembler is to hold for the macros named `key` after each way through the block,
   * when each leaves one number, or none, or what an earlier block left the assembler to hold.
   */
  private constant(key: string): DeferredConstant | undefined {
    let name: string | undefined;
    const valueOf = (list: readonly SingleLineMacro[] | undefined): ConstantValue | null => {
      if (list === undefined) return undefined;
      const m = list.length === 1 ? list[0] : undefined;
      if (m === undefined || m.caseInsensitive === true || m.alias === true || m.params !== undefined || (name !== undefined && m.name !== name)) return null;
      if (!readAsSymbol(m.name)) return null;
      name = m.name;
      if (m.undecided !== undefined) return m.undecided.constant ? 'kept' : null;
      return numberOf(m.body) ?? null;
    };
    const byBranch: ConstantValue[] = [];
    for (const e of this.ends) {
      const v = valueOf(e.macros.get(key));
      if (v === null) return undefined;
      byBranch[e.branch] = v;
    }
    const otherwise = valueOf(this.macrosBefore.get(key));
    if (otherwise === null || name === undefined) return undefined;
    return { name, byBranch, otherwise };
  }

  /** Markers for the names of `lists` (a name's definitions after each way through the block). */
  private undecided(lists: readonly (readonly SingleLineMacro[] | undefined)[], constant: boolean): SingleLineMacro[] {
    const markers = new Map<string, SingleLineMacro>();
    const idOf = (m: SingleLineMacro): string => (m.caseInsensitive === true ? m.name.toLowerCase() : m.name);
    for (const l of lists) {
      for (const m of l ?? []) {
        const id = idOf(m);
        if (markers.has(id)) continue;
        const inEveryWay = lists.every((o) => o?.some((d) => idOf(d) === id && d.undecided?.inEveryWay !== false) === true);
        // Whether each way's definitions have parameters, all alike (what a later `%define` is checked against).
        const kinds = new Set(lists.flatMap((o) => (o ?? []).filter((d) => idOf(d) === id).map((d) => (d.undecided !== undefined ? d.undecided.withParameters : d.params !== undefined))));
        const withParameters = inEveryWay && kinds.size === 1 ? [...kinds][0] : undefined;
        // Each way's definitions of it, for a later definition and the calls (unknown where a way
        // left it undecided itself).
        const ways = lists.map((o) => (o ?? []).filter((d) => idOf(d) === id));
        const known = ways.every((w) => w.every((d) => d.undecided === undefined));
        const undecided = { condition: this.first, inEveryWay, constant, ...(withParameters !== undefined ? { withParameters } : {}), ...(known ? { ways } : {}) };
        markers.set(id, { name: m.name, params: undefined, body: [], range: m.range, ...(m.caseInsensitive === true ? { caseInsensitive: true as const } : {}), undecided });
      }
    }
    return [...markers.values()];
  }
}

/**
 * Whether the assembler reads `name` in an expression as a symbol's name, as it must to hold the
 * macro's number: not a register, keyword, mnemonic or directive of nasm's; not a `.local` name,
 * whose meaning depends on the label above each use, nor a special `..name`.
 */
function readAsSymbol(name: string): boolean {
  if (name.charCodeAt(0) === 0x2e) return name.startsWith('..@');
  const lower = name.toLowerCase();
  return !isNasmRegister(lower) && !isKeywordWord(lower) && !isOutsideDialect(lower) && !MNEMONIC_WORDS.has(lower) && !PREFIX_WORDS.has(lower)
    && !DIRECTIVES.has(lower) && SIZE_KEYWORDS[lower] === undefined && lower !== 'times' && lower !== 'equ' && !lower.startsWith('__');
}

/**
 * The number a body of one number, or of `-` and a number (as `%assign` makes a negative value),
 * stands for, if a safe integer: in any expression of nasm's the same as its text, as unary minus
 * binds first.
 */
function numberOf(body: readonly PPToken[]): number | undefined {
  const minus = body.length === 2 && body[0].kind === 'op' && body[0].text === '-';
  if (body.length !== (minus ? 2 : 1) || body[body.length - 1].kind !== 'number') return undefined;
  const v = parseNumber(body[body.length - 1].text);
  return v !== undefined && Number.isSafeInteger(v) ? (minus ? -v : v) : undefined;
}

/** Whether two lists of definitions expand alike (see sameDefinition). */
export function sameList(a: readonly SingleLineMacro[] | undefined, b: readonly SingleLineMacro[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  return a.every((m, i) => sameDefinition(m, b[i]));
}

/** Whether two definitions expand alike (made by the same line in different branches, or alike). */
export function sameDefinition(a: SingleLineMacro, b: SingleLineMacro): boolean {
  if (a === b) return true;
  if (a.undecided !== undefined || b.undecided !== undefined) return false;
  if (a.name !== b.name || a.caseInsensitive !== b.caseInsensitive || a.alias !== b.alias) return false;
  if ((a.params === undefined) !== (b.params === undefined) || (a.params !== undefined && a.params.join(',') !== b.params!.join(','))) return false;
  if (JSON.stringify(a.modifiers) !== JSON.stringify(b.modifiers)) return false;
  return a.body.length === b.body.length && a.body.every((t, i) => t.kind === b.body[i].kind && t.text === b.body[i].text && (i === 0 || (t.start > a.body[i - 1].end) === (b.body[i].start > b.body[i - 1].end)));
}
