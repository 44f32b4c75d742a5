// The decoded-instruction cache: compiled instructions per physical frame by offset, plus a map of
// which 64-byte chunks they cover, so a data write into a code frame drops only the instructions
// it may overlap (small kernels keep data next to code) instead of the whole frame.

import type { Compiled } from './compiled';

/** 64-byte chunks: a frame's map is two 32-bit words. */
const CHUNK_SHIFT = 6;
/** The longest IA-32 instruction (SDM Vol. 2 §2.3.11): an instruction overlapping a chunk starts at most 14 bytes before it. */
const MAX_LENGTH = 15;

export type CodePage = (Compiled | undefined)[];

export class CodeCache {
  /** Instructions of frame n by offset; allocated once per frame and kept across invalidations. */
  readonly pages: (CodePage | undefined)[];
  /** 1 when frame n holds at least one cached instruction: the one check a data write pays. */
  readonly framesWithCode: Uint8Array;
  /** Bit c of words 2n..2n+1: chunk c of frame n holds bytes of a cached instruction. */
  private readonly chunks: Uint32Array;

  constructor(frameCount: number) {
    this.pages = new Array<CodePage | undefined>(frameCount).fill(undefined);
    this.framesWithCode = new Uint8Array(frameCount);
    this.chunks = new Uint32Array(frameCount * 2);
  }

  /** The instruction array of `frame`, created when absent (fetch keeps it as its window). */
  page(frame: number): CodePage {
    let p = this.pages[frame];
    if (p === undefined) {
      p = new Array<Compiled | undefined>(4096).fill(undefined);
      this.pages[frame] = p;
    }
    return p;
  }

  /** Caches `c`, decoded at physical `pa`; its bytes lie within the frame. */
  insert(pa: number, c: Compiled): void {
    const frame = pa >>> 12, off = pa & 0xfff;
    this.page(frame)[off] = c;
    const first = off >>> CHUNK_SHIFT, last = (off + c.len - 1) >>> CHUNK_SHIFT;
    for (let k = first; k <= last; k++) this.chunks[2 * frame + (k >>> 5)] |= 1 << (k & 31);
    this.framesWithCode[frame] = 1;
  }

  /**
   * `size` bytes at physical `pa` (within one frame whose framesWithCode is 1) were written: drops
   * every cached instruction that may overlap them.
   */
  written(pa: number, size: number): void {
    const frame = pa >>> 12, off = pa & 0xfff;
    const first = off >>> CHUNK_SHIFT, last = (off + size - 1) >>> CHUNK_SHIFT;
    for (let k = first; k <= last; k++) {
      const w = 2 * frame + (k >>> 5), bit = 1 << (k & 31);
      if ((this.chunks[w] & bit) === 0) continue;
      this.chunks[w] &= ~bit;
      const page = this.pages[frame] as CodePage;
      const end = (k + 1) << CHUNK_SHIFT;
      for (let o = Math.max(0, (k << CHUNK_SHIFT) - (MAX_LENGTH - 1)); o < end; o++) page[o] = undefined;
    }
    if (this.chunks[2 * frame] === 0 && this.chunks[2 * frame + 1] === 0) this.framesWithCode[frame] = 0;
  }

  /** Drops everything (code loaded or memory restored behind the CPU's back). */
  flush(): void {
    for (let f = 0; f < this.pages.length; f++) {
      if (this.framesWithCode[f] === 0) continue;
      (this.pages[f] as CodePage).fill(undefined);
    }
    this.framesWithCode.fill(0);
    this.chunks.fill(0);
  }
}
