// The guest's labels from the assembler, by name and by address (nearest label at or below an
// address, for `symbol+offset` names in disassembly and stack views; macro-local `..@` labels are
// left out of those names).

import type { SymbolInfo } from '../asm/api';

export interface GuestSymbol {
  readonly name: string;
  readonly address: number;
}

export class SymbolTable {
  private readonly byName = new Map<string, number>();
  /** Labels sorted by address (non-local labels first at equal addresses). */
  private readonly sorted: GuestSymbol[];
  /** The non-local labels (the ones a `.local` label belongs to) sorted by address. */
  private readonly parents: GuestSymbol[];
  /** The `.local` labels, by their full names (`start.again`). */
  private readonly locals: GuestSymbol[] = [];

  constructor(symbols: readonly SymbolInfo[]) {
    const list: GuestSymbol[] = [];
    const parents: GuestSymbol[] = [];
    for (const s of symbols) {
      if (s.value === undefined) continue;
      if (s.kind === 'label' || s.kind === 'local-label' || s.kind === 'constant') this.byName.set(s.name, s.value >>> 0);
      // Macro-local labels (`..@16.after`) are an expansion's internals: a name to look up, never
      // the nearest label a frame or an address is named after.
      if ((s.kind === 'label' || s.kind === 'local-label') && !s.name.startsWith('..@')) list.push({ name: s.name, address: s.value >>> 0 });
      if (s.kind === 'label' && !s.name.startsWith('..@')) parents.push({ name: s.name, address: s.value >>> 0 });
      if (s.kind === 'local-label' && !s.name.startsWith('..@')) this.locals.push({ name: s.name, address: s.value >>> 0 });
    }
    list.sort((a, b) => a.address - b.address || a.name.length - b.name.length);
    this.sorted = list;
    parents.sort((a, b) => a.address - b.address);
    this.parents = parents;
  }

  get all(): readonly GuestSymbol[] {
    return this.sorted;
  }

  lookup(name: string): number | undefined {
    return this.byName.get(name);
  }

  /**
   * A label by name as the code at `address` names it: a `.local` name is the one belonging to the
   * non-local label the code follows (NASM manual §3.9, the label before it), as in `jz .wait`.
   */
  lookupAt(name: string, address: number): number | undefined {
    const value = this.byName.get(name);
    if (value !== undefined || !name.startsWith('.') || name.startsWith('..')) return value;
    for (const parent of this.parentsAt(address)) {
      const local = this.byName.get(parent.name + name);
      if (local !== undefined) return local;
    }
    return undefined;
  }

  /** The `.local` labels the code at `address` can name as `.name` (lookupAt's): those of the non-local label before it, by those short names. */
  localsAt(address: number): GuestSymbol[] {
    const out: GuestSymbol[] = [];
    for (const parent of this.parentsAt(address)) {
      const prefix = `${parent.name}.`;
      for (const l of this.locals) if (l.name.startsWith(prefix)) out.push({ name: l.name.slice(parent.name.length), address: l.address });
    }
    return out;
  }

  /** The address of the non-local label at or before `address`: where the routine the code there belongs to starts. */
  routineStart(address: number): number | undefined {
    return this.parentsAt(address)[0]?.address;
  }

  /** The non-local label before `address` (NASM manual §3.9); several when several are at its address: the last defined is the one locals follow, so each is tried. */
  private parentsAt(address: number): GuestSymbol[] {
    const list = this.parents;
    let lo = 0, hi = list.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].address <= address) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    const out: GuestSymbol[] = [];
    for (let i = best; i >= 0 && list[i].address === list[best].address; i--) out.push(list[i]);
    return out;
  }

  /** `label` or `label+0x12` for the nearest label at or below `address` (within 64 KiB). */
  symbolize(address: number): string | undefined {
    const list = this.sorted;
    let lo = 0, hi = list.length - 1, best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].address <= address) { best = mid; lo = mid + 1; } else hi = mid - 1;
    }
    if (best < 0) return undefined;
    // Prefer the first label at that address (the non-local one sorts first).
    const at = list[best].address;
    while (best > 0 && list[best - 1].address === at) best--;
    const delta = address - at;
    if (delta >= 0x10000) return undefined;
    return delta === 0 ? list[best].name : `${list[best].name}+0x${delta.toString(16)}`;
  }
}
