// Sections of the flat binary and how nasm's bin format lays them out (NASM manual §8.1.3):
// `.text` first at `org`, other progbits sections after it in declaration order (or after their
// `follows=` section, or at `start=`), each aligned (default 4); nobits sections take no file
// space and follow, in address space, the section declared before them (`.bss`: the last
// progbits section); `vstart=`/`vfollows=` move only the addresses labels see.

export interface Section {
  readonly name: string;
  readonly index: number;
  progbits: boolean;
  align?: number;
  start?: number;
  vstart?: number;
  follows?: string;
  vfollows?: string;
  /** Size after the current pass. */
  size: number;
  /** Layout results: file position relative to org, and the address labels in it see. */
  fileOffset: number;
  address: number;
  /** Bytes of the final pass (`data.subarray(0, size)`; grows by doubling). */
  data: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** Stores `bytes` at `offset` in the section's contents. */
export function writeBytes(s: Section, offset: number, bytes: Uint8Array): void {
  const end = offset + bytes.length;
  if (end > s.data.length) {
    const grown = new Uint8Array(Math.max(end, s.data.length * 2, 4096));
    grown.set(s.data);
    s.data = grown;
  }
  if (bytes.length === 1) s.data[offset] = bytes[0];
  else s.data.set(bytes, offset);
}

export function newSection(name: string, index: number): Section {
  return { name, index, progbits: !(name === '.bss'), size: 0, fileOffset: 0, address: 0, data: EMPTY };
}

function alignUp(v: number, a: number): number {
  return a > 1 ? Math.ceil(v / a) * a : v;
}

export interface LayoutProblem { readonly section: Section; readonly message: string }

/**
 * Computes file offsets and addresses for every section; returns problems (unknown `follows=`
 * target, overlapping sections). Sections that were declared but never used still take part.
 */
export function layoutSections(sections: readonly Section[], origin: number): LayoutProblem[] {
  const problems: LayoutProblem[] = [];
  const byName = new Map(sections.map((s) => [s.name, s]));
  const progbits = sections.filter((s) => s.progbits);
  // Placement order: .text (index 0) first, then declaration order, with `follows=` sections
  // moved directly after the section they follow.
  const order: Section[] = [];
  const placed = new Set<Section>();
  const place = (s: Section, depth: number): void => {
    if (placed.has(s) || depth > sections.length) return;
    placed.add(s);
    order.push(s);
    for (const t of progbits) if (t.follows === s.name && t.start === undefined) place(t, depth + 1);
  };
  for (const s of progbits) {
    if (s.follows !== undefined && s.start === undefined) {
      if (!byName.has(s.follows)) problems.push({ section: s, message: `section \`${s.name}' follows unknown section \`${s.follows}'` });
      else continue;
    }
    place(s, 0);
  }
  for (const s of progbits) if (!placed.has(s)) place(s, 0);
  let cursor = origin;
  for (const s of order) {
    const start = s.start !== undefined ? s.start : alignUp(cursor, s.align ?? 4);
    if (s.start !== undefined && s.start < cursor) problems.push({ section: s, message: `section \`${s.name}' overlaps the section before it` });
    s.fileOffset = start - origin;
    cursor = start + s.size;
  }
  // Addresses: vstart, vfollows, or the file position.
  let vcursor = origin;
  for (const s of order) {
    if (s.vstart !== undefined) s.address = s.vstart;
    else if (s.vfollows !== undefined) {
      const t = byName.get(s.vfollows);
      if (!t) problems.push({ section: s, message: `section \`${s.name}' vfollows unknown section \`${s.vfollows}'` });
      s.address = t ? alignUp(t.address + t.size, s.align ?? 4) : origin + s.fileOffset;
    } else s.address = origin + s.fileOffset;
    vcursor = s.address + s.size;
  }
  // Nobits sections, in declaration order: each follows the section declared before it, except
  // `.bss`, which follows the last progbits section (measured with nasm 2.16; two nobits sections
  // may then overlap, as in nasm).
  const lastProgbits = order[order.length - 1];
  for (const s of sections) {
    if (s.progbits) continue;
    s.fileOffset = 0;
    if (s.vstart !== undefined) { s.address = s.vstart; continue; }
    let prev: Section | undefined;
    if (s.vfollows !== undefined) {
      prev = byName.get(s.vfollows);
      if (!prev) problems.push({ section: s, message: `section \`${s.name}' vfollows unknown section \`${s.vfollows}'` });
    } else prev = s.name === '.bss' ? lastProgbits : sections[s.index - 1];
    s.address = prev ? alignUp(prev.address + prev.size, s.align ?? 4) : alignUp(vcursor, s.align ?? 4);
  }
  return problems;
}

/** The flat image: every progbits section's bytes at its file offset, gaps zero-filled. */
export function buildImage(sections: readonly Section[]): Uint8Array {
  let end = 0;
  for (const s of sections) if (s.progbits && s.size > 0) end = Math.max(end, s.fileOffset + s.size);
  const image = new Uint8Array(Math.max(0, end));
  for (const s of sections) {
    if (!s.progbits) continue;
    image.set(s.data.subarray(0, Math.min(s.size, s.data.length)), s.fileOffset);
  }
  return image;
}
