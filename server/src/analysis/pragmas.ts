// Ringside's `%pragma ringside ...` lines, which NASM ignores (unknown pragma namespaces are
// skipped, NASM manual §4.10.1):
//   %pragma ringside technique NAME   the virtualization technique the file is written for
//   %pragma ringside kernel           the following code runs in the guest kernel (the default)
//   %pragma ringside user             the following code runs in guest user mode (ring 3)
// A kernel/user marker holds until the next marker in the same file.

import { TECHNIQUES, type Technique } from '../../../core/src/isa/types';

export type CodeMode = 'kernel' | 'user';

export interface PragmaFacts {
  readonly technique?: Technique;
  /** Mode switches in line order. */
  readonly modes: readonly { readonly line: number; readonly mode: CodeMode }[];
}

const PRAGMA = /^\s*%pragma\s+ringside\s+([A-Za-z-]+)(?:\s+([A-Za-z-]+))?/i;

export function scanPragmas(text: string): PragmaFacts {
  const modes: { line: number; mode: CodeMode }[] = [];
  let technique: Technique | undefined;
  if (!/%pragma/i.test(text)) return { modes };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.indexOf('%') < 0) continue;
    const m = PRAGMA.exec(line);
    if (!m) continue;
    const key = m[1].toLowerCase();
    if (key === 'kernel' || key === 'user') modes.push({ line: i, mode: key });
    else if (key === 'technique' && m[2] && (TECHNIQUES as readonly string[]).includes(m[2].toLowerCase())) technique = m[2].toLowerCase() as Technique;
  }
  return { technique, modes };
}

/** The mode in force at a line: the last marker above it, kernel when there is none. */
export function modeAt(facts: PragmaFacts, line: number): CodeMode {
  let lo = 0;
  let hi = facts.modes.length - 1;
  let found: CodeMode = 'kernel';
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (facts.modes[mid].line <= line) {
      found = facts.modes[mid].mode;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}
