// The data-page cache: per CPL class, segment and 4 KiB page of offsets, the RAM frame an aligned
// dword load or store there reaches, so that Cpu.read32/write32 (and the stack and the blocks'
// inline MOVs through them) skip the segment checks, the TLB lookup and the physical-memory
// dispatch when they hit. It only short-cuts accesses the slow path would complete without a fault:
// an entry is made after one did, stands for the TLB entry that translated it (every use counts a
// hit on that entry and stamps it, exactly as Tlb.lookup would) and dies with that entry's
// generation, so TLB counters, A/D bits and faults stay what the slow path makes them.

/** Entries per segment and CPL class (direct mapped by offset page). */
const SETS = 64;
const SEGMENTS = 6;
const EMPTY = new Int32Array(1024);

export class DataPages {
  /** Offset page (off >>> 12) each entry serves loads for, or -1. */
  readonly readTag = new Int32Array(2 * SEGMENTS * SETS).fill(-1);
  /** Offset page each entry serves stores for (the frame not shared with a snapshot), or -1. */
  readonly writeTag = new Int32Array(2 * SEGMENTS * SETS).fill(-1);
  /** Tlb.generation the entry was made under: it is valid while the TLB still says the same. */
  readonly generation = new Float64Array(2 * SEGMENTS * SETS).fill(-1);
  /** The TLB entry that translated the page (touched on each use), or -1 with paging off. */
  readonly tlbEntry = new Int32Array(2 * SEGMENTS * SETS);
  /**
   * Page offsets [codeStart, codeEnd) that held cached instructions when the entry was made
   * (CodeCache spans; empty as 4096, 0): stores there go the slow way, which tells the code cache.
   */
  readonly codeStart = new Uint16Array(2 * SEGMENTS * SETS);
  readonly codeEnd = new Uint16Array(2 * SEGMENTS * SETS);
  /** The frame's words (PhysicalMemory's own view of it). */
  readonly words: Int32Array[] = new Array<Int32Array>(2 * SEGMENTS * SETS).fill(EMPTY);

  /**
   * Entry of segment `s` and offset `off` for CPL `cpl`: supervisor (CPL 0-2) and user (CPL 3)
   * accesses have their own halves, as the TLB's permits differ between them.
   */
  static index(cpl: number, s: number, off: number): number {
    return ((((cpl + 1) >> 2) * SEGMENTS + s) * SETS) | ((off >>> 12) & (SETS - 1));
  }

  /** Makes entry `i` serve offset page `page` through `words` (`write`: stores too, outside the code span). */
  fill(i: number, page: number, words: Int32Array, tlbEntry: number, generation: number, write: boolean, codeStart: number, codeEnd: number): void {
    if (this.readTag[i] !== page || this.generation[i] !== generation) this.writeTag[i] = -1;
    this.readTag[i] = page;
    if (write) this.writeTag[i] = page;
    this.words[i] = words;
    this.tlbEntry[i] = tlbEntry;
    this.generation[i] = generation;
    this.codeStart[i] = codeStart;
    this.codeEnd[i] = codeEnd;
  }

  /** Forgets segment `s` (its base, limit or rights changed). */
  dropSegment(s: number): void {
    for (let half = 0; half < 2; half++) {
      const start = (half * SEGMENTS + s) * SETS;
      this.readTag.fill(-1, start, start + SETS);
      this.writeTag.fill(-1, start, start + SETS);
    }
  }

  /** Forgets everything (frames replaced or shared again, code cached, watches set). */
  drop(): void {
    this.readTag.fill(-1);
    this.writeTag.fill(-1);
  }
}
