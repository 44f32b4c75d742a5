// What the branches of a block the assembler decides (deferred-if.ts) change in the preprocessor's
// state. nasm runs only the branch each pass takes; Ringside preprocesses them all, each from the
// state before the block, and after the block keeps what every way through it leaves alike.

import type { ContextStack, ContextsSaved } from './context-stack';
import type { CheckCondition } from './deferred-check';
import type { SingleLineMacro } from './macros';
import type { MacroTable, SingleLineMacros } from './single-line-macros';

/**
 * The state before a block and what each of its branches left. A single-line macro the ways
 * through the block leave differently (one branch defines it, another does not or otherwise) is
 * undecided after it: a use is Ringside's error (see SingleLineMacro.undecided) until it is
 * defined or removed again. The context stack is to be left as it was by every branch (a
 * `%push` popped in the branch): else Ringside's error, at the branch's end.
 */
export class BranchStates {
  private readonly macrosBefore: MacroTable;
  private readonly contextsBefore: ContextsSaved;
  /** `singles.version` when the current branch began: unchanged, it left the macros as they were. */
  private version: number;
  /** The macros each branch that can be taken ended with, in order. */
  private readonly ends: MacroTable[] = [];
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
    if (this.possible) this.ends.push(changed ? this.singles.save() : this.macrosBefore);
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
    this.possible = !this.certain && test !== false;
    if (test === true) this.certain = true;
  }

  /**
   * The block ended (every branch ended first); `exhaustive` when it has an `%else` (else the way
   * that takes no branch leaves the state before). The macros become what every way leaves alike,
   * the others undecided. True when the macros changed.
   */
  blockEnded(exhaustive: boolean): boolean {
    const ends = exhaustive || this.certain ? this.ends : [...this.ends, this.macrosBefore];
    if (ends.every((e) => e === this.macrosBefore)) return false;
    const keys = new Set<string>();
    for (const e of ends) for (const k of e.keys()) keys.add(k);
    const merged = new Map<string, SingleLineMacro[]>();
    for (const key of keys) {
      const lists = ends.map((e) => e.get(key));
      if (lists.every((l) => sameList(l, lists[0]))) { if (lists[0] !== undefined) merged.set(key, lists[0]); continue; }
      merged.set(key, this.undecided(lists));
    }
    this.singles.restore(merged);
    return true;
  }

  /** Markers for the names of `lists` (a name's definitions after each way through the block). */
  private undecided(lists: readonly (readonly SingleLineMacro[] | undefined)[]): SingleLineMacro[] {
    const markers = new Map<string, SingleLineMacro>();
    const idOf = (m: SingleLineMacro): string => (m.caseInsensitive === true ? m.name.toLowerCase() : m.name);
    for (const l of lists) {
      for (const m of l ?? []) {
        const id = idOf(m);
        if (markers.has(id)) continue;
        const inEveryWay = lists.every((o) => o?.some((d) => idOf(d) === id && d.undecided?.inEveryWay !== false) === true);
        const undecided = { condition: m.undecided?.condition ?? this.first, inEveryWay };
        markers.set(id, { name: m.name, params: undefined, body: [], range: m.range, ...(m.caseInsensitive === true ? { caseInsensitive: true as const } : {}), undecided });
      }
    }
    return [...markers.values()];
  }
}

function sameList(a: readonly SingleLineMacro[] | undefined, b: readonly SingleLineMacro[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  return a.every((m, i) => sameDefinition(m, b[i]));
}

/** Whether two definitions expand alike (made by the same line in different branches, or alike). */
function sameDefinition(a: SingleLineMacro, b: SingleLineMacro): boolean {
  if (a === b) return true;
  if (a.undecided !== undefined || b.undecided !== undefined) return false;
  if (a.name !== b.name || a.caseInsensitive !== b.caseInsensitive || a.alias !== b.alias) return false;
  if ((a.params === undefined) !== (b.params === undefined) || (a.params !== undefined && a.params.join(',') !== b.params!.join(','))) return false;
  return a.body.length === b.body.length && a.body.every((t, i) => t.kind === b.body[i].kind && t.text === b.body[i].text && (i === 0 || (t.start > a.body[i - 1].end) === (b.body[i].start > b.body[i - 1].end)));
}
