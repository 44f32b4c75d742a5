// TLB view model: the `ringside/tlb` response as tree nodes — the counters (with the change since
// the previous stop) and the valid entries, each a VPN → PFN translation with its permissions and
// global bit (SDM Vol. 3A §4.10.2: what a TLB entry caches). Ids follow the hardware slot (set,
// way), so the tree keeps its shape while entries are replaced.

import type { TlbEntryInfo, TlbResponse } from '../../../core/src/protocol';
import { hex32, hexPageNumber } from './hex';
import type { ViewContent, ViewNode } from './viewNode';

type Counters = TlbResponse['counters'];

const COUNTERS: readonly { readonly key: keyof Counters; readonly label: string; readonly tooltip: string }[] = [
  { key: 'hits', label: 'Hits', tooltip: 'Translations found in the TLB' },
  { key: 'misses', label: 'Misses', tooltip: 'Translations that needed a page walk' },
  { key: 'flushes', label: 'Flushes', tooltip: 'Full flushes: MOV to CR3 without CR4.PGE, a CR4.PGE change' },
  { key: 'nonGlobalFlushes', label: 'Non-global flushes', tooltip: 'MOV to CR3 with CR4.PGE set: global entries survive (SDM Vol. 3A §4.10.4.1)' },
  { key: 'pageInvalidations', label: 'Page invalidations', tooltip: 'Entries dropped by INVLPG or by a page fault on their page' },
  { key: 'evictions', label: 'Evictions', tooltip: 'Valid entries replaced to make room' },
  { key: 'walks', label: 'Page walks', tooltip: 'Walks of the paging structures' },
  { key: 'walkReferences', label: 'Walk memory references', tooltip: 'Entry reads and accessed/dirty write-backs made by page walks' },
  { key: 'pageFaults', label: 'Page faults', tooltip: '#PF raised by the MMU' },
];

/** `RW user G` style permissions of one entry. */
export function tlbPermissions(e: TlbEntryInfo): string {
  const out = [e.writable ? 'RW' : 'RO', e.user ? 'user' : 'supervisor'];
  if (e.dirty) out.push('D');
  if (e.global) out.push('G');
  if (e.large) out.push('4M');
  return out.join(' ');
}

function delta(now: number, before: number | undefined): string {
  if (before === undefined || now === before) return '';
  return now > before ? ` (+${now - before})` : ` (${now - before})`;
}

function counterNodes(c: Counters, previous: Counters | undefined): ViewNode[] {
  const nodes: ViewNode[] = COUNTERS.map(({ key, label, tooltip }) => ({
    id: `tlb:counter:${key}`,
    label,
    description: `${c[key]}${delta(c[key], previous?.[key])}`,
    tooltip,
    icon: 'symbol-number',
    collapsible: 'none',
  }));
  const lookups = c.hits + c.misses;
  nodes.splice(2, 0, {
    id: 'tlb:counter:hitRate',
    label: 'Hit rate',
    description: lookups === 0 ? 'no lookups yet' : `${((100 * c.hits) / lookups).toFixed(2)} %`,
    tooltip: 'hits / (hits + misses) since the guest started',
    icon: 'graph',
    collapsible: 'none',
  });
  return nodes;
}

function entryNode(e: TlbEntryInfo): ViewNode {
  const tag = e.vpid !== 0 ? ` · VPID ${e.vpid}` : '';
  return {
    id: `tlb:entry:${e.set}:${e.way}`,
    label: `${hexPageNumber(e.linearPage)} → ${hexPageNumber(e.physicalFrame)}`,
    description: `${tlbPermissions(e)} · set ${e.set} way ${e.way}${tag}`,
    tooltip: `Linear page ${hex32(e.linearPage)} → physical frame ${hex32(e.physicalFrame)}\n`
      + `${e.writable ? 'writable' : 'read-only'}, ${e.user ? 'user-accessible' : 'supervisor only'}, `
      + `${e.dirty ? 'dirty' : 'clean'}${e.global ? ', global (kept across CR3 writes with CR4.PGE)' : ''}${e.large ? ', from a 4 MiB page' : ''}`,
    icon: e.global ? 'globe' : 'arrow-right',
    contextValue: 'ringside.tlbEntry',
    collapsible: 'none',
    linear: e.linearPage,
  };
}

/** The whole view; `previous` is the response at the last stop of the same session (for deltas). */
export function tlbContent(r: TlbResponse, previous?: TlbResponse): ViewContent {
  const entries = [...r.entries].sort((a, b) => a.linearPage - b.linearPage || a.vpid - b.vpid || a.index - b.index);
  const globals = entries.reduce((n, e) => n + (e.global ? 1 : 0), 0);
  return {
    description: `${r.shape.entries} entries, ${r.shape.ways}-way, ${r.shape.policy.toUpperCase()}`,
    nodes: [
      { id: 'tlb:counters', label: 'Counters', icon: 'dashboard', collapsible: 'expanded', children: counterNodes(r.counters, previous?.counters) },
      {
        id: 'tlb:entries',
        label: 'Entries',
        description: `${entries.length} valid of ${r.shape.entries}${globals > 0 ? `, ${globals} global` : ''}`,
        icon: 'list-flat',
        collapsible: 'expanded',
        children: entries.map(entryNode),
      },
    ],
  };
}
