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

/**
 * The most bytes one section may hold: nasm keeps `times` counts and sizes in 32-bit signed
 * integers (measured: `times 3000000000 nop` fails nasm 2.16 with an internal assertion).
 */
export const MAX_SECTION_BYTES = 0x7fffffff;

/** Bytes written between two looks at the clock while repeating (`times N`). */
const REPEAT_CHUNK = 1 << 20;

/** Makes room for `end` bytes in the section's contents (new space reads as zero). */
function reserve(s: Section, end: number): void {
  if (end <= s.data.length) return;
  const grown = new Uint8Array(Math.min(MAX_SECTION_BYTES, Math.max(end, s.data.length * 2, 4096)));
  grown.set(s.data);
  s.data = grown;
}

/** An instruction's worth of bytes: copied one by one, cheaper than a call to `set` at this size. */
const SMALL_WRITE = 16;

/** Stores `bytes` at `offset` in the section's contents. */
export function writeBytes(s: Section, offset: number, bytes: Uint8Array): void {
  const n = bytes.length;
  reserve(s, offset + n);
  const data = s.data;
  if (n <= SMALL_WRITE) for (let k = 0; k < n; k++) data[offset + k] = bytes[k];
  else data.set(bytes, offset);
}

/**
 * Stores `n` copies of `unit` at `offset` (the caller keeps `offset + unit.length * n` within
 * MAX_SECTION_BYTES). Copies double in size, a chunk at a time, and `stopped` is asked between
 * chunks so a huge `times` ends at the deadline; returns false when it did.
 */
export function writeRepeated(s: Section, offset: number, unit: Uint8Array, n: number, stopped: { expiredNow(): boolean }): boolean {
  const u = unit.length;
  const end = offset + u * n;
  if (u === 0 || n <= 0) return true;
  reserve(s, end);
  const data = s.data;
  if (u === 1) {
    // New space is zero already: `resb` in a progbits section writes nothing.
    if (unit[0] === 0) return true;
    for (let at = offset; at < end; at += REPEAT_CHUNK) {
      data.fill(unit[0], at, Math.min(end, at + REPEAT_CHUNK));
      if (stopped.expiredNow()) return false;
    }
    return true;
  }
  data.set(unit, offset);
  let done = u;
  const total = end - offset;
  // A whole number of units per copy keeps every copy starting on a unit boundary.
  const step = Math.max(u, REPEAT_CHUNK - (REPEAT_CHUNK % u));
  while (done < total) {
    const len = Math.min(done, total - done, step);
    data.copyWithin(offset + done, offset, offset + len);
    done += len;
    if (len >= 4096 && stopped.expiredNow()) return false;
  }
  return true;
}

export function newSection(name: string, index: number): Section {
  return { name, index, progbits: !(name === '.bss'), size: 0, fileOffset: 0, address: 0, data: EMPTY };
}

function alignUp(v: number, a: number): number {
  return a > 1 ? Math.ceil(v / a) * a : v;
}

export interface LayoutProblem { readonly section: Section; readonly message: string }

/**
 * Computes file offsets and addresses for every section; returns the program origin and problems
 * (unknown `follows=` target, overlapping sections). Sections that were declared but never used
 * still take part. `org`: the origin `org` set, or undefined without one. The order, the origin
 * and the checks follow bin_cleanup in nasm's output/outbin.c.
 */
export function layoutSections(sections: readonly Section[], org: number | undefined): { origin: number; problems: LayoutProblem[] } {
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
  const sorted = sortByStart(order);
  // The origin: `org`, else the first section's start (0 when it has none).
  const first = sorted[0];
  const origin = org ?? first?.start ?? 0;
  if (first !== undefined && first.start !== undefined && first.start < origin) problems.push({ section: first, message: `section \`${first.name}' begins before program origin` });
  const starts = sorted.map((s, i) => s.start ?? (i === 0 ? alignUp(origin, s.align ?? 1) : undefined));
  // Each section without a start follows the end of the last one with data, aligned (4 by
  // default); a section with data must not reach past the next one given a start.
  let pend = starts[0] ?? origin;
  for (let i = 0; i < sorted.length; i++) {
    const s = sorted[i];
    const start = starts[i] ??= alignUp(pend, s.align ?? 4);
    s.fileOffset = start - origin;
    if (start < pend) continue;
    pend = start + s.size;
    let k = i + 1;
    while (k < sorted.length && (sorted[k].size === 0 || sorted[k].start === undefined)) k++;
    const next = sorted[k];
    if (next !== undefined && (start > next.start! || pend > next.start!)) problems.push({ section: next, message: `sections \`${s.name}' and \`${next.name}' overlap` });
  }
  // Addresses: vstart, vfollows, or the file position.
  let vcursor = origin;
  for (const s of sorted) {
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
  const lastProgbits = sorted[sorted.length - 1];
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
  return { origin, problems };
}

/**
 * nasm's order of the progbits sections: groups, each a section with a `start=` (or the first
 * section) and the sections after it without one, sorted by that start (a group whose first
 * section has none counts as starting at 0).
 */
function sortByStart(order: readonly Section[]): Section[] {
  const sorted: Section[] = [];
  for (let g = 0; g < order.length;) {
    let end = g + 1;
    while (end < order.length && order[end].start === undefined) end++;
    const at = order[g].start ?? 0;
    let before = sorted.findIndex((s) => s.start !== undefined && at < s.start);
    if (before < 0) before = sorted.length;
    sorted.splice(before, 0, ...order.slice(g, end));
    g = end;
  }
  return sorted;
}

/**
 * The flat image: every progbits section's bytes at its file offset, gaps zero-filled; undefined
 * when `stopped` says the deadline passed while copying. A lone section at offset 0 is its own
 * image (no copy).
 */
export function buildImage(sections: readonly Section[], stopped: { expiredNow(): boolean }): Uint8Array | undefined {
  let end = 0;
  let filled: Section | undefined;
  let count = 0;
  for (const s of sections) {
    if (!s.progbits || s.size <= 0) continue;
    end = Math.max(end, s.fileOffset + s.size);
    filled = s;
    count++;
  }
  if (count === 1 && filled!.fileOffset === 0 && filled!.data.length >= filled!.size) return filled!.data.subarray(0, filled!.size);
  const image = new Uint8Array(Math.max(0, end));
  for (const s of sections) {
    if (!s.progbits) continue;
    const size = Math.min(s.size, s.data.length);
    for (let at = 0; at < size; at += REPEAT_CHUNK) {
      image.set(s.data.subarray(at, Math.min(size, at + REPEAT_CHUNK)), s.fileOffset + at);
      if (size > REPEAT_CHUNK && stopped.expiredNow()) return undefined;
    }
  }
  return image;
}
