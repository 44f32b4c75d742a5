// The decoded-instruction cache: compiled instructions per physical frame by offset, plus, per
// byte of the frame, how many cached instructions cover it, so a data write into a code frame
// drops only the instructions it overlaps (small kernels keep data right next to code).

import type { Compiled } from './compiled';

/** The longest IA-32 instruction (SDM Vol. 2 §2.3.11): one covering byte b starts at most 14 bytes before it. */
const MAX_LENGTH = 15;

export type CodePage = (Compiled | undefined)[];

export class CodeCache {
  /** Instructions of frame n by offset; allocated once per frame and kept across invalidations. */
  readonly pages: (CodePage | undefined)[];
  /** Number of cached instructions in frame n: a data write pays one look at it. */
  readonly framesWithCode: Uint16Array;
  /** Per frame with code, per byte: how many cached instructions cover the byte. */
  private readonly cover: (Uint8Array | undefined)[];
  /** Bumped whenever an instruction of frame n is dropped: blocks built from the frame check it. */
  readonly versions: Uint32Array;
  /**
   * Per frame, offsets bounding every byte a cached instruction covers (start 4096, end 0 when
   * none): a data write outside them cannot hit code and skips the cover array. Widened by
   * inserts, reset by flushes (drops leave them wide, which is only slower).
   */
  private readonly coverStart: Uint16Array;
  private readonly coverEnd: Uint16Array;

  constructor(frameCount: number) {
    this.pages = new Array<CodePage | undefined>(frameCount).fill(undefined);
    this.cover = new Array<Uint8Array | undefined>(frameCount).fill(undefined);
    this.framesWithCode = new Uint16Array(frameCount);
    this.versions = new Uint32Array(frameCount);
    this.coverStart = new Uint16Array(frameCount).fill(4096);
    this.coverEnd = new Uint16Array(frameCount);
  }

  /** Offsets in `frame` bounding every byte a cached instruction covers: [start, end), empty as 4096, 0. */
  spanStart(frame: number): number { return this.coverStart[frame]; }
  spanEnd(frame: number): number { return this.coverEnd[frame]; }

  /** The instruction array of `frame`, created when absent (fetch keeps it as its window). */
  page(frame: number): CodePage {
    let p = this.pages[frame];
    if (p === undefined) {
      p = new Array<Compiled | undefined>(4096).fill(undefined);
      this.pages[frame] = p;
      this.cover[frame] = new Uint8Array(4096);
    }
    return p;
  }

  /** Caches `c`, decoded at physical `pa`; its bytes lie within the frame. */
  insert(pa: number, c: Compiled): void {
    const frame = pa >>> 12, off = pa & 0xfff;
    const page = this.page(frame);
    if (page[off] !== undefined) this.drop(frame, off);
    page[off] = c;
    const cover = this.cover[frame] as Uint8Array;
    for (let o = off; o < off + c.len; o++) cover[o]++;
    this.framesWithCode[frame]++;
    if (off < this.coverStart[frame]) this.coverStart[frame] = off;
    if (off + c.len > this.coverEnd[frame]) this.coverEnd[frame] = off + c.len;
  }

  /**
   * `size` bytes at physical `pa` (within one frame whose framesWithCode is non-zero) were
   * written: drops every cached instruction covering one of them.
   */
  written(pa: number, size: number): void {
    const frame = pa >>> 12, off = pa & 0xfff;
    if (off >= this.coverEnd[frame] || off + size <= this.coverStart[frame]) return;
    const cover = this.cover[frame] as Uint8Array;
    let hit = false;
    for (let o = off; o < off + size; o++) if (cover[o] !== 0) hit = true;
    if (!hit) return;
    const page = this.pages[frame] as CodePage;
    for (let o = Math.max(0, off - (MAX_LENGTH - 1)); o < off + size; o++) {
      const c = page[o];
      if (c !== undefined && o + c.len > off) this.drop(frame, o);
    }
  }

  private drop(frame: number, off: number): void {
    const page = this.pages[frame] as CodePage;
    const cover = this.cover[frame] as Uint8Array;
    const len = (page[off] as Compiled).len;
    for (let o = off; o < off + len; o++) cover[o]--;
    page[off] = undefined;
    this.framesWithCode[frame]--;
    this.versions[frame]++;
  }

  /** Drops everything (code loaded or memory restored behind the CPU's back). */
  flush(): void {
    for (let f = 0; f < this.pages.length; f++) {
      if (this.framesWithCode[f] === 0) continue;
      (this.pages[f] as CodePage).fill(undefined);
      (this.cover[f] as Uint8Array).fill(0);
      this.versions[f]++;
      this.coverStart[f] = 4096;
      this.coverEnd[f] = 0;
    }
    this.framesWithCode.fill(0);
  }
}
