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
  /** `valign=`: the alignment of its address when it follows another section in address space. */
  valign?: number;
  /** Layout results: file position relative to org, and the address labels in it see. */
  fileOffset: number;
  address: number;
  /** The layout's decisions in full (see layoutSections). */
  placement?: SectionPlacement;
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

/**
 * nasm's bin format gives each section two segments (output/outbin.c create_section): the one its
 * labels and `section.NAME.vstart` are in, and one of `section.NAME.start` alone, which relocates
 * to the section's real start address. A value's `sec` names the first by the section's index,
 * the second by LOAD_SEGMENTS + the index: relocatable, and in no section a label or `$` is in
 * (measured with nasm 2.16.01: `$ - section..text.start` in .text is "expression is not simple or
 * relocatable", `section..text.start - $` is taken, as a difference with another section's label).
 */
export const LOAD_SEGMENTS = 0x40000000;

/** The section a value's `sec` is in or loads: see LOAD_SEGMENTS. */
export function segmentSection(sec: number): number {
  return sec >= LOAD_SEGMENTS ? sec - LOAD_SEGMENTS : sec;
}

/** The address of a section's real start, `section.NAME.start` (nasm: for nobits sections, its address). */
export function loadAddress(s: Section, origin: number): number {
  return s.progbits ? origin + s.fileOffset : s.address;
}

/** Where segment `sec` of a value starts (see LOAD_SEGMENTS); 0 for one of no section. */
export function segmentAddress(sections: readonly Section[], sec: number, origin: number): number {
  const s = sections[segmentSection(sec)];
  if (s === undefined) return 0;
  return sec >= LOAD_SEGMENTS ? loadAddress(s, origin) : s.address;
}

export function newSection(name: string, index: number): Section {
  return { name, index, progbits: !(name === '.bss'), size: 0, fileOffset: 0, address: 0, data: EMPTY };
}

function alignUp(v: number, a: number): number {
  return a > 1 ? Math.ceil(v / a) * a : v;
}

export interface LayoutProblem { readonly section: Section; readonly message: string }

/**
 * Where the layout put one section, with the attributes it ended with: those given and the
 * defaults it chose (nasm's map file shows both, `align: 4` for a progbits section placed after
 * another, `valign: 4` for a section placed after another in address space).
 */
export interface SectionPlacement {
  /** Real start address: origin + file position for progbits, the start address for nobits. */
  readonly start: number;
  /** The address its labels see. */
  readonly vstart: number;
  readonly align?: number;
  readonly valign?: number;
  readonly follows?: string;
  readonly vfollows?: string;
}

/** One section while it is laid out: its attributes, which the layout completes, and its place in nasm's list. */
interface Placing {
  readonly s: Section;
  next: Placing | undefined;
  start?: number;
  align?: number;
  follows?: string;
  vstart?: number;
  valign?: number;
  vfollows?: string;
}

/**
 * Computes file offsets and addresses for every section, in the steps of nasm's bin_cleanup
 * (output/outbin.c): nobits sections take their real attributes as virtual ones; progbits
 * sections are ordered by `follows=` and then `start=`, given starts after the origin (each
 * aligned, 4 by default) and checked for overlap; then every section without a `vstart` follows,
 * in address space, its `vfollows=` section, or the section declared before it (`.bss`: the last
 * progbits section), aligned to its `valign` (4 by default). Returns the program origin, the
 * sections in nasm's final order (progbits by position, then nobits by declaration), and
 * problems (what nasm stops at); each section's `placement` is set.
 * `org`: the origin `org` set, or undefined without one.
 */
export function layoutSections(sections: readonly Section[], org: number | undefined): { origin: number; order: Section[]; problems: LayoutProblem[] } {
  const problems: LayoutProblem[] = [];
  const all = sections.map((s): Placing => ({ s, next: undefined, start: s.start, align: s.align, follows: s.follows, vstart: s.vstart, valign: s.valign, vfollows: s.vfollows }));
  const progbits: Placing[] = [];
  const nobits: Placing[] = [];
  for (const p of all) {
    if (p.s.index === 0 || p.s.progbits) { progbits.push(p); continue; }
    // A nobits section has one address space: its real attributes are its virtual ones.
    if (p.start !== undefined || p.align !== undefined || p.follows !== undefined) {
      if (p.vstart !== undefined || p.valign !== undefined || p.vfollows !== undefined) problems.push({ section: p.s, message: `cannot mix real and virtual attributes in nobits section \`${p.s.name}'` });
      if (p.start !== undefined) p.vstart = p.start;
      if (p.align !== undefined) p.valign = p.align;
      if (p.follows !== undefined) { p.vfollows = p.follows; p.follows = undefined; }
    }
    if (p.vstart !== undefined) p.start = p.vstart;
    nobits.push(p);
  }
  for (let k = 0; k + 1 < progbits.length; k++) progbits[k].next = progbits[k + 1];
  let head: Placing | undefined = followsOrder(progbits[0], problems);
  head = startOrder(head);

  // The origin, and the first section's start.
  const first = head!;
  let origin: number;
  if (org !== undefined) {
    origin = org;
    if (first.start !== undefined) {
      if (belowUnsigned(first.start, origin)) problems.push({ section: first.s, message: `section \`${first.s.name}' begins before program origin` });
    } else first.start = first.align !== undefined ? alignUp(origin, first.align) : origin;
  } else {
    first.start ??= 0;
    origin = first.start;
  }
  // Each section without a start follows the end of the last one with data; one with data must
  // not reach past the next one given a start.
  let pend = first.start;
  let lastProgbits = first;
  for (let g: Placing | undefined = first, check: Placing | undefined = first; g !== undefined; g = g.next) {
    if (g === check) for (check = g.next; check !== undefined && (check.s.size === 0 || check.start === undefined); check = check.next);
    if (g.start === undefined) {
      g.align ??= 4;
      g.start = alignUp(pend, g.align);
    }
    if (g.vstart === undefined && g.vfollows === undefined) g.vstart = g.valign !== undefined ? alignUp(pend, g.valign) : g.start;
    lastProgbits = g;
    if (g.start < pend) continue;
    pend = g.start + g.s.size;
    if (check !== undefined) {
      if (belowUnsigned(check.start!, origin)) problems.push({ section: check.s, message: `section \`${check.s.name}' begins before program origin` });
      else if (g.start > check.start! || pend > check.start!) problems.push({ section: check.s, message: `sections \`${g.s.name}' and \`${check.s.name}' overlap` });
    }
  }

  // Addresses: each section without a vstart follows, in address space, the one it names or the
  // one declared before it, once that one's address is known.
  const order: Placing[] = [];
  for (let g: Placing | undefined = head; g !== undefined; g = g.next) order.push(g);
  order.push(...nobits);
  const byName = new Map(order.map((p) => [p.s.name, p]));
  for (let progress = true; progress;) {
    progress = false;
    for (const g of order) {
      if (g.vstart !== undefined) continue;
      let after: Placing | undefined;
      if (g.vfollows !== undefined) {
        after = byName.get(g.vfollows);
        if (after === undefined) { problems.push({ section: g.s, message: `section \`${g.s.name}' vfollows unknown section \`${g.vfollows}'` }); g.vstart = g.start ?? origin; continue; }
      } else after = g.s.name === '.bss' || g.s.index === 0 ? lastProgbits : all[g.s.index - 1];
      if (after.vstart === undefined) continue;
      g.valign ??= 4;
      g.vstart = alignUp(after.vstart + after.s.size, g.valign);
      if (!g.s.progbits) g.start = g.vstart;
      progress = true;
    }
  }
  for (const g of order) {
    if (g.vstart === undefined) {
      problems.push({ section: g.s, message: `cannot compute vstart for section \`${g.s.name}' (circular vfollows)` });
      g.vstart = g.start ?? origin;
    }
    g.start ??= g.vstart;
    const s = g.s;
    s.fileOffset = s.progbits ? g.start - origin : 0;
    s.address = g.vstart;
    s.placement = { start: g.start, vstart: g.vstart, align: g.align, valign: g.valign, follows: g.follows, vfollows: g.vfollows };
    // A flat binary holds every byte up to the section's end. (nasm writes what it is given: a
    // `start=0x100000000` is a file of 4 GiB and more; Ringside holds an image in memory.)
    const end = s.fileOffset + s.size;
    if (s.progbits && s.size > 0 && end > MAX_SECTION_BYTES) {
      problems.push({ section: s, message: `section \`${s.name}' ends the output at byte ${end}, past the ${MAX_SECTION_BYTES} bytes Ringside writes` });
    }
  }
  return { origin, order: order.map((p) => p.s), problems };
}

/**
 * The progbits list with each `follows=` group (a section naming another, and the sections
 * declared after it that name none) moved right after the section it names, as nasm moves them.
 */
function followsOrder(head: Placing | undefined, problems: LayoutProblem[]): Placing | undefined {
  // `before` is the section whose `next` leads to `g` (undefined: `g` is the head).
  const link = (before: Placing | undefined, to: Placing | undefined): void => { if (before === undefined) head = to; else before.next = to; };
  let before: Placing | undefined;
  let guard = 0;
  for (let g = head, gs: Placing | undefined; g !== undefined; g = gs) {
    if (++guard > 1000) { problems.push({ section: g.s, message: `sections \`follows=' one another in a circle (\`${g.s.name}')` }); break; }
    if (g.follows === undefined) {
      // Skip the sections in place: those naming no section, or the one just before them.
      while (g.next !== undefined && !(g.next.follows !== undefined && g.s.name !== g.next.follows)) g = g.next;
      if (g.next === undefined) break;
      before = g;
      g = g.next;
    }
    let target: Placing | undefined;
    for (let t = head; t !== undefined; t = t.next) if (t.s.name === g.follows) { target = t; break; }
    if (target === undefined) { problems.push({ section: g.s, message: `section \`${g.s.name}' follows unknown section \`${g.follows}'` }); break; }
    // (nasm 2.16.01: "fatal: section .text is self following".)
    if (target === g) { problems.push({ section: g.s, message: `section \`${g.s.name}' is self following` }); break; }
    if (target.next !== undefined && target.next.follows === target.s.name) {
      problems.push({ section: g.s, message: `sections \`${g.s.name}' and \`${target.next.s.name}' cannot both follow section \`${target.s.name}'` });
      break;
    }
    // The group: `g` and the sections after it up to one with a start, the target, or one that
    // follows a section other than the one before it.
    let last = g;
    for (gs = g.next; gs !== undefined && gs !== target && gs.start === undefined; last = gs, gs = gs.next) {
      if (gs.next !== undefined && gs.next.follows !== undefined && gs.s.name !== gs.next.follows) { last = gs; gs = gs.next; break; }
    }
    last.next = target.next;
    target.next = g;
    link(before, gs);
  }
  return head;
}

/**
 * The list sorted by start: groups, each a section with a `start=` (or the first) and the
 * sections after it without one, each put before the first placed group that starts later (a
 * group whose first section has no start counts as starting at 0).
 */
function startOrder(head: Placing | undefined): Placing | undefined {
  let sorted: Placing | undefined;
  for (let g = head, gs: Placing | undefined; g !== undefined; g = gs) {
    let before: Placing | undefined;
    let s = sorted;
    for (; s !== undefined; before = s, s = s.next) if (s.start !== undefined && (g.start ?? 0) < s.start) break;
    let last = g;
    for (gs = g.next; gs !== undefined && gs.start === undefined; last = gs, gs = gs.next);
    if (before === undefined) sorted = g; else before.next = g;
    last.next = s;
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

/**
 * Whether address `a` is below `b` as nasm's bin format compares them, 64-bit unsigned (measured
 * with nasm 2.16.01: after `org -1000`, a section at `start=0x3000` begins before program origin).
 */
function belowUnsigned(a: number, b: number): boolean {
  if (a >= 0 && b >= 0) return a < b;
  return BigInt.asUintN(64, BigInt(Math.trunc(a))) < BigInt.asUintN(64, BigInt(Math.trunc(b)));
}
