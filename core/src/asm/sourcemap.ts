// Address ↔ source lookups for the debugger and the language server: entries sorted by address
// (binary search), and a per-line index that also files code under the macro call and %include
// lines it was expanded from, so a breakpoint on a macro call line finds its code.

import type { SourceMap, SourceMapEntry, SourceRange } from './api';

export function buildSourceMap(unsorted: readonly SourceMapEntry[]): SourceMap {
  const entries = [...unsorted].sort((a, b) => a.address - b.address);
  const byLine = new Map<string, number[]>();
  const add = (file: string, line: number, address: number): void => {
    const key = `${file}\0${line}`;
    const list = byLine.get(key);
    if (!list) byLine.set(key, [address]);
    else if (list[list.length - 1] !== address) list.push(address);
  };
  for (const e of entries) {
    add(e.range.file, e.range.start.line, e.address);
    for (const site of e.expansion) add(site.file, site.start.line, e.address);
  }
  for (const list of byLine.values()) list.sort((a, b) => a - b);
  return {
    entries,
    lookupAddress(address: number): SourceMapEntry | undefined {
      let lo = 0, hi = entries.length - 1, found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (entries[mid].address <= address) { found = mid; lo = mid + 1; } else hi = mid - 1;
      }
      // Several statements may share an address only when some are empty; entries have size > 0.
      if (found < 0) return undefined;
      const e = entries[found];
      return address < e.address + e.size ? e : undefined;
    },
    lookupLine(file: string, line: number): readonly number[] {
      return byLine.get(`${file}\0${line}`) ?? [];
    },
  };
}

/**
 * Where the code of a source line starts, once for each time it was assembled: a macro's body line
 * at each call of the macro, a line of a file included twice at each %include. The line's
 * addresses that follow on from each other and come from the same expansion are one place (a
 * macro call line's whole body; the repetitions of a %rep line).
 */
export function lineStarts(map: SourceMap, file: string, line: number): number[] {
  const starts: number[] = [];
  let last: { readonly end: number; readonly context: string } | undefined;
  for (const address of map.lookupLine(file, line)) {
    const e = map.lookupAddress(address);
    if (e === undefined) continue;
    const context = expandedFrom(e, file, line);
    if (last === undefined || last.end !== e.address || last.context !== context) starts.push(e.address);
    last = { end: e.address + e.size, context };
  }
  return starts;
}

/** The macro calls and %includes that brought `file`'s `line` to the entry, from that line outwards. */
function expandedFrom(e: SourceMapEntry, file: string, line: number): string {
  const at = (r: SourceRange): boolean => r.file === file && r.start.line === line;
  const from = at(e.range) ? 0 : Math.max(0, e.expansion.findIndex(at));
  return e.expansion.slice(from).map((r) => `${r.file}:${r.start.line}:${r.start.col}`).join('\n');
}
