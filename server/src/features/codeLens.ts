// codeLenses(doc): "▶ Run guest | ⚙ Debug guest" at the top of a runnable guest (the client's
// ringside.runGuest / ringside.debugGuest with the file's URI), "▶ Run kernel.gasm | ⚙ Debug
// kernel.gasm" at the top of a file a runnable guest includes (with that program's URI: the file
// alone is no guest), and above each non-local label its
// address and the number of bytes of code and data it heads (informational: no command runs); one
// lens a line, the labels of a `%rep` line together.

import type { SymbolInfo } from '../../../core/src/asm/api';
import type { CodeLens } from 'vscode-languageserver-types';
import { baseName } from '../../../core/src/asm/paths';
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
  // The assembly's root file runs: in a file it %includes, the lenses name it.
  const guest = doc.rootPath === doc.path ? 'guest' : baseName(doc.rootPath);
  const uri = doc.rootPath === doc.path ? doc.uri : doc.toUri(doc.rootPath);
  const runLenses: CodeLens[] = isRunnableGuest(doc.result.image)
    ? [
      { range: TOP, command: { title: `▶ Run ${guest}`, command: RUN_GUEST_COMMAND, arguments: [uri] } },
      { range: TOP, command: { title: `⚙ Debug ${guest}`, command: DEBUG_GUEST_COMMAND, arguments: [uri] } },
    ]
    : [];
  return [...runLenses, ...labelLenses(doc)];
}

/** The directives after which the statements' bytes are no longer the label's before them. */
const ENDS_LABEL_BYTES: ReadonlySet<string> = new Set(['struc', 'section', 'segment', 'absolute']);

function labelLenses(doc: AnalyzedDocument): CodeLens[] {
  const heads = new Map<string, { readonly label: SymbolInfo; bytes: number }>();
  for (const s of doc.result.symbols) {
    if (s.kind === 'label' && s.definition.file === doc.path && s.value !== undefined && !doc.index.definedByExpansion(s.name)) heads.set(s.name, { label: s, bytes: 0 });
  }
  if (heads.size === 0) return [];
  // A label heads the bytes the statements after it put out, in the order assembled, up to the
  // next such label, structure (a struc's fields reserve no bytes of the image: nasm lays them
  // out in an absolute section) or change of section (the bytes after `section .data` are not the
  // code label's: nasm lists them at .data's offsets): a `%rep` body's label once per repetition,
  // a macro's statements at the call written in this file (a macro another macro calls included).
  let current: { bytes: number } | undefined;
  for (const st of doc.result.statements) {
    const at = st.outerCall ?? st.range;
    if (at.file !== doc.path) continue;
    if (st.label !== undefined) current = heads.get(st.label.name) ?? current;
    if (st.mnemonic !== undefined && ENDS_LABEL_BYTES.has(st.mnemonic.name.toLowerCase())) current = undefined;
    if (current !== undefined && st.size !== undefined) current.bytes += st.size;
  }
  // One lens a line: a line of a `%rep` defines a label each repetition.
  const byLine = new Map<number, { readonly label: SymbolInfo; bytes: number }[]>();
  for (const h of heads.values()) {
    const line = h.label.definition.start.line;
    const list = byLine.get(line);
    if (list === undefined) byLine.set(line, [h]); else list.push(h);
  }
  const out: CodeLens[] = [];
  for (const line of [...byLine.keys()].sort((a, b) => a - b)) {
    const list = byLine.get(line)!.sort((a, b) => (a.label.value as number) - (b.label.value as number));
    const first = list[0];
    out.push({ range: toLspRange(first.label.definition), command: { title: lensTitle(list), command: '' } });
  }
  return out;
}

function hex(v: number): string {
  return `0x${(v >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

function byteCount(n: number): string {
  return `${n} byte${n === 1 ? '' : 's'}`;
}

/** `ADDRESS · N bytes`; for the labels a `%rep` line defines, how many, their addresses and sizes. */
function lensTitle(list: readonly { readonly label: SymbolInfo; readonly bytes: number }[]): string {
  const first = list[0];
  if (list.length === 1) return `${hex(first.label.value as number)} · ${byteCount(first.bytes)}`;
  const sizes = list.map((h) => h.bytes);
  const min = Math.min(...sizes);
  const max = Math.max(...sizes);
  const each = min === max ? `${byteCount(min)} each` : `${min}–${max} bytes each`;
  return `${list.length} labels · ${hex(first.label.value as number)}–${hex(list[list.length - 1].label.value as number)} · ${each}`;
}
