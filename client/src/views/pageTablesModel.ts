// Page Tables view model: the `ringside/pageTables` response as tree nodes — present directory
// entries, each expanding (lazily, through another request) to the present entries of its page
// table (32-bit paging, SDM Vol. 3A §4.3). Element ids depend only on the space and the indices,
// so expansion survives every refresh.

import type { PageTablesResponse, PagingEntry } from '../../../core/src/protocol';
import { hex32, hexShort } from './hex';
import { pagingFlags, pagingFlagsInWords } from './pagingFlags';
import type { ViewContent, ViewNode } from './viewNode';

export type PagingSpace = PageTablesResponse['space'];

const PAGE_4M = 0x40_0000;
const PAGE_4K = 0x1000;

export function directoryEntryId(space: PagingSpace, pdeIndex: number): string {
  return `pageTables:${space}:pde:${pdeIndex}`;
}

function directoryNode(space: PagingSpace, e: PagingEntry): ViewNode {
  const last = (e.linear + PAGE_4M - 1) >>> 0;
  const target = e.large ? `4 MiB page ${hex32(e.frame)}` : `table ${hex32(e.frame)}`;
  return {
    id: directoryEntryId(space, e.index),
    label: `PDE ${hexShort(e.index)}`,
    description: `${hex32(e.linear)} → ${target} · ${pagingFlags('pde', e)}`,
    tooltip: `Page-directory entry ${e.index} at physical ${hex32(e.address)} = ${hex32(e.entry)}\n`
      + `Maps linear ${hex32(e.linear)}–${hex32(last)}\n${pagingFlagsInWords('pde', e)}`,
    icon: e.large ? 'file-binary' : 'list-tree',
    contextValue: e.large ? 'ringside.pagingEntry.page' : 'ringside.pagingEntry.directory',
    collapsible: e.large ? 'none' : 'collapsed',
    linear: e.linear,
    pdeIndex: e.large ? undefined : e.index,
  };
}

/** Root of the view: the page directory CR3 points to. */
export function directoryContent(r: PageTablesResponse): ViewContent {
  const description = `CR3 ${hex32(r.cr3)}${r.pse ? ' · PSE' : ''}${r.space === 'guest' ? '' : ` · ${r.space}`}`;
  if (!r.pagingEnabled) {
    return { nodes: [], description, message: 'Paging is off (CR0.PG = 0): linear addresses are physical addresses.' };
  }
  const message = r.directory.length === 0 ? 'The page directory has no present entries.' : undefined;
  return { nodes: r.directory.map((e) => directoryNode(r.space, e)), description, message };
}

/** Children of one directory entry: the present entries of its page table. */
export function tableNodes(space: PagingSpace, pdeIndex: number, entries: readonly PagingEntry[]): ViewNode[] {
  return entries.map((e) => ({
    id: `pageTables:${space}:pte:${pdeIndex}:${e.index}`,
    label: `PTE ${hexShort(e.index)}`,
    description: `${hex32(e.linear)} → ${hex32(e.frame)} · ${pagingFlags('pte', e)}`,
    tooltip: `Page-table entry ${e.index} of PDE ${pdeIndex} at physical ${hex32(e.address)} = ${hex32(e.entry)}\n`
      + `Maps linear ${hex32(e.linear)}–${hex32((e.linear + PAGE_4K - 1) >>> 0)} to frame ${hex32(e.frame)}\n${pagingFlagsInWords('pte', e)}`,
    icon: 'file-binary',
    contextValue: 'ringside.pagingEntry.page',
    collapsible: 'none',
    linear: e.linear,
  }));
}
