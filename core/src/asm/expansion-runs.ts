// A diagnostic's expansion sites (the macro calls and %includes that led to it) with each run of
// one site repeated counted once: an include cycle, or a macro that calls itself, gives the same
// site hundreds of times, which the command line and the editor show as one line with its count.

import type { SourceRange } from './api';

export interface SiteRun {
  readonly site: SourceRange;
  /** How many times in a row the site stands in the chain (1 for most). */
  readonly times: number;
}

export function expansionRuns(sites: readonly SourceRange[]): SiteRun[] {
  const runs: SiteRun[] = [];
  for (let k = 0; k < sites.length;) {
    let times = 1;
    while (k + times < sites.length && sameSite(sites[k + times], sites[k])) times++;
    runs.push({ site: sites[k], times });
    k += times;
  }
  return runs;
}

function sameSite(a: SourceRange, b: SourceRange): boolean {
  return a.file === b.file && a.start.line === b.start.line && a.start.col === b.start.col && a.end.line === b.end.line && a.end.col === b.end.col;
}

/** "expanded from here", with the count of a repeated site. */
export function expandedFromHere(run: SiteRun): string {
  return run.times > 1 ? `expanded from here (${run.times} times)` : 'expanded from here';
}
