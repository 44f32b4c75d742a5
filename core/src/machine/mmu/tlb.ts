// A set-associative, unified (instruction + data) TLB the CPU consults on every access: entries
// tagged with VPID, a global bit, LRU/FIFO/seeded-random replacement, and hit/miss/flush counters.
// Stale entries keep translating until invalidated, exactly as SDM Vol. 3A §4.10 allows.
//
// Tag word of an entry (Int32): bits 31:12 virtual page number, bits 11:4 VPID, bits 3:0 the
// access kinds (paging-bits ACCESS_*) the entry permits without a walk. A lookup for access kind
// k hits when (tag & (0xFFFFFFF0 | k)) === (vpn | vpid | k): one masked compare per way. An
// invalid entry permits nothing, so it can never match.
//
// One unified TLB rather than split ITLB/DTLB: IA-32 without PAE has no execute permission, so a
// fetch is a read, and one structure is easier to show in the TLB view. 4 MiB pages are cached as
// 4 KiB entries marked "large" (the SDM allows this, §4.10.2.3); INVLPG and page faults drop every
// entry of the large page, as §4.10.4.1 requires.

import { ACCESS_WRITE, ACCESS_USER_WRITE, permittedAccesses } from './paging-bits';

export type ReplacementPolicy = 'lru' | 'fifo' | 'random';

export interface TlbShape {
  /** Total entries; a power of two. */
  readonly entries: number;
  /** Associativity; divides `entries`; entries/ways sets, a power of two. 1 = direct mapped. */
  readonly ways: number;
  readonly policy: ReplacementPolicy;
  /** Seed of the xorshift32 generator the random policy uses (determinism). */
  readonly seed?: number;
}

/** 64 entries, 4-way, LRU: the shape of the P6-family data TLB for 4 KiB pages. */
export const DEFAULT_TLB_SHAPE: TlbShape = { entries: 64, ways: 4, policy: 'lru', seed: 1 };

export const MAX_VPID = 0xff;

/** Plain view of an entry for debugger views. */
export interface TlbEntryView {
  readonly index: number;
  readonly set: number;
  readonly way: number;
  /** VPID tag (0 on bare metal). */
  readonly vpid: number;
  readonly linearPage: number;
  readonly physicalFrame: number;
  readonly user: boolean;
  readonly writable: boolean;
  readonly dirty: boolean;
  readonly global: boolean;
  readonly large: boolean;
}

export interface TlbCounters {
  hits: number;
  misses: number;
  /** Entries dropped by INVLPG or by a page fault on their page. */
  pageInvalidations: number;
  /** Full flushes (CR3 write without PGE, CR4.PGE change, VM entry/exit without VPID...). */
  flushes: number;
  /** CR3 writes with CR4.PGE, which keep global entries. */
  nonGlobalFlushes: number;
  evictions: number;
}

const TAG_MATCH = 0xffff_fff0 | 0;
const ATTR_VALID = 0x01;
const ATTR_USER = 0x02;
const ATTR_WRITABLE = 0x04;
const ATTR_DIRTY = 0x08;
const ATTR_GLOBAL = 0x10;
const ATTR_LARGE = 0x20;

/** What a flush dropped: everything, the non-global entries (CR3 write with CR4.PGE), or one page (INVLPG). */
export type TlbFlushScope = 'all' | 'non-global' | 'page';

export class Tlb {
  readonly shape: TlbShape;
  readonly sets: number;
  readonly counters: TlbCounters = { hits: 0, misses: 0, pageInvalidations: 0, flushes: 0, nonGlobalFlushes: 0, evictions: 0 };
  private readonly ways: number;
  private readonly setMask: number;
  private readonly tags: Int32Array;
  private readonly frames: Int32Array;
  private readonly attrs: Uint8Array;
  /** LRU: last-use stamp; FIFO: fill stamp. */
  private readonly stamps: Float64Array;
  private readonly lru: boolean;
  private clock = 0;
  private rng: number;
  private vpidBits = 0;
  private vpidValue = 0;
  /**
   * Bumped whenever an entry is filled, dropped or its permits change, so a cache of translations
   * in front of the TLB (the CPU's fetch window) stays exactly as valid as the entry it used.
   */
  generation = 0;
  /** The entry the last successful lookup() hit, or the last fill() wrote. */
  lastIndex = -1;
  /**
   * Told of each counted flush or invalidation (`address`: the page's linear address for
   * 'page', else 0) when set: a debugger's events, at no cost to lookups.
   */
  onFlush: ((scope: TlbFlushScope, address: number) => void) | null = null;

  constructor(shape: TlbShape = DEFAULT_TLB_SHAPE) {
    const { entries, ways } = shape;
    const sets = entries / ways;
    if (!Number.isInteger(entries) || entries < 1 || entries > 65536 || !Number.isInteger(ways) || ways < 1 ||
        !Number.isInteger(sets) || (sets & (sets - 1)) !== 0) {
      throw new RangeError(`TLB shape ${entries} entries / ${ways} ways: need entries/ways to be a power of two`);
    }
    this.shape = { ...shape };
    this.ways = ways;
    this.sets = sets;
    this.setMask = sets - 1;
    this.tags = new Int32Array(entries);
    this.frames = new Int32Array(entries);
    this.attrs = new Uint8Array(entries);
    this.stamps = new Float64Array(entries);
    this.lru = shape.policy === 'lru';
    this.rng = (shape.seed ?? 1) >>> 0 || 1;
  }

  get vpid(): number {
    return this.vpidValue;
  }

  /** Selects the address-space tag later lookups and fills use (0 = host / no VPID). */
  setVpid(vpid: number): void {
    if (!Number.isInteger(vpid) || vpid < 0 || vpid > MAX_VPID) throw new RangeError(`VPID ${vpid} outside 0..${MAX_VPID}`);
    this.vpidValue = vpid;
    this.vpidBits = vpid << 4;
    this.generation++;
  }

  /**
   * The hot path: physical address for `la` when an entry of the current VPID permits `access`
   * (one ACCESS_* bit), else -1 and the caller takes the slow path.
   */
  lookup(la: number, access: number): number {
    const key = (la & 0xffff_f000) | this.vpidBits | access;
    const mask = TAG_MATCH | access;
    const tags = this.tags;
    let i = ((la >>> 12) & this.setMask) * this.ways;
    for (const end = i + this.ways; i < end; i++) {
      if ((tags[i] & mask) === key) {
        this.counters.hits++;
        if (this.lru) this.stamps[i] = ++this.clock;
        this.lastIndex = i;
        return (this.frames[i] | (la & 0xfff)) >>> 0;
      }
    }
    return -1;
  }

  /** Index of the entry for `la`'s page in the current VPID regardless of permissions, or -1. */
  find(la: number): number {
    const key = (la & 0xffff_f000) | this.vpidBits;
    let i = ((la >>> 12) & this.setMask) * this.ways;
    for (const end = i + this.ways; i < end; i++) {
      if ((this.attrs[i] & ATTR_VALID) !== 0 && (this.tags[i] & TAG_MATCH) === key) return i;
    }
    return -1;
  }

  /** Cached rights of entry `index` (from find). */
  entryUser(index: number): boolean { return (this.attrs[index] & ATTR_USER) !== 0; }
  entryWritable(index: number): boolean { return (this.attrs[index] & ATTR_WRITABLE) !== 0; }
  entryDirty(index: number): boolean { return (this.attrs[index] & ATTR_DIRTY) !== 0; }
  entryFrame(index: number): number { return this.frames[index] >>> 0; }

  /**
   * A hit on entry `index` made through a cache in front of the TLB (valid while `generation` is
   * unchanged): counted and stamped exactly as lookup() would.
   */
  touch(index: number): void {
    this.counters.hits++;
    if (this.lru) this.stamps[index] = ++this.clock;
  }

  /**
   * `n` touch(index) calls in a row: with no other lookup in between, only the count and the
   * last stamp show.
   */
  touchRepeated(index: number, n: number): void {
    this.counters.hits += n;
    if (this.lru) this.stamps[index] = this.clock += n;
  }

  /** Counts a lookup that found no entry at all (the slow path calls this once per real miss). */
  countMiss(): void {
    this.counters.misses++;
  }

  /** Counts a lookup that found the page's entry but had to go to the slow path for it. */
  countHit(index: number): void {
    this.counters.hits++;
    if (this.lru) this.stamps[index] = ++this.clock;
  }

  /** Caches a translation of `la`'s 4 KiB page for the current VPID, replacing per the policy. */
  fill(la: number, frameBase: number, user: boolean, writable: boolean, dirty: boolean, global: boolean, large: boolean, wp: boolean): void {
    let index = this.find(la);
    if (index < 0) index = this.victim(((la >>> 12) & this.setMask) * this.ways);
    const attrs = ATTR_VALID | (user ? ATTR_USER : 0) | (writable ? ATTR_WRITABLE : 0) | (dirty ? ATTR_DIRTY : 0) |
      (global ? ATTR_GLOBAL : 0) | (large ? ATTR_LARGE : 0);
    this.attrs[index] = attrs;
    this.frames[index] = frameBase | 0;
    this.tags[index] = (la & 0xffff_f000) | this.vpidBits | permitsFor(attrs, wp);
    this.stamps[index] = ++this.clock;
    this.lastIndex = index;
    this.generation++;
  }

  /** INVLPG (and a page fault): drops the current VPID's entries for `la`'s page, global ones too. */
  invalidatePage(la: number): void {
    this.invalidateAddress(la, this.vpidValue);
    this.counters.pageInvalidations++;
    if (this.onFlush !== null) this.onFlush('page', (la & ~0xfff) >>> 0);
  }

  /**
   * A page fault on `la` (SDM §4.10.4.1): drops the current VPID's entries for its page, counted and
   * reported as an invalidation when there was one to drop (a stale entry whose rights faulted).
   */
  invalidateFaultingPage(la: number): void {
    if (this.invalidateAddress(la, this.vpidValue) === 0) return;
    this.counters.pageInvalidations++;
    if (this.onFlush !== null) this.onFlush('page', (la & ~0xfff) >>> 0);
  }

  /** Drops entries of `vpid` for `la`'s page, including every 4 KiB piece of a large page; how many. */
  invalidateAddress(la: number, vpid: number): number {
    const vpn = la >>> 12;
    let dropped = 0;
    for (let i = 0; i < this.tags.length; i++) {
      const attrs = this.attrs[i];
      if ((attrs & ATTR_VALID) === 0 || ((this.tags[i] >>> 4) & 0xff) !== vpid) continue;
      const entryVpn = this.tags[i] >>> 12;
      if (entryVpn === vpn || ((attrs & ATTR_LARGE) !== 0 && entryVpn >>> 10 === vpn >>> 10)) {
        this.drop(i);
        dropped++;
      }
    }
    return dropped;
  }

  /** MOV to CR3 with CR4.PGE=1: drops the current VPID's non-global entries (SDM §4.10.4.1). */
  flushNonGlobal(): void {
    for (let i = 0; i < this.tags.length; i++) {
      if ((this.attrs[i] & (ATTR_VALID | ATTR_GLOBAL)) === ATTR_VALID && ((this.tags[i] >>> 4) & 0xff) === this.vpidValue) this.drop(i);
    }
    this.counters.nonGlobalFlushes++;
    if (this.onFlush !== null) this.onFlush('non-global', 0);
  }

  /** Drops every entry of one VPID, global ones included (CR4.PGE change, MOV to CR3 without PGE; INVVPID single-context). */
  flushVpid(vpid = this.vpidValue): void {
    for (let i = 0; i < this.tags.length; i++) {
      if ((this.attrs[i] & ATTR_VALID) !== 0 && ((this.tags[i] >>> 4) & 0xff) === vpid) this.drop(i);
    }
    this.counters.flushes++;
    if (this.onFlush !== null) this.onFlush('all', 0);
  }

  /** Drops every entry of every VPID (CR4.PGE change, VMX transitions without VPID). */
  flushAll(): void {
    this.tags.fill(0);
    this.attrs.fill(0);
    this.generation++;
    this.counters.flushes++;
    if (this.onFlush !== null) this.onFlush('all', 0);
  }

  /**
   * Empties the TLB without counting or reporting a flush: for a machine whose state is loaded
   * (boot, snapshot restore), where no guest operation invalidated anything.
   */
  clear(): void {
    this.tags.fill(0);
    this.attrs.fill(0);
    this.generation++;
  }

  /**
   * CR0.WP changed: the cached rights are unchanged but which accesses they permit depends on WP
   * (§4.6), so recompute the permit bits. MOV to CR0 is not required to flush for WP (§4.10.4.1).
   */
  applyWriteProtect(wp: boolean): void {
    for (let i = 0; i < this.tags.length; i++) {
      if ((this.attrs[i] & ATTR_VALID) !== 0) this.tags[i] = (this.tags[i] & TAG_MATCH) | permitsFor(this.attrs[i], wp);
    }
    this.generation++;
  }

  resetCounters(): void {
    const c = this.counters;
    c.hits = c.misses = c.pageInvalidations = c.flushes = c.nonGlobalFlushes = c.evictions = 0;
  }

  /** Valid entries, for the TLB view and `info tlb`. */
  entries(): TlbEntryView[] {
    const out: TlbEntryView[] = [];
    for (let i = 0; i < this.tags.length; i++) {
      const a = this.attrs[i];
      if ((a & ATTR_VALID) === 0) continue;
      out.push({
        index: i, set: Math.floor(i / this.ways), way: i % this.ways, vpid: (this.tags[i] >>> 4) & 0xff,
        linearPage: (this.tags[i] & 0xffff_f000) >>> 0, physicalFrame: this.frames[i] >>> 0,
        user: (a & ATTR_USER) !== 0, writable: (a & ATTR_WRITABLE) !== 0, dirty: (a & ATTR_DIRTY) !== 0,
        global: (a & ATTR_GLOBAL) !== 0, large: (a & ATTR_LARGE) !== 0,
      });
    }
    return out;
  }

  private drop(i: number): void {
    this.tags[i] = 0;
    this.attrs[i] = 0;
    this.generation++;
  }

  private victim(base: number): number {
    const end = base + this.ways;
    for (let i = base; i < end; i++) if ((this.attrs[i] & ATTR_VALID) === 0) return i;
    this.counters.evictions++;
    if (this.shape.policy === 'random') {
      // xorshift32 (Marsaglia 2003): deterministic for a given seed.
      let x = this.rng;
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      this.rng = x >>> 0;
      return base + (this.rng % this.ways);
    }
    // LRU: oldest use; FIFO: oldest fill (stamps are only refreshed on hits under LRU).
    let oldest = base;
    for (let i = base + 1; i < end; i++) if (this.stamps[i] < this.stamps[oldest]) oldest = i;
    return oldest;
  }
}

/**
 * Access kinds an entry permits without a walk: its rights under the current WP, minus writes
 * while the entry's D is clear — the first write must walk to set D in memory (SDM §4.8).
 */
function permitsFor(attrs: number, wp: boolean): number {
  let permits = permittedAccesses((attrs & ATTR_USER) !== 0, (attrs & ATTR_WRITABLE) !== 0, wp);
  if ((attrs & ATTR_DIRTY) === 0) permits &= ~(ACCESS_WRITE | ACCESS_USER_WRITE);
  return permits;
}
