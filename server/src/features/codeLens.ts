// codeLenses(doc): "▶ Run guest | ⚙ Debug guest" at the top of a runnable guest (the client's
// ringside.runGuest / ringside.debugGuest with the file's URI), and above each non-local label its
// address and the number of bytes of code and data it heads (informational: no command runs).

import type { CodeLens } from 'vscode-languageserver-types';
import { findMultibootHeader, MULTIBOOT_AOUT_KLUDGE } from '../../../core/src/machine/loader/multiboot';
import { toLspRange, type AnalyzedDocument } from '../analysis/document';

/** Client command ids (client/src/debug/guestCommands.ts); each takes the guest file's URI. */
export const RUN_GUEST_COMMAND = 'ringside.runGuest';
export const DEBUG_GUEST_COMMAND = 'ringside.debugGuest';

/**
 * Whether the assembled image is a guest Ringside can boot: a multiboot header (magic 0x1BADB002,
 * valid checksum, 4-byte aligned in the first 8 KiB — Multiboot 0.6.96 §3.1.1) with flags bit 16,
 * the a.out kludge the loader needs for a flat binary (§3.1.2).
 */
export function isRunnableGuest(image: Uint8Array): boolean {
  const at = findMultibootHeader(image);
  if (at < 0) return false;
  const flags = (image[at + 4] | (image[at + 5] << 8) | (image[at + 6] << 16) | (image[at + 7] << 24)) >>> 0;
  return (flags & MULTIBOOT_AOUT_KLUDGE) !== 0;
}

const TOP = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function codeLenses(doc: AnalyzedDocument): CodeLens[] {
  // Only the assembly's root file runs; a file another open file %includes gets no run lens.
  const runLenses: CodeLens[] = doc.rootPath === doc.path && isRunnableGuest(doc.result.image)
    ? [
      { range: TOP, command: { title: '▶ Run guest', command: RUN_GUEST_COMMAND, arguments: [doc.uri] } },
      { range: TOP, command: { title: '⚙ Debug guest', command: DEBUG_GUEST_COMMAND, arguments: [doc.uri] } },
    ]
    : [];
  return [...runLenses, ...labelLenses(doc)];
}

function labelLenses(doc: AnalyzedDocument): CodeLens[] {
  const labels = doc.result.symbols
    .filter((s) => s.kind === 'label' && s.definition.file === doc.path && s.value !== undefined && !doc.index.definedByExpansion(s.name))
    .sort((a, b) => a.definition.start.line - b.definition.start.line);
  if (labels.length === 0) return [];
  // A label heads the lines up to the next label or structure: a struc's fields reserve no bytes
  // of the image (nasm lays them out in an absolute section).
  const ends = [...labels, ...doc.result.symbols.filter((s) => s.kind === 'struc' && s.definition.file === doc.path)]
    .map((s) => s.definition.start.line)
    .sort((a, b) => a - b);
  // Bytes emitted per source line of this file, in one pass over the statements.
  const bytesByLine = new Map<number, number>();
  for (const st of doc.result.statements) {
    const at = st.macroCall ?? st.range;
    if (at.file !== doc.path || st.size === undefined) continue;
    bytesByLine.set(at.start.line, (bytesByLine.get(at.start.line) ?? 0) + st.size);
  }
  const lines = [...bytesByLine.keys()].sort((a, b) => a - b);
  const out: CodeLens[] = [];
  let li = 0;
  let ei = 0;
  for (let i = 0; i < labels.length; i++) {
    const start = labels[i].definition.start.line;
    while (ei < ends.length && ends[ei] <= start) ei++;
    const end = ei < ends.length ? ends[ei] : Number.MAX_SAFE_INTEGER;
    while (li < lines.length && lines[li] < start) li++;
    let bytes = 0;
    for (let k = li; k < lines.length && lines[k] < end; k++) bytes += bytesByLine.get(lines[k]) as number;
    const addr = `0x${((labels[i].value as number) >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
    out.push({ range: toLspRange(labels[i].definition), command: { title: `${addr} · ${bytes} byte${bytes === 1 ? '' : 's'}`, command: '' } });
  }
  return out;
}
