// Copy-on-write memory snapshots: each one holds only the frames written since its parent, so
// snapshots form a tree of deltas over all-zero RAM; every KEYFRAME_INTERVAL-th level also keeps a
// full frame table so that resolving a frame never walks more than that many deltas.

import type { PhysicalMemory } from './physical-memory';

/** Depth interval at which a snapshot stores a complete frame table (bounds restore cost). */
export const KEYFRAME_INTERVAL = 64;

export class MemorySnapshot {
  readonly depth: number;
  /** Frames this snapshot changed relative to its parent, and their (now immutable) contents. */
  readonly frameIndices: Uint32Array;
  private readonly delta: Map<number, Uint8Array>;
  /** Full frame table (undefined = zero frame) on keyframe levels only. */
  private readonly keyframe: (Uint8Array | undefined)[] | null;

  constructor(
    readonly owner: PhysicalMemory,
    readonly parent: MemorySnapshot | null,
    frameIndices: Uint32Array,
    pages: Uint8Array[],
  ) {
    this.depth = parent === null ? 1 : parent.depth + 1;
    this.frameIndices = frameIndices;
    this.delta = new Map();
    for (let i = 0; i < frameIndices.length; i++) this.delta.set(frameIndices[i], pages[i]);
    this.keyframe = this.depth % KEYFRAME_INTERVAL === 0 ? this.buildKeyframe() : null;
  }

  /** Bytes this snapshot holds on its own (frame contents plus bookkeeping), not shared ones. */
  get sizeBytes(): number {
    return this.delta.size * (4096 + 8) + (this.keyframe ? this.keyframe.length * 8 : 0);
  }

  /** Frames changed relative to the parent snapshot. */
  get changedFrameCount(): number {
    return this.delta.size;
  }

  /** The contents of `frame` as frozen in this snapshot or the nearest ancestor that has it. */
  ownFrame(frame: number): Uint8Array | undefined | null {
    const page = this.delta.get(frame);
    if (page !== undefined) return page;
    if (this.keyframe !== null) return this.keyframe[frame];
    return null;
  }

  private buildKeyframe(): (Uint8Array | undefined)[] {
    const table = new Array<Uint8Array | undefined>(this.owner.frameCount);
    // Collect deltas up to the previous keyframe, then apply them oldest first.
    const chain: MemorySnapshot[] = [this];
    let s = this.parent;
    while (s !== null && s.keyframe === null) {
      chain.push(s);
      s = s.parent;
    }
    if (s !== null && s.keyframe !== null) {
      for (let f = 0; f < table.length; f++) table[f] = s.keyframe[f];
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      for (const [f, page] of chain[i].delta) table[f] = page;
    }
    return table;
  }
}

/** The frozen contents of `frame` at `snap`, or undefined when it was never written (zero). */
export function resolveFrame(snap: MemorySnapshot, frame: number): Uint8Array | undefined {
  let s: MemorySnapshot | null = snap;
  while (s !== null) {
    const found = s.ownFrame(frame);
    if (found !== null) return found;
    s = s.parent;
  }
  return undefined;
}
