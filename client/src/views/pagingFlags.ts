// Paging-entry flags as the views print them, after the bit names of SDM Vol. 3A §4.3,
// Tables 4-5, 4-6 and 4-8: P, R/W, U/S, A, D, PS, G. A directory entry that points to a page
// table has no D or G (bits 6 and 8 are ignored there, Table 4-6), so they are never shown for it.

export interface PagingBits {
  readonly present?: boolean;
  readonly writable: boolean;
  readonly user: boolean;
  readonly accessed: boolean;
  readonly dirty: boolean;
  readonly global: boolean;
  readonly large: boolean;
}

export type PagingLevel = 'pde' | 'pte';

/** True when the entry maps a page (a PTE, or a PDE with PS=1 under CR4.PSE) rather than a table. */
export function mapsPage(level: PagingLevel, e: PagingBits): boolean {
  return level === 'pte' || e.large;
}

/** `P RW US A D G PS`, each present only when set (P assumed for entries listed as present). */
export function pagingFlags(level: PagingLevel, e: PagingBits): string {
  const out: string[] = [];
  if (e.present !== false) out.push('P');
  if (e.writable) out.push('RW');
  if (e.user) out.push('US');
  if (e.accessed) out.push('A');
  if (mapsPage(level, e)) {
    if (e.dirty) out.push('D');
    if (e.global) out.push('G');
  }
  if (level === 'pde' && e.large) out.push('PS');
  return out.join(' ');
}

/** The same flags in words, for tooltips. */
export function pagingFlagsInWords(level: PagingLevel, e: PagingBits): string {
  const words = [
    e.present === false ? 'not present' : 'present',
    e.writable ? 'read/write' : 'read-only',
    e.user ? 'user' : 'supervisor only',
    e.accessed ? 'accessed' : 'not accessed',
  ];
  if (mapsPage(level, e)) {
    words.push(e.dirty ? 'dirty' : 'clean');
    if (e.global) words.push('global');
  }
  if (level === 'pde') words.push(e.large ? '4 MiB page' : 'points to a page table');
  return words.join(', ');
}
