// Physical RAM of the emulated PC: 4 KiB frames in typed arrays, shared copy-on-write with
// snapshots, so taking a snapshot costs the frames written since the previous one, not RAM size.

import { MemorySnapshot, resolveFrame } from './snapshot';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
export const PAGE_MASK = PAGE_SIZE - 1;

/** Read/write access to a physical address space; the page walker and devices use only this. */
export interface PhysicalAccess {
  read8(pa: number): number;
  read16(pa: number): number;
  read32(pa: number): number;
  write8(pa: number, value: number): void;
  write16(pa: number, value: number): void;
  write32(pa: number, value: number): void;
  /** True when `pa` is ordinary RAM (TLB entries may cache it; device memory must not be cached). */
  isRam(pa: number): boolean;
}

/** One frame full of zeros shared by every never-written frame and never written itself. */
const ZERO_FRAME = new Uint8Array(PAGE_SIZE);

/** Aligned 32-bit accesses use a word view of each frame, which is only right on a little-endian host. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function wordsOf(frame: Uint8Array): Int32Array {
  return new Int32Array(frame.buffer, frame.byteOffset, PAGE_SIZE >>> 2);
}

const ZERO_WORDS = wordsOf(ZERO_FRAME);

export class PhysicalMemory implements PhysicalAccess {
  readonly sizeBytes: number;
  readonly frameCount: number;
  /** frames[n] holds physical bytes n*4096 .. n*4096+4095; may be shared with snapshots. */
  private readonly frames: Uint8Array[];
  /** words[n] views frames[n] as 32-bit little-endian words (kept in step with frames). */
  private readonly words: Int32Array[];
  /** Epoch in which frames[n] was made private to this memory; other values mean "shared". */
  private readonly frameEpoch: Uint32Array;
  /** Bumped by every snapshot and restore, turning every frame shared again in O(1). */
  private epoch = 1;
  /** Frames made private since the last snapshot/restore: exactly what the next snapshot holds. */
  private dirtyFrames: Uint32Array;
  private dirtyCount = 0;
  /** The snapshot the current contents descend from (null: descended from all-zero RAM). */
  private base: MemorySnapshot | null = null;
  /**
   * Told when frames get new arrays or become shared again (copy-on-write, snapshot, restore),
   * so a cache holding frameWords() arrays (the CPU's data pages) can drop them.
   */
  onFramesChanged: (() => void) | null = null;

  constructor(sizeBytes: number) {
    if (!Number.isInteger(sizeBytes) || sizeBytes <= 0 || sizeBytes % PAGE_SIZE !== 0 || sizeBytes > 0x1_0000_0000) {
      throw new RangeError(`memory size must be a positive multiple of 4 KiB up to 4 GiB, got ${sizeBytes}`);
    }
    this.sizeBytes = sizeBytes;
    this.frameCount = sizeBytes >>> PAGE_SHIFT || 0x100000;
    this.frames = new Array<Uint8Array>(this.frameCount).fill(ZERO_FRAME);
    this.words = new Array<Int32Array>(this.frameCount).fill(ZERO_WORDS);
    this.frameEpoch = new Uint32Array(this.frameCount);
    this.dirtyFrames = new Uint32Array(64);
  }

  isRam(pa: number): boolean {
    return (pa >>> 0) < this.sizeBytes;
  }

  // Reads outside RAM return all ones (an undriven PC bus); writes there are dropped.
  read8(pa: number): number {
    const frame = pa >>> PAGE_SHIFT;
    return frame < this.frameCount ? this.frames[frame][pa & PAGE_MASK] : 0xff;
  }

  read16(pa: number): number {
    const offset = pa & PAGE_MASK;
    if (offset <= PAGE_SIZE - 2) {
      const frame = pa >>> PAGE_SHIFT;
      if (frame >= this.frameCount) return 0xffff;
      const bytes = this.frames[frame];
      return bytes[offset] | (bytes[offset + 1] << 8);
    }
    return this.read8(pa) | (this.read8((pa + 1) >>> 0) << 8);
  }

  read32(pa: number): number {
    const offset = pa & PAGE_MASK;
    if (offset <= PAGE_SIZE - 4) {
      const frame = pa >>> PAGE_SHIFT;
      if (frame >= this.frameCount) return 0xffffffff;
      if ((offset & 3) === 0 && LITTLE_ENDIAN) return this.words[frame][offset >>> 2] >>> 0;
      const bytes = this.frames[frame];
      return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
    }
    return (this.read16(pa) | (this.read16((pa + 2) >>> 0) << 16)) >>> 0;
  }

  write8(pa: number, value: number): void {
    const frame = pa >>> PAGE_SHIFT;
    if (frame >= this.frameCount) return;
    const bytes = this.frameEpoch[frame] === this.epoch ? this.frames[frame] : this.makePrivate(frame);
    bytes[pa & PAGE_MASK] = value;
  }

  write16(pa: number, value: number): void {
    const offset = pa & PAGE_MASK;
    const frame = pa >>> PAGE_SHIFT;
    if (offset <= PAGE_SIZE - 2 && frame < this.frameCount) {
      const bytes = this.frameEpoch[frame] === this.epoch ? this.frames[frame] : this.makePrivate(frame);
      bytes[offset] = value;
      bytes[offset + 1] = value >>> 8;
      return;
    }
    this.write8(pa, value);
    this.write8((pa + 1) >>> 0, value >>> 8);
  }

  write32(pa: number, value: number): void {
    const offset = pa & PAGE_MASK;
    const frame = pa >>> PAGE_SHIFT;
    if (offset <= PAGE_SIZE - 4 && frame < this.frameCount) {
      const bytes = this.frameEpoch[frame] === this.epoch ? this.frames[frame] : this.makePrivate(frame);
      if ((offset & 3) === 0 && LITTLE_ENDIAN) {
        this.words[frame][offset >>> 2] = value;
        return;
      }
      bytes[offset] = value;
      bytes[offset + 1] = value >>> 8;
      bytes[offset + 2] = value >>> 16;
      bytes[offset + 3] = value >>> 24;
      return;
    }
    this.write16(pa, value);
    this.write16((pa + 2) >>> 0, value >>> 16);
  }

  /**
   * The 32-bit little-endian word view of RAM frame `frame` (< frameCount) for reading, valid until
   * onFramesChanged; null on a big-endian host.
   */
  frameWords(frame: number): Int32Array | null {
    return LITTLE_ENDIAN ? this.words[frame] : null;
  }

  /** frameWords(frame) when stores may go straight into it (the frame is not shared with a snapshot), else null. */
  writableFrameWords(frame: number): Int32Array | null {
    return LITTLE_ENDIAN && this.frameEpoch[frame] === this.epoch ? this.words[frame] : null;
  }

  /** Copies `data` to RAM at `pa` (the part beyond RAM is dropped). */
  writeBytes(pa: number, data: Uint8Array): void {
    let done = 0;
    while (done < data.length) {
      const at = pa + done;
      const frame = at >>> PAGE_SHIFT;
      if (at >= this.sizeBytes || frame >= this.frameCount) return;
      const offset = at & PAGE_MASK;
      const chunk = Math.min(PAGE_SIZE - offset, data.length - done);
      const bytes = this.frameEpoch[frame] === this.epoch ? this.frames[frame] : this.makePrivate(frame);
      bytes.set(data.subarray(done, done + chunk), offset);
      done += chunk;
    }
  }

  /** Copies `length` bytes from `pa` into a new array (bytes beyond RAM read as 0xFF). */
  readBytes(pa: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.read8((pa + i) >>> 0);
    return out;
  }

  /** Sets `length` bytes at `pa` to `value` (the part beyond RAM is dropped). */
  fill(pa: number, length: number, value = 0): void {
    let done = 0;
    while (done < length) {
      const at = pa + done;
      const frame = at >>> PAGE_SHIFT;
      if (at >= this.sizeBytes || frame >= this.frameCount) return;
      const offset = at & PAGE_MASK;
      const chunk = Math.min(PAGE_SIZE - offset, length - done);
      const bytes = this.frameEpoch[frame] === this.epoch ? this.frames[frame] : this.makePrivate(frame);
      bytes.fill(value, offset, offset + chunk);
      done += chunk;
    }
  }

  /** Frames written since the last snapshot or restore (the cost of the next snapshot). */
  get dirtyFrameCount(): number {
    return this.dirtyCount;
  }

  /**
   * Freezes the current contents. Cost and size are proportional to the frames written since the
   * previous snapshot or restore: those frames move into the snapshot and become shared.
   */
  snapshot(): MemorySnapshot {
    const indices = this.dirtyFrames.slice(0, this.dirtyCount);
    const pages = new Array<Uint8Array>(this.dirtyCount);
    for (let i = 0; i < this.dirtyCount; i++) pages[i] = this.frames[indices[i]];
    const snap = new MemorySnapshot(this, this.base, indices, pages);
    this.base = snap;
    this.dirtyCount = 0;
    this.epoch++;
    if (this.onFramesChanged !== null) this.onFramesChanged();
    return snap;
  }

  /**
   * Makes RAM equal to `snap` again. Only frames that can differ are touched: those written since
   * the current base plus those in the deltas between the base and `snap` in the snapshot tree.
   */
  restore(snap: MemorySnapshot): void {
    if (snap.owner !== this) throw new Error('snapshot belongs to another PhysicalMemory');
    const candidates = new Set<number>();
    for (let i = 0; i < this.dirtyCount; i++) candidates.add(this.dirtyFrames[i]);
    // Walk both chains up to their common ancestor; every delta on the way is a candidate.
    let a = this.base;
    let b: MemorySnapshot | null = snap;
    while (a !== b) {
      if (a !== null && (b === null || a.depth >= b.depth)) {
        for (const f of a.frameIndices) candidates.add(f);
        a = a.parent;
      } else if (b !== null) {
        for (const f of b.frameIndices) candidates.add(f);
        b = b.parent;
      }
    }
    for (const f of candidates) {
      const bytes = resolveFrame(snap, f) ?? ZERO_FRAME;
      this.frames[f] = bytes;
      this.words[f] = bytes === ZERO_FRAME ? ZERO_WORDS : wordsOf(bytes);
    }
    this.base = snap;
    this.dirtyCount = 0;
    this.epoch++;
    if (this.onFramesChanged !== null) this.onFramesChanged();
  }

  private makePrivate(frame: number): Uint8Array {
    const copy = this.frames[frame] === ZERO_FRAME ? new Uint8Array(PAGE_SIZE) : this.frames[frame].slice();
    this.frames[frame] = copy;
    this.words[frame] = wordsOf(copy);
    this.frameEpoch[frame] = this.epoch;
    if (this.dirtyCount === this.dirtyFrames.length) {
      const grown = new Uint32Array(this.dirtyFrames.length * 2);
      grown.set(this.dirtyFrames);
      this.dirtyFrames = grown;
    }
    this.dirtyFrames[this.dirtyCount++] = frame;
    if (this.onFramesChanged !== null) this.onFramesChanged();
    return copy;
  }
}
